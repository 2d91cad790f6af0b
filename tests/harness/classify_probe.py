"""`reviewbot classify` in an interpreter of its own, run once per test process and shared:
what it answers while its stdin is still open, its exit code, and whether it loaded the
database or the bot. One interpreter start (~1.8 s of CPU) serves both tests that need a
fresh one: test_layout.py (what `classify` imports) and test_classifier_cli.py (it answers
each line as it comes); both are in the xdist group "layout", so on one worker."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINES = ["太难吃了", "很好吃"]

# main() as `python -m reviewbot classify` runs it, then the heavy packages it imported.
PROBE = (
    "import sys\n"
    "from reviewbot.app.cli import main\n"
    "try:\n    code = main(['classify'])\nexcept SystemExit as exit_:\n    code = exit_.code\n"
    "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'telegram'})\n"
    "print('loaded:' + ','.join(heavy))\n"
    "sys.exit(code)\n"
)


@dataclass(frozen=True)
class Probe:
    answers: list[dict]  # one per line of LINES, each read before the next was written
    returncode: int
    loaded: str  # the heavy packages `classify` imported, comma-separated; "" for none
    stderr: str


@cache
def classify_probe() -> Probe:
    process = subprocess.Popen(
        [sys.executable, "-c", PROBE],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    try:
        assert process.stdin is not None and process.stdout is not None
        answers = []
        for i, text in enumerate(LINES):
            process.stdin.write(json.dumps({"id": i, "text": text}).encode() + b"\n")
            process.stdin.flush()
            answers.append(json.loads(process.stdout.readline()))  # hangs if stdin is slurped
        rest, err = process.communicate(timeout=60)  # closes stdin: classify ends
    finally:
        process.kill()
    last = rest.decode().strip().splitlines()[-1] if rest.strip() else ""
    assert last.startswith("loaded:"), (rest, err)
    return Probe(answers, process.returncode, last.removeprefix("loaded:"), err.decode())
