"""The lists the complaint screens choose from, read once per page (on the worker)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desk.facade import Desk
    from desk.services.offices import OfficeView
    from desk.services.vocab import VocabView


@dataclass(frozen=True)
class Lookups:
    channels: list[VocabView] = field(default_factory=list)
    categories: list[VocabView] = field(default_factory=list)  # both levels; children have parent_id
    natures: list[VocabView] = field(default_factory=list)
    refusal_grounds: list[VocabView] = field(default_factory=list)
    termination_grounds: list[VocabView] = field(default_factory=list)
    offices: list[OfficeView] = field(default_factory=list)
    users: dict[int, str] = field(default_factory=dict)

    @classmethod
    def load(cls, desk: Desk) -> Lookups:
        v = desk.vocab
        return cls(
            channels=v.list("channel"),
            categories=v.list("category"),
            natures=v.list("nature"),
            refusal_grounds=v.list("refusal_ground"),
            termination_grounds=v.list("termination_ground"),
            offices=desk.offices.list(include_inactive=False),
            users=desk.users.names(),
        )

    def top_categories(self) -> list[VocabView]:
        return [c for c in self.categories if c.parent_id is None]

    def sub_categories(self, parent_code: str) -> list[VocabView]:
        parent = next((c for c in self.categories if c.code == parent_code and c.parent_id is None), None)
        if parent is None:
            return []
        return [c for c in self.categories if c.parent_id == parent.id]

    def parent_code(self, code: str) -> str | None:
        """The first-level code of a category (itself when it is first-level)."""
        item = next((c for c in self.categories if c.code == code), None)
        if item is None:
            return None
        if item.parent_id is None:
            return item.code
        parent = next((c for c in self.categories if c.id == item.parent_id), None)
        return parent.code if parent else None
