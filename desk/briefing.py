"""The quarterly 简报 (briefing) as a Word document (domain.md §6), written from the statistics.

``generate`` computes ``desk.stats.compute`` for the period and office, draws the four charts,
writes the paragraphs from the figures (同比 as '去年同期无数据' when last year had none), the
share tables, the secretary's sections, the masthead and the end block from the settings, with
personal data kept out (``desk.personal``: every name and address the database knows masked,
then the whole document scanned and each finding masked unless the secretary kept it), and renders ``resources/templates/briefing.docx``. The issue number
(第X期) is counted per year in the setting ``briefing.issue.<year>``, written in the same
transaction as the export's audit row."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import tempfile
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desk import clock, mediation_stats, personal
from desk.audit import log_access
from desk.documents.render import cn_date, cn_ordinal, paragraphs
from desk.errors import DeskError
from desk.models import Setting
from desk.periods import Period
from desk.roles import Perm
from desk.stats import (
    DASH,
    ShareRow,
    Statistics,
    change_pct,
    compute,
    fmt_days,
    fmt_pct,
    rate_note,
    total_row,
)
from desk.stats import Figure as StatFigure

if TYPE_CHECKING:
    from desk.facade import Desk

TEMPLATE = "briefing.docx"
CHART_WIDTH_MM = 150
_PERIOD_WORD = {"year": "本年度", "half": "本半年", "quarter": "本季度", "month": "本月", "custom": "本期"}



@dataclass(frozen=True)
class BriefingSections:
    work_news: str = ""  # 工作动态 (paragraphs separated by blank lines)
    typical_cases: str = ""  # 典型案例
    next_steps: str = ""  # 下步工作


def _issue_key(year: int) -> str:
    return f"briefing.issue.{year}"


def next_issue_number(desk: Desk, year: int) -> int:
    """The number the next briefing of ``year`` gets (第X期): one more than the last issued."""
    desk.require_login()
    with desk.read() as s:
        row = s.get(Setting, _issue_key(year))
        return (int(json.loads(row.value)) if row else 0) + 1


def mask_personal(text: str, names: Iterable[str] = ()) -> str:
    """``text`` with ID numbers, phone numbers and each of ``names`` masked (张三 → 张某,
    13812345678 → 138****5678, 3412**********123X). Names of one character are left alone:
    masking every 张 in a text would garble it."""
    return personal.mask_names(personal.mask_numbers(text or ""), {n.strip() for n in names if n})


_SETTING_TEXTS = ("briefing.name", "briefing.issuer", "briefing.report_to", "briefing.send_to", "briefing.issue_to")
_SECTION_NAMES = (("work_news", "工作动态"), ("typical_cases", "典型案例"), ("next_steps", "下步工作"))


def _masked_inputs(sections: BriefingSections, settings: dict[str, Any], known: personal.Known
                   ) -> tuple[BriefingSections, dict[str, Any]]:
    """The secretary's texts and the settings' texts with everything known masked (step 1)."""
    masked = BriefingSections(**{k: personal.mask_known(getattr(sections, k), known) for k, _n in _SECTION_NAMES})
    out = dict(settings)
    for key in _SETTING_TEXTS:
        if isinstance(out.get(key), str):
            out[key] = personal.mask_known(out[key], known)
    return masked, out


def review(desk: Desk, sections: BriefingSections) -> list[personal.Finding]:
    """What still looks personal in the secretary's sections and the briefing settings after
    the automatic masking: the wizard shows each finding, to mask (default) or keep."""
    desk.require(Perm.MAKE_BRIEFING)
    known = personal.known_personal(desk)
    settings = dict(desk.settings.snapshot("briefing.").values)
    masked, texts = _masked_inputs(sections, settings, known)
    out: list[personal.Finding] = []
    for key, name in _SECTION_NAMES:
        out.extend(personal.scan(getattr(masked, key), name))
    for key in _SETTING_TEXTS:
        if isinstance(texts.get(key), str):
            out.extend(personal.scan(texts[key], "报头和版记"))
    return out


def _walk(value: Any, fn: Callable[[str], str]) -> Any:
    """``value`` (the template context) with ``fn`` applied to every string in it."""
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, dict):
        return {k: _walk(v, fn) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, fn) for v in value]
    return value


def _strings(value: Any) -> list[str]:
    out: list[str] = []
    _walk(value, lambda t: out.append(t) or t)  # type: ignore[func-returns-value]
    return out


def protect_context(ctx: dict[str, Any], keep: Collection[str] = ()) -> tuple[dict[str, Any], list[personal.Finding]]:
    """Scan every string of the whole document (step 2) and mask each finding not in ``keep``."""
    findings = [f for t in _strings(ctx) for f in personal.scan(t)]
    return _walk(ctx, lambda t: personal.apply(t, findings, keep)), findings


# -- the text ------------------------------------------------------------------------------------


def _num(x: Decimal | int | None) -> str:
    return DASH if x is None else str(x)


def yoy_phrase(value: Decimal | int | None, last_year: Decimal | int | None, unit: str) -> str:
    """'同比增长12.50%（去年同期8件）', '同比下降…', '与去年同期持平', or '去年同期无数据'."""
    pct = change_pct(value, last_year)
    if pct is None:
        return "去年同期无数据"
    ly = f"（去年同期{last_year}{unit}）"
    if pct > 0:
        return f"同比增长{pct}%{ly}"
    if pct < 0:
        return f"同比下降{-pct}%{ly}"
    return f"与去年同期持平{ly}"


def rate_phrase(fig: StatFigure) -> str:
    """A rate's 同比 in 个百分点: '同比提高2.10个百分点', '同比降低…', '与去年同期持平', or ''."""
    d = fig.yoy
    if d is None:
        return ""
    if d > 0:
        return f"，同比提高{d}个百分点"
    if d < 0:
        return f"，同比降低{-d}个百分点"
    return "，与去年同期持平"


