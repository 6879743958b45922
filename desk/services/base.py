"""What every service shares: its Desk, building views, collecting field errors."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from desk.errors import ConflictError, ValidationError
from desk.validators import FieldError

if TYPE_CHECKING:
    from desk.facade import Desk

V = TypeVar("V")
T = TypeVar("T")


class Service:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk


def view_of(cls: type[V], obj: Any, **extra: Any) -> V:
    """Build a frozen view dataclass from an ORM object by field name."""
    values = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        values[f.name] = extra[f.name] if f.name in extra else getattr(obj, f.name)
    return cls(**values)


class Checker:
    """Collects per-field errors so the user sees all of them at once; nothing is saved."""

    def __init__(self, labels: Mapping[str, str]) -> None:
        self.labels = labels
        self.errors: dict[str, str] = {}

    def check(self, field: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        try:
            return fn(*args, **kwargs)
        except FieldError as exc:
            self.errors[field] = exc.message
            return None

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors, self.labels)


def check_version(
    kind: str,
    expected_version: int,
    current: Any,
    view: Any,
    started_from: Any | None,
    *,
    ignore: Collection[str] = (),
) -> None:
    """Refuse to save over a change made meanwhile, saying which fields changed. Changes to
    the ``ignore`` fields alone (bookkeeping such as a user's last login) are not a conflict."""
    if current.version == expected_version:
        return
    changed: dict[str, tuple[Any, Any]] = {}
    if started_from is not None:
        for f in dataclasses.fields(view):
            if f.name in ("version", "updated_at", "created_at") or f.name in ignore:
                continue
            a, b = getattr(started_from, f.name, None), getattr(view, f.name)
            if a != b:
                changed[f.name] = (a, b)
        if ignore and not changed:
            return
    raise ConflictError(f"这条{kind}记录在您编辑期间已被其他用户修改，您的修改尚未保存。", current=view, changed=changed)
