"""操作日志: who changed, viewed or exported what, with the before/after values shown in
words (Perm.VIEW_AUDIT)."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desk.facade import Desk
from desk.services import businesses as _businesses
from desk.services import complaints as _complaints
from desk.services import offices as _offices
from desk.services import rosters as _rosters
from desk.services import users as _users
from desk.services.audit_log import AuditEntry
from desk.settings import REGISTRY
from desk.vocab_data import VOCAB_KINDS
from ui.admin._form import alive, fill_row, fmt_time, hint_label, make_table, selected_key, show_value
from ui.dialogs import Dialogs
from ui.worker import Worker

ACTIONS = {"insert": "新增", "update": "修改", "delete": "删除", "view": "查看", "export": "导出", "import": "导入"}

TABLES = {
    "business": "经营者",
    "app_user": "用户",
    "office": "机构",
    "setting": "单位设置",
    "vocab_item": "分类词表",
    "holiday_override": "节假日",
    "complaint": "投诉案件",
    "complaint_party": "共同投诉人",
    "complaint_pause": "暂停计时",
    "referral": "转办",
    "attachment": "附件",
    "consultation": "来访咨询",
    "reconciliation_station": "和解服务站",
    "mediation_session": "调解会",
    "mediation_mediator": "调解员",
    "mediation_outcome": "调解结果",
    "roster_person": "名册人员",
    "roster_status_change": "名册状态变更",
    "roster_training": "培训班",
    "roster_attendance": "培训签到",
    "roster_task": "调查任务",
    "roster_task_assignee": "调查任务人员",
    "roster_task_complaint": "调查任务关联投诉",
    "roster": "名册",
    "trust_unit": "诚信单位",
    "trust_award": "诚信单位授牌",
    "trust_unit_event": "诚信单位办理记录",
    "trust_revisit": "回访检查",
    "trust_revisit_inspector": "回访检查人员",
    "trust_revisit_check": "回访检查项目",
    "trust_revisit_photo": "回访照片",
    "member_department": "成员单位",
    "joint_meeting": "联席会议",
    "joint_meeting_attendee": "联席会议参会单位",
    "referral_return": "转办退回",
    "register_vocab": "登记词表",
    "outreach_activity": "宣传活动",
    "outreach_activity_photo": "活动照片",
    "consumer_warning": "消费警示/提示",
    "consumer_warning_case": "警示关联投诉",
    "consumer_survey": "消费评议",
    "consumer_survey_score": "评议得分",
    "media_report": "新闻宣传",
    "monthly_posts": "网站与新媒体信息",
}

_COMMON = {"active": "启用", "note": "备注", "name": "名称", "id": "编号"}


def _with_common(labels: dict[str, str]) -> dict[str, str]:
    """A service's own labels first (form order), then the common ones it lacks."""
    return {**labels, **{k: v for k, v in _COMMON.items() if k not in labels}}


# In the order the forms show them (the detail pane follows it).
FIELD_LABELS: dict[str, dict[str, str]] = {
    "business": _with_common(_businesses.LABELS),
    "app_user": _with_common(_users.LABELS),
    "office": _with_common(_offices.LABELS),
    "setting": {"key": "设置项", "value": "值"},
    "vocab_item": {"code": "代码", "name": "名称", "kind": "词表", "parent_id": "上级编号", "active": "启用",
                   "builtin": "内置", "sort_order": "排序", "note": "备注", "id": "编号"},
    "holiday_override": {"day": "日期", "is_workday": "安排", "name": "名称"},
    "complaint": _with_common(_complaints.LABELS),
    "roster_person": _with_common(_rosters.PERSON_LABELS),
    "roster_training": _with_common(_rosters.TRAINING_LABELS),
    "roster_task": _with_common(_rosters.TASK_LABELS),
}
# Left out of the one-line summary: already in the 记录 column, or noise there.
_SUMMARY_SKIP = {"id", "name", "display_name", "username", "code", "day", "key", "parent_id", "sort_order", "builtin"}
# Bookkeeping columns that say nothing to the reader.
HIDDEN_FIELDS = {"version", "created_at", "updated_at", "search_name"}


def table_label(table: str) -> str:
    return TABLES.get(table, table)


def field_label(table: str, field: str) -> str:
    return FIELD_LABELS.get(table, {}).get(field, field)


def value_text(table: str, field: str, value: Any) -> str:
    if table == "setting" and field == "value" and isinstance(value, str):
        try:
            value = json.loads(value)  # settings are stored as JSON
        except ValueError:
            pass
    if table == "holiday_override" and field == "is_workday":
        return "上班" if value else "放假"
    if table == "vocab_item" and field == "kind":
        return VOCAB_KINDS.get(value, str(value))
    if table == "app_user" and field == "role":
        from desk.roles import role_label

        return role_label(str(value))
    if table == "office" and field == "kind":
        return _offices.OFFICE_KINDS.get(value, str(value))
    return show_value(value)


_NAME_KEYS = ("name", "display_name", "username", "code")


def known_names(entries: list[AuditEntry]) -> dict[tuple[str, str], str]:
    """(table, row) → a name seen in any listed entry, so an update that changed only the
    address still says which business it was."""
    names: dict[tuple[str, str], str] = {}
    for e in reversed(entries):  # oldest first, newest names win
        for snap in (e.before, e.after):
            for key in _NAME_KEYS:
                if snap and snap.get(key):
                    names[(e.table_name, e.row_id)] = str(snap[key])
                    break
    return names


