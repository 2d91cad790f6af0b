"""Loading and rendering the reply template library (templates/replies/, see its README).

The library is data that owners edit, so loading never stops at the first mistake: every
problem is collected with its file and key, and `reviewbot templates lint` prints them all.
Rendering is plain substitution of a fixed set of names, `{name}`: a template cannot reach
attributes, indexes or anything beyond the variables it is given, whoever edits it.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reviewbot.analysis.base import MALICIOUS_REASONS
from reviewbot.replies.answers import Answer, EnglishLibrary, read_answers, read_english
from reviewbot.replies.statement import STATEMENT_FILE, StatementSpec, read_statement
from reviewbot.resources import default_templates_dir

# Per-complaint answers and the English library live beside the templates, not as templates.
ANSWERS_FILE = "aspects.toml"
ENGLISH_DIR = "en"
PRINCIPLES: tuple[str, ...] = ("shoulder", "sincerity", "system", "speed", "standard")
# Every part a reply can have, in reading order. Parts that are not principles frame the
# reply: a greeting, thanks for what a mixed review praised, a word on a second complaint,
# an invitation back and the signature.
PARTS: tuple[str, ...] = (
    "greeting",
    "praise",
    "shoulder",
    "sincerity",
    "system",
    "also",
    "speed",
    "standard",
    "invite",
    "closing",
)
VARIABLES: frozenset[str] = frozenset(
    {
        # from the store's fact sheet (config)
        "store",
        "signature",
        "contact",
        "hours",
        "proof",
        "remedy",
        # from the review and its analysis
        "complaint",
        "quote",
        "dish",
        "term",
        "praised",
        "also",
        "label",
        "liked",
    }
)
# What a review may say besides its complaint that changes how a reply should read: it has
# no text (no thanks "for writing"), its follow-up says the problem happened again, the
# customer could not get through on the phone, or the reason it is malicious. A template's
# [when.CUE] table replaces the parts it lists for a review with that cue.
CUES: tuple[str, ...] = ("no_text", "repeat", "improved", "unanswered", *MALICIOUS_REASONS)
APPEAL_VARIABLES: frozenset[str] = frozenset({"store", "proof", "reason", "explain", "review"})
SITUATIONS: tuple[str, ...] = (
    "negative",
    "mixed",
    "positive",
    "neutral",
    "star_only",
    "follow_up",
    "malicious",
    "crisis",
)
# A situation that wraps a category: parts it leaves out come from the negative template
# of the review's main category (and that category's matching aspect).
WRAPPING_SITUATIONS: frozenset[str] = frozenset({"mixed", "follow_up"})
_FIELD = re.compile(r"\{([^{}]*)\}")
_TEMPLATE_KEYS = frozenset(
    {
        "situation",
        "category",
        "label",
        "praise_as",
        "default_complaint",
        "aspects",
        "appeal",
        "when",
    }
)


class TemplateError(ValueError):
    """A template library that cannot be used; `problems` names each file, key and mistake."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


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


Variants = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Aspect:
    """One concrete kind of problem within a category (late, spilled, too salty …).

    Matched by its `terms`, words that are complaints in themselves (太慢, 洒了), anywhere
    in a review; its `topics`, words that only say what a remark is about (包装, 骑手),
    count only when the classifier found the category negative. An aspect's parts replace
    the template's parts of the same name.
    """

    name: str
    terms: tuple[str, ...]
    complaint: Variants
    parts: Mapping[str, Variants]
    topics: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Template:
    id: str
    situation: str
    category: str
    label: str = ""
    praise_as: Variants = ()
    default_complaint: Variants = ()
    parts: Mapping[str, Variants] = field(default_factory=dict)
    aspects: tuple[Aspect, ...] = ()
    when: Mapping[str, Mapping[str, Variants]] = field(default_factory=dict)  # per cue

    @property
    def wraps_category(self) -> bool:
        return self.situation in WRAPPING_SITUATIONS


@dataclass(frozen=True, slots=True)
class AppealSpec:
    """How an appeal to the platform is written and what evidence it lists, per reason."""

    text: Variants
    labels: Mapping[str, str]
    explain: Mapping[str, str]
    evidence: Mapping[str, Variants]  # "common" plus one entry per reason


@dataclass(frozen=True, slots=True)
class TemplateLibrary:
    templates: Mapping[str, Template]
    common: Mapping[str, Variants]
    defaults: Mapping[str, str]
    appeal: AppealSpec
    common_when: Mapping[str, Mapping[str, Variants]] = field(default_factory=dict)
    # Per-complaint answers by aspect id (aspects.toml), and the English library (en/).
    answers: Mapping[str, Answer] = field(default_factory=dict)
    english: EnglishLibrary | None = None
    # A crisis's unified first response (statement.toml), None when the library has none.
    statement: StatementSpec | None = None

    def find(self, situation: str, category: str = "general") -> Template:
        for template in self.templates.values():
            if template.situation == situation and template.category == category:
                return template
        if category != "general":
            return self.find(situation, "general")
        raise KeyError(f"no template for situation {situation!r}")

    def for_category(self, category: str) -> Template:
        """The template that owns a category's vocabulary and aspects."""
        situation = "crisis" if category == "hygiene" else "negative"
        return self.find(situation, category)


