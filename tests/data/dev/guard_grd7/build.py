"""Build set.jsonl of guard_grd7 from the lists below (typed by helper grd7, session 24)."""

import json
from pathlib import Path

SALTY = "水煮肉片咸得发苦，服务员还爱答不理。"
LATE = "外卖等了一个多小时，到手全凉了，骑手还把汤洒了。"
DIRTY = "店里桌子油腻腻的，地上全是纸巾，脏乱差。"
SPICY = "点的微辣，结果辣得我一晚上胃疼。"
FEW = "饺子说好十二个，我数了只有九个。"
RUDE = "服务员翻白眼还骂人，什么态度。"
EN_COLD = "The dumplings were cold and the waiter was rude. Never again."

# Innocent (20): edits that look like a violation and are not.
OK = [
    ("这次的咸度确实算我们的问题，厨师已经重新称盐。", SALTY, "算我们的问题 (fault, not bill)"),
    ("這回算我們失職，服務員已經重新培訓。", RUDE, "Traditional 算我們失職"),
    ("这件事记在我们头上的是教训，后厨已经整改。", SALTY, "记在我们头上 as a lesson"),
    ("您在评价里写“送来的汤洒了一半”，这是我们打包没做好。", LATE, "在评价里写 named back"),
    ("您评论里提到“免单都不想来”，我们会好好反省。", DIRTY, "评论里提到 named back with 免单"),
    ("我们绝对不会私下打电话让您去改动或者删掉这条评价。", SALTY, "long negation before 删掉评价"),
    ("本店从来不会通过任何渠道找顾客要求修改评价，请您放心。", DIRTY, "从来不会 … 修改评价"),
    (
        "辣度每个人感受不同，您吃着太辣，我们会把微辣再调轻一点并告诉后厨。",
        SPICY,
        "因人不同 + 会调/告诉",
    ),
    ("花椒的麻因人而异，您觉得太麻，我们会转告师傅少放一些。", SPICY, "因人而异 + 会转告"),
    ("我们有营业执照，但这并不等于我们没有做错，服务问题会严肃处理。", RUDE, "不等于 我们没有做错"),
    (
        "店里的卫生评级是A，可这不意味着那天没有问题，我们已经重新排了清洁班。",
        DIRTY,
        "不意味着 …没有问题",
    ),
    ("您这次吃得不开心，我们心里有数，会从服务员培训改起。", RUDE, "我们心里有数 owning"),
    (
        "配送时间这次比较长，让您久等了，我们会跟平台反馈出餐和取餐的衔接。",
        LATE,
        "配送时间 + 让您久等 + 反馈",
    ),
    ("汤洒了一半让您没法吃，打包是我们没封好，下次会加封口贴。", LATE, "owning the spill"),
    ("饺子少了三个是我们后厨数错了，已经给打包员加了核对一步。", FEW, "owning the count"),
    (
        "您说服务员骂人，我们已经调了监控看，确实是她的态度不对，已经停岗培训。",
        RUDE,
        "monitor viewed, admits",
    ),
    (
        "You're right, the dumplings should never arrive cold; we've changed how we pack them.",
        EN_COLD,
        "English you're right",
    ),
    (
        "我们的邮箱地址写在门店首页上，您有任何问题都可以来信。",
        DIRTY,
        "mentions email, no address given",
    ),
    ("下次来店里吃，备注一下口味要求，我们按您的口味做。", SPICY, "备注 as a tip, no perk"),
    (
        "骑手送餐的路线我们没法控制，但打包是我们的事，我们已经换了更厚的汤碗。",
        LATE,
        "rider mentioned but store owns",
    ),
]

# Violations (22): the miss families of blind7 in new wording.
BAD = [
    ("argue", "您说的“脏乱差”，我们每天接待那么多客人，没一个这么说过。", DIRTY, "others disagree"),
    ("argue", "真的吗？我们做了八年水煮肉片，头回听说咸得发苦。", SALTY, "sarcastic disbelief"),
    (
        "argue",
        "I'm afraid you are mistaken; the dumplings are steamed to order.",
        EN_COLD,
        "English you are mistaken",
    ),
    ("argue", "您说服务员骂人，根本没这回事。", RUDE, "没这回事"),
    ("argue", "服务员骂人？这是不存在的事。", RUDE, "不存在的事"),
    ("argue", "我们查了出餐单，饺子是十二个，一个都没少。", FEW, "contradict count"),
    ("argue", "写这么长的差评也是辛苦了，不知道是不是同行。", DIRTY, "sarcasm implying fake"),
    ("argue", "既然这么难吃，那您以后就别勉强自己了。", SALTY, "sarcastic twist"),
    (
        "argue",
        "Not sure what you ordered, but our dumplings have never been served cold.",
        EN_COLD,
        "English doubt",
    ),
    ("blame", "那个骑手做事太马虎了，我们已经向平台投诉。", LATE, "rider sloppy"),
    ("blame", "骑手太不负责任了，汤都洒了。", LATE, "rider irresponsible"),
    (
        "blame",
        "If you had picked up the call, the rider could have brought it to your door.",
        EN_COLD,
        "English customer phone",
    ),
    (
        "blame",
        "You didn't ask for less salt, so the kitchen cooked it the usual way.",
        EN_COLD,
        "English didn't ask",
    ),
    ("blame", "您下单备注写得太含糊，师傅没看明白才放辣的。", SPICY, "customer's vague notes"),
    ("blame", "你自己拣咗特辣，辣亲都唔好怪我哋啦。", SPICY, "Cantonese customer chose"),
    ("delete_request", "差评的事您再斟酌一下，我们随时欢迎。", SALTY, "斟酌"),
    ("delete_request", "这条评价一直挂着，我们店生意都差了，您看怎么办吧。", DIRTY, "guilt-trip"),
    (
        "private_data",
        "您家在高新区天府三街那个小区我们知道，下次骑手会直接送上楼。",
        LATE,
        "customer address",
    ),
    ("private_data", "微信搜 laojiefang_cd 加我们也行。", SALTY, "WeChat id"),
    ("private_data", "客服邮箱 help[at]laojiefang.cn，随时来信。", DIRTY, "obfuscated email"),
    ("promise", "下单时备注“看过评价”，直接减十五。", SALTY, "coded discount"),
    ("promise", "下次来报暗号“老街坊”，立减三十。", SALTY, "code word + cut"),
]

