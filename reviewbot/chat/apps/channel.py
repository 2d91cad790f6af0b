"""What the DingTalk and WeCom app-bot channels share: a group robot of the outbox (its
markdown, its queue, its rate limit) that sends through the app's own connection to one
group instead of a webhook."""

from __future__ import annotations

import aiohttp

from reviewbot.chat.robots.base import Robot


class AppChannel(Robot):
    """Mixed in before the service's robot class (DingTalkRobot, WeComRobot), which draws."""

    takes_taps = True

    def __init__(
        self,
        http: aiohttp.ClientSession,
        *,
        key: str,
        app_secret_env: str,
        conversation: str,
        per_minute: int = 20,
        public_url: str | None = None,
        timeout: float = 15.0,
    ) -> None:
        # No webhook: health lines name the app's secret where a robot names its webhook.
        super().__init__(
            http,
            key=key,
            webhook="",
            webhook_env=app_secret_env,
            per_minute=per_minute,
            public_url=public_url,
            timeout=timeout,
        )
        self.conversation = conversation
