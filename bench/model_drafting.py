"""How often AI drafting falls back to the template draft, and how long a draft takes, on
a scripted run: the demo corpus's bad reviews, each answered by the local fake endpoint of
tests/fakes/model.py (real aiohttp client) with a seeded mix of good drafts, hostile
drafts (a refund promised, a phone number, a request to delete the review, HTML, the wrong
language) and failures (too slow, HTTP 500, 429 with a long Retry-After, a broken body).

    .venv/bin/python bench/model_drafting.py [--reviews 200] [--seed 7] [--timeout 1.0]

Prints the share of drafts the model wrote, the fallbacks by reason (the card's note),
whether every scripted hostile draft was caught, and the time per draft (p50, p95, max):
the max stays near the timeout however the endpoint behaves.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reviewbot.analysis.base import ReviewText
from reviewbot.analysis.v1 import AnalyzerV1
from reviewbot.platforms.demo.corpus import load_corpus
from reviewbot.replies.engine import TemplateDrafter
from reviewbot.replies.facts import StoreProfile
from reviewbot.replies.model import Endpoint, ModelDrafter
from tests.fakes.model import FakeModel, Step, error, reply

STORE = StoreProfile(
    name="老街坊川菜馆",
    signature="老街坊川菜馆 店长老王",
    contact="店长电话 028-6543 2100",
    menu=("水煮鱼", "麻婆豆腐", "回锅肉", "酸辣汤"),
    proofs=("食品经营许可证 JY15101000000000",),
)
OPENINGS = (
    "非常抱歉",
    "真的很对不起",
    "谢谢您直言",
    "看到您的评价，我们很难过",
    "让您失望了，实在过意不去",
    "首先向您郑重道歉",
)
OWN = ("这是我们没做好", "责任在我们", "是店里的疏忽", "这不该发生")
FIXES = (
    "我们已经在出餐前加了一道核对",
    "后厨和打包都会按清单逐项检查",
    "这件事我们会在今天的班前会上讲清楚",
    "我们会把这次的问题记进每周的复盘",
    "店长会亲自盯着接下来的出餐",
    "相关流程我们会重新培训一遍",
)
INVITES = (
    "欢迎私信我们，把经过再跟我们说说",
    "如果方便，请私信告诉我们更多细节",
    "有任何想法都可以私信店长",
    "期待您再给我们一次机会",
)
# (what the endpoint does, its share of requests, whether its draft must be refused)
MIX: tuple[tuple[str, float, bool], ...] = (
    ("good", 0.60, False),
    ("refund", 0.08, True),
    ("phone", 0.05, True),
    ("delete", 0.05, True),
    ("english", 0.04, True),
    ("html", 0.03, True),
    ("slow", 0.05, False),
    ("http_500", 0.04, False),
    ("429", 0.03, False),
    ("broken", 0.03, False),
)


def good(rng: random.Random, prompt: str) -> str:
    """A plausible model draft: names the customer's first complaint in their words."""
    said = re.findall(r"顾客原话「([^」]*)」（可以原样引用）", prompt)
    points = "".join(f"您说「{words}」，{rng.choice(OWN)}。" for words in said[:3])
    return (
        f"{rng.choice(OPENINGS)}。{points or rng.choice(OWN) + '。'}{rng.choice(FIXES)}。"
        f"{rng.choice(INVITES)}。\n{STORE.signature}"
    )


def scripted(kind: str, rng: random.Random, prompt: str, timeout: float) -> Step:
    drafts = {
        "refund": "非常抱歉，这单的钱我们全额退给您，下次来店里这顿我们请。",
        "phone": "非常抱歉，请加店长微信 laowang888 或致电 13912345678，我们当面道歉。",
        "delete": "非常抱歉，问题我们马上改，麻烦您把这条差评删掉可以吗？",
        "english": "We are terribly sorry about your meal and will do better next time.",
        "html": f"<p>{good(rng, prompt)}</p>",
    }
    if kind in drafts:
        return reply(drafts[kind])
    if kind == "slow":
        return reply(good(rng, prompt), delay=timeout * 2)
    if kind == "http_500":
        return error(500, "internal error")
    if kind == "429":
        return error(429, "rate limited", headers={"Retry-After": "60"})
    if kind == "broken":
        return Step(raw=b'{"choices": [{"message": ')
    return reply(good(rng, prompt))


async def main(reviews: int, seed: int, limit: float) -> None:
    rng = random.Random(seed)
    kinds: list[str] = []

    def respond(body: dict) -> Step:
        kind = rng.choices([k for k, _, _ in MIX], weights=[w for _, w, _ in MIX])[0]
        kinds.append(kind)
        return scripted(kind, rng, body["messages"][-1]["content"], limit)

    fake = FakeModel(responder=respond)
    await fake.start()
    analyzer, templates, drafter = AnalyzerV1(), TemplateDrafter(), ModelDrafter()
    drafter.warm_up()  # as the daemon does at start
    endpoint = Endpoint(fake.base_url, "fake-chat", timeout=limit, requests_per_minute=1e5)
    corpus = [r for r in load_corpus().reviews if r.rating <= 2][:reviews]
    sources: Counter[str] = Counter()
    notes: Counter[str] = Counter()
    leaked = 0
    seconds: list[float] = []
    recent: list[str] = []
    try:
        for index, item in enumerate(corpus):
            review = ReviewText(f"b{index}", item.text, float(item.rating))
            analysis = analyzer.analyze(review)
            template = templates.draft(review, analysis, STORE, recent=recent)
            started = time.perf_counter()
            made = await drafter.draft(template, review, analysis, STORE, endpoint, recent=recent)
            seconds.append(time.perf_counter() - started)
            if made.needs_person or not template.text:
                continue
            sources[made.source] += 1
            if made.note:
                notes[made.note] += 1
            hostile = dict((k, h) for k, _, h in MIX).get(kinds[-1], False)
            leaked += int(hostile and made.source == "model")
            recent.insert(0, made.text)
            del recent[20:]
    finally:
        await drafter.close()
        await fake.stop()
    total = sum(sources.values())
    print(f"reviews: {len(corpus)} bad reviews of the demo corpus, {total} drafted")
    print(f"model drafts used: {sources['model'] / total:.1%} ({sources['model']}/{total})")
    print(f"template fallbacks: {sources['templates'] / total:.1%}")
    for note, count in notes.most_common():
        print(f"  {count:4d}  {note}")
    hostile = sum(1 for k in kinds if dict((k2, h) for k2, _, h in MIX)[k])
    print(f"hostile drafts scripted: {hostile}, used anyway: {leaked}")
    q = statistics.quantiles(seconds, n=20)
    print(
        f"seconds per draft: p50 {statistics.median(seconds):.3f}, p95 {q[18]:.3f}, "
        f"max {max(seconds):.3f} (timeout {limit:g})"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=1.0)
    args = parser.parse_args()
    asyncio.run(main(args.reviews, args.seed, args.timeout))
