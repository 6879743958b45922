"""Entry of the frozen administrator's tool (cadesk-admin.exe, console): ``desk.cli:main``.

The benchmarks start child processes as ``sys.executable -m <module> …`` (desk/bench_complaints.py,
ui/startup_bench.py). In the frozen program sys.executable is this tool, not Python, so
``-m <module>`` is honoured here: the module runs as ``__main__`` from the bundle."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def run_module(argv: Sequence[str]) -> int:
    """``-m NAME ARGS…``: run module NAME as a script, as ``python -m`` would."""
    import runpy

    name, *rest = argv
    sys.argv = [name, *rest]
    try:
        runpy.run_module(name, run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        code = exc.code
        if code is None or isinstance(code, int):
            return code or 0
        print(code, file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) >= 2 and args[0] == "-m":
        return run_module(args[1:])
    from desk.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
