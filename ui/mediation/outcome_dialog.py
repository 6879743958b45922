"""调解结果: 调解成功 (or 和解站和解, 双方自行和解) with the agreement's terms, the performance
deadline, the amounts recovered with their breakdown, 加倍赔偿 under 消法 Art. 55 with its
calculator, and other compensation (食品安全法 ten times, with its calculator). Also the
dialog to confirm performance.

New: ``desk.mediation.record_outcome`` (the workflow step is taken with it). Edit:
``update_outcome``. The breakdown's running sum is shown as the user types; the service
decides, and its messages appear at the fields. A conflict (another desk saved the outcome
meanwhile) merges both edits, as the session form does."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desk import clock
from desk.errors import ConflictError, NotFound, ValidationError
from desk.mediation_stats import BREAKDOWN_FIELDS
from desk.services.complaints import ComplaintView
from desk.services.mediation import (
    OUTCOME_LABELS,
    OUTCOME_RESULTS,
    OutcomeInput,
    OutcomeView,
    food_safety_compensation,
    outcome_input_of,
    punitive_compensation,
)
from ui.complaints.widgets import NoticePanel, alive, pydate, qdate, today_edit
from ui.forms import ErrorLabel, FieldRow, FormBuilder, clear_errors, show_field_errors
from ui.style import ERROR_COLOR, MUTED_COLOR, set_role

from .widgets import money_edit, multiline, parse_money, show_value, yuan

if TYPE_CHECKING:
    from desk.facade import Desk
    from desk.services.stations import StationView
    from ui.dialogs import Dialogs
    from ui.worker import Worker

RESULT_CHOICES = ("mediated", "station", "self_settled")
FOOD_SAFETY_BASIS = "《食品安全法》第一百四十八条（价款十倍，不足一千元的按一千元）"


class _OptionalDate(QWidget):
    """A checkbox and a date: the date counts only while checked."""

    def __init__(self, label: str, *, allow_future: bool) -> None:
        super().__init__()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.check = QCheckBox(label)
        self.date = today_edit(allow_future=allow_future)
        self.date.setEnabled(False)
        self.check.toggled.connect(self.date.setEnabled)
        row.addWidget(self.check)
        row.addWidget(self.date)
        row.addStretch(1)
        self.setFocusProxy(self.check)

    def value(self) -> dt.date | None:
        return pydate(self.date.date()) if self.check.isChecked() else None

    def set_value(self, d: dt.date | None) -> None:
        self.check.setChecked(d is not None)
        if d is not None:
            self.date.setDate(qdate(d))


class OutcomeDialog(QDialog):
    """``OutcomeDialog(desk, dialogs, worker, case, stations, outcome=None, result="mediated")``.
    With ``outcome`` it edits that outcome; after ``accept()`` the saved one is in ``result_view``."""

    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker, case: ComplaintView, stations: list[StationView],
                 outcome: OutcomeView | None = None, result: str = "mediated", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.dialogs, self.worker, self.case = desk, dialogs, worker, case
        self.base = outcome
        self.result_view: OutcomeView | None = None
        self.busy = False
        editing = outcome is not None
        title = f"{'修改调解协议及金额' if editing else '登记调解结果'} — {case.case_no}"
        self.setWindowTitle(title)
        self.resize(780, 800)

        outer = QVBoxLayout(self)
        head = QLabel(title)
        set_role(head, "subtitle")
        outer.addWidget(head)
        who = QLabel(f"{case.consumer_name} 投诉 {case.business_name}（{case.status_label}）；争议金额 {yuan(case.amount)} 元")
        set_role(who, "muted")
        outer.addWidget(who)
        self.notice = NoticePanel("请注意")
        outer.addWidget(self.notice)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        holder = QWidget()
        col = QVBoxLayout(holder)
        col.setContentsMargins(0, 0, 8, 0)
        self.rows: dict[str, FieldRow] = {}

        def group(title: str) -> FormBuilder:
            box = QGroupBox(title)
            col.addWidget(box)
            return FormBuilder(box)

        g = group("结果")
        self.result = QComboBox()
        for code in RESULT_CHOICES:
            self.result.addItem(OUTCOME_RESULTS[code], code)
        self.result.setCurrentIndex(self.result.findData(outcome.result if outcome else result))
        self.result.setEnabled(not editing)
        g.add("result", "调解结果", self.result,
              hint=None if editing else "双方自行和解：以“投诉人撤回投诉或者双方自行和解”终止调解，计入解决件数")
        self.on = today_edit()
        self.on.setMinimumDate(qdate(case.received_at.date()))
        self.on.setEnabled(not editing)
        g.add("on", "解决日期", self.on, hint=None if editing else "达成协议（和解）的日期，按此日期统计解决件数")
        self.station = QComboBox()
        for st in stations:
            self.station.addItem(st.name, st.id)
        self.station.setPlaceholderText("请选择和解站" if stations else "尚未登记和解站（在“调解—和解站”中登记）")
        self.station.setCurrentIndex(-1)
        g.add("station_id", "和解站", self.station)
        self.agreement_date = today_edit()
        g.add("agreement_date", "调解书日期", self.agreement_date)
        self.rows.update(g.rows)

        g = group("调解协议")
        self.facts = multiline(2, 1)
        self.facts.setPlaceholderText("不填时调解书写入投诉登记的事实与理由")
        g.add("facts", "纠纷事实", self.facts)
        self.disputes = multiline(2, 1)
        self.disputes.setPlaceholderText("不填时调解书写入投诉请求")
        g.add("disputes", "争议事项", self.disputes)
        self.responsibility = multiline(2, 1)
        g.add("responsibility", "各方责任", self.responsibility)
        self.terms = multiline(3, 2)
        self.terms.setPlaceholderText("每行一项，如：被投诉人退还投诉人货款1,299元。")
        g.add("terms", "协议内容", self.terms)
        self.performance_method = QLineEdit()
        self.performance_method.setPlaceholderText("如 银行转账、现金、上门更换")
        g.add("performance_method", "履行方式", self.performance_method)
        self.performance_place = QLineEdit()
        self.performance_place.setMaxLength(200)
        g.add("performance_place", "履行地点", self.performance_place)
        self.performance_due = _OptionalDate("约定在此日期前履行", allow_future=True)
        g.add("performance_due", "履行期限", self.performance_due, hint="到期未确认履行的，将出现在工作台的待办事项中")
        self.performed = _OptionalDate("已履行（如当场履行）", allow_future=False)
        g.add("performed_date", "履行日期", self.performed)
        self.rows.update(g.rows)

        g = group("挽回经济损失（元）")
        total_box = QWidget()
        row = QHBoxLayout(total_box)
        row.setContentsMargins(0, 0, 0, 0)
        self.recovered_total = money_edit("不填按分项合计")
        self.sum_button = QPushButton("按分项合计")
        self.sum_button.clicked.connect(self.fill_total)
        row.addWidget(self.recovered_total)
        row.addWidget(self.sum_button)
        row.addStretch(1)
        total_box.setFocusProxy(self.recovered_total)
        g.add("recovered_total", "挽回经济损失", total_box)
        self.parts: dict[str, QLineEdit] = {}
        for name, label in BREAKDOWN_FIELDS:
            edit = money_edit()
            self.parts[name] = edit
            g.add(name, label, edit)
            edit.textChanged.connect(self._update_sum)
        self.parts["compensation_amount"].setToolTip("含加倍赔偿和其他法定赔偿")
        self.sum_label = QLabel()
        g.add("breakdown", "分项合计", self.sum_label)
        self.recovered_total.textChanged.connect(self._update_sum)
        self.rows.update(g.rows)

        g = group("加倍赔偿（《消费者权益保护法》第五十五条）")
        self.punitive = QCheckBox("适用加倍赔偿：价款或费用的三倍，不足500元的为500元")
        g.add("punitive", "加倍赔偿", self.punitive)
        price_box = QWidget()
        row = QHBoxLayout(price_box)
        row.setContentsMargins(0, 0, 0, 0)
        self.price_paid = money_edit()
        self.calc_button = QPushButton("计算加倍赔偿")
        self.calc_button.clicked.connect(self.calculate_punitive)
        row.addWidget(self.price_paid)
        row.addWidget(self.calc_button)
        row.addStretch(1)
        price_box.setFocusProxy(self.price_paid)
        g.add("price_paid", "商品价款或服务费用", price_box)
        self.punitive_amount = money_edit("不填按法定金额")
        g.add("punitive_amount", "加倍赔偿金额", self.punitive_amount)
        self.formula = QLabel()
        set_role(self.formula, "muted")
        g.add("formula", "计算", self.formula)
        self.fraud_found = QCheckBox("本会认定经营者存在欺诈行为")
        g.add("fraud_found", "欺诈", self.fraud_found)
        self.punitive.toggled.connect(self._punitive_toggled)
        self.rows.update(g.rows)

        g = group("其他赔偿（如《食品安全法》规定的十倍赔偿，可不填）")
        basis_box = QWidget()
        row = QHBoxLayout(basis_box)
        row.setContentsMargins(0, 0, 0, 0)
        self.other_comp_basis = QLineEdit()
        self.other_comp_basis.setMaxLength(200)
        self.food_button = QPushButton("按食品安全法计算")
        self.food_button.setToolTip("价款十倍，不足一千元的按一千元（用上面的价款）")
        self.food_button.clicked.connect(self.calculate_food_safety)
        row.addWidget(self.other_comp_basis, 1)
        row.addWidget(self.food_button)
        basis_box.setFocusProxy(self.other_comp_basis)
        g.add("other_comp_basis", "赔偿依据", basis_box)
        self.other_comp_amount = money_edit()
        g.add("other_comp_amount", "赔偿金额", self.other_comp_amount)
        self.note = multiline(2, 2)
        g.add("note", "备注", self.note)
        self.rows.update(g.rows)
        col.addStretch(1)
        scroll.setWidget(holder)
        outer.addWidget(scroll, 1)

        self.general = ErrorLabel()
        outer.addWidget(self.general)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("保存（Ctrl+S）")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)

        self.result.currentIndexChanged.connect(lambda _i: self._result_changed())
        if outcome is not None:
            self.set_input(outcome_input_of(outcome))
        else:
            self.set_input(OutcomeInput(result=result, on=clock.today()))
        self._result_changed()
        self._punitive_toggled(self.punitive.isChecked())
        self._update_sum()
        self.initial = self.build_input()
        (self.terms if editing else self.result).setFocus()

    # -- behaviour ----------------------------------------------------------------------------
    def _result_changed(self) -> None:
        code = self.result.currentData()
        self.rows["station_id"].label.setVisible(code == "station")
        self.station.parentWidget().setVisible(code == "station")
        agreement = code in ("mediated", "station")
        self.rows["agreement_date"].label.setVisible(agreement)
        self.agreement_date.parentWidget().setVisible(agreement)

    def _punitive_toggled(self, on: bool) -> None:
        for w in (self.price_paid, self.calc_button, self.punitive_amount, self.fraud_found):
            w.setEnabled(on)
        if not on:
            self.formula.setText("")

    def part_sum(self) -> Decimal | None:
        total = Decimal("0.00")
        for edit in self.parts.values():
            if not edit.text().strip():
                continue
            value = parse_money(edit.text())
            if value is None:
                return None
            total += value
        return total

    def _update_sum(self) -> None:
        s = self.part_sum()
        if s is None:
            self.sum_label.setText("有分项金额格式不正确")
            self.sum_label.setStyleSheet(f"color: {ERROR_COLOR};")
            return
        text = f"{yuan(s)} 元"
        colour = MUTED_COLOR
        total = parse_money(self.recovered_total.text()) if self.recovered_total.text().strip() else None
        if total is not None and total != s:
            diff = total - s
            text += f"，与挽回经济损失 {yuan(total)} 元相差 {yuan(abs(diff))} 元（总额{'多' if diff > 0 else '少'}）"
            colour = ERROR_COLOR
        self.sum_label.setText(text)
        self.sum_label.setStyleSheet(f"color: {colour};")

    def fill_total(self) -> None:
        s = self.part_sum()
        if s is not None:
            self.recovered_total.setText(f"{s:.2f}")

    def calculate_punitive(self) -> None:
        """消法第五十五条: three times the price, at least 500 yuan; fills the amount and, if
        empty, the 赔偿 part it belongs to."""
        price = parse_money(self.price_paid.text())
        if price is None:
            self.rows["price_paid"].set_error("请填写商品价款或服务费用，如 1299.00")
            return
        self.rows["price_paid"].set_error(None)
        amount = punitive_compensation(price)
        three = (price * 3).quantize(Decimal("0.01"))
        self.formula.setText(f"3 × {yuan(price)} = {yuan(three)} 元" + ("，不足500元，按500元" if three < 500 else ""))
        self.punitive_amount.setText(f"{amount:.2f}")
        comp = self.parts["compensation_amount"]
        if not comp.text().strip():
            comp.setText(f"{amount:.2f}")

    def calculate_food_safety(self) -> None:
        price = parse_money(self.price_paid.text())
        if price is None:
            self.rows["price_paid"].set_error("请先在上面填写食品的价款")
            return
        self.rows["price_paid"].set_error(None)
        self.other_comp_basis.setText(FOOD_SAFETY_BASIS)
        self.other_comp_amount.setText(f"{food_safety_compensation(price):.2f}")

    # -- values ---------------------------------------------------------------------------------
    def build_input(self) -> OutcomeInput:
        return OutcomeInput(
            result=self.result.currentData() or "",
            on=pydate(self.on.date()),
            station_id=self.station.currentData() if self.station.currentIndex() >= 0 else None,
            agreement_date=pydate(self.agreement_date.date()),
            facts=self.facts.toPlainText(),
            disputes=self.disputes.toPlainText(),
            responsibility=self.responsibility.toPlainText(),
            terms=self.terms.toPlainText(),
            performance_method=self.performance_method.text(),
            performance_place=self.performance_place.text(),
            performance_due=self.performance_due.value(),
            performed_date=self.performed.value(),
            recovered_total=self.recovered_total.text(),
            **{name: edit.text() for name, edit in self.parts.items()},
            punitive=self.punitive.isChecked(),
            price_paid=self.price_paid.text() if self.punitive.isChecked() else "",
            punitive_amount=self.punitive_amount.text() if self.punitive.isChecked() else "",
            fraud_found=self.fraud_found.isChecked() if self.punitive.isChecked() else False,
            other_comp_basis=self.other_comp_basis.text(),
            other_comp_amount=self.other_comp_amount.text(),
            note=self.note.toPlainText(),
        )

    def set_input(self, inp: OutcomeInput) -> None:
        self.result.setCurrentIndex(self.result.findData(inp.result))
        if inp.on is not None:
            self.on.setDate(qdate(inp.on))
        self.station.setCurrentIndex(self.station.findData(inp.station_id) if inp.station_id is not None else -1)
        self.agreement_date.setDate(qdate(inp.agreement_date or inp.on or clock.today()))
        self.facts.setPlainText(inp.facts)
        self.disputes.setPlainText(inp.disputes)
        self.responsibility.setPlainText(inp.responsibility)
        self.terms.setPlainText(inp.terms)
        self.performance_method.setText(inp.performance_method)
        self.performance_place.setText(inp.performance_place)
        self.performance_due.set_value(inp.performance_due)
        self.performed.set_value(inp.performed_date)
        self.recovered_total.setText(inp.recovered_total)
        for name, edit in self.parts.items():
            edit.setText(getattr(inp, name))
        self.punitive.setChecked(inp.punitive)
        self.price_paid.setText(inp.price_paid)
        self.punitive_amount.setText(inp.punitive_amount)
        self.fraud_found.setChecked(inp.fraud_found)
        self.other_comp_basis.setText(inp.other_comp_basis)
        self.other_comp_amount.setText(inp.other_comp_amount)
        self.note.setPlainText(inp.note)

    # -- saving ---------------------------------------------------------------------------------
    def save(self) -> None:
        if self.busy:
            return
        inp = self.build_input()
        clear_errors(self.rows, self.general)
        self.busy = True
        self.save_button.setEnabled(False)
        mediation, cid, base, version = self.desk.mediation, self.case.id, self.base, self.case.version
        if base is None:
            job = lambda: mediation.record_outcome(cid, version, inp)  # noqa: E731
        else:
            job = lambda: mediation.update_outcome(cid, base, inp)  # noqa: E731
        self.worker.run(job, alive(self, self._saved), alive(self, lambda exc: self._failed(exc, inp)))

    def _saved(self, view: OutcomeView) -> None:
        self.busy = False
        self.result_view = view
        self.accept()

    def _failed(self, exc: BaseException, mine: OutcomeInput) -> None:
        self.busy = False
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            show_field_errors(self.rows, exc, self.general)
        elif isinstance(exc, ConflictError) and isinstance(exc.current, OutcomeView) and self.base is not None:
            m = self.desk.mediation.merge_outcome(self.base, mine, exc.current)
            self.set_input(m.merged)
            self._update_sum()
            self.base = exc.current
            lines = [f"{OUTCOME_LABELS.get(k, k)}：已采用对方的修改“{show_value(v)}”" for k, v in m.taken.items()]
            for k, (own, theirs) in m.conflicts.items():
                lines.append(f"{OUTCOME_LABELS.get(k, k)}：双方都改了，这里保留您的“{show_value(own)}”，对方改为“{show_value(theirs)}”")
                if k in self.rows:
                    self.rows[k].set_error(f"对方改为：{show_value(theirs)}（保存将采用这里的内容）")
            lines.append("其他用户刚刚修改了调解结果。您的修改尚未保存：请核对后再点“保存”，双方的修改都会保留。")
            self.notice.show_lines(lines)
        elif isinstance(exc, ConflictError) and isinstance(exc.current, ComplaintView):
            # The case moved on meanwhile (another desk took a step): show where it stands;
            # the form keeps everything typed, and saving again tries from there.
            self.case = exc.current
            self.notice.show_lines([f"其他用户刚刚办理了这个案件，案件现在的状态是“{exc.current.status_label}”。",
                                    "您填写的内容都还在，请核对后再点“保存”。"])
        elif isinstance(exc, NotFound):
            self.general.set_message(exc.message)
        else:
            self.dialogs.show_error(self, exc, "调解结果没有保存")

    def reject(self) -> None:
        if not self.busy and self.build_input() != self.initial and not self.dialogs.confirm(
                self, "放弃修改", "填写的调解结果还没有保存，确定放弃吗？"):
            return
        super().reject()


class PerformanceDialog(QDialog):
    """确认履行: the date the agreement was performed and how."""

    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker, case: ComplaintView, outcome: OutcomeView,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.dialogs, self.worker, self.case, self.outcome = desk, dialogs, worker, case, outcome
        self.result_view: OutcomeView | None = None
        self.busy = False
        self.setWindowTitle(f"确认履行 — {case.case_no}")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        info = QLabel(f"调解协议{outcome.performance_label or '（未约定履行期限）'}。"
                      + (f"\n协议内容：{outcome.terms.strip()[:120]}" if outcome.terms.strip() else ""))
        info.setWordWrap(True)
        layout.addWidget(info)
        self.form = FormBuilder()
        self.on: QDateEdit = today_edit()
        if outcome.resolved_date:
            self.on.setMinimumDate(qdate(outcome.resolved_date))
        self.form.add("performed_date", "履行日期", self.on)
        self.note = multiline(3, 2)
        self.note.setPlaceholderText("如 经营者已于当日退款，消费者电话确认收到")
        self.form.add("performance_note", "履行情况", self.note)
        self.form.add_message()
        layout.addLayout(self.form.layout)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("确认已履行")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def submit(self) -> None:
        if self.busy:
            return
        self.form.clear_errors()
        self.busy = True
        self.ok_button.setEnabled(False)
        mediation, cid, o, day, note = self.desk.mediation, self.case.id, self.outcome, pydate(self.on.date()), self.note.toPlainText()
        self.worker.run(lambda: mediation.confirm_performance(cid, o, day, note), alive(self, self._done), alive(self, self._failed))

    def _done(self, view: OutcomeView) -> None:
        self.busy = False
        self.result_view = view
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.ok_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            self.form.show_errors(exc)
        else:
            self.dialogs.show_error(self, exc, "履行情况没有保存")
