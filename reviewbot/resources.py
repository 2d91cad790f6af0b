"""Where data shipped with reviewbot lives, in a source checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def default_templates_dir() -> Path:
    """templates/replies: in the wheel as reviewbot/_templates, else at the checkout's top level."""
    for candidate in (
        _PACKAGE / "_templates" / "replies",
        _PACKAGE.parent / "templates" / "replies",
    ):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        "reply templates not found; reinstall reviewbot or set [replies] templates_dir "
        "in the config to a copy of templates/replies/"
    )


def bundled_font() -> Path | None:
    """The Chinese font shipped in the package for charts (see reviewbot/_fonts/OFL.txt)."""
    path = _PACKAGE / "_fonts" / "ReviewbotCJKSC-Regular.otf"
    return path if path.is_file() else None