def record_label(e: AuditEntry, names: dict[tuple[str, str], str] | None = None) -> str:
    """The row as a person names it: a setting's label, a vocabulary code, else its number
    plus name."""
    if e.table_name == "setting":
        defn = REGISTRY.get(e.row_id)
        return defn.label if defn else e.row_id
    snap = e.after or e.before or {}
    if e.table_name == "vocab_item" and snap.get("code"):
        return f"{snap['code']}　{snap.get('name', '')}".strip()
    if e.table_name == "holiday_override":
        return e.row_id + (f"　{snap['name']}" if snap.get("name") else "")
    name = next((str(snap[k]) for k in _NAME_KEYS if snap.get(k)), None)
    name = name or (names or {}).get((e.table_name, e.row_id))
    return f"{e.row_id}　{name}" if name else e.row_id


def _visible(values: dict[str, Any] | None, table: str = "") -> dict[str, Any]:
    """Without bookkeeping columns, in the order the forms show the fields."""
    order = list(FIELD_LABELS.get(table, {}))
    rank = {k: (order.index(k) if k in order else len(order)) for k in values or {}}
    keys = sorted((k for k in values or {} if k not in HIDDEN_FIELDS), key=lambda k: (rank[k], k))
    return {k: (values or {})[k] for k in keys}


def summary(e: AuditEntry) -> str:
    t = e.table_name
    if e.action == "update":
        before, after = e.before or {}, e.after or {}
        parts = [f"{field_label(t, k)} {value_text(t, k, before.get(k))} → {value_text(t, k, after.get(k))}"
                 for k in _visible(after, t)]
        return "；".join(parts)
    if e.action in ("insert", "delete"):
        snap = _visible(e.after if e.action == "insert" else e.before, t)
        return "；".join(f"{field_label(t, k)}：{value_text(t, k, v)}" for k, v in snap.items()
                        if k not in _SUMMARY_SKIP and v not in (None, ""))
    if e.action in ("view", "export"):
        return "；".join(f"{k}：{show_value(v)}" for k, v in (e.after or {}).items())
    return ""


def describe(e: AuditEntry) -> str:
    """Full readable text of one entry for the detail pane."""
    head = f"{fmt_time(e.at)}　{e.username}　{ACTIONS.get(e.action, e.action)}　{table_label(e.table_name)}　{record_label(e)}"
    lines = [head, ""]
    t = e.table_name
    if e.action == "update":
        before, after = e.before or {}, e.after or {}
        for k in _visible(after, t) | _visible(before, t):
            lines.append(f"{field_label(t, k)}：{value_text(t, k, before.get(k))} → {value_text(t, k, after.get(k))}")
    elif e.action == "insert":
        lines.append("新增的内容：")
        lines += [f"  {field_label(t, k)}：{value_text(t, k, v)}" for k, v in _visible(e.after, t).items()]
    elif e.action == "delete":
        lines.append("删除前的内容：")
        lines += [f"  {field_label(t, k)}：{value_text(t, k, v)}" for k, v in _visible(e.before, t).items()]
    else:
        lines += [f"{k}：{show_value(v)}" for k, v in (e.after or {}).items()]
    return "\n".join(lines)


class AuditPage(QWidget):
    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.dialogs = dialogs
        self.worker = worker
        self.entries: dict[int, AuditEntry] = {}

        top = QHBoxLayout()
        top.addWidget(QLabel("对象："))
        self.table_combo = QComboBox()
        self.table_combo.addItem("全部", None)
        for name, label in TABLES.items():
            self.table_combo.addItem(label, name)
        self.table_combo.currentIndexChanged.connect(lambda _i: self.load())
        top.addWidget(self.table_combo)
        top.addWidget(QLabel("最近"))
        self.limit_spin = QSpinBox()
        self.limit_spin.setRange(50, 5000)
        self.limit_spin.setSingleStep(100)
        self.limit_spin.setValue(200)
        top.addWidget(self.limit_spin)
        top.addWidget(QLabel("条"))
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.clicked.connect(self.load)
        top.addWidget(self.refresh_button)
        top.addStretch(1)

        self.table = make_table(["时间", "用户", "操作", "对象", "记录", "内容"], stretch_column=5)
        self.table.itemSelectionChanged.connect(self._on_selection)
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText("选中一条日志，在这里查看修改前后的内容。")
        self.count_label = hint_label()

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(splitter, 1)
        lay.addWidget(self.count_label)
        self.load()

    def load(self) -> None:
        table, limit = self.table_combo.currentData(), self.limit_spin.value()
        svc = self.desk.audit_log
        self.worker.run(lambda: svc.entries(table=table, limit=limit), alive(self, self._loaded),
                        alive(self, lambda exc: self.dialogs.show_error(self, exc, "操作日志载入失败")))

    def _loaded(self, entries: list[AuditEntry]) -> None:
        self.entries = {e.id: e for e in entries}
        names = known_names(entries)
        self.table.blockSignals(True)
        self.table.clearSelection()  # rows change under it; a stale selection would mislead
        self.table.setRowCount(len(entries))
        for row, e in enumerate(entries):
            fill_row(self.table, row, [fmt_time(e.at), e.username, ACTIONS.get(e.action, e.action),
                                       table_label(e.table_name), record_label(e, names), summary(e)], key=e.id)
        self.table.blockSignals(False)
        self.detail.clear()
        self.count_label.setText(f"显示最近 {len(entries)} 条。" if entries else "没有符合条件的日志。")

    def _on_selection(self) -> None:
        key = selected_key(self.table)
        e = self.entries.get(key) if key is not None else None
        self.detail.setPlainText(describe(e) if e else "")
