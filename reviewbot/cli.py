"""The `reviewbot` command: a thin shell over the library.

Each subcommand imports what it needs when it runs, so `reviewbot classify` does not pay
for the database, HTTP and chat stacks it never uses.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

log = logging.getLogger("reviewbot")

DEFAULT_CONFIG = "config.toml"


def _config_path(args: argparse.Namespace) -> Path:
    return Path(args.config or os.environ.get("REVIEWBOT_CONFIG") or DEFAULT_CONFIG)


def _load(args: argparse.Namespace):
    from reviewbot.config import load_settings

    return load_settings(_config_path(args))


def _setup_logging(verbose: int, quiet: bool = False) -> None:
    level = logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(asctime)s %(levelname)-7s %(name)s: %(message)s"
    )
    for noisy in ("apscheduler", "aiohttp.access", "alembic", "jieba"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


def _stop_event() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM, for a clean shutdown."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


# -- run and demo ---------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    settings = _load(args)

    async def main() -> None:
        from reviewbot.daemon import Daemon

        stop = _stop_event()
        daemon = Daemon(settings)
        await daemon.start()
        try:
            await stop.wait()
            log.info("shutting down (signal received)")
        finally:
            await daemon.stop()
            await daemon.close()

    asyncio.run(main())
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    async def main() -> dict[str, Any]:
        from reviewbot.demo import run_demo

        return await run_demo(args.seconds, seed=args.seed, stop=_stop_event())

    summary = asyncio.run(main())
    sys.stdout.write(json.dumps(summary, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return 0


# -- the JSON Lines contracts -----------------------------------------------------------


def _write_lines(results: Iterable[dict[str, Any]]) -> None:
    out = sys.stdout
    for result in results:
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    out.flush()


def _stdin_lines() -> Iterator[bytes]:
    for line in sys.stdin.buffer:
        yield line.rstrip(b"\r\n")


def cmd_classify(args: argparse.Namespace) -> int:
    from reviewbot.analysis.v0 import LexiconAnalyzerV0
    from reviewbot.contracts import classify_lines

    _write_lines(classify_lines(_stdin_lines(), LexiconAnalyzerV0()))
    return 0


def cmd_draft(args: argparse.Namespace) -> int:
    from reviewbot.analysis.v0 import LexiconAnalyzerV0
    from reviewbot.contracts import GENERIC_STORE, draft_lines
    from reviewbot.replies.engine import StoreProfile, TemplateDrafter

    store = GENERIC_STORE
    if args.store:
        settings = _load(args)
        try:
            store_settings = settings.store(args.store)
        except KeyError:
            raise SystemExit(
                f"reviewbot: no store {args.store!r} in {_config_path(args)}"
            ) from None
        store = StoreProfile.from_settings(store_settings.name, store_settings.facts)
    _write_lines(draft_lines(_stdin_lines(), LexiconAnalyzerV0(), TemplateDrafter(), store))
    return 0


def cmd_templates_lint(args: argparse.Namespace) -> int:
    from reviewbot.replies.lint import lint_library

    report = lint_library(Path(args.dir) if args.dir else None)
    for problem in report.problems:
        print(problem)
    if report.problems:
        print(f"{len(report.problems)} problem(s) in the reply templates", file=sys.stderr)
        return 1
    print(f"ok: {report.templates} templates, {report.variants} variants")
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

    before, after = asyncio.run(main())
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

    current, head = asyncio.run(main()), head_revision()
    state = (
        "up to date" if current == head else f"behind: run `reviewbot db upgrade` to reach {head}"
    )
    print(f"{current or 'empty'} ({state})")
    return 0 if current == head else 1


def cmd_sources(args: argparse.Namespace) -> int:
    settings = _load(args)

    async def main() -> list[dict[str, Any]]:
        from reviewbot.store import db
        from reviewbot.store.health import source_health

        engine = db.create_engine(settings.database.url)
        try:
            await db.ensure_schema_current(
                engine, auto_upgrade=settings.database.auto_upgrade, log=log.info
            )
            return await source_health(db.session_factory(engine))
        finally:
            await engine.dispose()

    rows = asyncio.run(main())
    if args.json:
        _write_lines(rows)
        return 0
    if not rows:
        print("no sources polled yet (start the daemon with `reviewbot run`)")
        return 0
    print(
        f"{'store':<16} {'platform':<10} {'account':<24} {'state':<9} {'reviews':>7}  "
        "last success / last error"
    )
    for row in rows:
        detail = row["last_success_at"] or "never"
        if row["last_error"]:
            detail += f" / {row['consecutive_errors']}× {row['last_error']}"
        print(
            f"{row['store_id']:<16} {row['platform']:<10} {row['account']:<24} "
            f"{row['state']:<9} {row['reviews']:>7}  {detail}"
        )
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

    add("run", cmd_run, "run the daemon: poll, analyze, draft, alert, deliver", config=True)
    demo = add("demo", cmd_demo, "run the whole loop on a temporary database and the demo platform")
    demo.add_argument("--seconds", type=float, default=20.0, help="how long to run (default 20)")
    demo.add_argument("--seed", type=int, default=None, help="seed the demo platform")
    add("classify", cmd_classify, "classify JSON Lines reviews from stdin (see DESIGN.md)")
    draft = add("draft", cmd_draft, "draft replies for JSON Lines reviews from stdin", config=True)
    draft.add_argument("--store", help="sign and fill facts as this configured store")

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
    lint.add_argument("--dir", help="template directory (default: the installed library)")

    sources = add("sources", cmd_sources, "show every platform account and its health", config=True)
    sources.add_argument("--json", action="store_true", help="JSON Lines instead of a table")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    quiet = args.command in ("classify", "draft", "demo") and not args.verbose
    _setup_logging(args.verbose, quiet=quiet and args.command != "demo")
    from reviewbot.config import ConfigError

    try:
        return args.handler(args)
    except ConfigError as exc:
        print(f"reviewbot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`reviewbot classify | head`); exit quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