def _leading(rows: Iterable[ShareRow], n: int = 3) -> list[ShareRow]:
    return sorted((r for r in rows if r.count > 0), key=lambda r: -r.count)[:n]


def summary_paragraphs(stats: Statistics) -> list[str]:
    h = stats.headline
    word = _PERIOD_WORD.get(stats.period.kind, "本期")
    a, r = h.accepted, h.resolved
    first = (f"{word}共受理消费者投诉{a.value}件，{yoy_phrase(a.value, a.last_year, '件')}；"
             f"解决{r.value}件，解决率{fmt_pct(h.resolution_rate.value)}{rate_phrase(h.resolution_rate)}；"
             f"为消费者挽回经济损失{h.recovered_wan.value}万元，{yoy_phrase(h.recovered_wan.value, h.recovered_wan.last_year, '万元')}。")
    second = (f"因经营者欺诈得到加倍赔偿的投诉{h.punitive_count.value}件，加倍赔偿金额{h.punitive_wan.value}万元；"
              f"接待来访和咨询{h.consultations.value}人次，{yoy_phrase(h.consultations.value, h.consultations.last_year, '人次')}。")
    return [first, second]


def hot_issue_paragraph(stats: Statistics) -> str:
    natures = _leading(stats.natures)
    cats = _leading([*stats.goods_categories, *stats.service_categories])
    if not natures and not cats:
        return "本期未受理投诉，暂无投诉热点。"
    parts = []
    if natures:
        parts.append("从投诉性质看，" + "、".join(f"{x.name}问题{x.count}件（占{fmt_pct(x.share)}）" for x in natures)
                     + "位居前列")
    if cats:
        parts.append("从商品和服务类别看，" + "、".join(f"{x.name}{x.count}件（占{fmt_pct(x.share)}）" for x in cats)
                     + "投诉较多")
    return "；".join(parts) + "，是本期消费者投诉的热点。"


def definitions_note(stats: Statistics, *, t01_resolved: bool) -> str:
    """The note on definitions printed under the statistics."""
    t01 = ("、以“投诉人撤回投诉或者双方自行和解”终止调解的投诉" if t01_resolved
           else "；以“投诉人撤回投诉或者双方自行和解”终止调解的，仅在承办人登记为双方自行和解时计入")
    return ("注：受理数按受理日期统计；解决数按解决日期统计，包括调解成功、和解站和解、双方自行和解" + t01
            + "；解决率＝解决数÷受理数，受理当期解决率＝本期受理且于期末前解决的投诉数÷受理数；"
              "占比为各项件数占受理数的比例，四舍五入保留两位小数，合计可能不等于100%；"
              "解决率的同比变化以个百分点表示。")


