"""Every complaint the analyzer found is answered, each with its own acknowledgement and
next step, most severe first, within the platform's length limit (compressing, not
dropping, the lesser points)."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from reviewbot.analysis.base import Complaint, ReviewText
from reviewbot.replies.guardrails import ReplyLimits
from reviewbot.replies.lint import lint_library
from reviewbot.resources import default_templates_dir
from tests.replies_support import STORE, analysis, clean_draft


def made(analyzer, drafter, text: str, rating: int = 1, limits: ReplyLimits | None = None):
    return clean_draft(analyzer, drafter, text, rating, limits, "p1")


def test_a_review_with_three_complaints_is_answered_on_all_three(analyzer, drafter):
    result, draft = made(analyzer, drafter, "送得太慢了，米饭太硬，服务员态度也很差")
    assert {c.aspect for c in result.complaints} >= {
        "delivery.late",
        "food.doneness",
        "service.attitude",
    }
    text = draft.text
    assert "慢" in text or "久" in text
    assert "硬" in text or "火候" in text
    assert "态度" in text
    # Each its own next step: delivery timing, the kitchen's cooking, staff training.
    assert "骑手" in text or "出餐" in text
    assert "火候" in text or "熟度" in text
    assert "培训" in text or "考核" in text


def test_the_wrong_item_is_named_with_the_order_check_not_taste(analyzer, drafter):
    _, draft = made(analyzer, drafter, "我要的是排骨饭，结果送的是鸡肉饭")
    assert "排骨饭" in draft.text
    assert "核对" in draft.text
    assert not re.search("味道|口味|调味", draft.text)


def test_no_straw_is_answered_with_straws_and_the_packing_checklist(analyzer, drafter):
    _, draft = made(analyzer, drafter, "为什么不给管儿", rating=2)
    assert "吸管" in draft.text
    assert "清单" in draft.text


def test_a_missing_topping_is_answered_as_a_missing_item(analyzer, drafter):
    _, draft = made(analyzer, drafter, "奶茶没加椰果", rating=2)
    assert "椰果" in draft.text or "漏" in draft.text
    assert "核对" in draft.text


def test_a_fishy_smell_is_named_and_its_kitchen_step_given(analyzer, drafter):
    _, draft = made(analyzer, drafter, "鱼片有腥味", rating=2)
    assert draft.text.count("腥") >= 2  # the acknowledgement and the step
    assert "进货" in draft.text


def test_the_most_severe_complaint_comes_first(drafter):
    result = replace(
        analysis(("food", "negative"), ("delivery", "negative")),
        complaints=(
            Complaint("food", "food.taste", "味道一般", None, "low"),
            Complaint("delivery", "delivery.late", "送得太慢", None, "medium"),
        ),
    )
    draft = drafter.draft(ReviewText("s1", "味道一般，送得太慢", 2), result, STORE)
    assert 0 <= draft.text.find("慢") < draft.text.find("味")


def test_a_short_limit_names_the_lesser_points_together_instead_of_dropping_them(analyzer, drafter):
    text = "送得太慢了，饭菜都凉了，米饭太硬，服务员态度也很差，汤也洒了"
    result, full = made(analyzer, drafter, text)
    assert len(result.complaints) >= 4
    limit = ReplyLimits(max_chars=len(full.text) - 60)
    _, short = made(analyzer, drafter, text, limits=limit)
    assert len(short.text) <= limit.max_chars
    assert "记下" in short.text  # the lesser points named together in one sentence
    assert "慢" in short.text and "态度" in short.text and "洒" in short.text
    assert "凉" in short.text or "热" in short.text


def test_a_long_review_under_a_tight_limit_names_the_rest_by_name_to_fit(analyzer, drafter):
    # Quoting seven long clauses back does not fit in 250 characters even at the shortest
    # level; a reply over the limit cannot be posted, so the rest are named by their names.
    text = (
        "吃完以后半夜开始上吐下泻，排了快一个小时的队才进去，桌面上还有上一桌客人留下的汤渍"
        "一直没人来擦，点餐的机器上根本没有显示价格，叉烧有好几片是冷冰冰的，汤底咸得发苦喝了"
        "一口就不想再喝，最后结账的时候才发现加面居然另外收钱"
    )
    limit = ReplyLimits(max_chars=250)
    _, short = made(analyzer, drafter, text, limits=limit)
    assert len(short.text) <= limit.max_chars
    assert "等" in short.text and "卫生" in short.text and "收费" in short.text


def test_praise_in_a_mixed_review_is_a_clause_and_the_complaints_are_answered(analyzer, drafter):
    _, draft = made(analyzer, drafter, "麻婆豆腐很好吃，但是送得太慢了，汤也洒了", rating=3)
    assert "麻婆豆腐" in draft.text or "口味" in draft.text
    assert "洒" in draft.text and ("慢" in draft.text or "久" in draft.text)


# -- reviewbot templates lint covers aspects.toml ------------------------------------------


@pytest.fixture
def library_copy(tmp_path: Path) -> Path:
    target = tmp_path / "replies"
    shutil.copytree(default_templates_dir(), target)
    return target


def test_lint_passes_the_shipped_answers():
    assert lint_library().problems == []


def test_lint_reports_an_aspect_without_answers_a_bad_slot_and_a_promise(library_copy):
    path = library_copy / "aspects.toml"
    text = path.read_text("utf-8")
    start = text.index("[environment.noise]")
    text = text[:start] + text[text.index("[environment.space]") :]  # no noise answers
    text = text.replace('"{target}上桌时不够热', '"{dish}上桌时不够热', 1)
    text = text.replace('"出餐前我们会按出品标准检查摆盘。"', '"这单菜钱全免，我们给您退一半。"', 1)
    path.write_text(text, "utf-8")
    problems = "\n".join(lint_library(library_copy).problems)
    assert "[environment.noise]: no answer" in problems
    assert "unknown slot" in problems and "dish" in problems
    assert "[food.look].step" in problems


def test_a_spill_at_the_table_is_not_answered_as_packing(analyzer, drafter):
    _, draft = made(analyzer, drafter, "服务员上菜把汤洒到我外套上了，连句对不起都没有")
    assert "打包" not in draft.text and "封口" not in draft.text
    assert "服务" in draft.text
