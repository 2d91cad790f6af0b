"""English reviews read into the same complaints as Chinese ones (data/english.toml): the
order's setting decides whose fault cold food and a wait are, the room's nouns decide
whether "greasy" is the floor or the food, a bare number of minutes is a complaint only
where the review complains, and quotes stop where a clause only tells when or why."""

from __future__ import annotations

from functools import cache

import pytest

from reviewbot.analysis.base import ReviewText
from reviewbot.analysis.english import english_reader
from reviewbot.analysis.v1 import AnalyzerV1
from reviewbot.replies.leftovers import english_point


@cache
def analyzer() -> AnalyzerV1:
    return AnalyzerV1()


def aspects(text: str, rating: float | None = 2, platform: str | None = None) -> list[str]:
    review = ReviewText("e", text, rating, platform)
    return [c.aspect for c in analyzer().analyze(review).complaints]


@pytest.mark.parametrize(
    ("text", "platform", "aspect"),
    [
        (
            "The dumplings were cold by the time they got to me.",
            "eleme",
            "delivery.cold_on_arrival",
        ),
        ("Ordered through the app: the noodles were lukewarm.", None, "delivery.cold_on_arrival"),
        ("We sat at our table and the soup was lukewarm.", "google", "food.temperature"),
        ("Took almost two hours to arrive.", "meituan", "delivery.late"),
        ("We waited 40 minutes for our mains at the table.", "google", "service.waiting"),
    ],
)
def test_cold_food_and_a_wait_belong_to_the_delivery_only_when_it_was_delivered(
    text, platform, aspect
):
    assert aspect in aspects(text, 2, platform)


@pytest.mark.parametrize(
    ("text", "aspect", "not_aspect"),
    [
        ("The floor was greasy and sticky.", "environment.cleanliness", "food.taste"),
        ("The noodles were greasy.", "food.taste", "environment.cleanliness"),
        ("They sat us at a tiny table by the door.", "environment.space", "food.portion"),
        ("Only four wontons in a large soup.", "food.portion", "environment.space"),
    ],
)
def test_the_rooms_nouns_decide_what_a_word_is_about(text, aspect, not_aspect):
    found = aspects(text)
    assert aspect in found and not_aspect not in found


@pytest.mark.parametrize(
    "text",
    [
        "Food came in 20 minutes, well packed. The rice was perfect.",
        "Best noodles in town. We waited 10 minutes for a table but it was worth it.",
        "Great deal for the price, and the fish was tender with the bones removed.",
        "Small place but lovely, generous portions.",
    ],
)
def test_praise_with_a_number_of_minutes_or_a_loose_word_is_no_complaint(text):
    for stars in (5, None):
        assert aspects(text, stars) == [], stars


def test_a_wait_alone_is_a_complaint_where_the_stars_say_so():
    assert aspects("We waited 45 minutes for a table.", 2) == ["service.waiting"]
    assert aspects("We waited 45 minutes for a table.", 5) == []


@pytest.mark.parametrize(
    ("text", "aspect"),
    [
        ("$25 for a tiny bowl of noodles is a joke.", "price.value"),
        ("Ordered 4 dishes, got 3.", "service.missing_item"),
        ("The waitress rolled her eyes when we asked for less spice.", "service.attitude"),
        ("Half the menu was sold out at 7pm.", "food.variety"),
        ("The chairs are low stools that kill your back.", "environment.comfort"),
        ("Found a piece of plastic wrap in the pork.", "hygiene.foreign_object"),
        ("My husband had stomach cramps all night.", "hygiene.illness"),
    ],
)
def test_everyday_wordings_are_read(text, aspect):
    assert aspect in aspects(text)


def test_a_dish_name_is_not_split_and_a_quote_stops_at_when():
    read = english_reader().read("The sweet and sour pork was too sweet.")
    assert [c.span for c in read.complaints] == ["The sweet and sour pork was too sweet"]
    read = english_reader().read("The waiter got defensive when we questioned it.")
    assert [c.span for c in read.complaints] == ["The waiter got defensive"]
    read = english_reader().read("Cold rice, and the soup was salty.")
    assert "the soup was salty" in [c.span for c in read.complaints]  # no leading "and"


@pytest.mark.parametrize("clause", ["Won't order again", "Never again", "Avoid", "2 stars"])
def test_the_customers_resolve_is_not_a_point_to_answer(clause):
    assert english_point(clause, negative=True) is None