def share_table_rows(rows: Iterable[ShareRow], whole: int) -> list[list[str]]:
    """A share table as the briefing prints it, with its 合计 (the total's own share)."""
    rows = list(rows)
    body = []
    for x in (*rows, total_row(rows, whole)):
        body.append([x.name, str(x.count), fmt_pct(x.share), str(x.last_year), fmt_pct(x.yoy_pct, signed=True)])
    return body


def headline_table_rows(stats: Statistics) -> list[list[str]]:
    """指标, 本期, 去年同期, 同比 (a rate's 同比 in 个百分点)."""
    def value(f: StatFigure, v: Decimal | int | None) -> str:
        return DASH if v is None else (fmt_pct(Decimal(v)) if f.is_rate else str(v))

    return [[f"{f.label}" + ("" if f.is_rate else f"（{f.unit}）"), value(f, f.value), value(f, f.last_year), f.yoy_text]
            for f in stats.headline.report_figures]


def _trend_inputs(stats: Statistics) -> tuple[list[str], list[int | None], list[int]]:
    return ([m.label for m in stats.monthly], [m.this_year for m in stats.monthly], [m.last_year for m in stats.monthly])


def chart_figures(stats: Statistics) -> dict[str, Any]:
    """The four charts as matplotlib Figures, drawn from the same rounded numbers as the tables
    (``NoCJKFont`` when no Chinese font exists)."""
    from desk import charts

    h = stats.headline
    cats = _leading([*stats.goods_categories, *stats.service_categories], 8)
    labels, this, last = _trend_inputs(stats)
    return {
        "trend": charts.monthly_trend(labels, this, last, f"{stats.period.label}各月投诉受理量（与去年同期比较）"),
        "natures": charts.nature_shares([(x.name, x.count, x.share) for x in stats.natures]),
        "categories": charts.category_bars([(x.name, x.count, x.last_year, fmt_pct(x.yoy_pct, signed=True)) for x in cats],
                                           "主要商品和服务类别投诉（与去年同期比较）"),
        "resolution": charts.resolution_rate([
            ("去年同期", int(h.accepted.last_year or 0), int(h.resolved.last_year or 0), h.resolution_rate.last_year),
            ("上期", int(h.accepted.previous or 0), int(h.resolved.previous or 0), h.resolution_rate.previous),
            ("本期", int(h.accepted.value or 0), int(h.resolved.value or 0), h.resolution_rate.value),
        ]),
    }


def _charts(stats: Statistics) -> dict[str, bytes]:
    from desk import charts

    figs = chart_figures(stats)
    out = {k: charts.png_bytes(f, dpi=200) for k, f in figs.items()}
    for f in figs.values():
        f.clear()
    return out


_H1_RE = re.compile(r"^[一二三四五六七八九十]+、")
_H2_RE = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
_H3_RE = re.compile(r"^\d{1,2}[.．、](?!\d)")
_H4_RE = re.compile(r"^[（(]\d{1,2}[）)]")


def typed_blocks(text: str) -> list[dict[str, str]]:
    """The secretary's text as blocks: a paragraph starting 一、 is a level-1 heading (黑体),
    （一） level 2 (楷体), 1. level 3 and （1） level 4 (仿宋); a heading ending in 。 with text
    after it keeps that text in the body font on the same line."""
    out = []
    for para in paragraphs(text):
        kind = ("h1" if _H1_RE.match(para) else "h2" if _H2_RE.match(para) else "h4" if _H4_RE.match(para)
                else "h3" if _H3_RE.match(para) else "p")
        head, rest = para, ""
        if kind != "p":
            stop = para.find("。")
            if 0 < stop < len(para) - 1:
                head, rest = para[: stop + 1], para[stop + 1:]
        out.append({"kind": kind, "text": head, "rest": rest})
    return out


