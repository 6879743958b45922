"""The complaint state machine (domain.md §3). Pure data and checks; the service applies it.

登记 → 受理 | 不予受理 → 调解中 → 调解成功 | 终止调解 → 结案 → 归档, with the side routes 转办
(to a member department), 诉转案 (a clue to enforcement, the case goes on), 支持起诉/仲裁, 撤诉,
and 重新打开 for a closed case (秘书长 or admin, with a reason)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from desk.errors import DeskError, PermissionDenied
from desk.roles import PERM_LABELS, Perm


class Status(StrEnum):
    REGISTERED = "registered"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    MEDIATING = "mediating"
    MEDIATED = "mediated"
    TERMINATED = "terminated"
    REFERRED = "referred"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"
    ARCHIVED = "archived"


STATUS_LABELS: dict[str, str] = {
    Status.REGISTERED: "登记",
    Status.ACCEPTED: "已受理",
    Status.REFUSED: "不予受理",
    Status.MEDIATING: "调解中",
    Status.MEDIATED: "调解成功",
    Status.TERMINATED: "终止调解",
    Status.REFERRED: "已转办",
    Status.WITHDRAWN: "已撤诉",
    Status.CLOSED: "已结案",
    Status.ARCHIVED: "已归档",
}

# Statuses in which the office still owes the consumer something.
OPEN_STATUSES = frozenset({Status.REGISTERED, Status.ACCEPTED, Status.MEDIATING, Status.TERMINATED, Status.REFERRED})
FINISHED_STATUSES = frozenset({Status.CLOSED, Status.ARCHIVED})

REFERRAL_KINDS: dict[str, str] = {
    "transfer": "转办",
    "enforcement": "诉转案",
    "lawsuit": "支持起诉",
    "arbitration": "仲裁",
}


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[str]
    target: str | None  # None: the status does not change
    perm: Perm
    needs: tuple[str, ...] = ()  # inputs the step requires: ground | reason | department


def _t(action: str, label: str, sources: set[str], target: str | None, perm: Perm = Perm.EDIT_COMPLAINT, needs: tuple[str, ...] = ()) -> Transition:
    return Transition(action, label, frozenset(sources), target, perm, needs)


S = Status
TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        _t("accept", "受理", {S.REGISTERED}, S.ACCEPTED),
        _t("refuse", "不予受理", {S.REGISTERED}, S.REFUSED, needs=("ground",)),
        _t("start_mediation", "开始调解", {S.ACCEPTED}, S.MEDIATING),
        _t("mediation_success", "调解成功", {S.MEDIATING}, S.MEDIATED),
        _t("terminate", "终止调解", {S.ACCEPTED, S.MEDIATING}, S.TERMINATED, needs=("ground",)),
        _t("notify_termination", "已告知终止调解", {S.TERMINATED}, None),
        _t("transfer", "转办", {S.REGISTERED, S.ACCEPTED, S.MEDIATING}, S.REFERRED, needs=("department",)),
        _t("enforcement", "诉转案", {S.ACCEPTED, S.MEDIATING, S.MEDIATED, S.TERMINATED}, None, needs=("department",)),
        _t("lawsuit", "支持起诉", {S.ACCEPTED, S.MEDIATING, S.TERMINATED}, S.REFERRED, needs=("department",)),
        _t("arbitration", "引导仲裁", {S.ACCEPTED, S.MEDIATING, S.TERMINATED}, S.REFERRED, needs=("department",)),
        _t("withdraw", "撤诉", {S.REGISTERED, S.ACCEPTED, S.MEDIATING}, S.WITHDRAWN, needs=("reason",)),
        # Testing or appraisal, or a recusal request awaiting decision: the reason says which.
        _t("pause", "暂停计时", {S.ACCEPTED, S.MEDIATING}, None, needs=("reason",)),
        _t("resume", "恢复计时", {S.ACCEPTED, S.MEDIATING}, None),
        _t("close", "结案", {S.MEDIATED, S.TERMINATED, S.REFUSED, S.REFERRED, S.WITHDRAWN}, S.CLOSED),
        _t("archive", "归档", {S.CLOSED}, S.ARCHIVED),
        _t("reopen", "重新打开", {S.CLOSED, S.ARCHIVED}, S.ACCEPTED, perm=Perm.REOPEN_CASE, needs=("reason",)),
    )
}

# Actions recorded on the timeline that are not state-machine steps.
OTHER_ACTIONS: dict[str, str] = {
    "register": "登记",
    "edit": "修改登记信息",
    "referral_reply": "收到转办回复",
    "attachment": "添加附件",
    "attachment_removed": "删除附件",
    "note": "备注",
    "document": "生成文书",
    # Recorded by the mediation service (desk.services.mediation).
    "mediation_session": "调解",
    "mediation_outcome": "调解结果",
    "performance": "确认履行",
}


def action_label(action: str) -> str:
    t = TRANSITIONS.get(action)
    return t.label if t else OTHER_ACTIONS.get(action, action)


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def check_transition(status: str, action: str, can: set[Perm] | frozenset[Perm]) -> Transition:
    """The transition for ``action`` from ``status``, or a clear refusal."""
    t = TRANSITIONS.get(action)
    if t is None:
        raise DeskError(f"未知的办理步骤：{action}")
    if t.perm not in can:
        raise PermissionDenied(f"“{t.label}”需要“{PERM_LABELS[t.perm]}”权限（秘书长或管理员）" if t.perm == Perm.REOPEN_CASE else f"您没有“{PERM_LABELS[t.perm]}”权限，不能{t.label}")
    if status not in t.sources:
        allowed = "、".join(status_label(s) for s in sorted(t.sources, key=list(Status).index))
        raise DeskError(f"案件当前状态为“{status_label(status)}”，不能{t.label}（只有“{allowed}”状态可以）")
    return t


def available_actions(status: str, can: set[Perm] | frozenset[Perm]) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if status in t.sources and t.perm in can]
