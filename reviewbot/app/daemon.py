"""The daemon: APScheduler drives polling, the pipeline and outbox delivery.

Every account is polled by its own interval job, started at a random offset so a chain of
hundreds of stores does not hit the platforms in bursts. New reviews kick the pipeline and
new alerts kick the outbox at once, so latency is the poll interval plus seconds, while
the interval jobs remain as a safety net. Shutdown pauses the scheduler, lets running jobs
finish their transactions, and only then stops: nothing is lost, and a restart resumes
from the stored cursors and the undelivered outbox.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import aiohttp
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import distinct, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from reviewbot import logs
from reviewbot.analysis.base import Analyzer
from reviewbot.analysis.v1 import AnalyzerV1
from reviewbot.app import skips
from reviewbot.app.channels import (
    CoveredStores,
    Front,
    RedrawApps,
    bind_batches,
    open_channels,
    open_fronts,
    open_wecom,
    routes,
    telegram_stores,
)
from reviewbot.app.instance import Identity, claim_identity
from reviewbot.chat.base import Notifier
from reviewbot.chat.console import ConsoleNotifier
from reviewbot.chat.telegram.bot import TelegramBot
from reviewbot.chat.telegram.notifier import TelegramNotifier
from reviewbot.clock import Clock, SystemClock
from reviewbot.config import APP_KINDS, ConfigError, Settings
from reviewbot.jobs.crisis import CrisisDetector
from reviewbot.jobs.deliveries import (
    AlertHandler,
    AlertUpdateHandler,
    BatchUpdateHandler,
    NoticeHandler,
    ReplyHandler,
)
from reviewbot.jobs.digest import DigestHandler, Digests, clock_time
from reviewbot.jobs.escalation import EscalationChecker
from reviewbot.jobs.followups import FollowUps
from reviewbot.jobs.ingest import ConfiguredSource, sync_sources
from reviewbot.jobs.outbox import OutboxDispatcher
from reviewbot.jobs.pipeline import CHUNK, Pipeline
from reviewbot.jobs.poll import Poller, PollOutcome
from reviewbot.jobs.robots import RobotHandler, Router
from reviewbot.platforms.base import PlatformAdapter
from reviewbot.platforms.context import AdapterContext
from reviewbot.platforms.credential_store import DbCredentialStore
from reviewbot.platforms.credentials import Keepers
from reviewbot.platforms.demo.server import DemoPlatform, DemoServer
from reviewbot.platforms.http import HttpClient, RetryPolicy
from reviewbot.platforms.registry import build_adapter
from reviewbot.replies.engine import TemplateDrafter
from reviewbot.replies.lint import lint_facts
from reviewbot.replies.model import ModelDrafter
from reviewbot.replies.templates import load_library
from reviewbot.resources import bundled_font
from reviewbot.sourceconfig import DemoSource, SourceBase
from reviewbot.store import db, outbox, verdicts
from reviewbot.store.health import NOT_RUNNING
from reviewbot.store.schema import Alert, Analysis, Draft, Review, Source
from reviewbot.web.app import WebServer
from reviewbot.workflow.console import Console
from reviewbot.workflow.desk import Desk
from reviewbot.workflow.directory import Directory

log = logging.getLogger(__name__)


def check_secrets(settings: Settings, *, skip_broken_sources: bool, chat: bool = True) -> None:
    """Refuse to start blind: every secret that is not set, named in one ConfigError, before
    anything is opened. A source's are tolerated when the operator asked to run without
    it; the chat's never are (nobody would hear an alert)."""
    missing_chat = settings.missing_chat_secrets() if chat else []
    sources = settings.missing_secrets()
    lines = [f"  the Telegram bot: {', '.join(missing_chat)}"] if missing_chat else []
    if not skip_broken_sources:
        lines += [
            f"  store {store_id}, {source.platform} account {source.account}: " + ", ".join(names)
            for store_id, source, names in sources
        ]
    if not lines:
        return
    where = f" or as keys in {settings.secrets_file}" if settings.secrets_file else ""
    hint = (
        "\nto run without these accounts, start with `reviewbot run --skip-broken-sources`"
        if sources and not skip_broken_sources
        else ""
    )
    raise ConfigError(
        f"secrets are not set (export them as environment variables{where}):\n"
        + "\n".join(lines)
        + hint
    )


