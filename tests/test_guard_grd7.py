"""Staff edits of blind7's causes, in new wording (helper grd7): each pair is one rule
change, the violation it now catches and the innocent wording closest to it that passes."""

from __future__ import annotations

import json

import pytest

from reviewbot.app.contracts import guard_line
from tests.replies_support import staff_edit_codes

codes = staff_edit_codes


@pytest.mark.parametrize(
    ("text", "review"),
    [
        # The store's fault counted as its own is no bill (算我们的 …错).
        ("这回的咸淡算我们的疏忽，后厨已经重新称盐。", "太咸了"),
        ("今次算我哋嘅失誤，已經同廚房講咗。", "太咸了"),
        # The customer's words introduced by 您评价里说 / 您在评论里写, quoted.
        ("您评价里说“半价都不想吃”，我们会重新看菜品的分量。", "半价都不想吃，太少了"),
        ("您在评论里写：“汤全洒了”，这是我们没有封好。", "汤全洒了"),
        # The store's "we will not", however far from the words it governs.
        ("我们绝不会通过电话或者私信找您要求删除这条评价。", "服务差"),
        # A double negation: this does not mean we did nothing wrong.
        ("我们证照齐全，但这不等于我们没有做错，会认真查。", "吃坏肚子"),
        # A taste explained, the customer's experience owned, passed on to the kitchen.
        ("酸度因人而异，您觉得太酸，我们会转告师傅少放醋。", "太酸"),
        # 心里有数 after owning the experience.
        ("这次让您失望了，我们心里有数，会改。", "服务差"),
        # What happened on the way, the wait owned and the store's own step.
        ("配送路线今天比较绕，让您久等了，我们会跟平台协调。", "送太慢"),
        # 挂在我们的 + a place is something hung up, not a bill put on the store's tab.
        ("这条评价一直挂在我们的员工群里，提醒大家别再犯。", "送太慢"),
        # Guards of the new patterns' edges (pass at main too): a wish not pressed, a
        # district named for the store's branch, an English "never been … before".
        ("我们不强求您回来，但希望有机会弥补。", "难吃"),
        ("您家附近的锦江区春熙路店也是我们的，欢迎就近光临。", "送太慢"),
        ("Our kitchen has never been this slow before, and that's no excuse.", "slow"),
        # A fault named first, then counted as the store's (这个错算我们的).
        ("这个错算我们的，师傅已经重新学了配方。", "太咸了"),
        # Nobody said so, as a condition (没人说的话我们注意不到) argues nothing (guards the
        # new "没人这么说" pattern; passes at main too).
        ("说实话，没人说的话我们自己真的注意不到，谢谢您。", "油太大"),
    ],
)
def test_innocent_look_alikes_pass(text, review):
    assert codes(text, review) == set()


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("每天上百位客人吃，也没觉得咸。", "argue"),
        ("你说服务员凶你，这是没有的事。", "argue"),
        ("我们数过了，虾饺一共八个，一个不少。", "argue"),
        ("这怕不是真实的体验吧，写这么长也辛苦了。", "argue"),
        ("既然不合口味，那我们也不强求。", "argue"),
        ("With respect, you must be mistaken about the sauce.", "argue"),
        ("我们每天几百单，没有哪个顾客说过太油。", "argue"),
        ("十年来头一回有客人嫌菜少。", "argue"),
        ("您这篇小作文写得挺用心的。", "argue"),
        ("外卖小哥做事太马虎了，汤都洒了。", "blame"),
        ("Had you mentioned the allergy, we would have left out the peanuts.", "blame"),
        ("您的备注写得太潦草，师傅看不懂才放错料。", "blame"),
        ("You didn't mention your allergy when ordering.", "blame"),
        ("这条评价您再好好斟酌斟酌。", "delete_request"),
        ("差评一直挂着，小店生意都受影响了，您看着办吧。", "delete_request"),
        ("您家在武侯区人民南路那个小区，我们记得。", "private_data"),
        ("邮箱 boss(at)laojiefang.cn 欢迎来信。", "private_data"),
        ("Line 搜 laojie.boss 就能找到店长。", "private_data"),
        ("结账时报“老街坊”，立减三十。", "promise"),
    ],
)
def test_violations_of_blind7s_miss_families_are_caught(text, rule):
    assert rule in codes(text)


def test_the_guard_contract_lets_a_named_back_review_through():
    line = json.dumps(
        {
            "id": 1,
            "text": "您评价里说“打折都不值这个价”，我们会重新评估定价。",
            "review": "打折都不值这个价",
        },
        ensure_ascii=False,
    )
    out = guard_line(line, lambda store_id: None)
    assert out["ok"] is True, out
