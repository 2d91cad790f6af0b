"""Loading and rendering the reply template library.

Rendering is plain substitution of a fixed set of names, `{name}`: a template cannot reach
attributes, indexes or anything beyond the variables it is given, whoever edits it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from reviewbot.resources import default_templates_dir

PRINCIPLES: tuple[str, ...] = ("shoulder", "sincerity", "system", "speed", "standard")
VARIABLES: frozenset[str] = frozenset(
    {"store", "signature", "contact", "proof", "dish", "complaint", "praised"}
)
_FIELD = re.compile(r"\{([^{}]*)\}")


class TemplateError(ValueError):
    """A template file that cannot be used; the message names the file and the problem."""


def variables_in(text: str) -> set[str]:
    return set(_FIELD.findall(text))


def render(text: str, values: Mapping[str, str]) -> str | None:
    """`text` with its variables filled in, or None if one of them has no value."""
    missing = False

    def fill(match: re.Match[str]) -> str:
        nonlocal missing
        value = values.get(match.group(1), "")
        missing = missing or not value
        return value

    result = _FIELD.sub(fill, text)
    return None if missing else result


@dataclass(frozen=True, slots=True)
class Template:
    id: str
    situation: str
    category: str
    default_complaint: str
    parts: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Common:
    greeting: tuple[str, ...]
    praise: tuple[str, ...]
    closing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TemplateLibrary:
    templates: Mapping[str, Template]
    common: Common

    def find(self, situation: str, category: str = "general") -> Template:
        for template in self.templates.values():
            if template.situation == situation and template.category == category:
                return template
        if category != "general":
            return self.find(situation, "general")
        raise KeyError(f"no template for situation {situation!r}")


def _strings(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise TemplateError(f"{where}: expected a non-empty list of strings")
    for text in value:
        unknown = variables_in(text) - VARIABLES
        if unknown:
            raise TemplateError(
                f"{where}: unknown variable {{{sorted(unknown)[0]}}} in {text!r}; "
                f"known: {', '.join(sorted(VARIABLES))}"
            )
    return tuple(value)


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"{path.name}: malformed TOML: {exc}") from None


def load_library(directory: Path | None = None) -> TemplateLibrary:
    directory = directory or default_templates_dir()
    common_data = _read(directory / "common.toml")
    common = Common(
        *(
            _strings(common_data.get(key), f"common.toml: {key}")
            for key in ("greeting", "praise", "closing")
        )
    )
    templates: dict[str, Template] = {}
    for path in sorted(directory.glob("*.toml")):
        if path.name == "common.toml":
            continue
        data = _read(path)
        known = {"situation", "category", "default_complaint", *PRINCIPLES}
        unknown = set(data) - known
        if unknown:
            raise TemplateError(f"{path.name}: unknown key {sorted(unknown)[0]!r}")
        for key in ("situation", "category"):
            if not isinstance(data.get(key), str):
                raise TemplateError(f"{path.name}: {key} must be a string")
        parts = {p: _strings(data[p], f"{path.name}: {p}") for p in PRINCIPLES if p in data}
        if not parts:
            raise TemplateError(f"{path.name}: no parts ({', '.join(PRINCIPLES)})")
        templates[path.stem] = Template(
            id=path.stem,
            situation=data["situation"],
            category=data["category"],
            default_complaint=str(data.get("default_complaint", "")),
            parts=parts,
        )
    return TemplateLibrary(templates, common)
