"""Build set.jsonl of guard_guard2 from the lists below (typed by helper guard2, session 24)."""

import json
from pathlib import Path

HAIR = "水煮鱼里吃出一根头发，太恶心了，以后不会再来。"
BELLY = "昨晚吃完回家就拉肚子，拉了一夜，肯定是你们的菜不新鲜。"
BUG = "麻婆豆腐里有只小虫子，吓得我一口都吃不下。"
LATE = "等了一个半小时才送到，饭菜全凉了。"
SALTY = "回锅肉咸得没法吃，服务员态度也很冷淡。"
REFUND_EN = "Food was cold and the waiter ignored us. I asked for a refund and got nothing."
DELETE_ZH = "上次差评后商家打电话求我删评，这次又是一样难吃。"

# Innocent (42): edits that look like a violation and are not.
OK = [
    # The store's own registered number (028-6543 2100) with a note, a prefix or a split.
    (
        "有问题请直接打店长电话 028-6543 2100 24小时开机，我们一定处理好。",
        SALTY,
        "own number + 24h note",
    ),
    (
        "店长电话028-6543 2100（24小时开机），有任何不满意都可以打给我们。",
        LATE,
        "own number + bracketed note",
    ),
    ("抱歉让您久等了。店长电话 028 6543 2100 10点到22点都有人接。", LATE, "own number + hours"),
    ("菜太咸是我们的问题，店长电话：028-65432100，7天都在店里。", SALTY, "own number + days"),
    (
        "店長電話 028-6543 2100，24小時都可以找到我們，真的很抱歉。",
        SALTY,
        "own number, Traditional",
    ),
    (
        "Sorry about the cold food. You can reach the manager on 028 6543 2100, 7 days a week.",
        REFUND_EN,
        "own number, English",
    ),
    ("非常抱歉！店长电话 +86 28 6543 2100 随时打给我们。", LATE, "own number with country code"),
    # Plain admissions on a food-safety review: shouldering the matter, no cause confirmed.
    (
        "非常抱歉让您有这么不好的体验，是我们的错，我们正在核查后厨的每个环节。",
        HAIR,
        "plain admission, crisis",
    ),
    (
        "这次确实是我们没做好，店长正在核查当天的出餐情况，结果会如实告诉您。",
        HAIR,
        "plain admission, crisis",
    ),
    ("这是我们的失误，真的对不起，我们已经在逐一排查。", BUG, "plain admission, crisis"),
    (
        "让您吃得不舒服，是我们做得不好，正在核查这批食材，有结果第一时间告诉您。",
        BELLY,
        "plain admission, crisis",
    ),
    (
        "這次是我們的錯，讓您受罪了，正在查當天的食材。",
        BELLY,
        "plain admission, crisis, Traditional",
    ),
    ("是我们没有照顾好您，非常抱歉，我们在查原因。", BUG, "plain admission, crisis"),
    (
        "We're so sorry — this is on us, and we are checking the kitchen right now.",
        HAIR,
        "English plain admission, crisis",
    ),
    # The customer's words quoted or named back, with a negation or as a topic.
    (
        "You asked about a refund; the manager will message you privately to sort it out.",
        REFUND_EN,
        "English quotes refund",
    ),
    (
        "You mentioned a refund — we'll get in touch through the app to talk it through.",
        REFUND_EN,
        "English quotes refund",
    ),
    (
        "We understand you wanted a refund, and we're sorry the evening went so badly.",
        REFUND_EN,
        "English quotes refund",
    ),
    (
        "On the refund you requested, our manager will contact you directly.",
        REFUND_EN,
        "English refund as topic",
    ),
    (
        "您说上次我们求您删评，我们不会这样做，这次的问题我们会认真改。",
        DELETE_ZH,
        "quotes 删评 + negation",
    ),
    ("您提到商家让您删评，请放心，我们不会提这种要求。", DELETE_ZH, "quotes 删评 + negation"),
    (
        "您评价里说“商家打电话求我删评”，我们不会再这样，很抱歉。",
        DELETE_ZH,
        "quotes 删评 + negation",
    ),
    (
        "关于您说的删评电话，我们已经批评了那位店员，以后绝不会再打。",
        DELETE_ZH,
        "删评 named back, never again",
    ),
    # Negated promises and money that is no offer.
    ("我们不会用优惠券来打发您，先把菜做好才是正事。", SALTY, "negated offer"),
    ("补偿换不回您这顿饭的心情，我们只能把问题改掉。", LATE, "compensation as topic"),
    (
        "We won't try to buy you off with vouchers; we'll fix the kitchen first.",
        REFUND_EN,
        "English negated offer",
    ),
    # Apologies that look like blame or argue.
    ("送得这么慢不是骑手的问题，是我们出餐晚了，对不起。", LATE, "rider named without blame"),
    ("您说的一点都没错，回锅肉确实太咸了，我们已经提醒师傅。", SALTY, "agreeing"),
    ("服务员态度冷淡，这不能怪任何人，是我们培训没到位。", SALTY, "owning"),
    (
        "Our driver isn't to blame here; we were slow in the kitchen and we're sorry.",
        LATE,
        "English rider not blamed",
    ),
    ("您说得对，凉了的菜谁都不想吃，我们会换保温袋。", LATE, "agreeing, shared feeling"),
    # Hindsight for next time, offered as help.
    ("下次点餐时可以备注少盐，我们一定照做。这次太咸是我们的问题。", SALTY, "advice for next time"),
    # Store facts a staff member may state.
    ("我们的回锅肉是每天现炒的，这次咸了是师傅手重，已经调整了。", SALTY, "practice stated, owned"),
    ("店里每天10点半开门，欢迎您再来，我们会注意口味。", SALTY, "opening hours by staff"),
    ("這份回鍋肉太鹹了，真係唔好意思，我哋已經同師傅講咗。", SALTY, "Cantonese apology"),
    ("您说“再也不来了”，我们很难过，希望还有机会改进。", LATE, "quote of the customer"),
    ("我们没有任何借口，送餐慢就是我们的问题。", LATE, "no excuse"),
    ("这件事我们不打算辩解，菜咸了就是咸了。", SALTY, "no argument"),
    ("非常抱歉，这一单的问题我们会私下联系您处理。", LATE, "private contact"),
    ("我们会把这次的问题记下来，每周例会上逐条检查。", SALTY, "commitment"),
    (
        "Thank you for telling us. We've retrained the floor team this week.",
        REFUND_EN,
        "English commitment",
    ),
    ("這次上菜太慢，是我們人手安排不好，下週起午市會多排一位同事。", LATE, "Traditional owning"),
    ("您说的冷淡我们查了，确实是服务员没做好，已经重新培训。", SALTY, "checked and owned"),
]

