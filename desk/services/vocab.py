"""Maintained vocabularies: natures, categories (two levels), channels, grounds."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, text

from desk.errors import DeskError, NotFound, ValidationError
from desk.models import VocabItem
from desk.roles import Perm
from desk.services.base import Service, check_version, view_of
from desk.validators import FieldError, required_text
from desk.vocab_data import BUILTIN, CATEGORY_GROUPS, VOCAB_KINDS

_SEED_LOCK_KEY = 0x6361_6476  # PostgreSQL advisory lock: seeding and code allocation


@dataclass(frozen=True)
class VocabView:
    id: int
    kind: str
    code: str
    name: str
    parent_id: int | None
    sort_order: int
    active: bool
    builtin: bool
    version: int

    @property
    def group(self) -> str:
        """For categories: 商品, 服务 or 其他 (from the code's first letter)."""
        return CATEGORY_GROUPS.get(self.code[:1], "") if self.kind == "category" else ""


def nature_label(name: str, year: int) -> str:
    """Reports before 2024 call 人格权益 by its old name."""
    return "人格尊严" if name == "人格权益" and year < 2024 else name


class VocabService(Service):
    def ensure_builtin(self) -> int:
        """Insert built-in items missing from the table (new installs, new program versions).
        Existing rows are left alone: an admin may have renamed or deactivated them."""
        with self.desk.read() as s:
            have = {tuple(r) for r in s.execute(select(VocabItem.kind, VocabItem.code))}
        wanted = [(kind, code) for kind, items in BUILTIN.items() for code, _n, kids in items for code in [code, *[k[0] for k in kids]]]
        if all(w in have for w in wanted):
            return 0
        added = 0
        with self.desk.write() as s:
            if s.get_bind().dialect.name == "postgresql":
                # Desks starting together on a new server database would both insert the same
                # items (unique violation); SQLite's BEGIN IMMEDIATE already serialises this.
                s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _SEED_LOCK_KEY})
            have = {tuple(r) for r in s.execute(select(VocabItem.kind, VocabItem.code))}
            for kind, items in BUILTIN.items():
                for order, (code, name, children) in enumerate(items):
                    parent = None
                    if (kind, code) not in have:
                        parent = VocabItem(kind=kind, code=code, name=name, sort_order=order * 100, builtin=True)
                        s.add(parent)
                        s.flush()
                        added += 1
                    for k_order, (kcode, kname) in enumerate(children):
                        if (kind, kcode) in have:
                            continue
                        if parent is None:
                            parent = s.scalar(select(VocabItem).where(VocabItem.kind == kind, VocabItem.code == code))
                        s.add(VocabItem(kind=kind, code=kcode, name=kname, parent_id=parent.id if parent else None,
                                        sort_order=order * 100 + k_order + 1, builtin=True))
                        added += 1
        return added

    def list(self, kind: str, *, include_inactive: bool = False) -> list[VocabView]:
        if kind not in VOCAB_KINDS:
            raise NotFound(f"未知的词表：{kind}")
        with self.desk.read() as s:
            q = select(VocabItem).where(VocabItem.kind == kind).order_by(VocabItem.sort_order, VocabItem.code)
            if not include_inactive:
                q = q.where(VocabItem.active.is_(True))
            return [view_of(VocabView, v) for v in s.scalars(q)]

    def add(self, kind: str, name: str, parent_id: int | None = None) -> VocabView:
        """Add an item; codes are allocated (custom top level ``<letter>X01``, second level
        ``<parent>NN``). Categories must name their group via the parent or the code letter."""
        self.desk.require(Perm.MANAGE_VOCAB)
        if kind not in VOCAB_KINDS:
            raise NotFound(f"未知的词表：{kind}")
        try:
            clean = required_text(name, max_len=100)
        except FieldError as exc:
            raise ValidationError({"name": exc.message}, {"name": "名称"}) from None
        with self.desk.write() as s:
            if s.get_bind().dialect.name == "postgresql":
                # Two admins adding at once would allocate the same next code.
                s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _SEED_LOCK_KEY})
            if s.scalar(select(VocabItem.id).where(VocabItem.kind == kind, VocabItem.name == clean, VocabItem.parent_id.is_(parent_id) if parent_id is None else VocabItem.parent_id == parent_id)):
                raise ValidationError({"name": f"“{clean}”已存在"}, {"name": "名称"})
            if parent_id is not None:
                parent = s.get(VocabItem, parent_id)
                if parent is None or parent.kind != kind or parent.parent_id is not None:
                    raise DeskError("只能在一级分类下添加二级分类")
                prefix = parent.code
                base_order = parent.sort_order
            else:
                if kind == "category":
                    raise DeskError("一级类别是统计口径，只能添加二级分类（请先选择所属大类）")
                prefix = s.scalar(select(VocabItem.code).where(VocabItem.kind == kind).limit(1))[:1] + "X"  # type: ignore[index]
                base_order = 10_000
            codes = s.scalars(select(VocabItem.code).where(VocabItem.kind == kind, VocabItem.code.startswith(prefix))).all()
            used = {c[len(prefix):] for c in codes if len(c) == len(prefix) + 2 and c[len(prefix):].isdigit()}
            n = next(i for i in range(1, 100) if f"{i:02d}" not in used)
            top_order = s.scalar(select(func.max(VocabItem.sort_order)).where(VocabItem.kind == kind, VocabItem.parent_id.is_(parent_id) if parent_id is None else VocabItem.parent_id == parent_id))
            item = VocabItem(kind=kind, code=f"{prefix}{n:02d}", name=clean, parent_id=parent_id,
                             sort_order=max(base_order, (top_order or 0)) + 1, builtin=False)
            s.add(item)
            s.flush()
            return view_of(VocabView, item)

    def rename(self, item_id: int, started_from: VocabView, name: str) -> VocabView:
        self.desk.require(Perm.MANAGE_VOCAB)
        try:
            clean = required_text(name, max_len=100)
        except FieldError as exc:
            raise ValidationError({"name": exc.message}, {"name": "名称"}) from None
        with self.desk.write() as s:
            item = s.get(VocabItem, item_id)
            if item is None:
                raise NotFound("找不到该项")
            check_version("分类", started_from.version, item, view_of(VocabView, item), started_from)
            # Same rule as add(): two items of one list under one parent never share a name.
            parent = VocabItem.parent_id.is_(None) if item.parent_id is None else VocabItem.parent_id == item.parent_id
            if s.scalar(select(VocabItem.id).where(VocabItem.kind == item.kind, VocabItem.name == clean, parent, VocabItem.id != item.id)):
                raise ValidationError({"name": f"“{clean}”已存在"}, {"name": "名称"})
            item.name = clean
            s.flush()
            return view_of(VocabView, item)

    def set_active(self, item_id: int, active: bool) -> VocabView:
        """Deactivate instead of delete: old cases keep their code and still count."""
        self.desk.require(Perm.MANAGE_VOCAB)
        with self.desk.write() as s:
            item = s.get(VocabItem, item_id)
            if item is None:
                raise NotFound("找不到该项")
            item.active = active
            s.flush()
            return view_of(VocabView, item)
