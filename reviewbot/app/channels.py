"""The channel registry: each kind of chat channel a store's `[[stores.channels]]` may name,
and how to open it. The notifier (`[notifier]`: console or Telegram) stays the store's
main chat; these run beside it, each on its own outbox queues (jobs/robots.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

import aiohttp

from reviewbot.chat.base import DeliveryError, Notifier
from reviewbot.chat.dingtalk.api import DingTalkApi
from reviewbot.chat.dingtalk.channel import DingTalkAppChannel
from reviewbot.chat.dingtalk.front import DingTalkFront
from reviewbot.chat.notices import Notice
from reviewbot.chat.pictures import Picture
from reviewbot.chat.robots.base import Robot
from reviewbot.chat.robots.dingtalk import DingTalkRobot
from reviewbot.chat.robots.feishu import FeishuRobot
from reviewbot.chat.robots.wecom import WeComRobot
from reviewbot.chat.wecom.channel import WeComBotChannel
from reviewbot.chat.wecom.front import WeComFront
from reviewbot.chat.wecom.link import Link
from reviewbot.config import ConfigError, Settings, StoreChannel
from reviewbot.jobs.robots import Route
from reviewbot.workflow.apps import AppDesk
from reviewbot.workflow.cards import AlertView
from reviewbot.workflow.desk import Desk
from reviewbot.workflow.thanks import View as BatchView

if TYPE_CHECKING:
    from reviewbot.chat.feishu.app import FeishuApp

log = logging.getLogger(__name__)
Opener = Callable[[Settings, StoreChannel, aiohttp.ClientSession], Any]


def _robot(cls: type[Robot]) -> Opener:
    def open_robot(settings: Settings, channel: StoreChannel, http: aiohttp.ClientSession) -> Robot:
        assert channel.webhook_env is not None  # the config validator checks it
        webhook = settings.secret(channel.webhook_env)
        if not webhook.startswith(("http://", "https://")):
            raise ConfigError(
                f"{channel.webhook_env} should hold the robot's whole webhook URL "
                "(https://…), as its group settings show it"
            )
        return cls(
            http,
            key=channel.key,
            webhook=webhook,
            webhook_env=channel.webhook_env,
            secret=settings.secret(channel.secret_env) if channel.secret_env else None,
            secret_env=channel.secret_env,
            per_minute=channel.per_minute,
            public_url=settings.web.public_url,
            timeout=settings.http.timeout_seconds,
        )

    return open_robot


def _dingtalk_api(
    settings: Settings, channel: StoreChannel, http: aiohttp.ClientSession
) -> DingTalkApi:
    assert channel.client_id and channel.secret_env  # the config validator checks them
    return DingTalkApi(
        http,
        endpoint=channel.endpoint,
        client_id=channel.client_id,
        client_secret=settings.secret(channel.secret_env),
        secret_env=channel.secret_env,
        timeout=settings.http.timeout_seconds,
    )


def _dingtalk_app(
    settings: Settings, channel: StoreChannel, http: aiohttp.ClientSession
) -> DingTalkAppChannel:
    assert channel.conversation_id and channel.card_template_id
    return DingTalkAppChannel(
        http,
        key=channel.key,
        api=_dingtalk_api(settings, channel, http),
        conversation=channel.conversation_id,
        template=channel.card_template_id,
        thanks_template=channel.thanks_template_id,
        per_minute=channel.per_minute,
        public_url=settings.web.public_url,
        timeout=settings.http.timeout_seconds,
    )


def _wecom_bot(
    settings: Settings, channel: StoreChannel, http: aiohttp.ClientSession
) -> WeComBotChannel:
    assert channel.bot_id and channel.secret_env and channel.conversation_id  # validated
    link = Link(
        http,
        bot_id=channel.bot_id,
        secret=settings.secret(channel.secret_env),
        url=channel.ws_url,
        secret_env=channel.secret_env,
    )
    return WeComBotChannel(
        http,
        key=channel.key,
        link=link,
        conversation=channel.conversation_id,
        per_minute=channel.per_minute,
        public_url=settings.web.public_url,
        timeout=settings.http.timeout_seconds,
    )


CHANNELS: dict[str, Opener] = {
    "wecom_robot": _robot(WeComRobot),
    "dingtalk_robot": _robot(DingTalkRobot),
    "feishu_robot": _robot(FeishuRobot),
    "dingtalk_app": _dingtalk_app,
    "wecom_bot": _wecom_bot,
}  # feishu_app channels need the workflow: `open_fronts` opens them with their app


class Front(Protocol):
    """A chat app's front end: its connection in (taps, @-messages), started and stopped
    with the daemon."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def open_wecom(settings: Settings, desk: Desk, robots: Mapping[str, Robot]) -> list[WeComFront]:
    """One front end per WeCom AI bot (one long connection: a second would push the first
    out), however many groups it serves: the bot's channels share its connection."""
    fronts: dict[str, WeComFront] = {}
    for robot in robots.values():
        if isinstance(robot, WeComBotChannel):
            front = fronts.get(robot.link.bot_id)
            if front is None:
                apps = AppDesk(desk, "wecom", "wecom_bot")
                front = WeComFront(apps, robot.link, settings.web.public_url)
                fronts[robot.link.bot_id] = front
            robot.link = front.link
    return list(fronts.values())


