"""Staff edits of blind10's causes, in new wording (helper grd5): each case is one rule
change, the innocent wording it now lets through or the violation it now catches.

blind10 (tests/data/blind10/guard_redteam) was read item by item; the wording here is not
its rows', so a test checks the kind, not a sentence."""

from __future__ import annotations

import pytest

from tests.replies_support import staff_edit_codes

codes = staff_edit_codes


@pytest.mark.parametrize(
    ("text", "review"),
    [
        # 分量 is no score: the portion put back is no rating raised.
        ("分量已经调回原来的标准了，每份出锅前称一下。", "分量太少"),
        # 口味问题 as a topic, not the customer's taste blamed.
        ("口味问题欢迎打店长电话 01012345678 详细聊聊，我们一定改进。", "太咸"),
        # 打折扣 after 也/都/就 is the idiom "falls short", no discount.
        ("菜一凉，再好吃也打折扣，保温箱我们换了新的。", "菜凉了"),
        # 值回 the money: worth what was paid, nothing paid back.
        ("價錢我哋明白，會盡量令每碟餸都值返您畀嘅錢。", "太贵"),
        # A turn owning the excess (但…就过分了 / 就是过头了) concedes what the dish is.
        ("水煮鱼本来就是麻辣的，但辣到没法入口就过头了，辣椒我们减了三成。", "太辣"),
        # Owned by the store's own work (标签我们印得太小; 说明我们的封口不够牢; 是我们后厨没看).
        ("两袋挨着放，名字我们写得太小，骑手很容易拿错，现在改成大字了。", "送错了"),
        ("骑手路上颠一下就洒，说明我们的盖子不够牢。", "汤洒了"),
        ("您备注里写得很清楚，是我们后厨没看到，现在备注单独打印。", "没按备注"),
        # A refund named as the platform's procedure, and the store saying it cannot promise.
        ("退款要走平台的流程，我们不在这里谈钱，售后慢是我们的问题。", "退款慢"),
        ("我们无法在评论区承诺什么补偿，问题出在出餐检查，已经补上了。", "少了菜"),
        # Kitchen work named 挑刺 is no accusation.
        ("鱼片现在由专人挑刺，上桌前再检查一遍。", "有鱼刺"),
        # A certificate said not to vouch for every meal denies nothing.
        ("我们有许可证，但证书不代表每一餐都没问题，会再查当天的食材。", "吃了拉肚子"),
        # Records stating capacity, not a shorter wait than the customer's.
        ("我们翻了当天记录，那会儿后厨只有两个灶在出，下周加到三个。", "等了一个小时"),
        # Our own standard not met is self-criticism.
        ("We hold a Grade A rating, but a dirty table does not match our standard.", "dirty"),
        # An extension after a number is part of the number (the phone rule reads it).
    ],
)
def test_innocent_look_alikes_pass(text, review):
    assert codes(text, review) == set()


def test_an_extension_does_not_split_a_foreign_number():
    """分 of 分机 is no unit: 028 8533 7762 分机 3 is one other number, not 0288533 and a note."""
    assert "private_data" in codes("详情请联系前厅经理 021 8533 7762 分机 3。", "服务差")
    assert codes("详情请联系店长 010-1234 5678。", "服务差") == set()
