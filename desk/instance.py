"""Tell the Windows installer that the program is running.

While the desktop program or the admin tool runs it holds a named mutex; the installer and
uninstaller (packaging/cadesk.nsi) wait until it is gone before they replace or remove files, so
an upgrade never swaps the libraries under a running program or a backup in progress. The
mutex lives in the session's own namespace: another user logged in on the same PC does not
block this user's install. Elsewhere than Windows this does nothing."""

from __future__ import annotations

import sys

# Must stay equal to RUNNING_MUTEX in packaging/cadesk.nsi (tests/test_packaging.py checks).
RUNNING_MUTEX = "Local\\CADesk.Running"

_handle: int | None = None


def announce_running() -> bool:
    """Hold the mutex until the process ends (Windows releases it then, even after a crash).
    Returns whether it is held."""
    global _handle
    if sys.platform != "win32":
        return False
    if _handle:
        return True
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.CreateMutexW.restype = wintypes.HANDLE
    kernel32.CreateMutexW.argtypes = (ctypes.c_void_p, wintypes.BOOL, wintypes.LPCWSTR)
    # Several copies may run (two windows, the GUI and the admin tool): each opens the same mutex.
    handle = kernel32.CreateMutexW(None, False, RUNNING_MUTEX)
    if not handle:
        return False
    _handle = int(handle)
    return True
