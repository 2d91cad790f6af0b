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
    out.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