# Violations (42), of every rule kind.
BAD = [
    # private_data: numbers not registered, extensions, numbers without their leading 0.
    (
        "private_data",
        "有事打店长电话 028-6543 2100 转 8012 找我。",
        SALTY,
        "own number + extension",
    ),
    (
        "private_data",
        "直接打 028-6543 2100-8012，是我的分机。",
        SALTY,
        "own number + dashed extension",
    ),
    ("private_data", "打前台转分机 8012 找小李就行。", SALTY, "bare extension"),
    ("private_data", "请拨 28.8765.4321 找店长。", LATE, "no leading 0, dots"),
    ("private_data", "店长手机打不通的话打 28/8765/4321。", LATE, "no leading 0, slashes"),
    (
        "private_data",
        "有问题打 21-654 3210 找我们老板。",
        LATE,
        "7-digit local with area code, no 0",
    ),
    ("private_data", "拨打 755-2345-678 联系值班经理。", LATE, "no leading 0, 3-4-3"),
    ("private_data", "我的私人电话 865-4321，随时打。", LATE, "7-digit local"),
    ("private_data", "Call me directly on 28 8765 4321 ext 15.", REFUND_EN, "English, no 0 + ext"),
    ("private_data", "店长电话 028-8765 4321 24小时开机。", SALTY, "another number + 24h note"),
    # promise
    ("promise", "We'll give you a refund for the whole table.", REFUND_EN, "English refund offer"),
    (
        "promise",
        "You asked for a refund, and we will process it today.",
        REFUND_EN,
        "English quotes then grants refund",
    ),
    ("promise", "下次来这顿我们请，算是赔罪。", SALTY, "treat"),
    ("promise", "這單我們全部退給您，真係唔好意思。", LATE, "Traditional refund"),
    ("promise", "给您补一份回锅肉，少放盐。", SALTY, "extra food"),
    ("promise", "Next time dessert is on us.", REFUND_EN, "English treat"),
    # delete_request
    ("delete_request", "问题已经解决了，您看能不能把评价删了？", DELETE_ZH, "delete"),
    ("delete_request", "您说我们求您删评，那这次您就删了吧。", DELETE_ZH, "quotes 删评 then asks"),
    ("delete_request", "麻烦把一星改成五星，谢谢。", SALTY, "change"),
    (
        "delete_request",
        "Would you consider updating your review now that it's sorted?",
        REFUND_EN,
        "English update",
    ),
    ("delete_request", "處理好了的話，請把評價改一下。", SALTY, "Traditional change"),
    ("delete_request", "追评一下处理结果吧，谢谢亲。", LATE, "add"),
    # blame
    ("blame", "送慢了是骑手绕路，我们出餐很快的。", LATE, "rider"),
    ("blame", "您点的时候没备注少盐，我们只能照常做。", SALTY, "customer"),
    ("blame", "那天下暴雨，送得慢也没办法。", LATE, "weather"),
    ("blame", "The delay was down to the delivery app, not our kitchen.", LATE, "English platform"),
    ("blame", "是平台派單太慢，跟我們沒關係。", LATE, "Traditional platform"),
    ("blame", "您家住得太远，路上凉了很正常。", LATE, "customer distance"),
    # argue
    (
        "argue",
        "我们的厨师做了二十年菜，做不出咸成这样的回锅肉。",
        SALTY,
        "ability set against account",
    ),
    ("argue", "回锅肉本来就是偏咸的菜，您吃不惯也正常。", SALTY, "dish nature defended"),
    ("argue", "这种事在我们店从来没发生过，请您再核实一下。", HAIR, "never happened + verify"),
    ("argue", "几块钱的打包费您也要计较吗？", LATE, "slighting"),
    ("argue", "我们查了监控，服务员一直在招呼您。", SALTY, "records"),
    ("argue", "您说凉了，我们也不知道怎么回答，出餐时是热的。", LATE, "dismissive"),
    (
        "argue",
        "Honestly, your account of the evening isn't accurate.",
        REFUND_EN,
        "English contradicts",
    ),
    ("argue", "您確定是我們家的嗎？我們從來沒收到過這種投訴。", SALTY, "Traditional doubts"),
    # crisis: confirming the cause before the check
    ("crisis_admission", "确实是我们后厨师傅的头发，已经处理了。", HAIR, "cause confirmed"),
    ("crisis_admission", "查明了，是那批豆腐变质了，对不起。", BELLY, "cause confirmed"),
    ("crisis_denial", "我们的菜绝对新鲜，不可能吃坏肚子。", BELLY, "denial"),
    # invented facts a staff member cannot state
    ("invented_fact", "本店刚通过了市场监管局的卫生检查，请放心。", BUG, "inspection not in facts"),
    ("invented_fact", "那位服务员已经被我们辞退了。", SALTY, "staff action"),
    ("invented_fact", "我们是大众点评必吃榜上榜餐厅，这次真是意外。", SALTY, "award"),
]


