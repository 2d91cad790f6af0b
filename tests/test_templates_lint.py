"""`reviewbot templates lint`: the shipped library is clean, and each kind of broken edit an
owner could make is reported with its file and key."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from reviewbot.replies.lint import lint_library
from reviewbot.replies.templates import TemplateError, load_library
from reviewbot.resources import default_templates_dir
from tests.test_cli import reviewbot


@pytest.fixture
def library(tmp_path: Path) -> Path:
    directory = tmp_path / "replies"
    shutil.copytree(default_templates_dir(), directory)
    return directory


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_shipped_library_is_clean():
    report = lint_library()
    assert report.problems == []
    assert report.templates >= 13 and report.variants > 200


def test_lint_reports_every_problem_with_its_file_and_key(library):
    edit(library / "negative" / "food.toml", "{complaint}，确实", "{complaint_}，确实")
    edit(library / "negative" / "price.toml", '"很抱歉这次没让您满意。",', '"下次给您打折。",')
    edit(library / "negative" / "delivery.toml", 'praise_as = ["配送", "送餐速度"]\n', "")
    (library / "star_only.toml").unlink()
    (library / "neutral.toml").write_text("situation = [\n", encoding="utf-8")
    problems = "\n".join(lint_library(library).problems)
    assert "negative/food.toml: shoulder[2]: unknown variable {complaint_}" in problems
    assert "negative/price.toml: sincerity[0]: remedy:" in problems and "打折" in problems
    assert "negative/delivery.toml: praise_as is missing" in problems
    assert "situation 'star_only': no template" in problems
    assert "neutral.toml: malformed TOML" in problems
    with pytest.raises(TemplateError) as raised:
        load_library(library)  # the engine refuses a broken library outright
    assert "{complaint_}" in str(raised.value)


def replace_list(path: Path, key: str, new: str) -> None:
    """Replace the TOML list `key = [...]` that opens at the start of a line."""
    text = path.read_text(encoding="utf-8")
    changed, count = re.subn(rf"(?ms)^{re.escape(key)} = \[.*?^\]", new, text, count=1)
    assert count == 1
    path.write_text(changed, encoding="utf-8")


def test_lint_wants_every_category_and_enough_variety(library):
    (library / "negative" / "environment.toml").unlink()
    replace_list(library / "negative" / "general.toml", "sincerity", 'sincerity = ["非常抱歉。"]')
    # The minimum holds in every situation, aspect and [when] table, not only negatives.
    replace_list(library / "malicious.toml", "greeting", 'greeting = ["各位好，", "大家好，"]')
    edit(
        library / "malicious.toml",
        "[when.spam_ad]\nshoulder = [\n",
        '[when.spam_ad]\nshoulder = [\n  "这条评价含有广告。",\n]\nsincerity_ = [\n',
    )
    problems = "\n".join(lint_library(library).problems)
    assert "category 'environment': no template (expected negative/environment.toml)" in problems
    assert "negative/general.toml: sincerity: only 1 variant; give at least 3" in problems
    assert "malicious.toml: greeting: only 2 variants" in problems
    assert "malicious.toml: when.spam_ad.shoulder: only 1 variant" in problems
    assert "malicious.toml: when.spam_ad: unknown key 'sincerity_'" in problems


def test_lint_reports_a_cue_it_does_not_know(library):
    edit(library / "positive.toml", "[when.no_text]", "[when.no_txt]")
    problems = "\n".join(lint_library(library).problems)
    assert "positive.toml: when.no_txt: unknown cue; known: no_text, repeat" in problems


def test_lint_catches_a_reply_that_could_outgrow_the_platform_limit(library):
    edit(library / "negative" / "price.toml", '"很抱歉这次没让您满意。",', f'"{"抱歉" * 260}",')
    problems = "\n".join(lint_library(library).problems)
    assert "negative/price.toml: the longest reply it can make has" in problems


def test_the_command_exits_non_zero_on_problems(library):
    clean = reviewbot("templates", "lint")
    assert clean.returncode == 0 and clean.stdout.startswith(b"ok:")
    edit(library / "malicious.toml", "[appeal.reasons.threat]", "[appeal.reasons.threatening]")
    broken = reviewbot("templates", "lint", "--dir", str(library))
    assert broken.returncode == 1
    assert "malicious.toml: appeal.reasons.threat: missing" in broken.stdout.decode()
