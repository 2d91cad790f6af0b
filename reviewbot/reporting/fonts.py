"""The fonts chart labels are drawn in, so Chinese never comes out as empty boxes.

matplotlib's own font (DejaVu Sans) has no CJK glyphs, and a fresh server often has no CJK
font at all. reviewbot therefore ships one: a subset of Noto Sans CJK SC (ASCII, GB2312 and
common punctuation; SIL Open Font License, built by tools/build_cjk_font.py) registered
with matplotlib under the family "Reviewbot CJK SC". A full system CJK font still comes
first when there is one (it also covers rare characters in a store's name); matplotlib
falls back glyph by glyph along the list, ending with DejaVu Sans.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections.abc import Iterable
from functools import cache

from reviewbot.resources import bundled_font

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
BUNDLED_FAMILY = "Reviewbot CJK SC"
LATIN_FAMILY = "DejaVu Sans"  # matplotlib's own, always there


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


def system_cjk(installed: Iterable[str]) -> str | None:
    """The preferred CJK family among `installed` (matplotlib's family names), if any."""
    names = set(installed)
    return next((name for name in CJK_FONTS if name in names), None)


def register_bundled() -> str | None:
    """Add the bundled font to matplotlib; its family name, or None if the file is gone."""
    from matplotlib import font_manager

    path = bundled_font()
    if path is None:
        return None
    if BUNDLED_FAMILY not in _installed():
        font_manager.fontManager.addfont(str(path))
    return BUNDLED_FAMILY


@cache
def chart_fonts() -> tuple[str, ...]:
    """The families chart text is drawn in, best first (computed once per process)."""
    system = system_cjk(_installed())
    if system is None:
        _add_from_fontconfig()
        system = system_cjk(_installed())
    bundled = register_bundled()
    if bundled is None:
        log.error(
            "the bundled Chinese font is missing (reinstall reviewbot)%s",
            "" if system else "; chart labels will show as boxes",
        )
    return tuple(name for name in (system, bundled, LATIN_FAMILY) if name)


def has_bold(family: str) -> bool:
    """Whether matplotlib has a bold face of `family` (else it would warn on every heading)."""
    from matplotlib import font_manager

    def weight(value: int | str) -> int:
        return font_manager.weight_dict.get(value, 400) if isinstance(value, str) else value

    return any(
        entry.name == family and weight(entry.weight) >= 600
        for entry in font_manager.fontManager.ttflist
    )
