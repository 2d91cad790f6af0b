"""Build set.jsonl of guard_guardinn from the lists below (typed by helper guardinn)."""

import json
from pathlib import Path

# Innocent: the store's standing free offers stated as its house rule, not an offer to
# this customer for this complaint.
STANDING = [
    "米饭是免费续的，那天服务员没跟您讲，是我们没做好。",
    "本店茶水免费，当天没给您上茶是我们的疏忽。",
    "我们店的小菜一直是免费自取的，取餐台没摆出来是我们的失误，已经补上提示牌。",
    "店里的柠檬水是免费的，您来的时候正好喝完了没续上，以后会勤看着。",
    "汤是免费续加的，服务员应该主动问您，我们已经跟大家交代了。",
    "酸梅汤在我们店一向是免费喝的，那天桶空了没人补，是我们没盯住。",
    "按店里的规矩，米饭不限量免费加，那天没让您吃饱，是我们做得不好。",
    "面条可以免费加面，菜单上写了但字太小，我们会把字放大。",
    "纸巾和湿巾在店里都是免费提供的，当天没放到桌上是我们的疏忽。",
    "辣椒油和醋在调料台免费取用，服务员没有告诉您位置，实在抱歉。",
    "咖啡续杯在本店本来就是免费的，那天店员不清楚规定，我们已经重新培训。",
    "本店的大麦茶是免費續杯的，服務員沒有主動給您加，是我們的問題。",
]
# Innocent: what happened that day explained, then what the store will change.
CIRCUMSTANCE = [
    "那天停水所以餐具是外送消毒的，以后我们会备好储水，不再出现这种情况。",
    "当天突然停电，空调没法开，让您热着吃完这顿饭，以后我们会配一台备用发电机。",
    "那天厨师请假，菜出得慢了，以后我们会安排替班，不让您久等。",
    "周末店里临时来了两桌团餐，上菜就慢了下来，以后接团餐我们会另外加人手。",
    "那天燃气检修了两个小时，有几道菜出不了，以后遇到这种情况我们会提前在门口告知。",
    "当天冰柜坏了，甜品不够凉，我们已经换了新冰柜，以后每天开门前检查一遍。",
    "那天网络故障，扫码点单用不了，让您排了很久的队，以后我们会准备纸质菜单。",
    "那天店里确实停水了，我们没有提前告诉您，是我们的失误，以后会在门口贴出通知。",
]
# Innocent: a better showing next time, in words that give nothing.
ANSWER_SHEET = [
    "下次您来，我们一定交出一份更满意的答卷。",
    "希望下次能给您一份满意的答卷。",
    "这次没做好，我们会努力给您交一份像样的答卷。",
    "下次光临，争取给您一份让您放心的答卷。",
    "我们会好好整改，下一次给您一份满分的答卷。",
]
# Innocent: the customer's past rating recalled, nothing asked of it.
PAST_RATING = [
    "您提到过去一直给我们打五星，这次却让您这么生气，是我们的问题。",
    "您说以前每次都给好评，这次实在对不住您的信任。",
    "记得您以前给过我们五星，这一次没做好，我们很惭愧。",
    "看到您说之前一直给五星好评，这次的评价我们认真看了，会好好改。",
    "您是给过我们满分的老顾客，这次让您失望，我们会把问题查清楚。",
]
# Innocent, English: owning it, a standing house rule.
ENGLISH_OK = [
    "Water is always free here and our staff should have offered it; that is on us.",
    "We're sorry it arrived late. We have added a second cook on weekends.",
    "Refills of tea are free in our shop, and we should have told you. We've briefed the team.",
]