# -- reading the files -------------------------------------------------------------------


class _Reader:
    """Reads one library directory, collecting every problem instead of stopping."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.problems: list[str] = []
        self.appeal_data: object = None

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def toml(self, path: Path) -> dict[str, Any] | None:
        where = path.relative_to(self.directory).as_posix()
        try:
            return tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            self.problem(where, f"malformed TOML: {exc}")
        except UnicodeDecodeError:
            self.problem(where, "not UTF-8 text")
        return None

    def variants(
        self,
        value: object,
        where: str,
        *,
        known: frozenset[str] = VARIABLES,
        allow_blank: bool = False,
        allow_empty: bool = False,
    ) -> Variants:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(where, "expected a list of strings")
            return ()
        if not value and not allow_empty:
            self.problem(where, "the list is empty")
        for index, text in enumerate(value):
            if not text and not allow_blank:
                self.problem(f"{where}[{index}]", "empty text")
            unknown = variables_in(text) - known
            for name in sorted(unknown):
                self.problem(
                    f"{where}[{index}]",
                    f"unknown variable {{{name}}} in {text!r}; known: {', '.join(sorted(known))}",
                )
            if text.count("{") != text.count("}"):
                self.problem(f"{where}[{index}]", f"unbalanced braces in {text!r}")
        if len(set(value)) != len(value):
            self.problem(where, "the same text is listed twice")
        return tuple(value)

    def parts(self, data: dict[str, Any], where: str) -> dict[str, Variants]:
        return {
            part: self.variants(
                data[part], f"{where}: {part}", allow_blank=part != "shoulder", allow_empty=True
            )
            for part in PARTS
            if part in data
        }

    def when(self, data: object, where: str) -> dict[str, dict[str, Variants]]:
        """[when.CUE] tables: parts that replace the template's for a review with that cue."""
        if not isinstance(data, dict):
            self.problem(where, "expected a table per cue ([when.CUE])")
            return {}
        tables = {}
        for cue, table in data.items():
            at = f"{where}.{cue}"
            if cue not in CUES:
                self.problem(at, f"unknown cue; known: {', '.join(CUES)}")
                continue
            if not isinstance(table, dict):
                self.problem(at, "expected a table of parts")
                continue
            for key in sorted(set(table) - set(PARTS)):
                self.problem(at, f"unknown key {key!r} (parts are: {', '.join(PARTS)})")
            tables[cue] = self.parts(table, at)
        return tables

    def aspects(self, data: object, where: str) -> tuple[Aspect, ...]:
        if not isinstance(data, dict):
            self.problem(where, "expected a table of aspects ([aspects.NAME])")
            return ()
        aspects = []
        for name, table in data.items():
            at = f"{where}.{name}"
            if not isinstance(table, dict):
                self.problem(at, "expected a table")
                continue
            for key in sorted(set(table) - {"terms", "topics", "complaint", *PARTS}):
                self.problem(at, f"unknown key {key!r}")
            words = {}
            for key in ("terms", "topics"):
                words[key] = table.get(key, [])
                if not isinstance(words[key], list) or not all(
                    isinstance(t, str) and t for t in words[key]
                ):
                    self.problem(f"{at}: {key}", "expected a list of words")
                    words[key] = []
            complaint = (
                self.variants(table["complaint"], f"{at}: complaint")
                if "complaint" in table
                else ()
            )
            aspects.append(
                Aspect(
                    name,
                    tuple(words["terms"]),
                    complaint,
                    self.parts(table, at),
                    tuple(words["topics"]),
                )
            )
        return tuple(aspects)

    def template(self, path: Path) -> Template | None:
        where = path.relative_to(self.directory).as_posix()
        data = self.toml(path)
        if data is None:
            return None
        for key in sorted(set(data) - _TEMPLATE_KEYS - set(PARTS)):
            self.problem(where, f"unknown key {key!r} (parts are: {', '.join(PARTS)})")
        situation = data.get("situation")
        if situation not in SITUATIONS:
            self.problem(where, f"situation must be one of {', '.join(SITUATIONS)}")
            return None
        category = data.get("category", "general")
        if not isinstance(category, str):
            self.problem(where, "category must be a string")
            return None
        if situation == "malicious":
            self.appeal_data = data.get("appeal")
        label = data.get("label", "")
        if not isinstance(label, str):
            self.problem(where, "label must be a string")
            label = ""
        return Template(
            id=path.relative_to(self.directory).with_suffix("").as_posix(),
            situation=situation,
            category=category,
            label=label,
            praise_as=self.variants(data.get("praise_as", []), f"{where}: praise_as", known=_NONE)
            if "praise_as" in data
            else (),
            default_complaint=self.variants(
                data["default_complaint"], f"{where}: default_complaint"
            )
            if "default_complaint" in data
            else (),
            parts=self.parts(data, where),
            aspects=self.aspects(data["aspects"], f"{where}: aspects") if "aspects" in data else (),
            when=self.when(data["when"], f"{where}: when") if "when" in data else {},
        )

    def appeal(self, data: object, where: str) -> AppealSpec:
        empty = AppealSpec((), {}, {}, {})
        if not isinstance(data, dict):
            self.problem(where, "an [appeal] table is required")
            return empty
        text = self.variants(data.get("text"), f"{where}.text", known=APPEAL_VARIABLES)
        labels, explain, evidence = {}, {}, {}
        reasons = data.get("reasons", {})
        if not isinstance(reasons, dict):
            self.problem(f"{where}.reasons", "expected a table per reason")
            reasons = {}
        for reason, table in reasons.items():
            at = f"{where}.reasons.{reason}"
            if not isinstance(table, dict) or not all(
                isinstance(table.get(k), str) and table.get(k) for k in ("label", "explain")
            ):
                self.problem(at, "needs label and explain (text)")
                continue
            labels[reason], explain[reason] = table["label"], table["explain"]
            evidence[reason] = self.variants(
                table.get("evidence", []), f"{at}.evidence", known=_NONE, allow_empty=True
            )
        evidence["common"] = self.variants(data.get("evidence"), f"{where}.evidence", known=_NONE)
        return AppealSpec(text, labels, explain, evidence)


