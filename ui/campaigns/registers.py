"""The outreach registers as tabs: 宣传教育活动 (with photos), 消费警示与提示, 消费评议 (with
the report file) and 新闻宣传. Each has filters, a list, a form dialog, deletion, an Excel export
and a totals line; every save goes through desk.outreach on the worker."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk.errors import ValidationError
from desk.services.outreach import (
    SURVEY_LABELS,
    WARNING_KINDS,
    ActivityInput,
    ActivityView,
    MediaReportInput,
    MediaReportView,
    ScoreInput,
    SurveyInput,
    SurveyView,
    WarningInput,
    WarningView,
)
from ui.style import set_role

from .common import (
    Column,
    RecordDialog,
    RegisterTab,
    alive,
    count_spin,
    date_edit,
    dtext,
    fill_combo,
    multiline,
    num,
    pydate,
    qdate,
    select,
)

if TYPE_CHECKING:
    from desk.facade import Desk
    from ui.dialogs import Dialogs
    from ui.worker import Worker


class FileList(QWidget):
    """Files attached to a saved record (photos, a report): add, save a copy, remove. Each
    operation is its own unit of work on the worker, done at once."""

    def __init__(self, dialogs: Dialogs, worker: Worker, *, add: Callable[[str], Any] | None, fetch: Callable[[int], tuple[str, bytes]],
                 remove: Callable[[int], Any] | None, filters: str, noun: str = "照片", single: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.single = single  # a new file replaces the old one (a survey's report)
        self.dialogs, self.worker = dialogs, worker
        self._add, self._fetch, self._remove = add, fetch, remove
        self.filters, self.noun = filters, noun
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget()
        self.list.setMaximumHeight(90)
        layout.addWidget(self.list)
        row = QHBoxLayout()
        self.add_button = QPushButton(f"添加{noun}…")
        self.save_button = QPushButton("另存为…")
        self.remove_button = QPushButton("删除")
        self.add_button.clicked.connect(self.add)
        self.save_button.clicked.connect(self.save_copy)
        self.remove_button.clicked.connect(self.remove)
        self.add_button.setVisible(add is not None)
        self.remove_button.setVisible(remove is not None)
        for b in (self.add_button, self.save_button, self.remove_button):
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)

    def set_files(self, files: list[Any]) -> None:
        self.list.clear()
        for f in files:
            item = QListWidgetItem(f"{f.filename}（{f.size / 1024:.0f} KB）")
            item.setData(Qt.ItemDataRole.UserRole, f.id)
            self.list.addItem(item)

    def _selected(self) -> int | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def add(self) -> None:
        path = self.dialogs.open_file(self, f"添加{self.noun}", self.filters)
        if not path or self._add is None:
            return
        add = self._add
        self.worker.run(lambda: add(path), alive(self, lambda f: self._added(f)),
                        alive(self, lambda exc: self.dialogs.show_error(self, exc, f"{self.noun}没有添加")))

    def _added(self, f: Any) -> None:
        if self.single:
            self.list.clear()
        item = QListWidgetItem(f"{f.filename}（{f.size / 1024:.0f} KB）")
        item.setData(Qt.ItemDataRole.UserRole, f.id)
        self.list.addItem(item)

    def save_copy(self) -> None:
        fid = self._selected()
        if fid is None:
            return
        name = self.list.currentItem().text().split("（")[0]
        path = self.dialogs.save_file(self, "另存为", name, "")
        if not path:
            return
        fetch = self._fetch

        def job() -> str:
            _n, data = fetch(fid)
            try:
                Path(path).write_bytes(data)
            except OSError as exc:
                from desk.errors import DeskError

                raise DeskError(f"无法保存到“{path}”：{exc.strerror or exc}") from exc
            return path

        self.worker.run(job, alive(self, lambda p: self.dialogs.info(self, "另存为", f"已保存到：\n{p}")),
                        alive(self, lambda exc: self.dialogs.show_error(self, exc, "没有保存")))

    def remove(self) -> None:
        fid = self._selected()
        if fid is None or self._remove is None:
            return
        if not self.dialogs.confirm(self, f"删除{self.noun}", f"确定删除“{self.list.currentItem().text()}”吗？"):
            return
        remove = self._remove
        row = self.list.currentRow()
        self.worker.run(lambda: remove(fid), alive(self, lambda _r: self.list.takeItem(row)),
                        alive(self, lambda exc: self.dialogs.show_error(self, exc, "没有删除")))


PHOTO_FILTERS = "图片 (*.jpg *.jpeg *.png *.bmp *.gif *.webp *.tif *.tiff *.heic)"


# -- activities ------------------------------------------------------------------------------------------


class ActivityDialog(RecordDialog):
    def __init__(self, tab: ActivitiesTab, view: ActivityView | None) -> None:
        super().__init__(tab, "编辑宣传活动" if view else "新建宣传活动", tab.dialogs, tab.worker, width=620)
        self.desk, self.view = tab.desk, view
        f = self.form
        self.kind = QComboBox()
        fill_combo(self.kind, [(k.name, k.code) for k in tab.vocab if k.active or (view and k.code == view.kind_code)])
        f.add("kind_code", "活动类型", self.kind)
        self.held_date = date_edit()
        f.add("held_date", "活动日期", self.held_date)
        self.title = f.line_edit("title", "活动名称", placeholder="例如 消费教育进社区——预付卡消费提示")
        self.place = f.line_edit("place", "地点")
        self.partners = multiline(2, "每行一个，例如 县市场监督管理局")
        f.add("partners", "联合单位", self.partners)
        self.spins = {}
        for name, label, default in (("sites", "宣传点（个）", 1), ("people_reached", "受教育人数", 0), ("leaflets", "发放资料（份）", 0),
                                     ("banners", "横幅标语（幅）", 0), ("consultations", "现场咨询（人次）", 0),
                                     ("complaints_received", "现场受理投诉（件）", 0)):
            self.spins[name] = count_spin(value=default)
            f.add(name, label, self.spins[name])
        self.note = multiline(2)
        f.add("note", "备注", self.note)
        svc = self.desk.outreach
        if view is not None:
            self.photos = FileList(self.dialogs, self.worker, add=(lambda p: svc.add_activity_photo_file(view.id, p)) if tab.can_edit else None,
                                   fetch=svc.activity_photo, remove=svc.remove_activity_photo if tab.can_edit else None, filters=PHOTO_FILTERS)
            self.photos.set_files(list(view.photos))
            f.add("file", "照片", self.photos)
            select(self.kind, view.kind_code)
            self.held_date.setDate(qdate(view.held_date))
            self.title.setText(view.title)
            self.place.setText(view.place)
            self.partners.setPlainText(view.partners)
            for name, spin in self.spins.items():
                spin.setValue(getattr(view, name))
            self.note.setPlainText(view.note)
        else:
            f.add("file", "照片", muted("保存后，在“编辑”中添加现场照片。"))
        if not tab.can_edit:
            self.save_button.setEnabled(False)

    def build_input(self) -> ActivityInput:
        return ActivityInput(kind_code=self.kind.currentData() or "", held_date=pydate(self.held_date.date()), title=self.title.text(),
                             place=self.place.text(), partners=self.partners.toPlainText(), note=self.note.toPlainText(),
                             **{k: s.value() for k, s in self.spins.items()})

    def job(self) -> Callable[[], Any]:
        inp, svc, view = self.build_input(), self.desk.outreach, self.view
        if view is None:
            return lambda: svc.add_activity(inp)
        return lambda: svc.update_activity(view.id, view, inp)


class ActivitiesTab(RegisterTab):
    noun = "活动"
    date_label = "活动日期"
    columns = [
        Column("日期", lambda a: dtext(a.held_date), 90),
        Column("类型", lambda a: a.kind_name, 100),
        Column("活动名称", lambda a: a.title, 240),
        Column("地点", lambda a: a.place, 130),
        Column("受教育人数", lambda a: num(a.people_reached), 80, True),
        Column("资料（份）", lambda a: num(a.leaflets), 72, True),
        Column("横幅（幅）", lambda a: num(a.banners), 72, True),
        Column("咨询", lambda a: num(a.consultations), 56, True),
        Column("投诉", lambda a: num(a.complaints_received), 56, True),
        Column("照片", lambda a: str(a.photo_count) if a.photo_count else "", 44, True),
    ]

    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker, parent: QWidget | None = None) -> None:
        self.vocab: list[Any] = []
        super().__init__(desk, dialogs, worker, parent)
        svc = desk.outreach
        worker.run(lambda: svc.vocab("activity_kind", include_inactive=True), alive(self, self._vocab_loaded),
                   alive(self, lambda exc: self.error.set_message(getattr(exc, "message", "词表读取失败"))))

    def _vocab_loaded(self, vocab: list[Any]) -> None:
        self.vocab = vocab
        self.kind.blockSignals(True)
        fill_combo(self.kind, [(k.name, k.code) for k in vocab], blank="全部类型")
        self.kind.blockSignals(False)
        self.refresh()

    def load_job(self, f: Any) -> Callable[[], list[Any]]:
        svc = self.desk.outreach
        return lambda: svc.activities(f)

    def new_dialog(self) -> RecordDialog:
        return ActivityDialog(self, None)

    def edit_dialog(self, row: Any) -> RecordDialog:
        # The list row has no photos: open with the full record, read on the worker.
        dlg = ActivityDialog(self, row)
        svc = self.desk.outreach
        self.worker.run(lambda: svc.get_activity(row.id), alive(dlg, lambda v: dlg.photos.set_files(list(v.photos))))
        return dlg

    def delete_job(self, row: Any) -> Callable[[], Any]:
        svc = self.desk.outreach
        return lambda: svc.delete_activity(row.id, row)

    def export_job(self, path: str, f: Any) -> Callable[[], Any]:
        svc = self.desk.outreach
        return lambda: svc.export_activities(path, f)

    def suggested_export_name(self) -> str:
        return "宣传教育活动登记.xlsx"

    def totals_text(self, rows: list[Any]) -> str:
        if not rows:
            return "没有符合条件的活动。"
        return (f"共 {len(rows)} 场，宣传点 {sum(a.sites for a in rows):,} 个，受教育 {sum(a.people_reached for a in rows):,} 人次，"
                f"发放资料 {sum(a.leaflets for a in rows):,} 份，横幅标语 {sum(a.banners for a in rows):,} 幅，"
                f"现场咨询 {sum(a.consultations for a in rows):,} 人次，受理投诉 {sum(a.complaints_received for a in rows):,} 件")


# -- warnings and tips --------------------------------------------------------------------------------------


class WarningDialog(RecordDialog):
    def __init__(self, tab: WarningsTab, view: WarningView | None) -> None:
        super().__init__(tab, "编辑消费警示/提示" if view else "新建消费警示/提示", tab.dialogs, tab.worker, width=640)
        self.desk, self.view = tab.desk, view
        f = self.form
        self.kind = QComboBox()
        fill_combo(self.kind, [(label, code) for code, label in WARNING_KINDS.items()])
        f.add("kind", "类别", self.kind)
        self.issued = date_edit()
        f.add("issued_date", "发布日期", self.issued)
        self.title = f.line_edit("title", "标题")
        self.channel = QComboBox()
        fill_combo(self.channel, [(c.name, c.code) for c in tab.channels if c.active or (view and c.code == view.channel_code)])
        f.add("channel_code", "发布渠道", self.channel)
        self.cases = QLineEdit()
        self.cases.setPlaceholderText("案件编号，多个用顿号或空格分开，如 TH-2026-00012、TH-2026-00015")
        f.add("case_nos", "相关投诉", self.cases)
        self.body = multiline(8)
        f.add("body", "正文", self.body, hint="公开发布的内容不能出现消费者的姓名、电话、身份证号和住址（写作“张某”）。")
        if view is not None:
            select(self.kind, view.kind)
            self.issued.setDate(qdate(view.issued_date))
            self.title.setText(view.title)
            select(self.channel, view.channel_code)
            self.cases.setText("、".join(view.case_nos))
            self.body.setPlainText(view.body)
        if not tab.can_edit:
            self.save_button.setEnabled(False)

    def job(self) -> Callable[[], Any]:
        inp = WarningInput(kind=self.kind.currentData() or "", issued_date=pydate(self.issued.date()), title=self.title.text(),
                           channel_code=self.channel.currentData() or "", body=self.body.toPlainText(), case_nos=self.cases.text())
        svc, view = self.desk.outreach, self.view
        if view is None:
            return lambda: svc.add_warning(inp)
        return lambda: svc.update_warning(view.id, view, inp)


class WarningsTab(RegisterTab):
    noun = "警示/提示"
    date_label = "发布日期"
    columns = [
        Column("日期", lambda w: dtext(w.issued_date), 90),
        Column("类别", lambda w: w.kind_label, 70),
        Column("标题", lambda w: w.title, 300),
        Column("发布渠道", lambda w: w.channel_name, 90),
        Column("相关投诉", lambda w: "、".join(w.case_nos), 200),
    ]

    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker, parent: QWidget | None = None) -> None:
        self.channels: list[Any] = []
        super().__init__(desk, dialogs, worker, parent)
        fill_combo(self.kind, [(label, code) for code, label in WARNING_KINDS.items()], blank="警示和提示")
        svc = desk.outreach
        worker.run(lambda: svc.vocab("publish_channel", include_inactive=True), alive(self, self._vocab_loaded),
                   alive(self, lambda exc: self.error.set_message(getattr(exc, "message", "词表读取失败"))))

    def _vocab_loaded(self, vocab: list[Any]) -> None:
        self.channels = vocab
        self.refresh()

    def load_job(self, f: Any) -> Callable[[], list[Any]]:
        svc = self.desk.outreach
        return lambda: svc.warnings(f)

    def new_dialog(self) -> RecordDialog:
        return WarningDialog(self, None)

    def edit_dialog(self, row: Any) -> RecordDialog:
        return WarningDialog(self, row)

    def delete_job(self, row: Any) -> Callable[[], Any]:
        svc = self.desk.outreach
        return lambda: svc.delete_warning(row.id, row)

    def export_job(self, path: str, f: Any) -> Callable[[], Any]:
        svc = self.desk.outreach
        return lambda: svc.export_warnings(path, f)

    def suggested_export_name(self) -> str:
        return "消费警示与提示.xlsx"

    def totals_text(self, rows: list[Any]) -> str:
        n = sum(1 for w in rows if w.kind == "warning")
        return f"共 {len(rows)} 条：消费警示 {n} 条，消费提示 {len(rows) - n} 条"


# -- surveys --------------------------------------------------------------------------------------------

_SCORE_LINE = re.compile(r"^(.+?)[\s:：]+([0-9０-９.．]+)\s*分?$")


def parse_scores(text: str) -> tuple[ScoreInput, ...]:
    """Lines like "服务态度 90" (also "服务态度：90分") → ScoreInput; a line that is not one is
    refused naming its number."""
    out = []
    for i, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        m = _SCORE_LINE.match(line)
        if m is None:
            raise ValidationError({"scores": f"第{i}行“{line}”应写作“项目 分数”，如“服务态度 90”"}, SURVEY_LABELS)
        out.append(ScoreInput(m[1].strip(), m[2]))
    return tuple(out)


class SurveyDialog(RecordDialog):
    def __init__(self, tab: SurveysTab, view: SurveyView | None) -> None:
        super().__init__(tab, "编辑消费评议" if view else "新建消费评议", tab.dialogs, tab.worker, width=620)
        self.desk, self.view = tab.desk, view
        f = self.form
        self.industry = QComboBox()
        fill_combo(self.industry, [(k.name, k.code) for k in tab.industries if k.active or (view and k.code == view.industry_code)])
        f.add("industry_code", "评议行业", self.industry)
        self.title = f.line_edit("title", "评议名称", placeholder="例如 2026年供水行业消费评议")
        self.start = date_edit()
        f.add("start_date", "开始日期", self.start)
        self.end = date_edit(allow_future=True)
        f.add("end_date", "结束日期", self.end)
        self.sent = count_spin(1_000_000)
        f.add("sent", "发放问卷（份）", self.sent)
        self.returned = count_spin(1_000_000)
        f.add("returned", "回收问卷（份）", self.returned, hint="回收数不能多于发放数")
        self.satisfaction = f.line_edit("satisfaction", "总体满意度（分）", placeholder="0–100，可不填")
        self.scores = multiline(4, "每行一项，如：\n服务态度 90\n收费合理 85")
        f.add("scores", "分项得分", self.scores)
        self.findings = multiline(4)
        f.add("findings", "主要问题与建议", self.findings)
        svc = self.desk.outreach
        if view is not None:
            select(self.industry, view.industry_code)
            self.title.setText(view.title)
            self.start.setDate(qdate(view.start_date))
            self.end.setDate(qdate(view.end_date))
            self.sent.setValue(view.sent)
            self.returned.setValue(view.returned)
            self.satisfaction.setText(str(view.satisfaction) if view.satisfaction is not None else "")
            self.scores.setPlainText("\n".join(f"{s.aspect} {s.score}" for s in view.scores))
            self.findings.setPlainText(view.findings)
            self.report = FileList(self.dialogs, self.worker,
                                   add=(lambda p: _report_as_file(svc.set_survey_report_file(view.id, p))) if tab.can_edit else None,
                                   fetch=lambda _id: svc.survey_report(view.id),
                                   remove=(lambda _id: svc.remove_survey_report(view.id)) if tab.can_edit else None,
                                   filters="报告 (*.docx *.doc *.pdf *.wps *.xlsx);;所有文件 (*)", noun="报告", single=True)
            if view.report_filename:
                self.report.set_files([_report_as_file(view)])
            f.add("file", "评议报告", self.report)
        else:
            self.end.setDate(self.start.date())
        if not tab.can_edit:
            self.save_button.setEnabled(False)

    def job(self) -> Callable[[], Any]:
        inp = SurveyInput(industry_code=self.industry.currentData() or "", title=self.title.text(),
                          start_date=pydate(self.start.date()), end_date=pydate(self.end.date()), sent=self.sent.value(),
                          returned=self.returned.value(), satisfaction=self.satisfaction.text(),
                          scores=parse_scores(self.scores.toPlainText()), findings=self.findings.toPlainText())
        svc, view = self.desk.outreach, self.view
        if view is None:
            return lambda: svc.add_survey(inp)
        return lambda: svc.update_survey(view.id, view, inp)


class _ReportFile:
    def __init__(self, view: SurveyView) -> None:
        self.id = view.id
        self.filename = view.report_filename or ""
        self.size = view.report_size or 0


def _report_as_file(view: SurveyView) -> _ReportFile:
    return _ReportFile(view)


class SurveysTab(RegisterTab):
    noun = "评议"
    kind_label = "行业"
    date_label = "开始日期"
    columns = [
        Column("开始日期", lambda v: dtext(v.start_date), 90),
        Column("行业", lambda v: v.industry_name, 60),
        Column("评议名称", lambda v: v.title, 230),
        Column("发放（份）", lambda v: num(v.sent), 76, True),
        Column("回收（份）", lambda v: num(v.returned), 76, True),
        Column("回收率", lambda v: f"{v.return_rate}%" if v.return_rate is not None else "", 70, True),
        Column("满意度（分）", lambda v: str(v.satisfaction) if v.satisfaction is not None else "", 84, True),
        Column("报告", lambda v: v.report_filename or "", 150),
    ]

    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker, parent: QWidget | None = None) -> None:
        self.industries: list[Any] = []
        super().__init__(desk, dialogs, worker, parent)
        svc = desk.outreach
        worker.run(lambda: svc.vocab("survey_industry", include_inactive=True), alive(self, self._vocab_loaded),
                   alive(self, lambda exc: self.error.set_message(getattr(exc, "message", "词表读取失败"))))

    def _vocab_loaded(self, vocab: list[Any]) -> None:
        self.industries = vocab
        self.kind.blockSignals(True)
        fill_combo(self.kind, [(k.name, k.code) for k in vocab], blank="全部行业")
        self.kind.blockSignals(False)
        self.refresh()

    def load_job(self, f: Any) -> Callable[[], list[Any]]:
        svc = self.desk.outreach
        return lambda: svc.surveys(f)

    def new_dialog(self) -> RecordDialog:
        return SurveyDialog(self, None)

    def edit_dialog(self, row: Any) -> RecordDialog:
        return SurveyDialog(self, row)

    def delete_job(self, row: Any) -> Callable[[], Any]:
        svc = self.desk.outreach
        return lambda: svc.delete_survey(row.id, row)

    def export_job(self, path: str, f: Any) -> Callable[[], Any]:
        svc = self.desk.outreach
        return lambda: svc.export_surveys(path, f)

    def suggested_export_name(self) -> str:
        return "消费评议登记.xlsx"

    def totals_text(self, rows: list[Any]) -> str:
        sent, returned = sum(v.sent for v in rows), sum(v.returned for v in rows)
        rate = f"，回收率 {returned * 100 / sent:.2f}%" if sent else ""
        return f"共 {len(rows)} 项评议，发放问卷 {sent:,} 份，回收 {returned:,} 份{rate}"


# -- media reports -------------------------------------------------------------------------------------------


class MediaDialog(RecordDialog):
    def __init__(self, tab: MediaTab, view: MediaReportView | None) -> None:
        super().__init__(tab, "编辑新闻宣传" if view else "新建新闻宣传", tab.dialogs, tab.worker)
        self.desk, self.view = tab.desk, view
        f = self.form
        self.day = date_edit()
        f.add("published_date", "刊播日期", self.day)
        self.kind = QComboBox()
        fill_combo(self.kind, [(k.name, k.code) for k in tab.kinds if k.active or (view and k.code == view.media_kind_code)])
        f.add("media_kind_code", "媒体类型", self.kind)
        self.outlet = f.line_edit("outlet", "媒体名称", placeholder="例如 《颍州晚报》、太和县电视台")
        self.title = f.line_edit("title", "标题")
        self.note = multiline(3)
        f.add("note", "备注", self.note)
        if view is not None:
            self.day.setDate(qdate(view.published_date))
            select(self.kind, view.media_kind_code)
            self.outlet.setText(view.outlet)
            self.title.setText(view.title)
            self.note.setPlainText(view.note)
        if not tab.can_edit:
            self.save_button.setEnabled(False)

    def job(self) -> Callable[[], Any]:
        inp = MediaReportInput(published_date=pydate(self.day.date()), media_kind_code=self.kind.currentData() or "",
                               outlet=self.outlet.text(), title=self.title.text(), note=self.note.toPlainText())
        svc, view = self.desk.outreach, self.view
        if view is None:
            return lambda: svc.add_media_report(inp)
        return lambda: svc.update_media_report(view.id, view, inp)


class MediaTab(RegisterTab):
    noun = "报道"
    kind_label = "媒体类型"
    date_label = "刊播日期"
    columns = [
        Column("日期", lambda m: dtext(m.published_date), 90),
        Column("媒体类型", lambda m: m.media_kind_name, 120),
        Column("媒体名称", lambda m: m.outlet, 160),
        Column("标题", lambda m: m.title, 320),
    ]

    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker, parent: QWidget | None = None) -> None:
        self.kinds: list[Any] = []
        super().__init__(desk, dialogs, worker, parent)
        svc = desk.outreach
        worker.run(lambda: svc.vocab("media_kind", include_inactive=True), alive(self, self._vocab_loaded),
                   alive(self, lambda exc: self.error.set_message(getattr(exc, "message", "词表读取失败"))))

    def _vocab_loaded(self, vocab: list[Any]) -> None:
        self.kinds = vocab
        self.kind.blockSignals(True)
        fill_combo(self.kind, [(k.name, k.code) for k in vocab], blank="全部媒体")
        self.kind.blockSignals(False)
        self.refresh()

    def load_job(self, f: Any) -> Callable[[], list[Any]]:
        svc = self.desk.outreach
        return lambda: svc.media_reports(f)

    def new_dialog(self) -> RecordDialog:
        return MediaDialog(self, None)

    def edit_dialog(self, row: Any) -> RecordDialog:
        return MediaDialog(self, row)

    def delete_job(self, row: Any) -> Callable[[], Any]:
        svc = self.desk.outreach
        return lambda: svc.delete_media_report(row.id, row)

    def export_job(self, path: str, f: Any) -> Callable[[], Any]:
        svc = self.desk.outreach
        return lambda: svc.export_media_reports(path, f)

    def suggested_export_name(self) -> str:
        return "新闻宣传登记.xlsx"

    def totals_text(self, rows: list[Any]) -> str:
        return f"共 {len(rows)} 篇（次）媒体报道"


def muted(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    set_role(label, "muted")
    return label
