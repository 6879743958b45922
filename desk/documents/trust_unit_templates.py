"""Builds the trust-unit Word templates in ``resources/templates`` with the helpers of
desk.documents.template_builder (same page, fonts and styles: GB/T 9704, domain.md §6).

Run ``python -m desk.documents.trust_unit_templates [folder]`` after changing this file and
commit the regenerated templates (tests/test_trust_documents.py checks they match).

- ``revisit_report.docx``: 诚信单位回访检查记录, one revisit: the unit, the inspectors, the
  checklist with each item's result, the findings, the conclusion, the rectification demanded
  and its follow-up, signature lines and the office's seal. Photos are placed by the renderer
  at the ``{{ photo_anchor }}`` paragraph (docxtpl cannot add pictures through a shared
  renderer).
- ``revisit_summary.docx``: the year's revisit summary: the figures in prose, problems by
  checklist item, the units visited, those not visited."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from desk.documents.template_builder import Builder

PHOTO_ANCHOR = "［现场照片］"


def build_revisit_report(path: Path) -> Path:
    b = Builder("诚信单位回访检查记录")
    b.p("{{ office_name }}", "DocTitle")
    b.p("{{ kind_name }}回访检查记录", "DocTitle")
    b.p("回访日期：{{ visit_date }}", "DocNumber")
    b.table(
        [36, 120],
        [
            ["被检查单位", "{{ business_name }}"],
            ["统一社会信用代码", "{{ credit_code }}"],
            ["地址", "{{ business_address }}"],
            ["负责人及电话", "{{ business_contact }}"],
            ["称号及证书", "{{ award_text }}"],
            ["检查人员", "{{ inspectors }}"],
        ],
        header=False,
        styles=["TableHead", "TableText"],
        min_height_mm=8,
    )
    b.p("一、检查项目", "Heading1CN")
    b.table(
        [12, 62, 18, 64],
        [
            ["序号", "检查项目", "结果", "情况说明"],
            ["{%tr for c in checks %}", "", "", ""],
            ["{{ c.no }}", "{{ c.name }}", "{{ c.result }}", "{{ c.note }}"],
            ["{%tr endfor %}", "", "", ""],
        ],
    )
    b.p("二、检查情况", "Heading1CN")
    b.tag("{%p for para in findings %}")
    b.p("{{ para }}")
    b.tag("{%p else %}")
    b.p("{{ findings_default }}")
    b.tag("{%p endfor %}")
    b.p("三、检查结论", "Heading1CN")
    b.p("{{ conclusion_text }}")
    b.tag("{%p if rectify %}")
    b.p("整改要求：", keep_next=True)
    b.tag("{%p for para in demand %}")
    b.p("{{ para }}")
    b.tag("{%p endfor %}")
    b.p("整改期限：{{ deadline }}。请被检查单位按期整改，并将整改情况书面报告本会。")
    b.tag("{%p endif %}")
    b.tag("{%p if follow_up %}")
    b.p("四、整改复查", "Heading1CN")
    b.p("{{ follow_up_date }}复查，{{ follow_up_result }}。")
    b.tag("{%p for para in follow_up_note %}")
    b.p("{{ para }}")
    b.tag("{%p endfor %}")
    b.tag("{%p endif %}")
    b.p(keep_next=True)
    b.p("检查人员（签名）：　　　　　　　　　　", "Salutation", keep_next=True)
    b.p(keep_next=True)
    b.p("被检查单位负责人（签名）：　　　　　　　", "Salutation", keep_next=True)
    b.p(keep_next=True)
    b.p("{{ office_name }}（盖章）", "Signature")
    b.p("{{ issued_on }}", "Signature")
    b.tag("{%p if photos %}")
    b.p("附：现场照片（{{ photo_count }}张）", "Heading1CN", page_break_before=True)
    b.p("{{ photo_anchor }}")
    b.tag("{%p endif %}")
    return b.save(path)


def build_revisit_summary(path: Path) -> Path:
    b = Builder("诚信单位回访检查情况")
    b.p("{{ office_name }}", "DocTitle")
    b.p("{{ year }}年度{{ kind_label }}回访检查情况", "DocTitle")
    b.p()
    b.tag("{%p for para in intro %}")
    b.p("{{ para }}")
    b.tag("{%p endfor %}")
    b.p("一、检查发现的问题", "Heading1CN")
    b.tag("{%p if items %}")
    b.table(
        [12, 62, 30, 24, 28],
        [
            ["序号", "检查项目", "检查（家次）", "不合格", "不合格率"],
            ["{%tr for i in items %}", "", "", "", ""],
            ["{{ i.no }}", "{{ i.name }}", "{{ i.checked }}", "{{ i.failed }}", "{{ i.share }}"],
            ["{%tr endfor %}", "", "", "", ""],
        ],
    )
    b.tag("{%p else %}")
    b.p("本年度没有回访检查记录。")
    b.tag("{%p endif %}")
    b.p("二、回访检查单位一览", "Heading1CN")
    b.tag("{%p if rows %}")
    b.table(
        [12, 45, 24, 20, 33, 22],
        [
            ["序号", "单位名称", "回访日期", "首次结论", "发现的问题", "整改情况"],
            ["{%tr for r in rows %}", "", "", "", "", ""],
            ["{{ r.no }}", "{{ r.name }}", "{{ r.dates }}", "{{ r.conclusion }}", "{{ r.problems }}", "{{ r.rectification }}"],
            ["{%tr endfor %}", "", "", "", "", ""],
        ],
    )
    b.tag("{%p else %}")
    b.p("本年度没有回访检查记录。")
    b.tag("{%p endif %}")
    b.tag("{%p if not_visited %}")
    b.p("三、本年度未回访的单位", "Heading1CN")
    b.p("{{ not_visited }}")
    b.tag("{%p endif %}")
    b.p(keep_next=True)
    b.p("{{ office_name }}", "Signature")
    b.p("{{ issued_on }}", "Signature")
    return b.save(path)


TEMPLATES: dict[str, Callable[[Path], Path]] = {
    "revisit_report.docx": build_revisit_report,
    "revisit_summary.docx": build_revisit_summary,
}


def build_all(out_dir: str | Path | None = None) -> list[Path]:
    """Write the trust-unit templates into ``out_dir`` (default: the shipped templates folder)."""
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
