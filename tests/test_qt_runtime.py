"""The Qt binding itself must be sound: PySide6 6.12.0 on CPython 3.11 dropped a reference to
True on every signal emit and aborted the process at exit (pinned below it in pyproject)."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_signal_emit_keeps_bool_refcounts() -> None:
    code = textwrap.dedent(
        """
        import sys
        from PySide6.QtCore import QCoreApplication, QObject, Signal
        app = QCoreApplication([])
        class O(QObject):
            s = Signal()
        o = O()
        o.s.connect(lambda: None)
        before = sys.getrefcount(True)
        for _ in range(200):
            o.s.emit()
        print(sys.getrefcount(True) - before)
        """
    )
    # A child process: the broken binding aborts at interpreter exit.
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""})
    assert proc.returncode == 0, proc.stderr[-500:]
    assert int(proc.stdout.strip().splitlines()[-1]) >= 0
