"""Builds the mediation templates (调解笔录, 调解书) in ``resources/templates`` with the helpers
of ``desk.documents.template_builder`` (same styles, GB/T 9704 page, fonts, one run per tag).

Run ``python -m desk.documents.mediation_templates [folder]`` after changing this file and
commit the regenerated templates (a test checks they match). Signature lines are underlined
ideographic spaces, so a party signs on the line on paper."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from desk.documents.template_builder import STYLES, Builder, _fonts_of_run

SESSION_RECORD = "mediation_session_record.docx"
AGREEMENT = "mediation_agreement.docx"
SIGN_SPACE = "\u3000" * 8  # the line a party signs on


def _sign_line(b: Builder, label: str, *, tail: str = "", keep_next: bool = True) -> None:
    """'投诉人（签名）：＿＿＿＿　日期：' with the blank as an underlined run."""
    p = b.p(keep_next=keep_next, style="Salutation")
    spec = STYLES["Salutation"]
    b._runs(p, label, "Salutation")
    r = p.add_run(SIGN_SPACE)
    _fonts_of_run(r, spec.east_asia)
    r.underline = True
    if tail:
        b._runs(p, tail, "Salutation")


def _paragraphs(b: Builder, var: str, empty: str) -> None:
    """A loop over a list of paragraphs, or one line saying there is nothing."""
    b.tag(f"{{%p for para in {var} %}}")
    b.p("{{ para }}")
    b.tag("{%p else %}")
    b.p(empty)
    b.tag("{%p endfor %}")


def build_session_record(path: Path) -> Path:
    b = Builder("调解笔录")
    b.p("{{ office_name }}", "DocTitle")
    b.p("调解笔录", "DocTitle")
    b.p("案件编号：{{ case_no }}　{{ session_title }}", "DocNumber")
    b.p("时间：{{ time_text }}", "Salutation")
    b.p("地点：{{ place }}", "Salutation")
    b.p("调解方式：{{ method_label }}", "Salutation")
    b.p("调解员：{{ mediators }}", "Salutation")
    b.p("记录人：{{ recorder }}", "Salutation")
    b.p("投诉人：{{ consumer_line }}", "Salutation")
    b.tag("{%p if consumer_agent %}")
    b.p("投诉人的委托代理人：{{ consumer_agent }}", "Salutation")
    b.tag("{%p endif %}")
    b.p("投诉方到场人员：{{ consumer_attendees }}", "Salutation")
    b.p("被投诉人：{{ business_line }}", "Salutation")
    b.tag("{%p if business_agent %}")
    b.p("被投诉人的委托代理人：{{ business_agent }}", "Salutation")
    b.tag("{%p endif %}")
    b.p("被投诉方到场人员：{{ business_attendees }}", "Salutation")
    b.p("案由：{{ case_subject }}", "Salutation")

    b.p("一、身份核对与权利告知", "Heading1CN")
    b.p("{{ identity_text }}")
    b.p("{{ rights_text }}")
    b.p("{{ recusal_text }}")
    b.tag("{%p for para in recusal_lines %}")
    b.p("{{ para }}")
    b.tag("{%p endfor %}")
    b.p("二、投诉方陈述", "Heading1CN")
    _paragraphs(b, "consumer_statement", "（未记录）")
    b.p("三、被投诉方陈述", "Heading1CN")
    _paragraphs(b, "business_statement", "（未记录）")
    b.p("四、出示的证据", "Heading1CN")
    _paragraphs(b, "evidence", "双方当事人未出示证据。")
    b.p("五、调解结果", "Heading1CN")
    b.p("{{ result_label }}")
    b.tag("{%p for para in result_detail %}")
    b.p("{{ para }}")
    b.tag("{%p endfor %}")
    b.tag("{%p if note %}")
    b.p("备注：{{ note }}")
    b.tag("{%p endif %}")

    b.p("以上笔录已交当事人阅读（或向当事人宣读），确认无误。", keep_next=True)
    b.p(keep_next=True)
    _sign_line(b, "投诉人（签名）：", tail="　日期：")
    b.tag("{%p if consumer_agent %}")
    _sign_line(b, "投诉人的委托代理人（签名）：")
    b.tag("{%p endif %}")
    _sign_line(b, "被投诉人（签名或盖章）：", tail="　日期：")
    b.tag("{%p if business_agent %}")
    _sign_line(b, "被投诉人的委托代理人（签名）：")
    b.tag("{%p endif %}")
    b.tag("{%p for m in mediator_names %}")
    _sign_line(b, "调解员（签名）：", tail="（{{ m }}）")
    b.tag("{%p endfor %}")
    _sign_line(b, "记录人（签名）：", tail="（{{ recorder }}）", keep_next=False)
    return b.save(path)


def build_agreement(path: Path) -> Path:
    b = Builder("调解书")
    b.p("{{ office_name }}", "DocTitle")
    b.p("调解书", "DocTitle")
    b.p("{{ agreement_no }}", "DocNumber")
    b.tag("{%p for party in consumers %}")
    b.p("投诉人：{{ party }}", "Salutation")
    b.tag("{%p endfor %}")
    b.tag("{%p if consumer_agent %}")
    b.p("委托代理人：{{ consumer_agent }}", "Salutation")
    b.tag("{%p endif %}")
    b.p("被投诉人：{{ business_line }}", "Salutation")
    b.tag("{%p if business_representative %}")
    b.p("被投诉方到场人员：{{ business_representative }}", "Salutation")
    b.tag("{%p endif %}")
    b.tag("{%p if business_agent %}")
    b.p("委托代理人：{{ business_agent }}", "Salutation")
    b.tag("{%p endif %}")
    b.p("{{ intro }}")

    # Facts, matters in dispute, responsibility: numbered by the code, as optional ones drop out.
    b.tag("{%p for sec in sections %}")
    b.p("{{ sec.heading }}", "Heading1CN")
    b.tag("{%p for para in sec.paragraphs %}")
    b.p("{{ para }}")
    b.tag("{%p endfor %}")
    b.tag("{%p endfor %}")

    b.p("{{ terms_heading }}", "Heading1CN")
    b.p("经本会主持调解，双方当事人在自愿、平等的基础上达成如下协议：")
    b.tag("{%p for t in terms %}")
    b.p("{{ t }}")
    b.tag("{%p endfor %}")
    b.tag("{%p if amounts_text %}")
    b.p("{{ amounts_text }}")
    b.tag("{%p endif %}")
    b.p("履行方式：{{ performance_method }}")
    b.p("履行地点：{{ performance_place }}")
    b.p("履行期限：{{ performance_due }}")
    b.p("本调解书经双方当事人签名（盖章或按指印）、调解员签名并加盖本会印章后生效，双方当事人应当按照约定自觉履行。")
    b.p("本调解书一式三份，双方当事人各执一份，本会存档一份。", keep_next=True)
    b.p(keep_next=True)
    _sign_line(b, "投诉人（签名或按指印）：")
    b.tag("{%p if consumer_agent %}")
    _sign_line(b, "委托代理人（签名）：")
    b.tag("{%p endif %}")
    _sign_line(b, "被投诉人（签名或盖章）：")
    b.tag("{%p for m in mediator_names %}")
    _sign_line(b, "调解员（签名）：", tail="（{{ m }}）")
    b.tag("{%p endfor %}")
    b.p(keep_next=True)
    b.p("{{ office_name }}（盖章）", "Signature")
    b.p("{{ agreement_date }}", "Signature")
    return b.save(path)


TEMPLATES: dict[str, Callable[[Path], Path]] = {
    SESSION_RECORD: build_session_record,
    AGREEMENT: build_agreement,
}


def build_all(out_dir: str | Path | None = None) -> list[Path]:
    """Write the mediation templates into ``out_dir`` (default: the shipped templates folder)."""
    from desk.documents.template_builder import default_dir

    out = Path(out_dir) if out_dir is not None else default_dir()
    out.mkdir(parents=True, exist_ok=True)
    return [build(out / name) for name, build in TEMPLATES.items()]


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    for p in build_all(args[0] if args else None):
        print(p)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
