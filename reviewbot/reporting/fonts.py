"""Finding a font that can draw Chinese, so chart labels do not come out as empty boxes.

matplotlib's default font (DejaVu Sans) has no CJK glyphs. We take the first installed
font from a list of common ones; if matplotlib's font cache predates the font's install,
fontconfig (`fc-list :lang=zh`) is asked for the files and they are added. With none at
all the chart is still drawn, with a warning saying what to install.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from functools import cache

log = logging.getLogger(__name__)

# Simplified Chinese first, then fonts that also cover it (Japanese/Traditional cuts).
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "SimHei",
    "Sarasa Gothic SC",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Noto Serif CJK SC",
)
INSTALL_HINT = (
    "no font with Chinese characters found; chart labels will show as boxes. "
    "Install one, e.g. `apt-get install fonts-noto-cjk` (Debian/Ubuntu) or "
    "`brew install --cask font-noto-sans-cjk-sc` (macOS)"
)


def _installed() -> set[str]:
    from matplotlib import font_manager

    return {entry.name for entry in font_manager.fontManager.ttflist}


def _add_from_fontconfig() -> None:
    """Register the files fontconfig knows to cover Chinese (a stale matplotlib cache)."""
    from matplotlib import font_manager

    if shutil.which("fc-list") is None:
        return
    try:
        listing = subprocess.run(
            ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return
    for line in listing.splitlines():
        path = line.split(":", 1)[0].strip()
        if path:
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue


@cache
def cjk_font() -> str | None:
    """The family name of a CJK font matplotlib can use, or None (warned once)."""
    for attempt in range(2):
        installed = _installed()
        for name in CJK_FONTS:
            if name in installed:
                return name
        if attempt == 0:
            _add_from_fontconfig()
    log.warning(INSTALL_HINT)
    return None
