"""Every modal message goes through ``Dialogs`` so tests can replace it with a recorder."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from desk.errors import ConflictError, DeskError, ValidationError


class Dialogs:
    """Real dialogs. Tests use ``RecordingDialogs`` (tests/qt_helpers.py) instead."""

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.information(parent, title, text)

    def warn(self, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.warning(parent, title, text)

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.critical(parent, title, text)

    def confirm(self, parent: QWidget | None, title: str, text: str) -> bool:
        answer = QMessageBox.question(parent, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def ask_text(self, parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
        value, ok = QInputDialog.getText(parent, title, label, text=text)
        return value if ok else None

    def open_file(self, parent: QWidget | None, title: str, filters: str = "") -> str | None:
        path, _ = QFileDialog.getOpenFileName(parent, title, "", filters)
        return path or None

    def save_file(
        self, parent: QWidget | None, title: str, suggested: str = "", filters: str = "", *, confirm_overwrite: bool = True
    ) -> str | None:
        """``confirm_overwrite=False`` for choosing an existing file to use (not to replace)."""
        options = QFileDialog.Option(0) if confirm_overwrite else QFileDialog.Option.DontConfirmOverwrite
        path, _ = QFileDialog.getSaveFileName(parent, title, suggested, filters, options=options)
        return path or None

    def show_error(self, parent: QWidget | None, exc: BaseException, title: str = "操作未完成") -> None:
        """A service error as a clear Chinese message; anything unexpected without a traceback."""
        self.error(parent, title, describe_error(exc))


def describe_error(exc: BaseException) -> str:
    if isinstance(exc, ConflictError):
        lines = [exc.message]
        for field, (mine, theirs) in exc.changed.items():
            lines.append(f"· {field}：原为“{mine or ''}”，现为“{theirs or ''}”")
        return "\n".join(lines)
    if isinstance(exc, ValidationError):
        return "请更正以下内容：\n" + exc.message.replace("；", "\n")
    if isinstance(exc, DeskError):
        return exc.message
    return f"程序遇到意外错误，操作没有完成。\n详细信息已写入日志。\n（{type(exc).__name__}: {exc}）"