class _Job:
    """A job that runs one instance at a time and can be kicked to run again right away."""

    def __init__(
        self, name: str, work: Callable[[], Awaitable[bool]], tasks: set[asyncio.Task[Any]]
    ) -> None:
        self.name = name
        self.work = work
        self.tasks = tasks
        self.running = False
        self.again = False

    async def run(self) -> None:
        if self.running:
            self.again = True
            return
        self.running = True
        task = asyncio.current_task()
        if task is not None:
            self.tasks.add(task)
        try:
            while True:
                self.again = False
                try:
                    more = await self.work()
                except Exception:
                    log.exception("job %s failed", self.name)
                    more = False
                if not (more or self.again):
                    break
        finally:
            self.running = False
            if task is not None:
                self.tasks.discard(task)

    def kick(self) -> None:
        if self.running:
            self.again = True
        else:
            task = asyncio.get_running_loop().create_task(self.run(), name=f"kick:{self.name}")
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)


@dataclass(frozen=True, slots=True)
class RunningSource:
    source_id: int
    settings: SourceBase
    adapter: PlatformAdapter
    interval: float


class Daemon:
    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        notifier: Notifier | None = None,
        analyzer: Analyzer | None = None,
        drafter: TemplateDrafter | None = None,
        demo_platform: DemoPlatform | None = None,
        skip_broken_sources: bool = False,
    ) -> None:
        self.settings = settings
        # Run without the accounts that cannot start, instead of refusing to start: only
        # when the operator asks (`reviewbot run --skip-broken-sources`).
        self.skip_broken_sources = skip_broken_sources
        self.skipped: list[str] = []  # "store/platform/account: why", for the log and tests
        self.clock = clock or SystemClock()
        self.identity: Identity | None = None
        self.owner = ""  # the instance name, claimed at start
        self._notifier = notifier
        self.analyzer = analyzer or AnalyzerV1()
        self.drafter = drafter or TemplateDrafter(load_library(settings.replies.templates_dir))
        self.demo_platform = demo_platform
        self.demo_server: DemoServer | None = None
        self.engine: AsyncEngine | None = None
        self.sources: dict[int, RunningSource] = {}
        self.scheduler: AsyncIOScheduler | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._http_session: aiohttp.ClientSession | None = None
        self.telegram: TelegramBot | None = None
        self.web: WebServer | None = None
        # Chat apps' front ends (DingTalk, Feishu / Lark, WeCom) and their connections.
        self.fronts: list[Front] = []
        self.directory = Directory(settings)
        self.model: ModelDrafter | None = None  # AI drafting, when a store uses a model

    # -- lifecycle -----------------------------------------------------------------

    async def start(self, *, schedule: bool = True) -> None:
        """Start everything; if any part fails (a configuration error), what was already
        started is stopped again before the error goes up, so nothing is left open."""
        try:
            await self._start(schedule)
        except BaseException:
            await self.stop()
            await self.close()
            raise

    async def _sync_sources(self) -> dict[tuple[str, str], int]:
        """Write the configured stores and accounts. Replicas started at the same moment on
        a fresh database both insert them; the one that loses reads them back and tries
        again, instead of dying at start."""
        for attempt in range(3):
            try:
                async with self.sessions() as session, session.begin():
                    return await sync_sources(session, self._configured(), self.clock.now())
            except IntegrityError:
                if attempt == 2:
                    raise
                log.info("another replica wrote the stores at the same moment; reading them")
        raise AssertionError("unreachable")

    async def _start(self, schedule: bool) -> None:
        s = self.settings
        check_secrets(s, skip_broken_sources=self.skip_broken_sources, chat=self._notifier is None)
        self.identity = claim_identity(s)
        self.owner = self.identity.name
        lease = timedelta(seconds=s.daemon.lease_seconds)
        self.engine = db.create_engine(s.database.url, echo=s.database.echo)
        await db.ensure_schema_current(
            self.engine, auto_upgrade=s.database.auto_upgrade, log=log.info
        )
        self.sessions = db.session_factory(self.engine)
        ids = await self._sync_sources()
        await self._start_sources(ids)
        self.directory = Directory(
            s, {sid: rs.adapter.capabilities for sid, rs in self.sources.items()}
        )
        for store in s.stores:  # a fact no reply may state blocks every draft of the store
            for problem in lint_facts(store.id, self.directory.profile(store.id)):
                log.warning("%s (`reviewbot templates lint` checks the config)", problem)
        self.model = self._start_model()
        self.poller = Poller(
            self.sessions,
            self.clock,
            max_pages=s.daemon.max_pages_per_poll,
            error_backoff_max=s.daemon.error_backoff_max_seconds,
            retry_after_max=s.http.max_reschedule_seconds,
            claim_seconds=s.daemon.lease_seconds,
            owner=self.owner,
        )
        self.pipeline = Pipeline(
            self.sessions,
            self.clock,
            self.analyzer,
            self.drafter,
            self.directory.profile,
            owner=self.owner,
            lease_ttl=lease,
            alert_max_age=timedelta(hours=s.daemon.alert_max_age_hours)
            if s.daemon.alert_max_age_hours
            else None,
            reply_limits=self.directory.reply_limits,
            store_terms=self.directory.analysis_terms,
            model=self.model,
            drafting=self.directory.drafting,
        )
        # The analyzer's lexicon and regexes are built in the pipeline's worker while the
        # rest starts (the pipeline's first run waits behind it in that worker): a daemon
        # restarted after a crash delivers what is queued and reads Telegram meanwhile.
        warm_up = asyncio.get_running_loop().create_task(
            self._guarded(self.pipeline.warm_up, None), name="warm-up"
        )
        self._tasks.add(warm_up)
        warm_up.add_done_callback(self._tasks.discard)
        self.pipeline_job = _Job("pipeline", self._pipeline_work, self._tasks)
        self.outbox_job = _Job("outbox", self._outbox_work, self._tasks)
        # Crisis detection and the escalation ladder are separate jobs: one failing never
        # holds back the other, and only crisis detection needs to run on every new review.
        self.crisis_job = _Job("crisis", self._crisis_work, self._tasks)
        self.escalation_job = _Job("escalation", self._escalation_work, self._tasks)
        self.followups_job = _Job("followups", self._followups_work, self._tasks)
        self.followups = FollowUps(self.sessions, self.clock)
        # What staff can do, for every front end (the chat bot and the web console).
        self.desk = Desk(
            s,
            self.directory,
            self.sessions,
            self.clock,
            self.drafter,
            edit_timeout=timedelta(seconds=s.telegram.edit_timeout_seconds),
            kick_outbox=self.outbox_job.kick,
            model=self.model,
        )
        if s.web.enabled:
            await self._start_web()
        self.notifier = await self._start_notifier()
        self.digests = Digests(s, self.sessions, self.clock, self.owner)
        if s.digest.enabled and bundled_font() is None:
            log.error("the bundled Chinese chart font is missing: reinstall reviewbot")
        self.escalation = EscalationChecker(self.sessions, self.clock, s, owner=self.owner)
        self.crisis = CrisisDetector(
            self.sessions,
            self.clock,
            self.directory,
            self.drafter,
            owner=self.owner,
            lease_ttl=lease,
        )
        assert self._http_session is not None
        self.robots = open_channels(s, self._http_session)
        await self._start_fronts()
        self.router = Router(self.sessions, self.clock, routes(s))
        self.dispatcher = OutboxDispatcher(
            self.sessions,
            self.clock,
            self.owner,
            {
                "alert": AlertHandler(
                    self.sessions, self.notifier, self.directory, self.clock, self.router
                ),
                "alert_update": AlertUpdateHandler(self.sessions, self.notifier, self.directory),
                "batch_update": BatchUpdateHandler(self.sessions, self.notifier, self.directory),
                "notice": NoticeHandler(self.sessions, self.notifier, self.router),
                "robot": RobotHandler(self.sessions, self.robots, self.directory, self.clock),
                "reply": ReplyHandler(
                    self.sessions, {sid: rs.adapter for sid, rs in self.sources.items()}
                ),
                "digest": DigestHandler(self.sessions, self.notifier, self.directory, self.router),
            },
            give_up_after=timedelta(hours=s.daemon.outbox_give_up_hours),
            before=self.router.run_once,
            lease_ttl=lease,
        )
        if schedule:
            self._schedule()
        if self.skipped:
            log.warning(
                "%d account(s) skipped and NOT monitored (--skip-broken-sources); "
                "`reviewbot sources` lists them as skipped",
                len(self.skipped),
            )
        log.info(
            "reviewbot running: %d store(s), %d account(s), notifier %s%s, database %s",
            len(s.stores),
            len(self.sources),
            self.notifier.name,
            f" and {len(self.robots)} group robot(s)" if self.robots else "",
            make_url(s.database.url).render_as_string(hide_password=True),
        )

    async def _start_sources(self, ids: dict[tuple[str, str], int]) -> None:
        """An adapter for every enabled account; one that cannot run is marked, not fatal."""
        s = self.settings
        self._http_session = aiohttp.ClientSession(
            headers={"User-Agent": s.http.user_agent},
            connector=aiohttp.TCPConnector(limit=200, limit_per_host=64),
        )
        http = HttpClient(
            self._http_session,
            RetryPolicy(
                s.http.max_attempts,
                s.http.backoff_initial_seconds,
                s.http.backoff_max_seconds,
                s.http.max_retry_after_seconds,
            ),
            timeout=s.http.timeout_seconds,
        )
        ctx = AdapterContext(
            http=http,
            secret=s.secret,
            demo_base_url=await self._start_demo_platform(),
            now=self.clock.now,
            keepers=Keepers(
                DbCredentialStore(
                    self.sessions,
                    self.clock,
                    self.owner,
                    lease_ttl=timedelta(seconds=s.daemon.lease_seconds),
                ),
                self.clock.now,
            ),
        )
        missing = {
            (source.platform, source.account): names for _, source, names in s.missing_secrets()
        }
        broken: list[str] = []
        for store in s.stores:
            for source in store.sources:
                if not source.enabled:
                    continue
                source_id = ids[(source.platform, source.account)]
                names = missing.get((source.platform, source.account))
                try:
                    if names:
                        raise ConfigError(f"secrets not set: {', '.join(names)}")
                    adapter = build_adapter(source, ctx)
                except Exception as exc:  # AdapterUnavailable, a bad secret, …
                    what = f"store {store.id}, {source.platform} account {source.account}"
                    broken.append(f"  {what}: {exc}")
                    if self.skip_broken_sources:
                        self.skipped.append(f"{what}: {exc}")
                        log.warning(
                            "NOT MONITORED (--skip-broken-sources): %s cannot run: %s", what, exc
                        )
                        await self._mark_unavailable(source_id, str(exc))
                    continue
                interval = source.poll_interval_seconds or s.daemon.poll_interval_seconds
                self.sources[source_id] = RunningSource(source_id, source, adapter, interval)
        if broken and not self.skip_broken_sources:
            raise ConfigError(
                "these accounts cannot run:\n"
                + "\n".join(broken)
                + "\nfix them, or start with `reviewbot run --skip-broken-sources` to run "
                "without them"
            )
        await self._record_capabilities()

    def _configured(self) -> list[ConfiguredSource]:
        return [
            ConfiguredSource(store.id, store.name, source.platform, source.account, source.enabled)
            for store in self.settings.stores
            for source in store.sources
        ]

    async def _start_fronts(self) -> None:
        """Chat apps post through the outbox beside the group robots; their cards have
        buttons, so they are redrawn with every change, like Telegram's. Their connections
        (taps, commands) run beside the pollers; one out of reach keeps reconnecting."""
        assert self._http_session is not None
        self.fronts, channels = open_fronts(self.settings, self.desk, self._http_session)
        self.robots.update(channels)
        bind_batches(self.desk, self.robots)
        apps = {key: robot for key, robot in self.robots.items() if robot.kind in APP_KINDS}
        if apps:
            self.notifier = RedrawApps(self.notifier, apps, routes(self.settings))
        # WeCom redraws a card only in answer to a click on it: not among the redrawn apps.
        self.fronts += open_wecom(self.settings, self.desk, self.robots)
        for front in self.fronts:
            await front.start()

    def _start_model(self) -> ModelDrafter | None:
        """The AI drafter, when any store drafts with a model ([drafting] mode = "model");
        a key variable that is not set is said once here, and each draft says it too."""
        endpoints = {
            store.id: e
            for store in self.settings.stores
            if (e := self.directory.drafting(store.id))
        }
        for store_id, endpoint in endpoints.items():
            log.info(
                "store %s: AI drafting with %s at %s", store_id, endpoint.model, endpoint.base_url
            )
            if endpoint.key_missing:
                log.warning(
                    "store %s: the AI drafting key is not set (api_key_env); template drafts "
                    "are used until it is",
                    store_id,
                )
        return ModelDrafter() if endpoints else None

    async def _start_notifier(self) -> Notifier:
        if self._notifier is not None:
            return self._notifier
        if self.settings.notifier.kind == "telegram":
            self.telegram = TelegramBot(
                self.settings,
                self.desk,
                owner=self.owner,
                lease_ttl=timedelta(seconds=self.settings.daemon.lease_seconds),
            )
            await self.telegram.start()  # Telegram out of reach: it retries in maintenance
            bot = self.telegram
            notifier = TelegramNotifier(bot.bot, self.directory, ready=lambda: bot.started)
            covered = telegram_stores(self.settings)
            if len(covered) < len(self.settings.stores):
                return CoveredStores(notifier, covered)
            return notifier
        return ConsoleNotifier(
            color=self.settings.notifier.color, image_dir=self.settings.notifier.image_dir
        )

    async def _start_web(self) -> None:
        web = self.settings.web
        self.web = WebServer(Console(self.desk), web.listen_host, web.listen_port, web.public_url)
        try:
            self.desk.web_base = await self.web.start()
        except OSError as exc:
            self.web = None
            raise ConfigError(
                f"the web console cannot listen on {web.listen_host}:{web.listen_port} "
                f"({exc.strerror}): set [web] listen_port to a free port (0 picks one)"
            ) from None

    async def _start_demo_platform(self) -> str | None:
        wants_local = any(
            isinstance(src, DemoSource) and src.base_url is None and src.enabled
            for store in self.settings.stores
            for src in store.sources
        )
        demo = self.settings.demo
        if not (wants_local and demo.serve):
            return None
        platform = self.demo_platform or DemoPlatform(
            seed=demo.seed,
            reviews_per_minute=demo.reviews_per_minute,
            backlog=demo.backlog,
            follow_up_probability=demo.follow_up_probability,
            fault_rate=demo.fault_rate,
        )
        self.demo_platform = platform
        self.demo_server = DemoServer(platform, demo.host, demo.port)
        try:
            return await self.demo_server.start()
        except OSError as exc:  # most often another reviewbot holding the port
            raise ConfigError(
                f"the demo platform cannot listen on {demo.host}:{demo.port} ({exc.strerror}): "
                "set [demo] port = 0 (any free port) or another port, or stop the other reviewbot"
            ) from None

    async def _record_capabilities(self) -> None:
        """Each account's capabilities on its row, for the chat, speed window and `sources`."""
        async with self.sessions() as session, session.begin():
            for running in self.sources.values():
                source = await session.get(Source, running.source_id)
                if source is not None:
                    source.capabilities = running.adapter.capabilities.as_dict()
                    if (source.last_error or "").startswith(NOT_RUNNING):
                        source.last_error = None  # it runs again: no longer skipped

    async def _mark_unavailable(self, source_id: int, error: str) -> None:
        async with self.sessions() as session, session.begin():
            source = await session.get(Source, source_id)
            if source is not None:
                source.last_error = logs.redact(f"{NOT_RUNNING}{error}")[:2000]
                source.last_attempt_at = self.clock.now()

    def _schedule(self) -> None:
        scheduler = skips.scheduler(timezone="UTC")
        now = self.clock.now()
        rng = random.Random()
        for running in self.sources.values():
            # Each account keeps its own phase, spread over the whole interval, so a thousand
            # accounts make an even stream of polls, not a burst every interval (a burst
            # queued polls for seconds behind each other). Catching up after a restart
            # should not wait a whole interval, though: a first poll within 3 s, which
            # leaves the account due again by its phase.
            phase = now + timedelta(seconds=rng.uniform(0, running.interval))
            first = now + timedelta(seconds=rng.uniform(0, min(running.interval, 3.0)))
            if first < phase:
                scheduler.add_job(
                    self._poll_job(running, (phase - first).total_seconds()),
                    "date",
                    run_date=first,
                    id=f"poll-first:{running.source_id}",
                    misfire_grace_time=max(1, int(running.interval)),
                )
            scheduler.add_job(
                self._poll_job(running),
                IntervalTrigger(seconds=running.interval),
                id=f"poll:{running.source_id}",
                next_run_time=phase,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=max(1, int(running.interval)),
            )
        d = self.settings.daemon
        scheduler.add_job(
            self.pipeline_job.run,
            IntervalTrigger(seconds=d.pipeline_interval_seconds),
            id="pipeline",
            next_run_time=now,
            max_instances=2,
            coalesce=True,
        )
        scheduler.add_job(
            self.outbox_job.run,
            IntervalTrigger(seconds=d.outbox_interval_seconds),
            id="outbox",
            next_run_time=now,
            max_instances=2,
            coalesce=True,
        )
        for job, every in (
            (self.crisis_job, 20),
            (self.escalation_job, 20),
            (self.followups_job, 60),
        ):
            scheduler.add_job(
                job.run,
                IntervalTrigger(seconds=every),
                id=job.name,
                next_run_time=now,
                max_instances=2,
                coalesce=True,
            )
        if d.outbox_keep_days:
            scheduler.add_job(
                self._guarded,
                IntervalTrigger(hours=1),
                args=(self.prune_outbox, 0),
                id="outbox:prune",
                next_run_time=now,
                max_instances=1,
                coalesce=True,
            )
        self._schedule_digests(scheduler, now)
        if self.telegram is not None:
            scheduler.add_job(  # also the heartbeat of the Telegram updates lease
                self._chat_maintenance,
                IntervalTrigger(seconds=d.lease_seconds / 3),
                id="chat",
                max_instances=1,
                coalesce=True,
                # A busy event loop runs it late rather than not at all: a skipped heartbeat
                # or two would hand the updates to another replica.
                misfire_grace_time=max(1, int(d.lease_seconds / 3)),
            )
        scheduler.start()
        self.scheduler = scheduler

    def _schedule_digests(self, scheduler: AsyncIOScheduler, now: Any) -> None:
        """One cron job per digest period and store time zone, at the configured local time,
        and a one-off catch-up of digests missed while no daemon was running."""
        d = self.settings.digest
        if not d.enabled:
            return
        for zone in sorted(self.digests.zones()):
            for period in d.periods:
                hour, minute = clock_time(d.daily_at if period == "day" else d.weekly_at)
                scheduler.add_job(
                    self._digest_job(period, zone),
                    CronTrigger(
                        hour=hour,
                        minute=minute,
                        day_of_week=d.weekly_on if period == "week" else None,
                        timezone=zone,
                    ),
                    id=f"digest:{period}:{zone}",
                    max_instances=1,
                    coalesce=True,
                    misfire_grace_time=int(d.catch_up_hours * 3600) or 1,
                )
        scheduler.add_job(self._digest_job(None, None), next_run_time=now, id="digest:catch-up")

    def _digest_job(self, period: str | None, zone: str | None) -> Callable[[], Awaitable[None]]:
        async def digest() -> None:
            task = asyncio.current_task()
            if task is not None:
                self._tasks.add(task)
            try:
                if period is None:
                    queued = await self.digests.run_due()
                else:
                    queued = await self.digests.run(period, zone=zone)
                if queued:
                    self.outbox_job.kick()
            except Exception:
                log.exception("digest job failed")
            finally:
                if task is not None:
                    self._tasks.discard(task)

        return digest

    async def _chat_maintenance(self) -> None:
        """Keep (or take over) reading Telegram updates, and close abandoned edits."""
        if self.telegram is None:
            return
        try:
            await self.telegram.maintain()
            await self.telegram.expire_sessions()
        except Exception:
            log.exception("chat maintenance failed")

    def _poll_job(
        self, running: RunningSource, interval: float | None = None
    ) -> Callable[[], Awaitable[None]]:
        """A poll of one account; `interval` (default the account's) is how long until it
        should be polled again."""

        async def poll() -> None:
            task = asyncio.current_task()
            if task is not None:
                self._tasks.add(task)
            try:
                outcome = await self.poller.poll(
                    running.source_id, running.adapter, interval or running.interval
                )
                if outcome.result and (outcome.result.new or outcome.result.revised):
                    self.pipeline_job.kick()
            except Exception:
                log.exception("poll job for source %d failed", running.source_id)
            finally:
                if task is not None:
                    self._tasks.discard(task)

        return poll

    async def _pipeline_work(self) -> bool:
        stats = await self.pipeline.run_once(limit=CHUNK)
        if stats.alerts:
            self.outbox_job.kick()
        if stats.processed:
            self.crisis_job.kick()  # a new review may start a crisis
        return stats.processed + stats.failed >= CHUNK

    async def _crisis_work(self) -> bool:
        if await self.crisis.run_once():
            self.outbox_job.kick()
        return False

    async def _escalation_work(self) -> bool:
        if await self.escalation.run_once():
            self.outbox_job.kick()
        return False

    async def _followups_work(self) -> bool:
        if await self.followups.run_once():
            self.outbox_job.kick()
        return False

    @staticmethod
    async def _guarded(check: Callable[[], Awaitable[Any]], failed: Any) -> Any:
        try:
            return await check()
        except Exception:
            log.exception("%s failed", getattr(check, "__qualname__", check))
            return failed

    async def _outbox_work(self) -> bool:
        await self.dispatcher.run_once()
        return False

    async def stop(self, *, drain: bool = False, grace: float = 30.0) -> None:
        """Stop scheduling, let running jobs finish (and what they kicked meanwhile), then
        deliver what is already queued, all within `grace` seconds; `drain` processes
        everything ingested as well. What is left stays in the database for the next start."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace
        if self.scheduler is not None:
            self.scheduler.pause()
        await self._finish_running(deadline)
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
        if drain and self.engine is not None:
            await self.drain()
        elif self.engine is not None and hasattr(self, "dispatcher"):
            await self._flush_outbox(deadline)
        if self.web is not None:
            await self.web.stop()
            self.web = None
        if self.telegram is not None:
            await self.telegram.stop()
            self.telegram = None
        for front in self.fronts:
            await front.stop()
        self.fronts = []
        if self.demo_server is not None:
            await self.demo_server.stop()
        if self._http_session is not None:
            await self._http_session.close()
            self._http_session = None
        if self.model is not None:
            await self.model.close()
        log.info("reviewbot stopped cleanly")

    async def _finish_running(self, deadline: float) -> None:
        """Wait for running jobs, including ones a finishing job kicks; cancel at the deadline."""
        loop = asyncio.get_running_loop()
        while running := [
            t for t in self._tasks if t is not asyncio.current_task() and not t.done()
        ]:
            _, still = await asyncio.wait(running, timeout=max(0.0, deadline - loop.time()))
            if still:
                for task in still:
                    log.warning("cancelling %s at shutdown", task.get_name())
                    task.cancel()
                await asyncio.wait(still)
                return

    async def _flush_outbox(self, deadline: float) -> None:
        """Send what is due before exiting, so an alert queued a moment before a SIGTERM is
        not held until the next start; a failing destination stops at its first failure."""
        loop = asyncio.get_running_loop()
        try:
            while loop.time() < deadline:
                sent = await asyncio.wait_for(
                    self.dispatcher.run_once(), timeout=max(0.1, deadline - loop.time())
                )
                if not sent:
                    return
        except TimeoutError:
            log.warning("outbox not flushed at shutdown; the rest goes out on the next start")
        except Exception:
            log.exception("outbox flush at shutdown failed; it resumes on the next start")

    async def close(self) -> None:
        """Release the database; call after stop() (and after reading any figures)."""
        if hasattr(self, "pipeline"):
            self.pipeline.close()
        if self.engine is not None:
            await self.engine.dispose()
            self.engine = None
        if self.identity is not None:
            self.identity.release()
            self.identity = None

    # -- one-shot steps (the scheduler's jobs, callable directly) --------------------------

    async def poll_all_once(self) -> list[PollOutcome]:
        return await asyncio.gather(
            *(
                self.poller.poll(rs.source_id, rs.adapter, rs.interval)
                for rs in self.sources.values()
            )
        )

    async def prune_outbox(self) -> int:
        """Delete delivered outbox messages older than `daemon.outbox_keep_days`, in
        batches (one short transaction each); returns how many went."""
        keep = self.settings.daemon.outbox_keep_days
        if not keep:
            return 0
        before = self.clock.now() - timedelta(days=keep)
        total = 0
        while True:
            async with self.sessions() as session, session.begin():
                pruned = await outbox.prune_sent(session, before)
            total += pruned
            if pruned < outbox.PRUNE_BATCH:
                break
        if total:
            log.info("pruned %d delivered outbox message(s) older than %g days", total, keep)
        return total

    async def drain(self, rounds: int = 50) -> None:
        """Process and deliver everything already ingested (used by `demo` and tests),
        including work that jobs kicked meanwhile."""
        for _ in range(rounds):
            await self._settle()
            stats = await self.pipeline.run_once()
            paged = await self._guarded(self.crisis.run_once, [])
            pinged = await self._guarded(self.escalation.run_once, 0)
            reminded = await self._guarded(self.followups.run_once, 0)
            sent = await self.dispatcher.run_once()
            idle = not (stats.processed or stats.failed or paged or pinged or reminded or sent)
            if idle and not self._busy():
                return

    def _busy(self) -> bool:
        return any(t is not asyncio.current_task() and not t.done() for t in self._tasks)

    async def _settle(self) -> None:
        running = [t for t in self._tasks if t is not asyncio.current_task() and not t.done()]
        if running:
            await asyncio.wait(running)

    async def summary(self) -> dict[str, int]:
        """Counts for the demo's closing line; analyses are those of each review's current text."""
        current = (Review.id == Analysis.review_id) & (Review.revision == Analysis.revision)

        def reviews_where(flag: Any) -> Any:
            return (
                select(func.count(distinct(Review.id)))
                .select_from(Review)
                .join(Analysis, current)
                .where(flag.is_(True))
            )

        async with self.sessions() as session:
            return {
                "reviews": await session.scalar(select(func.count()).select_from(Review)) or 0,
                "negative": await session.scalar(reviews_where(Analysis.negative)) or 0,
                # less the flags staff cleared (👌 不是恶意)
                "malicious": await session.scalar(
                    reviews_where(Analysis.malicious).where(~verdicts.cleared_clause())
                )
                or 0,
                "drafts": await session.scalar(select(func.count()).select_from(Draft)) or 0,
                "alerts": await session.scalar(
                    select(func.count()).select_from(Alert).where(Alert.status == "sent")
                )
                or 0,
            }