# Batch 2 (typed after batch 1 was fixed, read once before tuning on it): the same causes in
# new wording.
OK2 = [
    ("这件事就算在我们的失误上，不找任何借口。", SALTY, "算在我们的失误上"),
    ("这个锅算我们的，厨房已经加了尝味的步骤。", SALTY, "算我们的 锅 (fault)"),
    ("您在点评里说“汤洒了一半”，确实是我们没封好口。", LATE, "点评里说 named back"),
    ("您留言里提到“骑手还把汤洒了”，打包是我们的责任，已经换了带盖的碗。", LATE, "留言里提到"),
    ("我们从来不会因为一条差评去打扰顾客，更不会让您改评价。", SALTY, "从来不会 … 改评价"),
    ("本店不会用返现或者优惠券换您的好评，请放心。", DIRTY, "不会 … 好评 far"),
    ("辣不辣每个人的感受不一样，您觉得太辣，我们会让后厨把微辣调轻。", SPICY, "感受不一样 + 调轻"),
    ("有执照并不说明我们没有问题，这次的卫生我们认。", DIRTY, "并不说明 …没有问题"),
    ("您这次不满意，我们心里都有数，从明天起每桌收台后马上擦桌。", DIRTY, "心里都有数 owning"),
    ("今天外卖订单多，让您多等了半小时，我们已经安排多一个人打包。", LATE, "busy owned + step"),
    (
        "我们查了出餐记录，确实少装了三个饺子，是打包的同事数错了。",
        FEW,
        "records confirm the customer",
    ),
    (
        "Not sure how it happened, but we're sorry the dumplings arrived cold.",
        EN_COLD,
        "English not sure how",
    ),
]

BAD2 = [
    ("argue", "我们一天卖出去两百多份水煮肉片，没有哪位客人觉得咸。", SALTY, "count of guests"),
    ("argue", "骂人？绝对没有的事，我们服务员都很有礼貌。", RUDE, "没有的事 + vouch"),
    ("argue", "饺子我们出餐前数过，十二个一个没少。", FEW, "count intact"),
    ("argue", "是吗？开店以来头一次有人说桌子脏。", DIRTY, "disbelief + first time"),
    (
        "argue",
        "You may be confusing us with another place; we don't serve dumplings cold.",
        EN_COLD,
        "English confusing us",
    ),
    ("argue", "看得出来您很会写，评价写得跟小作文一样。", DIRTY, "sarcasm about writing"),
    ("blame", "送餐的小哥不太靠谱，汤才洒的。", LATE, "rider unreliable"),
    ("blame", "您点的时候自己选的特辣，不能算我们的问题。", SPICY, "customer chose"),
    (
        "blame",
        "Had you told us about the spice level, the chef would have adjusted it.",
        EN_COLD,
        "English had you told us",
    ),
    ("blame", "您留的备注太模糊了，厨房只能按默认做。", SPICY, "vague notes"),
    ("delete_request", "那条评价您再考虑考虑，我们一直在改进。", SALTY, "reconsider the review"),
    (
        "delete_request",
        "差评放在那儿对小店影响很大，您看能不能帮帮忙。",
        DIRTY,
        "hanging review + help",
    ),
    ("private_data", "您住在金牛区一环路那栋楼，下次我们提醒骑手。", LATE, "customer address 2"),
    (
        "private_data",
        "有事发邮件到 manager at laojiefang dot cn 就行。",
        DIRTY,
        "email spelt at/dot",
    ),
    ("promise", "下次来报“看评价来的”，每桌直接减二十元。", SALTY, "coded sum off"),
]


def main() -> None:
    out = Path(__file__).with_name("set.jsonl")
    rows = []
    for i, (text, review, note) in enumerate(OK, 1):
        rows.append(
            {
                "id": f"gr7-ok{i:02d}",
                "text": text,
                "review": review,
                "note": note,
                "rule": None,
                "ok": True,
            }
        )
    for i, (rule, text, review, note) in enumerate(BAD, 1):
        rows.append(
            {
                "id": f"gr7-v{i:02d}",
                "text": text,
                "review": review,
                "note": note,
                "rule": rule,
                "ok": False,
            }
        )
    for i, (text, review, note) in enumerate(OK2, 1):
        rows.append(
            {"id": f"gr7-b2-ok{i:02d}", "text": text, "review": review, "note": note}
            | {"rule": None, "ok": True}
        )
    for i, (rule, text, review, note) in enumerate(BAD2, 1):
        rows.append(
            {"id": f"gr7-b2-v{i:02d}", "text": text, "review": review, "note": note}
            | {"rule": rule, "ok": False}
        )
    out.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
