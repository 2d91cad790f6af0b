"""Refresh docs/screenshots/: the console's queue, a review, a customer record and the
dashboard at phone (390x844) and desktop (1280x800) size, from the browser test that
takes them (tests/test_web_browser.py::test_screenshots) against the daemon on the demo
platform. Needs Chromium (tools/setup-browser).

    .venv/bin/python tools/screenshots.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    out = ROOT / "docs" / "screenshots"
    env = {**os.environ, "REVIEWBOT_SCREENSHOTS": str(out)}
    test = "tests/test_web_browser.py::test_screenshots"
    command = [sys.executable, "-m", "pytest", test, "-n", "0", "-q", "-p", "no:cacheprovider"]
    done = subprocess.run(command, cwd=ROOT, env=env, check=False)
    if done.returncode == 0:
        print(f"screenshots written to {out.relative_to(ROOT)}/")
    return done.returncode


if __name__ == "__main__":
    raise SystemExit(main())
