"""Issue 12: a point is named as the kind it is, in the words customers use for it, not only
as its aspect's general kind: a wait for the dishes is slow serving (上菜), a refused refund
is after-sales not handled (never 退款 in our voice), a spend-and-save offer is named, what
was not clean is named (the floor, the toilet, the table), parking is parking, an unordered
dish on the bill is an overcharge (blind10 reply_reviews was read for these, session 28)."""

from __future__ import annotations

import pytest

from tests.replies_support import clean_draft


@pytest.mark.parametrize(
    ("text", "platform", "words"),
    [
        ("点的酸菜鱼等了四十分钟还没上，催了两次。", "dianping", ("上菜",)),
        ("申请退款被商家拒绝了，理由是已经出餐。", "meituan", ("售后",)),
        ("页面写着满50减10，下单的时候变成满70才减。", "meituan", ("满减",)),
        ("地上全是油，走路都打滑。", "dianping", ("地面",)),
        ("卫生间的味道很重，一看就是好几天没打扫。", "dianping", ("厕所",)),
        ("桌子上还有上一桌留下的油渍，黏糊糊的。", "dianping", ("桌子",)),
        ("门口就三个停车位，绕了一圈才停好。", "dianping", ("停车",)),
        ("结账的时候把我们没点的啤酒也算进去了。", "dianping", ("多收",)),
    ],
)
def test_the_point_is_named_as_its_kind(analyzer, drafter, text, platform, words):
    _, draft = clean_draft(analyzer, drafter, text, 2, review_id="k1", platform=platform)
    assert any(w in draft.text for w in words), draft.text
