"""Database work off the GUI thread. One worker thread runs jobs in order (SQLite allows one
writer anyway); results and errors come back to the GUI thread through queued signals. Widgets
are never touched from the worker."""

from __future__ import annotations

import itertools
import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

log = logging.getLogger(__name__)

PROGRESS_DELAY_MS = 500  # show progress only when work is slow


class _Runner(QObject):
    """Lives on the worker thread; runs each submitted job and reports to the Worker."""

    submit = Signal(int, object)
    done = Signal(int, object)
    failed = Signal(int, object)

    def __init__(self) -> None:
        super().__init__()
        self.submit.connect(self._run)

    @Slot(int, object)
    def _run(self, job_id: int, fn: Callable[[], Any]) -> None:
        try:
            result = fn()
        except Exception as exc:  # noqa: BLE001 - every error goes back to the GUI thread
            log.debug("job failed: %s", "".join(traceback.format_exception(exc)))
            self.failed.emit(job_id, exc)
            return
        self.done.emit(job_id, result)


class Worker(QObject):
    """``worker.run(fn, on_done, on_error)``: fn runs on the worker thread; the callbacks run
    on the GUI thread (the Worker lives there, so its slots are queued)."""

    busy_changed = Signal(bool)
    slow = Signal(bool)  # True once a job has run longer than PROGRESS_DELAY_MS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName("cadesk-db-worker")
        self._runner = _Runner()
        self._runner.moveToThread(self._thread)
        self._runner.done.connect(self._on_done)
        self._runner.failed.connect(self._on_failed)
        self._thread.start()
        self._ids = itertools.count(1)
        # job id -> (fn, on_done, on_error). Holding fn here until the GUI thread handles the
        # result makes the GUI thread, not the worker, drop the last reference: a job closing
        # over a widget must never destroy it off the GUI thread.
        self._callbacks: dict[int, tuple[Callable[[], Any], Callable[[Any], None] | None, Callable[[BaseException], None] | None]] = {}
        self._slow_timer = QTimer(self)
        self._slow_timer.setSingleShot(True)
        self._slow_timer.timeout.connect(lambda: self.slow.emit(True))

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        job_id = next(self._ids)
        self._callbacks[job_id] = (fn, on_done, on_error)
        if len(self._callbacks) == 1:
            self.busy_changed.emit(True)
            self._slow_timer.start(PROGRESS_DELAY_MS)
        self._runner.submit.emit(job_id, fn)

    @Slot(int, object)
    def _on_done(self, job_id: int, result: Any) -> None:
        on_done, _ = self._finish(job_id)
        if on_done:
            on_done(result)

    @Slot(int, object)
    def _on_failed(self, job_id: int, exc: BaseException) -> None:
        _, on_error = self._finish(job_id)
        if on_error:
            on_error(exc)
        else:
            log.error("unhandled worker error: %s", exc)

    def _finish(self, job_id: int) -> tuple[Callable[[Any], None] | None, Callable[[BaseException], None] | None]:
        _fn, on_done, on_error = self._callbacks.pop(job_id, (None, None, None))
        if not self._callbacks:
            self._slow_timer.stop()
            self.busy_changed.emit(False)
            self.slow.emit(False)
        return on_done, on_error

    @property
    def busy(self) -> bool:
        return bool(self._callbacks)

    def shutdown(self) -> None:
        self._thread.quit()
        self._thread.wait(5000)