def bind_batches(desk: Desk, robots: Mapping[str, Robot]) -> None:
    """DingTalk channels record where they offered a thank-you batch's card (the workflow's
    `thanks_offered`), so the outbox redraws it as its replies reach the platform."""
    for robot in robots.values():
        if isinstance(robot, DingTalkAppChannel):
            robot.offered = desk.thanks_offered


def open_channels(settings: Settings, http: aiohttp.ClientSession) -> dict[str, Robot]:
    """Every configured robot, opened once however many stores share it."""
    return {
        key: CHANNELS[channel.kind](settings, channel, http)
        for key, channel in settings.robots().items()
        if channel.kind in CHANNELS
    }


def open_fronts(
    settings: Settings, desk: Desk, http: aiohttp.ClientSession
) -> tuple[list[Front], dict[str, Robot]]:
    """One front end per chat app (its connection), however many groups it serves, and
    the app channels that come with their front end (Feishu's groups), by key."""
    configured = settings.apps()
    dingtalk: dict[str, StoreChannel] = {}
    for channel in configured.values():
        if channel.kind == "dingtalk_app" and channel.client_id:
            dingtalk.setdefault(channel.client_id, channel)
    fronts: list[Front] = []
    if dingtalk:
        app_desk = AppDesk(desk, "dingtalk", "dingtalk_app")
        fronts += [
            DingTalkFront(
                app_desk,
                _dingtalk_api(settings, channel, http),
                settings.secret(channel.secret_env or ""),
                templates={
                    c.conversation_id: c.card_template_id
                    for c in configured.values()
                    if c.kind == "dingtalk_app" and c.client_id == client_id
                    if c.conversation_id and c.card_template_id
                },
                public_url=settings.web.public_url,
            )
            for client_id, channel in dingtalk.items()
        ]
    feishu = {k: c for k, c in configured.items() if c.kind == "feishu_app"}
    apps, channels = _feishu_apps(settings, desk, http, feishu) if feishu else ([], {})
    return fronts + apps, channels


def _feishu_apps(
    settings: Settings,
    desk: Desk,
    http: aiohttp.ClientSession,
    configured: Mapping[str, StoreChannel],
) -> tuple[list[FeishuApp], dict[str, Robot]]:
    """Every Feishu app (one per app id, with its long connection) and its groups as
    outbox channels, by key (delivered beside the group robots)."""
    # The SDK is imported only when an app is configured: importing it takes seconds.
    from reviewbot.chat.feishu.app import FeishuApp, FeishuAppChannel

    apps: dict[str, FeishuApp] = {}
    channels: dict[str, Robot] = {}
    for key, channel in configured.items():
        assert channel.app_id and channel.app_secret_env and channel.chat_id  # validated
        app = apps.get(channel.app_id)
        if app is None:
            app = apps[channel.app_id] = FeishuApp(
                app_id=channel.app_id,
                app_secret=settings.secret(channel.app_secret_env),
                secret_env=channel.app_secret_env,
                domain=channel.domain,
                desk=AppDesk(desk, "feishu", "feishu_app", app_id=channel.app_id),
                public_url=settings.web.public_url,
                timeout=settings.http.timeout_seconds,
            )
        channels[key] = FeishuAppChannel(
            app,
            http,
            key=key,
            chat_id=channel.chat_id,
            secret_env=channel.app_secret_env,
            per_minute=channel.per_minute,
        )
    return list(apps.values()), channels


