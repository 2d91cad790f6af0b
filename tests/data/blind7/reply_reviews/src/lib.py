ITEMS = []
PLAT = {"mt": "meituan", "el": "eleme", "dp": "dianping", "g": "google"}
SET = {"d": "delivery", "i": "dine_in"}
def R(script, text, rating, plat, setting, *comps):
    cs = []
    for c in comps:
        aspect, span, kw = c.split("|")
        cs.append({"category": aspect.split(".")[0], "aspect": aspect, "span": span,
                   "keywords": [k for k in kw.split("/") if k]})
    ITEMS.append({"text": text, "rating": rating, "platform": PLAT[plat],
                  "script": script, "language": "en" if script is None else "zh",
                  "setting": SET[setting], "complaints": cs})
def S(*a): R("zh-Hans", *a)
def T(*a): R("zh-Hant", *a)
def E(*a): R(None, *a)