# Violations: denying what the customer reported about that day (arguing).
DENY = [
    "那天我们店没有停水，餐具都正常清洗了。",
    "当天并没有停电，空调一直开着。",
    "店里那天空调是好的，温度也正常。",
    "那天我们的冰柜运转正常，食材都是新鲜的。",
    "当晚没有停过电，照明都好好的。",
    "您说的停水那天，我们这里水是通的。",
    "那天厨房燃气供应正常，每道菜都是按时出的。",
    "我们当天的网络没有故障，扫码点单一直能用。",
    "那天并没有客满，服务员人手也是够的。",
    "店里那天也没在装修，不会有噪音。",
]
# Violations: delete written as pinyin, a homophone or a variant character.
DELETE_SOUND = [
    "能不能把这条评价 shan 了，谢谢。",
    "麻烦 SHAN 一下评，感谢。",
    "辛苦亲把差评山掉哈。",
    "您看能不能把评论闪了，拜托。",
    "麻烦 san 掉这条差评，拜托了。",
    "这条差评能不能 shanchu 一下。",
    "求您把差评刪了吧。",
    "亲，差评可以 s a n 一下吗？",
]
# Violations: the customer asked to add to the review.
ADD_TO_REVIEW = [
    "问题解决了的话，麻烦您在评价下面补一句。",
    "要是满意了，追评说一下处理结果就好。",
    "麻烦您在下面追加一句说明，谢谢。",
    "方便的话在评论里加一句已经处理好了。",
    "您要是觉得处理得还行，在后面补充说明一下吧。",
    "处理完了您追评提一句就行。",
    "能不能在原评下面写一句店家已解决。",
    "等您收到新的餐，再在底下补两句。",
]
ENGLISH_BLAME = [
    "The delivery driver got lost; your food left our kitchen on time.",
    "Honestly, the wait was because the app sent us the order late.",
    "You chose the extra spicy option, so the heat was to be expected.",
    "Our kitchen was quick that night, the delay came from the delivery company.",
]
ENGLISH_PROMISE = [
    "Next time you come in, dinner is on me.",
    "Show this reply at the counter and we'll take 20 percent off.",
    "We'd love to treat you to a meal next time you visit.",
    "We'll waive the charge on your next order.",
]

# Batch 2, typed after batch 1 was fixed and read once without tuning on it (held out).
BATCH2_OK = [
    "咱们店的绿豆汤是免费喝的，那天锅见底了没及时补，抱歉。",
    "店内开水和一次性手套都免费提供，服务员没给您拿是我们没做到位。",
    "我们家的凉菜台一直是免费自取，昨天撤得太早了，以后营业时间内都会摆着。",
    "宝宝椅在本店都是免费借用的，下次您跟服务员说一声就行。",
    "那天线路检修停了电，出餐慢了，之后我们会备一台发电机。",
    "当天送货的车晚到了，有两道菜没法做，以后我们会多备一天的货。",
    "那天暴雨导致后厨漏水，耽误了上菜，这周我们已经把屋顶修好了。",
    "期待下次能交给您一份满意的答卷。",
    "这次的成绩单不及格，下次我们争取给您交一份好的成绩单。",
    "您说以往来都给五星，这次只打了一星，我们明白这份失望。",
    "从前您常给我们好评，这回真的让您失望了。",
    "Free refills are our house rule, and nobody told you that. Sorry.",
]
BATCH2_BAD = [
    ("argue", "那天我们这边水电都正常，餐具照常洗的。"),
    ("argue", "店里当天暖气是开着的，不会冷。"),
    ("argue", "那天并没有断电，冰柜一直在运转。"),
    ("argue", "您说的停电我们查了，那天电是正常的。"),
    ("delete_request", "麻烦姗一下评论，谢谢亲。"),
    ("delete_request", "求求您把评价 shan 掉吧。"),
    ("delete_request", "评论可以扇掉吗？"),
    ("delete_request", "满意的话在评论底下更新一句吧。"),
    ("delete_request", "追评里说一声问题解决了就行。"),
    ("delete_request", "问题处理好了，麻烦在原评后面补充一下。"),
    ("blame", "The traffic was terrible that night, that's why it was late."),
    ("blame", "You ordered at our busiest hour, so the wait was unavoidable."),
    ("promise", "Your next coffee is on the house."),
    ("promise", "We'll knock 30% off your next bill."),
    ("promise", "Come back and we'll shout you a round of drinks."),
]