def routes(settings: Settings) -> Mapping[str, list[Route]]:
    """Each store's channels, and the kinds of message each is sent (its `send`)."""
    return {
        store.id: [Route(c.key, frozenset(c.send)) for c in store.channels]
        for store in settings.stores
        if store.channels
    }


class CoveredStores:
    """The notifier for the stores that have a chat on it; the others (a store on group
    robots alone, with Telegram as the notifier) are skipped, their robots carry it all."""

    def __init__(self, notifier: Notifier, stores: frozenset[str]) -> None:
        self.notifier = notifier
        self.stores = stores
        self.name = notifier.name

    async def send_alert(self, alert: AlertView) -> dict[str, Any]:
        if alert.store_id not in self.stores:
            return {"skipped": "the store has no chat on this notifier"}
        return await self.notifier.send_alert(alert)

    async def update_alert(self, alert: AlertView, ref: dict[str, Any]) -> dict[str, Any]:
        if alert.store_id not in self.stores:
            return ref
        return await self.notifier.update_alert(alert, ref)

    async def update_batch(self, batch: BatchView, ref: dict[str, Any]) -> dict[str, Any]:
        return await self.notifier.update_batch(batch, ref)

    async def send_notice(self, notice: Notice) -> dict[str, Any]:
        if notice.store_id not in self.stores:
            return {"skipped": "the store has no chat on this notifier"}
        return await self.notifier.send_notice(notice)

    async def send_image(self, picture: Picture) -> dict[str, Any]:
        if picture.store_id not in self.stores:
            return {"skipped": "the store has no chat on this notifier"}
        return await self.notifier.send_image(picture)


class RedrawApps:
    """The notifier, and the app channels' cards redrawn beside its own: an action taken
    anywhere shows on every copy of the card. An app out of reach does not hold the
    notifier's redraw (its card catches up with the next change)."""

    def __init__(
        self, notifier: Notifier, apps: Mapping[str, Robot], routes: Mapping[str, list[Route]]
    ) -> None:
        self.notifier = notifier
        self.apps = apps
        self.routes = routes
        self.name = notifier.name

    async def update_alert(self, alert: AlertView, ref: dict[str, Any]) -> dict[str, Any]:
        ref = await self.notifier.update_alert(alert, ref)
        await self.redraw_copies(alert)
        return ref

    async def update_batch(self, batch: BatchView, ref: dict[str, Any]) -> dict[str, Any]:
        """A thank-you batch's card where it was offered: an app's group, or the notifier's."""
        app = self.apps.get(str(ref.get("channel")))
        if app is not None:
            return await app.update_batch(batch, ref)
        return await self.notifier.update_batch(batch, ref)

    async def redraw_copies(self, alert: AlertView) -> None:
        """The app channels' cards of the alert, whether or not the notifier has sent its
        own yet (Telegram out of reach must not hold the apps' cards back)."""
        for route in self.routes.get(alert.store_id, []):
            app = self.apps.get(route.key)
            if app is None or "alerts" not in route.send:
                continue
            try:
                await app.update_alert(alert, {})
            except DeliveryError as exc:
                log.warning(
                    "could not redraw review #%d in %s: %s", alert.review_id, route.key, exc
                )

    def __getattr__(self, name: str) -> Any:
        return getattr(self.notifier, name)


def telegram_stores(settings: Settings) -> frozenset[str]:
    """The stores with a Telegram chat (the rest go to their group robots alone)."""
    return frozenset(s.id for s in settings.stores if s.chat.telegram_chat_id is not None)
