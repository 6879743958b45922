"""Test doubles for the GUI: a Dialogs that records instead of showing modal boxes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ui.dialogs import Dialogs, describe_error


@dataclass
class RecordingDialogs(Dialogs):
    """Records every message; answers questions from queues the test fills."""

    shown: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, title, text)
    confirm_answers: list[bool] = field(default_factory=list)
    text_answers: list[str | None] = field(default_factory=list)
    file_answers: list[str | None] = field(default_factory=list)

    def info(self, parent: Any, title: str, text: str) -> None:
        self.shown.append(("info", title, text))

    def warn(self, parent: Any, title: str, text: str) -> None:
        self.shown.append(("warn", title, text))

    def error(self, parent: Any, title: str, text: str) -> None:
        self.shown.append(("error", title, text))

    def confirm(self, parent: Any, title: str, text: str) -> bool:
        self.shown.append(("confirm", title, text))
        return self.confirm_answers.pop(0) if self.confirm_answers else True

    def ask_text(self, parent: Any, title: str, label: str, text: str = "") -> str | None:
        self.shown.append(("ask_text", title, label))
        return self.text_answers.pop(0) if self.text_answers else None

    def open_file(self, parent: Any, title: str, filters: str = "") -> str | None:
        self.shown.append(("open_file", title, filters))
        return self.file_answers.pop(0) if self.file_answers else None

    def save_file(self, parent: Any, title: str, suggested: str = "", filters: str = "", *, confirm_overwrite: bool = True) -> str | None:
        self.shown.append(("save_file", title, suggested))
        return self.file_answers.pop(0) if self.file_answers else None

    def show_error(self, parent: Any, exc: BaseException, title: str = "操作未完成") -> None:
        self.shown.append(("error", title, describe_error(exc)))

    def texts(self, kind: str | None = None) -> list[str]:
        return [t for k, _title, t in self.shown if kind is None or k == kind]
