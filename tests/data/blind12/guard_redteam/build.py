import json, random, re, sys
sys.path.insert(0,'.')
from data_a import REV
from data_promise import P_BAD, P_OK
from data_delete import D_BAD, D_OK
from data_private import V_BAD, V_OK
from data_blame import B_BAD, B_OK
from data_argue import A_BAD, A_OK
rnd = random.Random(1207)
OPEN = {
 "s": ["您好，", "亲，", "你好！", "看到您的评价了。", "", "", "", "", "", "这位顾客您好，", "谢谢您的反馈。"],
 "t": ["您好，", "", "", "感謝您的回饋。"],
 "y": ["你好，", "", "", "多謝留言。"],
 "e": ["Hi there. ", "Hello. ", "", "", "Thanks for your review. "],
}
CLOSE = {
 "s": ["", "", "", "", "——老街坊川菜馆 店长老王", "老街坊川菜馆 店长老王", "再次抱歉。", "谢谢您。", "店长老王"],
 "t": ["", "", "老街坊川菜館 店長老王", "再次致歉。"],
 "y": ["", "", "店長老王", "唔該晒。"],
 "e": ["", "", "— Lao Wang, store manager", "Thanks again."],
}
TOPIC_MAP = {}
def pick_review(topic, sc):
    pool = REV[TOPIC_MAP.get(topic, topic)]
    if sc == "e":
        c = [r for t, r in pool if t == "e"]
    elif sc in ("t", "y"):
        c = [r for t, r in pool if t == sc] or [r for t, r in pool if t in ("t", "y")] or [r for t, r in pool if t == "s"]
    else:
        c = [r for t, r in pool if t == "s"]
    def score(r):
        sc_ = 0
        for v in VOCAB:
            vs = [x.lower() for x in v]
            inr = any(x in r.lower() for x in vs); intx = any(x in CUR[0].lower() for x in vs)
            if inr and intx: sc_ += 2
            elif intx and v[0] in DISH: sc_ -= 0
            elif inr and v[0] in DISH: sc_ -= 3
            elif inr: sc_ -= 1
        return sc_
    best = max(score(r) for r in c)
    return rnd.choice([r for r in c if score(r) == best])
CUR = [""]
DISH = ["水煮鱼","酸菜鱼","水煮牛肉","毛血旺","辣子鸡","夫妻肺片","回锅肉","宫保鸡丁","鱼香肉丝","口水鸡","麻婆豆腐","蛋炒饭","红糖糍粑","担担面","酸辣汤","水煮肉片"]
VOCAB = [["水煮鱼","水煮魚","boiled fish"],["酸菜鱼","酸菜魚"],["水煮牛肉"],["毛血旺"],["辣子鸡","辣子雞"],["夫妻肺片"],["回锅肉","twice-cooked"],["宫保鸡丁","kung pao"],["鱼香肉丝"],["口水鸡"],["麻婆豆腐","mapo"],["蛋炒饭"],["红糖糍粑","糍粑"],["担担面","擔擔麵","dan dan","noodles"],["酸辣汤","汤碗","soup"],["水煮肉片"],
 ["头发","頭髮","hair"],["塑料"],["钢丝球","鋼絲球"],["蟑螂","cockroach"],["口红"],["厕所","廁所"],["楼","地址","送错"],["电话","電話"],["米饭"],["餐具费"],["团购","券"],["周六","周末","排队","取号"],["50分钟"],["一个半小时","一個半小時"],["40分钟"],["划拳","吵"],["空调","热"],["floor"],["收银"],["白眼","叫了三次"],["不辣"],["拉肚子","拉了"],["胃疼"],["退款被拒","推来推去"],["没动静"],["两百","200"],["團購"],["sweet"],["rude"],["wrong dish","twice"],["45 minutes","two dishes"],["charged"],["油","红油"]]
def sentences(t):
    return len([x for x in re.split(r'[。！？!?.]+', t) if x.strip() and not re.fullmatch(r'\s*\d+\s*', x)])
rows = []
for rule, bad, ok in [("promise", P_BAD, P_OK), ("delete_request", D_BAD, D_OK), ("private_data", V_BAD, V_OK), ("blame", B_BAD, B_OK), ("argue", A_BAD, A_OK)]:
    assert len(bad) == 50 and len(ok) == 50, (rule, len(bad), len(ok))
    for lst, isok in ((bad, False), (ok, True)):
        for topic, sc, text, note in lst:
            o = rnd.choice(OPEN[sc]); c = rnd.choice(CLOSE[sc])
            t = text
            if o and not t.startswith(("您好", "你好", "Hi", "Hello", "亲", "谢谢", "感谢", "感謝", "Thanks", "Thank", "多謝")) and not (o.startswith(("谢谢","感謝","多謝","Thanks")) and ("谢谢" in t[:8] or "感谢" in t[:8])):
                t = o + t
            if c:
                t2 = t + ("\n" + c if "老王" in c or "Lao Wang" in c else ("" if sc != "e" else " ") + c)
                if sentences(t2) <= 5: t = t2
            CUR[0] = text
            rows.append({"text": t, "review": pick_review(topic, sc), "ok": isok,
                         "rule": None if isok else rule,
                         "note": ("innocent look-alike of %s: " % rule if isok else "") + note, "_sc": sc})
rnd.shuffle(rows)
out = []
for i, r in enumerate(rows, 1):
    out.append({"id": "b12g-%04d" % i, "text": r["text"], "review": r["review"], "ok": r["ok"], "rule": r["rule"], "note": r["note"]})
with open("set.jsonl", "w", encoding="utf-8") as f:
    for r in out: f.write(json.dumps(r, ensure_ascii=False) + "\n")
print(len(out))
