"""`reviewbot templates lint`: the shipped library is clean, and each kind of broken edit an
owner could make is reported with its file and key."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from reviewbot.replies.facts import StoreProfile
from reviewbot.replies.lint import lint_facts, lint_library
from reviewbot.replies.templates import TemplateError, load_library
from reviewbot.resources import default_templates_dir
from tests.test_cli import here as reviewbot  # in this process: tests/harness/cli.py


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
    assert "negative/price.toml: sincerity[0]: promise:" in problems and "打折" in problems
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


def test_a_store_fact_no_reply_may_state_is_reported_with_its_key(tmp_path):
    """A signature promising 免费停车 closes every reply, so every draft of the store would
    be blocked; the lint names the config key, and so does the daemon's start-up log."""
    example = (Path(__file__).parents[1] / "config.example.toml").read_text(encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(example, encoding="utf-8")
    clean = reviewbot("templates", "lint", "--config", str(config))
    assert clean.returncode == 0, clean.stdout.decode()
    assert (
        clean.stdout.decode().startswith("ok:")
        and "the facts of 1 store(s)" in clean.stdout.decode()
    )

    signed = 'signature = "老街坊川菜馆 店长老王"'
    assert signed in example
    config.write_text(
        example.replace(signed, 'signature = "老街坊川菜馆 店长老王（到店免费停车）"', 1).replace(
            "# hours = ", 'hours = "每天 10:00-22:00，好评返现 5 元"\n# ', 1
        ),
        encoding="utf-8",
    )
    broken = reviewbot("templates", "lint", "--config", str(config))
    assert broken.returncode == 1
    lines = broken.stdout.decode().splitlines()
    assert len(lines) == 3, lines  # 好评返现 is both a reward for a review and a promise
    assert lines[0].startswith("stores.laojiefang.facts.signature: promise 「免费」:")
    assert lines[1].startswith("stores.laojiefang.facts.hours: delete_request 「好评返」:")
    assert lines[2].startswith("stores.laojiefang.facts.hours: promise 「返现」:")
    assert "3 problem(s) in the reply templates and the store facts in" in broken.stderr.decode()


def test_each_fact_is_checked_under_the_rules_of_every_reply():
    good = StoreProfile(
        "店",
        signature="店长老王",
        contact="店长电话 028-6543 2100",
        proofs=("食品经营许可证 JY25101070012345",),
        remedy="这一单如有问题，我们可以为您重做",
    )
    assert lint_facts("s", good) == []
    bad = StoreProfile("店", signature="店长老王", contact="有事加微信，删差评送饮料")
    (problem,) = lint_facts("s", bad)
    assert problem.startswith("stores.s.facts.contact: delete_request")


async def test_the_daemon_warns_at_start_about_a_fact_that_blocks_every_reply(tmp_path, caplog):
    from reviewbot.app.daemon import Daemon
    from tests.conftest import TEST_FACTS, make_settings

    facts = {**TEST_FACTS, "signature": "测试小馆 店长（到店免费停车）"}
    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        demo_url="http://127.0.0.1:9",
    )
    store = settings.stores[0].model_copy(
        update={
            "facts": settings.stores[0].facts.model_copy(update={"signature": facts["signature"]})
        }
    )
    settings = settings.model_copy(update={"stores": [store]})
    daemon = Daemon(settings)
    with caplog.at_level("WARNING", logger="reviewbot.app.daemon"):
        await daemon.start(schedule=False)
    await daemon.stop()
    await daemon.close()
    warned = [r.getMessage() for r in caplog.records if "facts.signature" in r.getMessage()]
    assert len(warned) == 1 and warned[0].startswith("stores.store-1.facts.signature: promise")


def test_lint_checks_the_crisis_statement_like_the_replies(library):
    """statement.toml is posted to every customer at once: a promise of money, an unknown
    slot or a food-safety part admitting fault are caught before any crisis needs it."""
    path = library / "statement.toml"
    edit(path, '"给大家添了麻烦，我们真诚地道歉。",', '"给大家添了麻烦，这几天的菜钱全免。",')
    edit(path, "反映{topic}上的问题", "反映{topics}上的问题")
    edit(path, '"不管核查结果如何，让大家担心了，我们都很抱歉。",', '"确实是我们的食材变质了。",')
    problems = "\n".join(lint_library(library).problems)
    assert re.search(r"statement\.toml: sincerity\[0\]: \w+", problems), problems
    assert "statement.toml: shoulder: unknown variable(s) ['topics']" in problems
    assert re.search(r"statement\.toml: hygiene\.sincerity\[0\]: \w+", problems), problems


def test_lint_reports_when_words_that_are_no_list(library):
    words = 'also = ["互相推", "推来推去", "踢皮球", "推诿", "推脱"]'
    edit(library / "aspects.toml", words, 'also = "互相推"')
    problems = "\n".join(lint_library(library).problems)
    assert "[service.order_handling].when.甩锅.also: expected a list of words" in problems
