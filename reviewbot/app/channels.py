"""The channel registry: each kind of chat channel a store's `[[stores.channels]]` may name,
and how to open it. The notifier (`[notifier]`: console or Telegram) stays the store's
main chat; these run beside it, each on its own outbox queues (jobs/robots.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import aiohttp

from reviewbot.chat.base import Notifier
from reviewbot.chat.notices import Notice
from reviewbot.chat.pictures import Picture
from reviewbot.chat.robots.base import Robot
from reviewbot.chat.robots.dingtalk import DingTalkRobot
from reviewbot.chat.robots.feishu import FeishuRobot
from reviewbot.chat.robots.wecom import WeComRobot
from reviewbot.config import APP_KINDS, ConfigError, Settings, StoreChannel
from reviewbot.jobs.robots import Route
from reviewbot.workflow.apps import AppDesk
from reviewbot.workflow.cards import AlertView
from reviewbot.workflow.desk import Desk
from reviewbot.workflow.thanks import View as BatchView

if TYPE_CHECKING:
    from reviewbot.chat.feishu.app import FeishuApp

Opener = Callable[[Settings, StoreChannel, aiohttp.ClientSession], Any]


def _robot(cls: type[Robot]) -> Opener:
    def open_robot(settings: Settings, channel: StoreChannel, http: aiohttp.ClientSession) -> Robot:
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


CHANNELS: dict[str, Opener] = {
    "wecom_robot": _robot(WeComRobot),
    "dingtalk_robot": _robot(DingTalkRobot),
    "feishu_robot": _robot(FeishuRobot),
}


def open_channels(settings: Settings, http: aiohttp.ClientSession) -> dict[str, Robot]:
    """Every configured robot, opened once however many stores share it (app bots are
    opened by `open_apps`: they need the workflow)."""
    return {
        key: CHANNELS[channel.kind](settings, channel, http)
        for key, channel in settings.robots().items()
        if channel.kind not in APP_KINDS
    }


def open_apps(
    settings: Settings, desk: Desk, http: aiohttp.ClientSession
) -> tuple[list[FeishuApp], dict[str, Robot]]:
    """Every app bot (one per app id, with its long connection) and its groups as outbox
    channels, by key (delivered beside the group robots)."""
    configured = settings.apps()
    if not configured:
        return [], {}
    # The SDK is imported only when an app is configured: importing it takes seconds.
    from reviewbot.chat.feishu.app import FeishuApp, FeishuAppChannel

    apps: dict[str, FeishuApp] = {}
    channels: dict[str, Robot] = {}
    for key, channel in configured.items():
        assert channel.app_id and channel.app_secret_env and channel.chat_id  # validated
        app = apps.get(channel.app_id)
        if app is None:
            chats: dict[str, list[str]] = {}
            for store in settings.stores:
                for c in store.channels:
                    if c.kind == channel.kind and c.app_id == channel.app_id and c.chat_id:
                        chats.setdefault(c.chat_id, []).append(store.id)
            app = apps[channel.app_id] = FeishuApp(
                app_id=channel.app_id,
                app_secret=settings.secret(channel.app_secret_env),
                secret_env=channel.app_secret_env,
                domain=channel.domain,
                desk=AppDesk(desk, "feishu", chats),
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


class AppRedraws:
    """The notifier, and every app bot's copies of a card redrawn with it (a reply that
    reached the platform, a tap in another chat)."""

    def __init__(self, notifier: Notifier, apps: Sequence[FeishuApp]) -> None:
        self.notifier = notifier
        self.apps = list(apps)
        self.name = notifier.name

    def __getattr__(self, name: str) -> Any:
        return getattr(self.notifier, name)

    async def update_alert(self, alert: AlertView, ref: dict[str, Any]) -> dict[str, Any]:
        ref = await self.notifier.update_alert(alert, ref)
        for app in self.apps:
            await app.redraw(alert)
        return ref


def routes(settings: Settings) -> Mapping[str, list[Route]]:
    """Each store's robots: where its alerts and notices are copied."""
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


def telegram_stores(settings: Settings) -> frozenset[str]:
    """The stores with a Telegram chat (the rest go to their group robots alone)."""
    return frozenset(s.id for s in settings.stores if s.chat.telegram_chat_id is not None)