def _p(text: str) -> dict[str, Any]:
    return {"kind": "p", "text": text, "rest": ""}


def build_context(stats: Statistics, sections: BriefingSections, *, issue_no: int, issued_on: dt.date,
                  settings: dict[str, Any], images: dict[str, Any], t01_resolved: bool = False) -> dict[str, Any]:
    """The template context (images: chart key → InlineImage or text). ``sections`` are used as
    given: mask them first (``desk.personal``)."""
    secs: list[dict[str, Any]] = []
    whole = int(stats.headline.accepted.value or 0)
    tables = iter(range(1, 100))

    def add(heading: str, blocks: list[dict[str, Any]]) -> None:
        secs.append({"heading": f"{cn_ordinal(len(secs) + 1)}、{heading}", "blocks": [b for b in blocks if b]})

    def table(caption: str, first: str, rows: list[list[str]], kind: str = "share") -> dict[str, Any]:
        return {"kind": kind, "caption": f"表{next(tables)}　{caption}", "first": first, "rows": rows}

    def chart(key: str) -> dict[str, Any]:
        return {"kind": "chart", "image": images[key]}

    word = _PERIOD_WORD.get(stats.period.kind, "本期")
    note = rate_note(stats)
    add("投诉受理总体情况", [
        *(_p(x) for x in summary_paragraphs(stats)),
        _p(f"{word}结案{stats.handling.closed}件，办理天数中位数为{fmt_days(stats.handling.median_days)}天。"),
        table("主要数据", "指标", headline_table_rows(stats), "headline"),
        {"kind": "note", "text": note} if note else {},
        chart("resolution"),
        chart("trend"),
    ])
    add("投诉问题性质分析", [
        _p(hot_issue_paragraph(stats)),
        table("投诉问题性质分布", "投诉性质", share_table_rows(stats.natures, whole)),
        chart("natures"),
    ])
    grp = "，".join(f"{r.name}类投诉{r.count}件，占{fmt_pct(r.share)}" for r in stats.groups)
    add("商品和服务投诉情况", [
        _p(f"{grp}。") if stats.groups else {},
        table("商品、服务和其他类投诉", "类别", share_table_rows(stats.groups, whole)),
        table("商品类投诉", "商品大类", share_table_rows(stats.goods_categories, whole)),
        table("服务类投诉", "服务大类", share_table_rows(stats.service_categories, whole)),
        chart("categories"),
        {"kind": "note", "text": definitions_note(stats, t01_resolved=t01_resolved)},
    ])
    for heading, text in (("工作动态", sections.work_news), ("典型案例", sections.typical_cases),
                          ("下步工作", sections.next_steps)):
        if text and text.strip():
            add(heading, typed_blocks(text))

    title_office = "" if stats.office_id is None else stats.office_name
    return {
        "internal": bool(settings.get("briefing.internal", True)),
        "briefing_name": settings.get("briefing.name") or "消费维权工作简报",
        "issue_no": issue_no,
        "issuer": settings.get("briefing.issuer") or "",
        "issued_on": cn_date(issued_on),
        "title": f"{stats.period.label}{title_office}消费者投诉情况分析",
        "sections": secs,
        "report_to": settings.get("briefing.report_to") or "",
        "send_to": settings.get("briefing.send_to") or "",
        "issue_to": settings.get("briefing.issue_to") or "",
        "copies": settings.get("briefing.copies") or 0,
        "accepted": stats.headline.accepted.value,
    }


def end_block_warning(desk: Desk) -> str | None:
    """A Chinese warning when 报/送/发 are not set (the end block would print them empty)."""
    values = desk.settings.snapshot("briefing.").values
    missing = [label for key, label in (("briefing.report_to", "报"), ("briefing.send_to", "送"),
                                         ("briefing.issue_to", "发")) if not str(values.get(key) or "").strip()]
    if not missing:
        return None
    return ("简报版记的“" + "”“".join(missing) + "”单位尚未设置，这些行将不印出。"
            "如需印出，请在“设置 → 单位信息 → 简报”中填写后再生成。")