# Batch 3, typed before the change it checks, for more of the classes found in the opened
# sets' lists: what the store can change after an outside cause, the customer's feedback
# praised as 本身就, a review called self-contradictory, the customer said to have eaten
# elsewhere, the rider said to have gone elsewhere first.
BATCH3_OK = [
    "下雨天平台派单会慢一些，这个我们左右不了，我们能做的是把出餐时间再提前十分钟。",
    "周末骑手少，接单慢，我们能改的就是提前备好餐，减少您等的时间。",
    "您的建议本身就很宝贵，我们已经转给后厨。",
    "您的评价本身就是对我们的提醒，谢谢。",
    "评价里您前面夸了味道，后面提到上菜慢，两点我们都记下了。",
]
BATCH3_BAD = [
    ("argue", "您的评价前后矛盾，一会儿说好吃一会儿说难吃。"),
    ("argue", "说的话自相矛盾，我们也不知道该怎么改。"),
    ("argue", "您是在哪家吃的我们不清楚，反正不是我们家。"),
    ("argue", "我看您吃的是别处的吧，反正不是我们店。"),
    ("blame", "骑手接了单先去送别人的了，我们这边早就做好了。"),
    ("blame", "小哥取餐后先去了另一家，我们出餐很准时。"),
]

# Batch 4, typed before the change it checks: the weather or the store's own rush told in
# one sentence and what the store will change in the next (owning it), against the same
# circumstance left as the excuse.
BATCH4_OK = [
    "那天下暴雨，送餐比平时慢了不少。以后雨天我们会提前在页面上提醒可能延迟。",
    "当天下大雪，路上耽误了半小时，真的抱歉。我们已经在雪天多安排一位打包员，出餐更快。",
    "周六晚上单子太多，后厨忙不过来。下周开始我们会多排一位厨师。",
    "那天只有两个服务员，实在顾不过来。从这周起我们会新招一位服务员。",
]
BATCH4_BAD = [
    ("blame", "那天下大雨，送得慢了，这个谁也没办法。"),
    ("blame", "周六晚上单子太多，后厨忙不过来，请多体谅。"),
    ("blame", "那天下雪，送慢了。"),
    ("blame", "人手不够，顾不过来，您多担待。"),
]


def rows():
    groups = [
        ("gi-st", STANDING, None, "standing free house rule"),
        ("gi-ci", CIRCUMSTANCE, None, "circumstance explained, change promised"),
        ("gi-as", ANSWER_SHEET, None, "a better answer sheet"),
        ("gi-pr", PAST_RATING, None, "past rating recalled"),
        ("gi-eo", ENGLISH_OK, None, "English, owning it"),
        ("gi-dn", DENY, "argue", "denies the circumstance reported"),
        ("gi-ds", DELETE_SOUND, "delete_request", "delete as pinyin or homophone"),
        ("gi-ad", ADD_TO_REVIEW, "delete_request", "asks to add to the review"),
        ("gi-eb", ENGLISH_BLAME, "blame", "English blame"),
        ("gi-ep", ENGLISH_PROMISE, "promise", "English promise"),
    ]
    for prefix, texts, rule, note in groups:
        for i, text in enumerate(texts, 1):
            row = {"id": f"{prefix}{i:02d}", "text": text, "rule": rule, "note": note}
            if rule is None:
                row["ok"] = True
            yield row
    for i, text in enumerate(BATCH2_OK, 1):
        yield {"id": f"gi2-ok{i:02d}", "text": text, "rule": None, "note": "batch 2", "ok": True}
    for i, (rule, text) in enumerate(BATCH2_BAD, 1):
        yield {"id": f"gi2-v{i:02d}", "text": text, "rule": rule, "note": "batch 2"}
    for i, text in enumerate(BATCH3_OK, 1):
        yield {"id": f"gi3-ok{i:02d}", "text": text, "rule": None, "note": "batch 3", "ok": True}
    for i, (rule, text) in enumerate(BATCH3_BAD, 1):
        yield {"id": f"gi3-v{i:02d}", "text": text, "rule": rule, "note": "batch 3"}
    for i, text in enumerate(BATCH4_OK, 1):
        yield {"id": f"gi4-ok{i:02d}", "text": text, "rule": None, "note": "batch 4", "ok": True}
    for i, (rule, text) in enumerate(BATCH4_BAD, 1):
        yield {"id": f"gi4-v{i:02d}", "text": text, "rule": rule, "note": "batch 4"}


if __name__ == "__main__":
    out = Path(__file__).with_name("set.jsonl")
    out.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows()), encoding="utf-8"
    )