_NONE: frozenset[str] = frozenset()


def read_library(directory: Path | None = None) -> tuple[TemplateLibrary, list[str]]:
    """The library in `directory` and every problem found reading it (empty when usable)."""
    directory = directory or default_templates_dir()
    reader = _Reader(directory)
    common_path = directory / "common.toml"
    common_data = (reader.toml(common_path) if common_path.is_file() else None) or {}
    if not common_path.is_file():
        reader.problem("common.toml", "missing")
    for key in sorted(set(common_data) - set(PARTS) - {"defaults", "when"}):
        reader.problem("common.toml", f"unknown key {key!r}")
    common = reader.parts(common_data, "common.toml")
    common_when = reader.when(common_data.get("when", {}), "common.toml: when")
    defaults = common_data.get("defaults", {})
    if not isinstance(defaults, dict) or not all(isinstance(v, str) for v in defaults.values()):
        reader.problem("common.toml: defaults", "expected a table of texts")
        defaults = {}
    for key in sorted(set(defaults) - VARIABLES):
        reader.problem("common.toml: defaults", f"{key!r} is not a variable")
    templates: dict[str, Template] = {}
    appeal = AppealSpec((), {}, {}, {})
    answers: dict[str, Answer] = {}
    answers_path = directory / ANSWERS_FILE
    if answers_path.is_file():
        answers, found = read_answers(answers_path)
        reader.problems.extend(found)
    english = read_english(directory / ENGLISH_DIR, reader.problems)
    statement_path = directory / STATEMENT_FILE
    statement, found = read_statement(statement_path)
    reader.problems.extend(found)
    for path in sorted(directory.rglob("*.toml")):
        if path in (common_path, answers_path, statement_path):
            continue
        if ENGLISH_DIR in path.relative_to(directory).parts:
            continue
        template = reader.template(path)
        if template is None:
            continue
        templates[template.id] = template
        if template.situation == "malicious":
            appeal = reader.appeal(reader.appeal_data, f"{template.id}.toml: appeal")
    library = TemplateLibrary(
        templates, common, dict(defaults), appeal, common_when, answers, english, statement
    )
    return library, reader.problems


def _fingerprint(directory: Path) -> str:
    """A digest of every file of a library: a changed file changes it, so a library read
    earlier from the same bytes can be handed out again."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(directory)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


# Libraries already read, by directory and content: a library is immutable data, and every
# daemon and command of a process (every test's) would parse the same TOML again (a tenth
# of a second each). Bounded: an owner editing templates makes new entries.
_LOADED: dict[tuple[Path, str], TemplateLibrary] = {}
_LOADED_MAX = 16


def load_library(directory: Path | None = None) -> TemplateLibrary:
    """The library, or TemplateError listing every problem (run `reviewbot templates lint`)."""
    where = (directory or default_templates_dir()).resolve()
    key = (where, _fingerprint(where)) if where.is_dir() else None
    if key is not None and key in _LOADED:
        return _LOADED[key]
    library, problems = read_library(directory)
    if problems:
        raise TemplateError(problems)
    if key is not None:
        if len(_LOADED) >= _LOADED_MAX:
            _LOADED.pop(next(iter(_LOADED)))
        _LOADED[key] = library
    return library