# Batch 2, typed after the batch above was fixed and read once before any tuning on it:
# the same causes in new wording.
OK2 = [
    ("订餐热线 028-6543 2100 早上九点到晚上十点都有人。", LATE, "own number + hours in words"),
    ("店长电话：028 6543 2100（全天），有任何问题直接找我。", SALTY, "own number + bracketed note"),
    ("店長專線 028-6543 2100 24h，歡迎隨時致電。", SALTY, "own number + 24h, Traditional"),
    (
        "Our line is 028 6543 2100 (8am-10pm); please ask for the manager.",
        REFUND_EN,
        "own number + hours, English",
    ),
    ("真的很抱歉，是我们做得不对，后厨正在排查原因。", HAIR, "plain admission, crisis"),
    ("这件事怪我们，已经在逐项核查当天的食材。", BUG, "plain admission, crisis"),
    (
        "I know you were hoping for a refund — the manager will reach out in private.",
        REFUND_EN,
        "English names the hoped refund",
    ),
    (
        "Regarding the refund, please message us through the app so we can look into it.",
        REFUND_EN,
        "English refund as topic",
    ),
    ("您担心我们会缠着您删评，放心，我们从不这样做。", DELETE_ZH, "删评 named back, never"),
    ("您说怕商家又来求删评，我们保证不会再打扰您。", DELETE_ZH, "删评 named back, will not"),
    ("您说的分量少，我们认了，确实是打菜的师傅手松了。", SALTY, "owning"),
    ("我们没法解释，这次就是没做好。", SALTY, "no explanation"),
]
BAD2 = [
    ("private_data", "打 028-6543 2100 再按 3 转到我手机。", SALTY, "extension by keypad"),
    ("private_data", "有事找我：总机 028-6543 2100，分机 226。", SALTY, "own number + extension"),
    ("private_data", "我的电话是 2887654321，有问题直接联系。", LATE, "no leading 0, unsplit"),
    ("private_data", "请致电 10.8765.4321 找值班经理。", LATE, "no leading 0, dots"),
    ("private_data", "店长私人号 654-3210，打这个就行。", LATE, "7-digit local"),
    (
        "promise",
        "You mentioned a refund, so we've refunded the full amount.",
        REFUND_EN,
        "English names then refunds",
    ),
    (
        "promise",
        "As for the refund you asked about, we'll approve it right away.",
        REFUND_EN,
        "English approves",
    ),
    (
        "delete_request",
        "您说我们会求您删评，我们不会求，您自己删了就好。",
        DELETE_ZH,
        "named back, then asks",
    ),
    ("argue", "十几块钱的东西，您犯得着这么计较吗？", SALTY, "petty"),
    ("argue", "我们师傅煮了十年面，煮不出这么软的面。", SALTY, "ability"),
    ("argue", "这事我们也不知道该怎么回复您，菜一直都是这个味。", SALTY, "shrug"),
    ("argue", "请您好好回想一下，是不是记混了别家。", SALTY, "check asked"),
    ("crisis_admission", "确认过了，虫子就是从我们的青菜里来的。", BUG, "cause confirmed"),
    ("crisis_admission", "是我们员工的失误，头发掉进了锅里。", HAIR, "cause confirmed"),
]


