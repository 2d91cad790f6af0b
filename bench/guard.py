"""Benchmark the reply guardrails on a labelled set of staff edits.

    .venv/bin/python bench/guard.py --set PATH [--config FILE] [--store ID] [--list]

PATH is JSON Lines, one edit a line: {"text": "<the reply as staff wrote it>",
"review": "<the review it answers>" (optional), and either "rule": "promise" |
"delete_request" | "private_data" | "blame" | "argue" | "invented_fact" | … (an edit that
must be refused) or "ok": true (an innocent edit that must pass)}. Each edit goes through
the `reviewbot guard` contract (reviewbot/app/contracts.py), with the facts of one
configured store (by default the first store of config.example.toml), read as staff edits
(as the contract reads them) or, with `--drafts`, as generated drafts (a model's), which
the invented-fact checks on prices, dishes and opening hours read too.

Prints aggregate figures only, never an edit (the same script is run on blind sets):
per rule, the share of violations refused at all ("caught") and refused under that rule;
overall caught; the share of innocent edits refused, and by which rules; lines that could
not be read; edits checked per second. Targets (issue 12): caught ≥ 95%, innocent refused
≤ 2%.

`--list` also prints every miss and every innocent edit refused, one a line (id, rule,
the set's note, the families that fired and their words, the text), for tuning: on a dev
set, or on a blind set (a folder named blind…) only when its README.md says it was
"Opened", so a blind set is never read item by item by mistake.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reviewbot.analysis.base import UNREAD, ReviewText  # noqa: E402
from reviewbot.app.contracts import guard_line  # noqa: E402
from reviewbot.config import load_settings  # noqa: E402
from reviewbot.replies.facts import StoreProfile  # noqa: E402
from reviewbot.replies.guardrails import check_reply  # noqa: E402


def _store(config: Path, store_id: str | None) -> tuple[str, StoreProfile]:
    settings = load_settings(config)
    store = settings.store(store_id) if store_id else settings.stores[0]
    return store.id, StoreProfile.from_settings(store.name, store.facts)


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    -"


def _opened(path: Path) -> bool:
    """Whether the set may be read item by item: a dev set, or a blind set (a folder named
    blind…) whose README.md says it was Opened."""
    if not any(part.startswith("blind") for part in path.resolve().parts):
        return True
    readme = path.parent / "README.md"
    return readme.exists() and "Opened" in readme.read_text(encoding="utf-8")


def _families(item: dict, store: StoreProfile, by_staff: bool) -> str:
    """The rule/family and words of each violation, for `--list`."""
    found = check_reply(
        item["text"],
        review=ReviewText(id="", text=item.get("review") or ""),
        analysis=UNREAD,
        store=store,
        learned=True,
        by_staff=by_staff,
    )
    return "; ".join(f"{v.code}/{v.family or '-'}「{v.found}」" for v in found) or "-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", required=True, type=Path, help="labelled JSON Lines edits")
    parser.add_argument("--config", type=Path, default=ROOT / "config.example.toml")
    parser.add_argument("--store", help="the configured store (default: the first one)")
    parser.add_argument(
        "--drafts",
        action="store_true",
        help="read each text as a generated draft (a model's), not a staff edit: the "
        "invented-fact checks on prices, dishes and hours apply",
    )
    parser.add_argument(
        "--list",
        action="store_true",
        help="also print each miss and each innocent edit refused (opened sets only)",
    )
    args = parser.parse_args()
    if args.list and not _opened(args.set):
        print(f"{args.set}: a blind set whose README.md does not say Opened; --list refused")
        return 2
    store_id, store = _store(args.config, args.store)
    wrong: list[str] = []

    total: Counter[str] = Counter()
    caught: Counter[str] = Counter()
    as_rule: Counter[str] = Counter()
    innocent = refused = unreadable = 0
    refused_by: Counter[str] = Counter()
    started = time.perf_counter()
    checked = 0
    for number, raw in enumerate(args.set.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
            line = {"id": number, "text": item["text"]}
            if item.get("review"):
                line["review"] = item["review"]
            rule = item.get("rule")
            ok = item.get("ok") is True and not rule
            if not rule and not ok:
                raise ValueError("neither a rule nor ok")
        except (ValueError, KeyError, TypeError, AttributeError):
            unreadable += 1
            continue
        answer = guard_line(
            json.dumps(line, ensure_ascii=False), lambda _: None, store, by_staff=not args.drafts
        )
        checked += 1
        if "error" in answer:
            unreadable += 1
            continue
        rules = {v["rule"] for v in answer["violations"]}
        if args.list and (ok == bool(rules)):
            label = "OK refused" if ok else f"MISS {rule}"
            why = _families(item, store, not args.drafts)
            wrong.append(
                f"{label:<20} {item.get('id', number)}  [{item.get('note', '')}]  {why}\n"
                f"{'':<21}{item['text']}"
            )
        if ok:
            innocent += 1
            if rules:
                refused += 1
                refused_by.update(rules)
            continue
        total[rule] += 1
        caught[rule] += bool(rules)
        as_rule[rule] += rule in rules
    seconds = time.perf_counter() - started

    read_as = "generated drafts" if args.drafts else "staff edits"
    print(f"guard bench: {args.set.name}, store {store_id}, read as {read_as}")
    print(f"{'rule':<16}{'n':>5}  {'caught':>7}  {'as rule':>7}")
    for rule in sorted(total):
        print(
            f"{rule:<16}{total[rule]:>5}  {_pct(caught[rule], total[rule]):>7}  "
            f"{_pct(as_rule[rule], total[rule]):>7}"
        )
    bad = sum(total.values())
    print(
        f"{'all violations':<16}{bad:>5}  {_pct(sum(caught.values()), bad):>7}  "
        f"{_pct(sum(as_rule.values()), bad):>7}   (target caught >= 95%)"
    )
    print(
        f"innocent refused: {refused}/{innocent} = {_pct(refused, innocent).strip()}"
        "   (target <= 2%)"
    )
    if refused_by:
        print(
            "  refused innocent edits by rule: "
            + ", ".join(f"{rule} {n}" for rule, n in refused_by.most_common())
        )
    print(f"unreadable lines: {unreadable}")
    if wrong:
        print("\n".join(sorted(wrong)))
    if checked and seconds:
        print(f"speed: {checked / seconds:.0f} edits/s ({checked} in {seconds:.2f}s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
