"""The case view's 生成文书 menu over ``desk.documents.notices`` (受理通知书, 不予受理告知书,
终止调解告知书, 诉求信息通报函, 案卷). Guarded: while that module is missing or broken, the
menu is simply not shown. python-docx is imported only when a document is made."""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desk.facade import Desk
    from desk.services.complaints import ComplaintView

log = logging.getLogger(__name__)


def _notices() -> ModuleType | None:
    try:
        notices = importlib.import_module("desk.documents.notices")
    except Exception:  # noqa: BLE001 - no module, or one being built: no menu
        log.debug("desk.documents.notices unavailable", exc_info=True)
        return None
    try:
        # The mediation module adds its sections to the case file when imported.
        importlib.import_module("desk.documents.mediation")
    except Exception:  # noqa: BLE001 - the case file is still made without them
        log.debug("desk.documents.mediation unavailable", exc_info=True)
    return notices


def available_for(view: ComplaintView) -> list[tuple[str, str]]:
    """(key, menu label) of the documents that fit the case now; key is 'kind' or 'kind:referral_id'."""
    notices = _notices()
    if notices is None or not hasattr(notices, "available_documents"):
        return []
    out = []
    for kind, label, referral_id in notices.available_documents(view):
        out.append((f"{kind}:{referral_id}" if referral_id is not None else kind, label))
    return out


def suggested_name(key: str, view: ComplaintView) -> str:
    kind = key.split(":", 1)[0]
    notices = _notices()
    if notices is not None and hasattr(notices, "suggested_filename"):
        return notices.suggested_filename(kind, view)
    return f"{view.case_no} {kind}.docx"


def render(desk: Desk, complaint_id: int, key: str, out_path: str | Path) -> Path:
    """Make the document (runs on the worker)."""
    notices = _notices()
    if notices is None:
        from desk.errors import DeskError

        raise DeskError("文书模块尚未安装，无法生成文书。")
    kind, _, ref = key.partition(":")
    extra = {"referral_id": int(ref)} if ref else {}
    return Path(notices.render(kind, desk, complaint_id, out_path, **extra))
