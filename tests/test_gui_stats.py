"""The 统计与简报 page on a real SQLite database with real widgets (offscreen), dialogs recorded:
the dashboard's figures equal ``desk.stats.compute``, a bad period is named beside the field,
the Excel export reads back, and the wizard writes a .docx (masking what the secretary typed)."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from desk import clock, stats
from desk.facade import Desk
from desk.periods import Period
from desk.services.businesses import BusinessInput
from desk.services.complaints import ActionInput, ComplaintInput
from tests.qt_helpers import RecordingDialogs
from ui.stats import dashboard as dash_mod
from ui.stats import wizard as wiz_mod
from ui.stats.dashboard import Dashboard, last_quarter, months_of
from ui.stats.wizard import BriefingPanel, read_progress
from ui.worker import Worker

pytestmark = pytest.mark.gui

PHONE = "13955501234"
CONSUMER = "李秀英"


@pytest.fixture(autouse=True)
def _isolated_qsettings(tmp_path: Path) -> None:
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))


@pytest.fixture
def worker(qtbot) -> Iterator[Worker]:  # type: ignore[no-untyped-def]
    w = Worker()
    yield w
    w.shutdown()


@pytest.fixture
def dialogs() -> RecordingDialogs:
    return RecordingDialogs()


def settle(qtbot, worker: Worker) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        qtbot.waitUntil(lambda: not worker.busy, timeout=20_000)
        qtbot.wait(20)


@pytest.fixture
def period() -> Period:
    return last_quarter(clock.today())


@pytest.fixture
def data_desk(sqlite_desk: Desk, period: Period) -> Desk:
    """Four complaints received in the last finished quarter: three accepted (one resolved by
    mediation), one only registered and so not counted, so the figures are small but not trivial."""
    d = sqlite_desk
    b = d.businesses.create(BusinessInput(name="太和县万家福超市有限公司"))
    base = dt.datetime.combine(period.start, dt.time(9, 0))
    phones = [PHONE, "13811112222", "13833334444", "13855556666"]
    for i, phone in enumerate(phones):
        v = d.complaints.register(ComplaintInput(
            consumer_name=CONSUMER if i == 0 else f"消费者{i}", consumer_phone=phone, channel_code="C01",
            category_code="G0101" if i % 2 == 0 else "S0101", nature_code="N03", business_id=b.id,
            facts="冰箱买回一个月不制冷，商家拒绝维修。", amount="1999", received_at=base + dt.timedelta(days=i * 10)))
        on = (base + dt.timedelta(days=i * 10 + 1)).date()
        if i == 3:
            continue  # registered, never accepted: not counted
        v = d.complaints.act(v.id, "accept", v.version, ActionInput(on=on))
        if i == 0:
            v = d.complaints.act(v.id, "start_mediation", v.version, ActionInput(on=on))
            d.complaints.act(v.id, "mediation_success", v.version, ActionInput(on=on + dt.timedelta(days=2)))
    return d


def make_dashboard(qtbot, desk: Desk, dialogs: RecordingDialogs, worker: Worker, period: Period) -> Dashboard:  # type: ignore[no-untyped-def]
    page = Dashboard(desk, dialogs, worker)
    qtbot.addWidget(page)
    page.picker.set_period(period)
    page.resize(1200, 800)
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.show()
    settle(qtbot, worker)
    return page


def cards_text(page: Dashboard, key: str) -> str:
    return page.cards.cards[key].value.text()


def test_dashboard_shows_the_computed_figures(qtbot, data_desk: Desk, dialogs: RecordingDialogs,  # type: ignore[no-untyped-def]
                                              worker: Worker, period: Period) -> None:
    page = make_dashboard(qtbot, data_desk, dialogs, worker, period)
    expected = stats.compute(data_desk, period)
    h = expected.headline
    assert h.accepted.value == 3  # the one only registered is not counted
    assert h.resolved.value == 1 and cards_text(page, "resolution_rate") == "33.33%"
    cards = page.cards.cards
    assert cards["accepted"].value.text() == "3"
    assert cards["resolved"].value.text() == str(h.resolved.value)
    assert cards["resolution_rate"].value.text() == h.resolution_rate.value_text
    assert cards["recovered_wan"].value.text() == h.recovered_wan.value_text
    assert cards["punitive"].value.text() == f"{h.punitive_count.value_text} / {h.punitive_wan.value_text}"
    assert cards["consultations"].value.text() == h.consultations.value_text
    # Nothing a year ago: 同比 is a dash, never a division error.
    assert h.accepted.last_year == 0 and cards["accepted"].yoy.text() == "同比 —"
    # Every table is a tab, the first one carrying the same figures.
    titles = [t for t, _h, _r in stats.tables(expected)]
    assert list(page.tables) == titles
    main = page.tables["主要数据"]
    assert main.item(0, 0).text() == h.accepted.label and main.item(0, 2).text() == "3"
    assert {"trend", "natures", "goods", "services", "resolution"} <= set(page.canvases)
    assert page.export_button.isEnabled() and not dialogs.shown
    # The cohort rate beside the flow rate, from the same statistics.
    assert cards["cohort_rate"].value.text() == h.cohort_rate.value_text

    # One office: the picker passes it on.
    office = data_desk.offices.list()[0]
    page.picker.set_offices(data_desk.offices.list())
    page.picker.office.setCurrentIndex(page.picker.office.findData(office.id))
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.refresh()
    assert page.stats is not None and page.stats.office_id == office.id
    assert cards["accepted"].value.text() == stats.compute(data_desk, period, office.id).headline.accepted.value_text


def test_dashboard_says_when_no_chinese_font_exists(qtbot, data_desk: Desk, dialogs: RecordingDialogs,  # type: ignore[no-untyped-def]
                                                   worker: Worker, period: Period, monkeypatch) -> None:
    from desk.fonts import MISSING_MESSAGE, NoCJKFont

    def no_font(*_a: Any, **_k: Any) -> Any:
        raise NoCJKFont()

    monkeypatch.setattr(dash_mod, "build_figures", no_font)
    monkeypatch.setattr(dash_mod, "resolution_figure", no_font)
    page = make_dashboard(qtbot, data_desk, dialogs, worker, period)
    # The figures and tables still show; the chart area says what to install instead of boxes.
    assert cards_text(page, "accepted") == "3" and page.tables
    assert not page.chart_message.isHidden() and page.chart_message.text() == MISSING_MESSAGE
    assert not page.canvases and not dialogs.shown


def test_bad_period_is_named_beside_the_field(qtbot, sqlite_desk: Desk, dialogs: RecordingDialogs,  # type: ignore[no-untyped-def]
                                              worker: Worker, period: Period) -> None:
    page = make_dashboard(qtbot, sqlite_desk, dialogs, worker, period)
    shown = page.stats
    page.picker.text.setText("2026Q5")
    page.refresh()
    assert page.picker.error.isVisible() and "季度" in page.picker.error.text()
    assert not worker.busy and page.stats is shown and not dialogs.shown
    page.picker.text.setText("2026-09-30..2026-07-01")
    page.refresh()
    assert "早于" in page.picker.error.text()
    # A quick button replaces the text and clears the message.
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.picker.quick["本年"].click()
    assert not page.picker.error.isVisible() and page.picker.text.text() == str(clock.today().year)


def test_export_writes_xlsx(qtbot, data_desk: Desk, dialogs: RecordingDialogs, worker: Worker,  # type: ignore[no-untyped-def]
                            period: Period, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    page = make_dashboard(qtbot, data_desk, dialogs, worker, period)
    dialogs.file_answers.append(str(tmp_path / "统计"))  # no suffix: .xlsx is added
    page.export_button.click()
    settle(qtbot, worker)
    out = tmp_path / "统计.xlsx"
    assert out.exists(), dialogs.shown
    assert dialogs.shown[-1][0] == "info" and str(out) in dialogs.shown[-1][2]
    wb = load_workbook(out)
    assert wb.sheetnames == [t[:31] for t, _h, _r in stats.tables(page.stats)]  # type: ignore[arg-type]
    ws = wb["主要数据"]
    assert ws.cell(3, 1).value == page.stats.headline.accepted.label  # type: ignore[union-attr]
    assert ws.cell(3, 3).value == 3

    # An unwritable target: a Chinese message, no traceback, the button usable again.
    (tmp_path / "dir.xlsx").mkdir()
    dialogs.file_answers.append(str(tmp_path / "dir.xlsx"))
    page.export_button.click()
    settle(qtbot, worker)
    assert dialogs.shown[-1][0] == "error" and "无法写入" in dialogs.shown[-1][2]
    assert page.export_button.isEnabled()


def test_months_of_and_progress_reading() -> None:
    q = Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30), "2026年第三季度", "quarter")
    assert [m.start.month for m in months_of(q, dt.date(2026, 11, 30))] == [7, 8, 9]
    assert [m.start.month for m in months_of(q, dt.date(2026, 8, 15))] == [7, 8]  # not past today
    custom = Period(dt.date(2026, 7, 15), dt.date(2026, 8, 10), "x", "custom")
    parts = months_of(custom, dt.date(2026, 11, 30))
    assert [(p.start, p.end) for p in parts] == [(dt.date(2026, 7, 15), dt.date(2026, 7, 31)), (dt.date(2026, 8, 1), dt.date(2026, 8, 10))]
    assert read_progress((40, "写入表格"), {}) == (40, "写入表格")
    assert read_progress((3, 4), {}) == (75, "")
    assert read_progress((0.5,), {}) == (50, "")


def _briefing() -> Any:
    """desk.briefing, which another change provides: under CI its absence is a failure."""
    import desk.briefing as mod

    return mod


def make_panel(qtbot, desk: Desk, dialogs: RecordingDialogs, worker: Worker, period: Period) -> BriefingPanel:  # type: ignore[no-untyped-def]
    panel = BriefingPanel(desk, dialogs, worker)
    qtbot.addWidget(panel)
    panel.picker.set_period(period)
    panel.resize(1200, 800)
    with qtbot.waitSignal(panel.figures_loaded, timeout=20_000):
        panel.show()
    settle(qtbot, worker)
    return panel


def test_wizard_generates_docx(qtbot, data_desk: Desk, dialogs: RecordingDialogs, worker: Worker,  # type: ignore[no-untyped-def]
                               period: Period, tmp_path: Path) -> None:
    mod = _briefing()
    import docx

    panel = make_panel(qtbot, data_desk, dialogs, worker, period)
    assert panel.stats is not None and panel.cards.cards["accepted"].value.text() == "3"
    panel.next_step()
    settle(qtbot, worker)
    assert panel.stack.currentIndex() == 1
    assert panel.issue_no.value() == mod.next_issue_number(data_desk, period.end.year)
    sections = {
        "work_news": "开展“3·15”宣传活动两场。",
        "typical_cases": f"消费者{CONSUMER}（电话{PHONE}）购买冰箱不制冷，经调解商家退货。",
        "next_steps": "继续做好投诉处理工作。",
    }
    for key, text in sections.items():
        panel.sections[key].setPlainText(text)
    panel.next_step()
    assert panel.stack.currentIndex() == 2 and period.label in panel.summary.text()

    # A failure first: the message is Chinese and every typed section stays.
    (tmp_path / "busy.docx").mkdir()
    panel.generate(tmp_path / "busy.docx")
    settle(qtbot, worker)
    assert panel.error.isVisible() and "简报没有生成" in panel.error.text()
    assert panel.section_texts() == sections and panel.generate_button.isEnabled()

    values: list[int] = []
    panel.progress.valueChanged.connect(values.append)
    dialogs.file_answers.append(str(tmp_path / "简报"))
    with qtbot.waitSignal(panel.generated, timeout=30_000):
        panel.generate_button.click()
    out = tmp_path / "简报.docx"
    assert panel.output == out and out.exists()
    assert panel.progress.value() == 100 and len(set(values)) > 2  # fed by the progress callback
    assert not panel.open_button.isHidden() and not panel.folder_button.isHidden()
    assert not panel.error.isVisible()
    doc = docx.Document(str(out))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "开展“3·15”宣传活动两场" in text
    with zipfile.ZipFile(out) as z:
        xml = "".join(z.read(n).decode("utf-8", "ignore") for n in z.namelist() if n.endswith(".xml"))
    assert PHONE not in xml and CONSUMER not in xml
    # The number is remembered: the next briefing of the year gets the next one.
    assert mod.next_issue_number(data_desk, period.end.year) == panel.issue_no.value() + 1


def test_wizard_lists_suspected_personal_data_to_mask_or_keep(qtbot, data_desk: Desk, dialogs: RecordingDialogs,  # type: ignore[no-untyped-def]
                                                              worker: Worker, period: Period, tmp_path: Path) -> None:
    from PySide6.QtCore import Qt

    panel = make_panel(qtbot, data_desk, dialogs, worker, period)
    panel.next_step()
    settle(qtbot, worker)
    panel.sections["work_news"].setPlainText("张三反映商家拒不退款。李四称已收到退款。")
    panel.next_step()
    settle(qtbot, worker)
    # 报/送/发 are not set: said before anything is written.
    assert panel.end_warning.isVisible() and "报" in panel.end_warning.text()
    assert panel.findings.isVisible() and panel.findings.rowCount() == 2
    contexts = [panel.findings.item(r, 2).text() for r in range(2)]
    assert any("【张三】反映" in c for c in contexts) and any("【李四】称" in c for c in contexts)
    assert all(panel.findings.item(r, 0).checkState() == Qt.CheckState.Checked for r in range(2))  # mask by default
    row = next(r for r in range(2) if "张三" in contexts[r])
    panel.findings.item(row, 0).setCheckState(Qt.CheckState.Unchecked)  # the secretary keeps 张三
    assert panel.kept() == {"张三"}
    dialogs.file_answers.append(str(tmp_path / "k.docx"))
    with qtbot.waitSignal(panel.generated, timeout=30_000):
        panel.generate_button.click()
    with zipfile.ZipFile(tmp_path / "k.docx") as z:
        xml = "".join(z.read(n).decode("utf-8", "ignore") for n in z.namelist() if n.endswith(".xml"))
    assert "张三反映" in xml and "李四" not in xml and "李某称" in xml


def test_wizard_says_when_the_generator_is_missing(qtbot, sqlite_desk: Desk, dialogs: RecordingDialogs,  # type: ignore[no-untyped-def]
                                                   worker: Worker, period: Period, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wiz_mod, "briefing_module", lambda: None)
    panel = make_panel(qtbot, sqlite_desk, dialogs, worker, period)
    assert not panel.missing.isHidden() and "简报生成模块尚未安装" in panel.missing.text()
    panel.go(2)
    panel.choose_and_generate()
    assert "简报生成模块尚未安装" in panel.error.text() and not dialogs.texts("save_file")
    assert dash_mod.ALL_OFFICES == panel.picker.office.itemText(0)
