"""The `reviewbot` command run in this process, through the same `main()` the installed
command calls: argv in, exit code, stdout and stderr bytes out, as a subprocess would give
them. A subprocess pays ~1.5 s of CPU for the interpreter and the imports; this pays
nothing after the first call. Only for commands that end on their own and hold no global
state afterwards (no `run`, `demo` or signals; the JSON Lines contracts keep true
subprocess tests in test_cli.py too); from synchronous code or a thread (sys.stdout is
swapped). stdin is a real file, so commands that read its descriptor work as with a pipe."""

from __future__ import annotations

import contextlib
import gc
import io
import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from reviewbot.app.cli import main

# The loggers whose level main()'s logging set-up changes, put back afterwards.
TUNED = ("", "apscheduler", "aiohttp.access", "alembic", "httpx", "httpcore")


def _stream() -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)


def _stdin(data: bytes) -> io.TextIOWrapper:
    file = tempfile.TemporaryFile()  # noqa: SIM115 (closed with sys.stdin, below)
    file.write(data)
    file.seek(0)
    return io.TextIOWrapper(file, encoding="utf-8")


def reviewbot_here(
    *args: str, cwd: Path, env: dict[str, str] | None = None, stdin: bytes = b""
) -> subprocess.CompletedProcess[bytes]:
    """`reviewbot ARGS` in `cwd` with `env` added; what the interpreter does with a
    SystemExit out of main() (`python -m reviewbot` is `sys.exit(main())`) is done here."""
    root = logging.getLogger()
    saved = (sys.stdin, sys.stdout, sys.stderr, os.getcwd(), dict(os.environ))
    handlers, threshold, frozen = root.handlers[:], gc.get_threshold(), gc.get_freeze_count()
    levels = {name: logging.getLogger(name).level for name in TUNED}
    stdout, stderr = _stream(), _stream()
    sys.stdin, sys.stdout, sys.stderr = _stdin(stdin), stdout, stderr
    root.handlers = []  # so main()'s own logging set-up takes effect, as in a new process
    try:
        os.chdir(cwd)
        os.environ.update(env or {})
        try:
            code: object = main(list(args))
        except SystemExit as exit_:
            code = exit_.code
        if code is None:
            code = 0
        elif not isinstance(code, int):
            print(code, file=sys.stderr)
            code = 1
    finally:
        for handler in root.handlers:
            with contextlib.suppress(Exception):
                handler.close()
        root.handlers = handlers
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
        sys.stdin.close()
        sys.stdin, sys.stdout, sys.stderr, cwd_before, environ = saved
        os.chdir(cwd_before)
        os.environ.clear()
        os.environ.update(environ)
        gc.set_threshold(*threshold)  # a streaming command tunes the collector (cli.py)
        if not frozen:
            gc.unfreeze()
    return subprocess.CompletedProcess(
        ["reviewbot", *args], code, stdout.buffer.getvalue(), stderr.buffer.getvalue()
    )
