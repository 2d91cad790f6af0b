"""The channel registry: each kind of chat channel a store's `[[stores.channels]]` may name,
and how to open it. The notifier (`[notifier]`: console or Telegram) stays the store's
main chat; these run beside it, each on its own outbox queues (jobs/robots.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import aiohttp

from reviewbot.chat.robots.base import Robot
from reviewbot.chat.robots.dingtalk import DingTalkRobot
from reviewbot.chat.robots.feishu import FeishuRobot
from reviewbot.chat.robots.wecom import WeComRobot
from reviewbot.config import ConfigError, Settings, StoreChannel
from reviewbot.jobs.robots import Route

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
    """Every configured robot, opened once however many stores share it."""
    return {
        key: CHANNELS[channel.kind](settings, channel, http)
        for key, channel in settings.robots().items()
    }


def routes(settings: Settings) -> Mapping[str, list[Route]]:
    """Each store's robots: where its alerts and notices are copied."""
    return {
        store.id: [Route(c.key, frozenset(c.send)) for c in store.channels]
        for store in settings.stores
        if store.channels
    }
