"""The one written form reviews are read in, and the way back to the customer's words."""

import pytest

from reviewbot.analysis.normalize import language_of, normalize, script_of, to_simplified


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("給2OO塊就刪評", "给200块就删评"),  # Traditional, and letter O for zero
        ("删 评 给 钱", "删评给钱"),  # spaced out to slip past a filter
        ("加*微*信", "加微信"),  # split by symbols
        ("ＡＢＣ１２３，５Ｏ块", "ABC123,50块"),  # full width
        ("好吃，下次还来", "好吃,下次还来"),  # ordinary punctuation stays
        ("iPhone 10 OK", "iPhone 10 OK"),  # an O among letters is a letter
        ("乾淨衛生", "干净卫生"),
    ],
)
def test_normalize_folds_script_width_and_filler(text: str, folded: str) -> None:
    assert normalize(text).text == folded


def test_a_span_of_the_folded_text_quotes_the_original() -> None:
    n = normalize("老闆說：給 2 O O 塊就刪評")
    start = n.text.index("删评")
    assert n.span(start, start + 2) == "刪評"
    start = n.text.index("给")
    assert n.span(start, n.text.index("块") + 1) == "給 2 O O 塊"


@pytest.mark.parametrize(
    ("text", "script", "language"),
    [
        ("服務態度很差，等了一個鐘頭", "zh-Hant", "zh"),
        ("服务态度很差，等了一个小时", "zh-Hans", "zh"),
        ("呢啲嘢好難食", "zh-Hant", "zh"),
        ("The food was cold and the waiter was rude", None, "en"),
        ("很好吃 yummy", "zh-Hans", "zh"),
        ("美味しかったです", "zh-Hans", "ja"),
        ("", None, None),
        ("👍👍", None, None),
    ],
)
def test_script_and_language(text: str, script: str | None, language: str | None) -> None:
    assert script_of(text) == script
    assert language_of(text) == language


def test_to_simplified_keeps_length_so_offsets_hold() -> None:
    text = "頭髮在湯裏，噁心，裏面很髒"
    assert to_simplified(text) == "头发在汤里，恶心，里面很脏"


def test_a_one_character_sentence_keeps_its_full_stop():
    # 行 between 。 and ， looked like a spaced-out word: the two sentences ran into one, and
    # what the shop said in the first (店长还说) was read as the frame of the second
    text = normalize("店长还说是我自己放的。行，你们给我等着").text
    assert "放的。行" in text
    assert normalize("删 评 给 钱").text == "删评给钱"