# Batch 3, typed after batch 2 was fixed and read once before any tuning on it: the same
# causes, worded as a writer who never read the rules might.
OK3 = [
    ("有什么需要随时打店里电话028-65432100，周一到周日都在。", SALTY, "own number + days"),
    (
        "店长老王的电话 028-6543-2100（下午2点后最好打），欢迎来电。",
        SALTY,
        "own number + best time",
    ),
    (
        "+86 28 6543 2100 is the manager's line, open till 10pm.",
        REFUND_EN,
        "own number, English, till",
    ),
    ("店長電話：(028) 6543 2100，營業時間內都有人接聽。", SALTY, "own number, area code bracketed"),
    ("真是对不住，这次是我们的不是，正在查后厨和食材。", HAIR, "plain admission, crisis"),
    ("我们错了，让您吃得这么糟心，检查结果出来第一时间告诉您。", BELLY, "plain admission, crisis"),
    ("這件事我們有責任把原因查清楚，結果會如實告訴您。", HAIR, "duty to check, crisis"),
    (
        "I see you'd like a refund. Please message us privately and the manager will look into it.",
        REFUND_EN,
        "English names the wish",
    ),
    (
        "Your refund request has been passed to the manager, who will contact you privately.",
        REFUND_EN,
        "English request as topic",
    ),
    (
        "The refund you mentioned isn't something we can discuss here, but the manager will call you.",  # noqa: E501
        REFUND_EN,
        "English refund not here",
    ),
    ("看到您写的怕被要求删评，真的不会，我们只想把菜做好。", DELETE_ZH, "删评 named back, never"),
    ("您说担心我们会找您改评价，我们绝不会这么做。", DELETE_ZH, "改评价 named back, never"),
    ("菜确实太咸，您说得没错，我们没什么好辩解的。", SALTY, "no argument"),
]
BAD3 = [
    ("private_data", "打028-6543 2100后转302就是我，有事直接找我。", SALTY, "extension after 后转"),
    ("private_data", "我直线是 6543 2109，比总机好打。", SALTY, "another local number"),
    ("private_data", "Ring me on 28-8765-4321 any time.", REFUND_EN, "English, no 0"),
    ("private_data", "店长手机 139-0000-1111 全天开机。", LATE, "mobile + note"),
    (
        "promise",
        "You asked for a refund — done, it'll be back in your account in 3 days.",
        REFUND_EN,
        "English names then grants",
    ),
    (
        "promise",
        "On the refund you requested: we've sent it back to your card.",
        REFUND_EN,
        "English names then sends",
    ),
    (
        "delete_request",
        "您说我们会让您删评，那倒不会，不过改个好评我们会很感激。",
        DELETE_ZH,
        "named back, then asks a change",
    ),
    ("argue", "就几块钱的事，至于这么较真吗？", LATE, "petty"),
    ("argue", "我们家的大厨不可能把肉炒得这么咸。", SALTY, "ability"),
    ("argue", "凉面本来就是凉的，不知道您在抱怨什么。", LATE, "shrug"),
    ("argue", "麻烦您先核对一下订单再来评价。", SALTY, "check asked"),
    ("crisis_admission", "经过排查，确实是那天的豆腐坏了。", BELLY, "cause confirmed"),
    ("crisis_admission", "是洗菜的阿姨没洗干净，虫子才混进去的。", BUG, "cause confirmed, staff"),
]


def rows():
    groups = (
        ("g2-ok", OK),
        ("g2-bad", BAD),
        ("g2b-ok", OK2),
        ("g2b-bad", BAD2),
        ("g2c-ok", OK3),
        ("g2c-bad", BAD3),
    )
    for prefix, items in groups:
        for i, (*rule, text, review, note) in enumerate(items, 1):
            row = {"id": f"{prefix}{i:02d}", "text": text, "review": review, "note": note}
            if prefix.endswith("-ok"):
                row.update(rule=None, ok=True)
            else:
                row["rule"] = rule[0]
            yield row


if __name__ == "__main__":
    out = Path(__file__).with_name("set.jsonl")
    lines = [json.dumps(row, ensure_ascii=False) for row in rows()]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{out}: {len(lines)} edits")