def generate(desk: Desk, period: Period, out_path: str | Path, *, office_id: int | None = None,
             sections: BriefingSections = BriefingSections(), issue_no: int | None = None,
             issued_on: dt.date | None = None, progress: Callable[[int, str], None] | None = None,
             keep: Collection[str] = ()) -> Path:
    """Write the briefing for ``period`` (and ``office_id``; None = all) to ``out_path``. Known
    personal data is always masked; what merely looks personal (``review``) is masked too unless
    its text is in ``keep`` (the secretary chose to keep it)."""
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage
    from jinja2 import Environment, StrictUndefined, TemplateError

    import resources

    desk.require(Perm.MAKE_BRIEFING)
    step = progress or (lambda _p, _t: None)
    issued_on = issued_on or clock.today()
    year = issued_on.year
    if issue_no is not None and issue_no < 1:
        from desk.errors import ValidationError
        raise ValidationError({"issue_no": "期号应为正整数"}, {"issue_no": "期号"})
    out = Path(out_path)
    if not out.parent.is_dir():
        raise DeskError(f"保存位置“{out.parent}”不存在，请另选文件夹。")

    step(5, "正在统计数据……")
    stats = compute(desk, period, office_id)
    step(35, "正在绘制图表……")
    pngs = _charts(stats)
    step(60, "正在整理文字……")
    settings = dict(desk.settings.snapshot("briefing.").values)
    if not settings.get("briefing.issuer"):
        # No issuer set: the office the briefing is about, or the county office (first top-level).
        tops = [o.name for o in desk.offices.list() if o.parent_id is None]
        settings["briefing.issuer"] = stats.office_name if office_id is not None else (tops[0] if tops else "")
    number = issue_no if issue_no is not None else next_issue_number(desk, year)
    sections, settings = _masked_inputs(sections, settings, personal.known_personal(desk))

    src = resources.template_path(TEMPLATE)
    if not src.is_file():
        raise DeskError(f"找不到文书模板“{TEMPLATE}”，请重新安装程序或恢复默认模板。")
    step(75, "正在生成简报……")
    try:
        tpl = DocxTemplate(str(src))
        images = {k: InlineImage(tpl, io.BytesIO(v), width=Mm(CHART_WIDTH_MM)) for k, v in pngs.items()}
        ctx = build_context(stats, sections, issue_no=number, issued_on=issued_on, settings=settings, images=images,
                            t01_resolved=mediation_stats.count_t01(desk))
        ctx, _findings = protect_context(ctx, keep)
        tpl.render(ctx, jinja_env=Environment(autoescape=True, undefined=StrictUndefined), autoescape=True)
    except TemplateError as exc:
        raise DeskError(f"文书模板“{TEMPLATE}”的格式有误（{exc.message}），请检查模板或恢复默认模板。") from exc
    except (OSError, ValueError, KeyError) as exc:
        raise DeskError(f"文书模板“{TEMPLATE}”已损坏，无法打开，请恢复默认模板。") from exc

    step(90, "正在保存……")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".~cadesk-", suffix=".docx", dir=out.parent)
    except OSError as exc:
        raise DeskError(f"无法在“{out.parent}”保存文件：没有写入权限，请另选文件夹。") from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        tpl.save(str(tmp))
        os.replace(tmp, out)
    except PermissionError as exc:
        raise DeskError(f"无法写入“{out.name}”：文件可能正被 Word 或 WPS 打开，请关闭后重试，或另存为其他文件名。") from exc
    except OSError as exc:
        raise DeskError(f"无法保存“{out.name}”：{exc.strerror or exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)

    # Remember the number and log the export together: a failed save above consumes no number.
    with desk.write() as s:
        key = _issue_key(year)
        row = s.get(Setting, key)
        last = int(json.loads(row.value)) if row else 0
        if row is None:
            s.add(Setting(key=key, value=json.dumps(number)))
        elif number > last:
            row.value = json.dumps(number)
        log_access(s, "export", "briefing", period.code,
                   {"office_id": office_id, "issue": f"{year}-{number}", "file": out.name,
                    "accepted": stats.headline.accepted.value})
    step(100, "简报已生成")
    return out
