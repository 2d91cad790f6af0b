"""TOML configuration loaded into typed, validated settings.

Every error names the key at fault and why, because the people editing this file are
restaurant operators, not Python developers. Secrets never live in the config itself:
the config names an environment variable (or a key of a separate secrets file).
"""

from __future__ import annotations

import os
import tomllib
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, Field, ValidationError, field_validator, model_validator

from reviewbot import logs
from reviewbot.configbase import Section
from reviewbot.sourceconfig import EnvName, SourceSettings
from reviewbot.vocab import SEND_KINDS, SendKind


class ConfigError(Exception):
    """A configuration problem a human must fix; the message says where and why."""


Seconds = Annotated[float, Field(gt=0)]


class DatabaseSettings(Section):
    url: str = "sqlite+aiosqlite:///reviewbot.db"
    auto_upgrade: bool = True
    echo: bool = False

    @field_validator("url")
    @classmethod
    def _async_driver(cls, url: str) -> str:
        if url.startswith("sqlite://") or url.startswith("sqlite:///"):
            raise ValueError("use the async driver: sqlite+aiosqlite:///path/to/file.db")
        if url.startswith(("postgresql://", "postgres://", "postgresql+psycopg2://")):
            raise ValueError("use the async driver: postgresql+asyncpg://user@host/db")
        if not url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("supported: sqlite+aiosqlite:///FILE or postgresql+asyncpg://…")
        return url


class HttpSettings(Section):
    timeout_seconds: Seconds = 15.0
    max_attempts: Annotated[int, Field(ge=1, le=20)] = 4
    backoff_initial_seconds: Seconds = 0.5
    backoff_max_seconds: Seconds = 30.0
    max_retry_after_seconds: Seconds = 60.0
    max_reschedule_seconds: Seconds = 86400.0
    user_agent: str = "reviewbot/0.1 (+https://github.com/reviewbot/reviewbot)"

    @model_validator(mode="after")
    def _ordered(self) -> HttpSettings:
        if self.backoff_initial_seconds > self.backoff_max_seconds:
            raise ValueError(
                f"backoff_initial_seconds ({self.backoff_initial_seconds:g}) is more than "
                f"backoff_max_seconds ({self.backoff_max_seconds:g})"
            )
        return self


class DaemonSettings(Section):
    poll_interval_seconds: Seconds = 300.0
    pipeline_interval_seconds: Seconds = 5.0
    outbox_interval_seconds: Seconds = 2.0
    error_backoff_max_seconds: Seconds = 1800.0
    max_pages_per_poll: Annotated[int, Field(ge=1, le=1000)] = 20
    outbox_give_up_hours: Annotated[float, Field(gt=0)] = 48.0
    # Delivered outbox rows are deleted this long after they went out (0 keeps them all).
    outbox_keep_days: Annotated[float, Field(ge=0)] = 30.0
    alert_max_age_hours: Annotated[float, Field(gt=0)] | None = 72.0
    # The name this daemon's leases and claims are held under; a restart under the same name
    # takes them back at once. Default: the host name and a fingerprint of the database.
    instance: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    # How long a lease outlives a holder that stopped renewing it (renewed every third).
    lease_seconds: Annotated[float, Field(ge=3, le=600)] = 15.0


class DemoSettings(Section):
    serve: bool = True
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=0, le=65535)] = 8765
    reviews_per_minute: Annotated[float, Field(ge=0)] = 6.0
    backlog: Annotated[int, Field(ge=0)] = 8
    follow_up_probability: Annotated[float, Field(ge=0, le=1)] = 0.3
    fault_rate: Annotated[float, Field(ge=0, le=1)] = 0.0
    seed: int | None = None


class NotifierSettings(Section):
    kind: Literal["console", "telegram"] = "console"
    color: bool | None = None
    # Console only: where pictures (digest charts) are written; the console prints the path.
    image_dir: str = "reviewbot-data/images"


class TelegramSettings(Section):
    """The Telegram bot: where its token comes from and how it talks to the Bot API."""

    token_env: EnvName = "TELEGRAM_BOT_TOKEN"
    api_base_url: str = "https://api.telegram.org/bot"
    file_base_url: str = "https://api.telegram.org/file/bot"
    proxy_url: str | None = None
    mode: Literal["polling", "webhook"] = "polling"
    poll_timeout_seconds: Annotated[int, Field(ge=0, le=50)] = 30
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: Annotated[int, Field(ge=1, le=65535)] = 8443
    webhook_secret_env: EnvName | None = None
    edit_timeout_seconds: Annotated[int, Field(ge=30)] = 600
    # Thank-you drafts one /thanks message lists (fewer when they would not fit in it).
    thanks_page_size: Annotated[int, Field(ge=1, le=20)] = 10

    @model_validator(mode="after")
    def _webhook_complete(self) -> TelegramSettings:
        if self.mode == "webhook" and not self.webhook_url:
            raise ValueError('mode = "webhook" needs webhook_url (the public HTTPS URL)')
        return self


Role = Literal["owner", "manager", "staff"]
# The [[people]] fields naming someone in a chat service (one at least is needed).
CHAT_IDENTITIES = ("telegram_user_id", "dingtalk_user_id", "feishu_open_id", "wecom_user_id")


class PersonSettings(Section):
    """Someone who may act on alerts: a chat identity and their role in the stores they
    cover, either one role for a list of stores (`role` and `stores`, the original form)
    or a role per store (`roles`), for someone who owns one store and helps in another."""

    name: Annotated[str, Field(min_length=1)]
    telegram_user_id: int | None = None
    # The person's open_id in the Feishu / Lark app (ou_…), for a feishu_app channel.
    feishu_open_id: Annotated[str, Field(min_length=1)] | None = None
    # Their DingTalk userId (staffId, 钉钉管理后台 › 通讯录 › 成员详情 "员工UserID").
    dingtalk_user_id: str | None = None
    # Their WeCom userid (企业微信管理后台 › 通讯录 › 成员详情 "账号"), for a wecom_bot channel.
    wecom_user_id: Annotated[str, Field(min_length=1)] | None = None
    role: Role | None = None
    stores: Annotated[list[str], Field(min_length=1)] | None = None
    roles: Annotated[dict[str, Role], Field(min_length=1)] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> PersonSettings:
        if all(getattr(self, f) is None for f in CHAT_IDENTITIES):
            raise ValueError(f"needs a chat identity: {' or '.join(CHAT_IDENTITIES)}")
        if self.roles is not None and (self.role is not None or self.stores is not None):
            raise ValueError(
                "give either roles = { store-id = role, … } or role and stores, not both"
            )
        if self.roles is None and (self.role is None or self.stores is None):
            raise ValueError(
                'needs role = "staff" and stores = ["store-id", …] '
                '(or roles = { "store-id" = "staff", … } for a role per store)'
            )
        return self

    def store_roles(self) -> dict[str, Role]:
        """The person's role in each store they cover ("*": every store)."""
        if self.roles is not None:
            return dict(self.roles)
        assert self.role is not None and self.stores is not None
        return dict.fromkeys(self.stores, self.role)


class StoreChat(Section):
    """Where a store's alerts go: its staff group, and the owner's chat for pages."""

    telegram_chat_id: int | None = None
    owner_telegram_chat_id: int | None = None


RobotKind = Literal["wecom_robot", "dingtalk_robot", "feishu_robot"]
# Chat apps with buttons that work (a long connection in; their API, or the connection, out)
# beside the robots.
AppKind = Literal["dingtalk_app", "feishu_app", "wecom_bot"]
# The apps whose cards are redrawn through their API whenever a review changes (a WeCom
# card can be redrawn only in answer to a click on it).
APP_KINDS: frozenset[str] = frozenset({"dingtalk_app", "feishu_app"})
WECOM_WS_URL = "wss://openws.work.weixin.qq.com"
ROBOT_KINDS: frozenset[str] = frozenset(get_args(RobotKind))
# A group robot's default: what a staff group needs at once (digests and thank-you batches
# are asked for by name); a chat app gets every kind by default.
ROBOT_SEND: tuple[SendKind, ...] = ("alerts", "escalations", "crisis", "accounts")
# What each word of `send` stands for: "notices" is the older word for every notice.
SEND_WORDS: dict[str, tuple[SendKind, ...]] = {
    **{kind: (kind,) for kind in SEND_KINDS},
    "notices": ("escalations", "crisis", "accounts"),
}


class StoreChannel(Section):
    """One more place a store's alerts go besides the notifier: a group robot (WeCom 群机器人,
    DingTalk 自定义机器人, Feishu/Lark 自定义机器人). The webhook URL carries the robot's key,
    so it is a secret like the signing secret: both come from the environment or the
    secrets file, named here. Several stores may share one robot (the same webhook_env)."""

    kind: RobotKind | AppKind
    webhook_env: EnvName | None = None  # group robots: the env var holding the webhook URL
    # DingTalk 加签 / Feishu 签名校验 secret; WeCom robots have no signing.
    # dingtalk_app: the env var holding the app's Client Secret (AppSecret);
    # wecom_bot: the env var holding the AI bot's long-connection Secret.
    secret_env: EnvName | None = None
    # dingtalk_app: the app's Client ID (AppKey, also its robot code), the card template's
    # id, and the OpenAPI endpoint.
    client_id: str | None = None
    card_template_id: str | None = None
    # dingtalk_app: a second card template for thank-you batches (✅ 全部发布 / 🙈 全部忽略);
    # without it a batch arrives as text.
    thanks_template_id: Annotated[str, Field(min_length=1)] | None = None
    endpoint: str = "https://api.dingtalk.com"
    # dingtalk_app: the group's openConversationId; wecom_bot: the group's chatid.
    conversation_id: Annotated[str, Field(min_length=1)] | None = None
    # wecom_bot (企业微信智能机器人, long-connection mode): its Bot ID and the long
    # connection's address (a local fake's in tests).
    bot_id: Annotated[str, Field(min_length=1)] | None = None
    ws_url: str = WECOM_WS_URL
    # The kinds of message the channel gets (SEND_KINDS; "notices" stands for escalations,
    # crisis and accounts, as configs said before); unset: what the channel can carry.
    send: Annotated[list[SendKind], Field(min_length=1)] = Field(
        default_factory=lambda: list(ROBOT_SEND)
    )
    # Messages a minute the robot may send (the services allow 20; beyond it, merged).
    per_minute: Annotated[int, Field(ge=2, le=20)] = 20
    # App bots (feishu_app): the app's id, the variable holding its secret, the group's
    # chat id (oc_…) and the service's address (https://open.larksuite.com for Lark).
    app_id: Annotated[str, Field(min_length=1)] | None = None
    app_secret_env: EnvName | None = None
    chat_id: Annotated[str, Field(min_length=1)] | None = None
    domain: str = "https://open.feishu.cn"

    @field_validator("domain")
    @classmethod
    def _address(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"expected an https:// address, got {value!r}")
        return value.rstrip("/")

    @field_validator("send", mode="before")
    @classmethod
    def _kinds(cls, value: Any) -> Any:
        """Each word known (the bad one named), "notices" spelt out, none twice."""
        if not isinstance(value, list):
            return value
        kinds: list[str] = []
        for word in value:
            if not isinstance(word, str) or word not in SEND_WORDS:
                known = ", ".join(SEND_KINDS)
                raise ValueError(
                    f"unknown message kind {word!r} in send: expected some of {known} "
                    '("notices" means escalations, crisis and accounts)'
                )
            kinds += [k for k in SEND_WORDS[word] if k not in kinds]
        if not kinds:
            raise ValueError("send lists nothing: leave it out for the channel's default")
        return kinds

    @model_validator(mode="before")
    @classmethod
    def _default_send(cls, data: Any) -> Any:
        """Unset `send`: a robot's staff-group kinds, or everything for a chat app."""
        if isinstance(data, dict) and "send" not in data:
            robot = data.get("kind") in ROBOT_KINDS
            return {**data, "send": list(ROBOT_SEND if robot else SEND_KINDS)}
        return data

    @model_validator(mode="after")
    def _signing(self) -> StoreChannel:
        if self.kind == "wecom_robot" and self.secret_env is not None:
            raise ValueError("WeCom group robots have no signing secret: remove secret_env")
        if self.kind in APP_KINDS:
            needed = {
                "dingtalk_app": ("client_id", "secret_env", "conversation_id", "card_template_id"),
                "feishu_app": ("app_id", "app_secret_env", "chat_id"),
            }[self.kind]
            missing = [name for name in needed if not getattr(self, name)]
            if missing:
                raise ValueError(f"a {self.kind} channel needs {', '.join(missing)}")
        elif self.kind == "wecom_bot":
            needed = ("bot_id", "secret_env", "conversation_id")
            missing = [name for name in needed if not getattr(self, name)]
            if missing:
                raise ValueError(f"a wecom_bot channel needs {', '.join(missing)}")
            if not self.ws_url.startswith(("ws://", "wss://")):
                raise ValueError(f"ws_url: expected a wss:// address, got {self.ws_url!r}")
        elif self.webhook_env is None:
            raise ValueError(f"a {self.kind} needs webhook_env (the env var of its webhook URL)")
        return self

    @property
    def key(self) -> str:
        """The channel's identity: its outbox queues and rate limit are shared by every
        store that names the same webhook (an app: the same bot and group)."""
        if self.kind == "dingtalk_app":
            return f"{self.kind}:{self.conversation_id}"
        if self.kind == "wecom_bot":
            return f"{self.kind}:{self.bot_id}:{self.conversation_id}"
        if self.kind == "feishu_app":
            return f"{self.kind}:{self.app_id}:{self.chat_id}"
        return f"{self.kind}:{self.webhook_env}"


class WebSettings(Section):
    """The web console (reviewbot/web/), served by the daemon when enabled. With
    public_url set, alert cards link to the review's page there (`{public_url}/reviews/{id}`)
    and /web sign-in links point there; without it, at the listen address."""

    enabled: bool = False
    listen_host: str = "127.0.0.1"
    listen_port: Annotated[int, Field(ge=0, le=65535)] = 8780  # 0 picks a free port
    public_url: str | None = None
    # A /web link works once, for this long; a session lasts this long unless revoked.
    link_minutes: Annotated[float, Field(gt=0, le=60)] = 10.0
    session_hours: Annotated[float, Field(gt=0, le=24 * 30)] = 72.0

    @field_validator("public_url")
    @classmethod
    def _http(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError(f"expected an http:// or https:// URL, got {value!r}")
        return value.rstrip("/") if value else value


class StoreFacts(Section):
    """What the reply engine may say about the store; it never invents beyond this."""

    signature: str = ""
    contact: str = ""
    hours: str = ""
    menu: list[str] = Field(default_factory=list)
    proofs: list[str] = Field(default_factory=list)
    remedy: str = ""
    # The same facts for English and Traditional-Chinese replies (empty: the ones above).
    signature_en: str = ""
    contact_en: str = ""
    hours_en: str = ""
    signature_zh_hant: str = ""
    contact_zh_hant: str = ""
    hours_zh_hant: str = ""


class StoreReplies(Section):
    """How a store's reviews are answered: `english = false` marks English reviews for a
    person to answer instead of drafting from the English templates."""

    english: bool = True


_CLOCK = r"([01]?\d|2[0-3]):[0-5]\d"


def _quiet_span(value: str) -> str:
    """A span that starts where it ends would hold every ordinary alert forever."""
    start, end = (tuple(int(n) for n in t.split(":")) for t in value.split("-"))
    if start == end:
        raise ValueError(
            f"quiet_hours {value!r} starts and ends at the same time; "
            "leave it out for no quiet hours"
        )
    return value


QuietHours = Annotated[str, Field(pattern=rf"^{_CLOCK}-{_CLOCK}$"), AfterValidator(_quiet_span)]


class SpeedWindow(Section):
    """How fast a bad review must be handled, measured from when it became visible to us.

    Defaults follow restaurant practice: staff pinged within a minute, a public reply
    within 2 hours for an ordinary bad review, however mild (1 hour for one with reach or a
    hygiene complaint, 30 minutes for a critical one), the customer contacted within a day.
    """

    alert_minutes: Annotated[float, Field(gt=0)] = 1.0
    reply_minutes: dict[
        Literal["low", "medium", "high", "critical"], Annotated[float, Field(gt=0)]
    ] = Field(
        default_factory=lambda: {"low": 120.0, "medium": 120.0, "high": 60.0, "critical": 30.0}
    )
    contact_hours: Annotated[float, Field(gt=0)] = 24.0
    quiet_hours: QuietHours | None = None
    # Paging discipline (crisis pages and the escalation ladder): after a page, later news
    # for the same person is gathered into at most one update per `update_minutes` (a new
    # food-safety claim in a crisis still goes at once), and nobody gets more than
    # `pages_per_hour` pages in any hour (a crisis's first page always goes).
    update_minutes: Annotated[float, Field(gt=0)] = 30.0
    pages_per_hour: Annotated[int, Field(ge=1)] = 4


ClockTime = Annotated[str, Field(pattern=rf"^{_CLOCK}$")]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class DigestSettings(Section):
    """The owner's digest: a chart and a short Chinese summary per store, sent on a
    schedule in each store's own time zone. The daily digest covers the 24 hours before it
    is sent, the weekly one the 7 days before, so every review is in exactly one of each."""

    enabled: bool = True
    periods: list[Literal["day", "week"]] = Field(default_factory=lambda: ["day", "week"])
    daily_at: ClockTime = "21:30"
    weekly_on: Weekday = "mon"
    weekly_at: ClockTime = "09:00"
    # A digest missed while no daemon was running is still sent if at most this late.
    catch_up_hours: Annotated[float, Field(ge=0)] = 6.0
    quotes: Annotated[int, Field(ge=0, le=5)] = 2


class CasesSettings(Section):
    """Customer cases: after ☎️, the card offers a follow-up reminder this many days on,
    at this local time of the store (a reminder at 03:00 helps nobody)."""

    follow_up_days: Annotated[list[Annotated[int, Field(ge=1, le=60)]], Field(max_length=4)] = (
        Field(default_factory=lambda: [3, 7])
    )
    remind_at: ClockTime = "10:00"


class RepliesSettings(Section):
    """The reply engine. `templates_dir` points at the owner's own copy of the template
    library (templates/replies/): edits there survive upgrades, unlike edits to the copy
    installed with reviewbot. Check it with `reviewbot templates lint --dir DIR`."""

    templates_dir: Annotated[Path, Field(strict=False)] | None = None  # a path string

    @field_validator("templates_dir")
    @classmethod
    def _is_directory(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError(
                f"{value} is not a directory (copy templates/replies/ there, then edit it)"
            )
        return value


DraftingMode = Literal["templates", "model"]


class DraftingSettings(Section):
    """Optional AI drafting: an OpenAI-compatible chat-completions endpoint (DeepSeek, Qwen
    in DashScope's compatible mode, Ollama, vLLM …) writes the draft, which must pass every
    guardrail or the template draft is used instead. Off ("templates") by default. The key
    comes from the environment variable `api_key_env` names (none for a local server)."""

    mode: DraftingMode = "templates"
    base_url: str = ""
    model: str = ""
    api_key_env: EnvName | None = None
    # The whole model call, retry included, ends by then: the alert goes with the template
    # draft instead. Kept well inside the speed window's first minute.
    timeout_seconds: Annotated[float, Field(gt=0, le=30)] = 8.0
    max_tokens: Annotated[int, Field(ge=16, le=4096)] = 600
    temperature: Annotated[float, Field(ge=0, le=2)] = 0.7
    max_concurrent: Annotated[int, Field(ge=1, le=32)] = 2
    requests_per_minute: Annotated[float, Field(gt=0, le=6000)] = 60.0

    @field_validator("base_url")
    @classmethod
    def _http(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError(f"expected an http:// or https:// URL, got {value!r}")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _complete(self) -> DraftingSettings:
        if self.mode == "model" and not (self.base_url and self.model):
            raise ValueError('mode = "model" needs base_url and model')
        return self


class StoreDrafting(Section):
    """A store's own drafting settings; what it leaves out comes from [drafting]."""

    mode: DraftingMode | None = None
    base_url: str | None = None
    model: str | None = None
    api_key_env: EnvName | None = None
    timeout_seconds: Annotated[float, Field(gt=0, le=30)] | None = None
    max_tokens: Annotated[int, Field(ge=16, le=4096)] | None = None
    temperature: Annotated[float, Field(ge=0, le=2)] | None = None


class StoreAnalysis(Section):
    """A store's own words for the classifier (its menu in [stores.facts] counts as food):
    local dish nicknames, the staff's titles, anything the shipped lexicons lack."""

    terms: dict[
        Literal["food", "service", "delivery", "environment", "price", "hygiene"], list[str]
    ] = Field(default_factory=dict)


class StoreSpeedWindow(Section):
    """A store's own speed window; what it leaves out comes from [speed_window]."""

    alert_minutes: Annotated[float, Field(gt=0)] | None = None
    reply_minutes: dict[
        Literal["low", "medium", "high", "critical"], Annotated[float, Field(gt=0)]
    ] = Field(default_factory=dict)
    contact_hours: Annotated[float, Field(gt=0)] | None = None
    quiet_hours: QuietHours | None = None
    update_minutes: Annotated[float, Field(gt=0)] | None = None
    pages_per_hour: Annotated[int, Field(ge=1)] | None = None


class StoreSettings(Section):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
    name: Annotated[str, Field(min_length=1)]
    timezone: str = "Asia/Shanghai"
    facts: StoreFacts = StoreFacts()
    analysis: StoreAnalysis = StoreAnalysis()
    chat: StoreChat = StoreChat()
    channels: list[StoreChannel] = Field(default_factory=list)
    speed_window: StoreSpeedWindow = StoreSpeedWindow()
    replies: StoreReplies = StoreReplies()
    drafting: StoreDrafting = StoreDrafting()
    # None at all is fine: a store whose reviews only come from `reviewbot import`.
    sources: list[SourceSettings] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r} (use an IANA name such as Asia/Shanghai)"
            ) from None
        return value


class Settings(Section):
    secrets_file: Annotated[Path, Field(strict=False)] | None = None  # a path string
    database: DatabaseSettings = DatabaseSettings()
    http: HttpSettings = HttpSettings()
    daemon: DaemonSettings = DaemonSettings()
    demo: DemoSettings = DemoSettings()
    notifier: NotifierSettings = NotifierSettings()
    telegram: TelegramSettings = TelegramSettings()
    people: list[PersonSettings] = Field(default_factory=list)
    speed_window: SpeedWindow = SpeedWindow()
    digest: DigestSettings = DigestSettings()
    cases: CasesSettings = CasesSettings()
    replies: RepliesSettings = RepliesSettings()
    drafting: DraftingSettings = DraftingSettings()
    web: WebSettings = WebSettings()
    stores: Annotated[list[StoreSettings], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique_ids(self) -> Settings:
        seen_stores: set[str] = set()
        seen_accounts: dict[tuple[str, str], str] = {}
        for store in self.stores:
            if store.id in seen_stores:
                raise ValueError(f"store id {store.id!r} is used twice")
            seen_stores.add(store.id)
            for source in store.sources:
                key = (source.platform, source.account)
                if key in seen_accounts:
                    raise ValueError(
                        f"{source.platform} account {source.account!r} is configured in both "
                        f"store {seen_accounts[key]!r} and store {store.id!r}"
                    )
                seen_accounts[key] = store.id
        seen_people: set[tuple[str, int | str]] = set()
        for index, person in enumerate(self.people):
            for field in CHAT_IDENTITIES:
                value = getattr(person, field)
                if value is not None and (field, value) in seen_people:
                    raise ValueError(
                        f"people.{index}: {field} {value} "
                        "is listed twice (give one person one entry)"
                    )
                seen_people.add((field, value))
            unknown = [s for s in person.store_roles() if s != "*" and s not in seen_stores]
            if unknown:
                raise ValueError(f"people.{index} ({person.name}): unknown store {unknown[0]!r}")
        robots: dict[str, StoreChannel] = {}
        for store in self.stores:
            for channel in store.channels:
                other = robots.setdefault(channel.key, channel)
                if other.secret_env != channel.secret_env or other.per_minute != channel.per_minute:
                    raise ValueError(
                        f"store {store.id!r}: the channel {channel.key} is "
                        "configured twice with a different secret_env or per_minute"
                    )
        for store in self.stores:
            try:
                drafting = self.drafting_for(store.id)
            except ValidationError as exc:
                problem = "; ".join(str(e["msg"]) for e in exc.errors())
                raise ValueError(f"store {store.id!r}: [stores.drafting]: {problem}") from None
            alert = store.speed_window.alert_minutes or self.speed_window.alert_minutes
            if drafting.mode == "model" and drafting.timeout_seconds > alert * 60 / 2:
                raise ValueError(
                    f"store {store.id!r}: drafting timeout_seconds "
                    f"({drafting.timeout_seconds:g}) must be at most half the speed window's "
                    f"alert_minutes ({alert:g} min): alerts wait for the model that long"
                )
        if self.notifier.kind == "telegram":
            missing = [
                s.id for s in self.stores if s.chat.telegram_chat_id is None and not s.channels
            ]
            if missing:
                raise ValueError(
                    f"notifier is telegram but store {missing[0]!r} has no "
                    "[stores.chat] telegram_chat_id (nor [[stores.channels]])"
                )
        return self

    def robots(self) -> dict[str, StoreChannel]:
        """Every group robot of every store, once each, by key."""
        return {c.key: c for store in self.stores for c in store.channels}

    def apps(self) -> dict[str, StoreChannel]:
        """Every app channel (dingtalk_app, feishu_app) of every store, once each, by key."""
        return {k: c for k, c in self.robots().items() if c.kind in APP_KINDS}

    def drafting_for(self, store_id: str) -> DraftingSettings:
        """The store's drafting settings: its own [stores.drafting] over [drafting]."""
        own = self.store(store_id).drafting.model_dump(exclude_none=True)
        if not own:
            return self.drafting
        return DraftingSettings.model_validate({**self.drafting.model_dump(), **own})

    def person(self, telegram_user_id: int) -> PersonSettings | None:
        return next((p for p in self.people if p.telegram_user_id == telegram_user_id), None)

    def store(self, store_id: str) -> StoreSettings:
        for store in self.stores:
            if store.id == store_id:
                return store
        raise KeyError(store_id)

    @cached_property
    def _secrets(self) -> dict[str, str]:
        if self.secrets_file is None:
            return {}
        try:
            data = tomllib.loads(self.secrets_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"secrets_file {self.secrets_file} does not exist") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(
                f"secrets_file {self.secrets_file} is not valid TOML: {exc}"
            ) from None
        return {str(k): str(v) for k, v in data.items()}

    def has_secret(self, name: str) -> bool:
        return bool(os.environ.get(name) or self._secrets.get(name))

    def missing_secrets(self) -> list[tuple[str, SourceSettings, list[str]]]:
        """(store id, source, the secrets it names that are not set) of every enabled
        source that cannot start, so one message can name them all at once."""
        found = []
        for store in self.stores:
            for source in store.sources:
                if source.enabled:
                    missing = [name for name in source.secret_envs() if not self.has_secret(name)]
                    if missing:
                        found.append((store.id, source, missing))
        return found

    def missing_chat_secrets(self) -> list[str]:
        """The Telegram secrets the configured notifier needs and cannot find."""
        if self.notifier.kind != "telegram":
            return []
        names = [self.telegram.token_env]
        if self.telegram.mode == "webhook" and self.telegram.webhook_secret_env:
            names.append(self.telegram.webhook_secret_env)
        return [name for name in names if not self.has_secret(name)]

    def secret(self, name: str) -> str:
        """The value of secret `name`: environment first, then the secrets file. The value
        is also kept out of every log line from now on."""
        value = os.environ.get(name) or self._secrets.get(name)
        if value:
            logs.hide(value)
            return value
        where = f" or as a key in {self.secrets_file}" if self.secrets_file else ""
        raise ConfigError(f"secret {name} is not set: export it as an environment variable{where}")


def _format_validation_error(exc: ValidationError) -> str:
    lines = []
    for err in exc.errors():
        loc = ".".join(str(part) for part in err["loc"]) or "(top level)"
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key (check the spelling against config.example.toml)"
        elif err["type"] == "missing":
            msg = "required key is missing"
        elif "input" in err and err["type"] not in ("value_error", "assertion_error"):
            msg = f"{msg} (got {err['input']!r})"
        lines.append(f"  {loc}: {msg}")
    return "\n".join(lines)


def _resolve_paths(data: dict, base: Path) -> dict:
    """Relative SQLite and secrets paths are taken relative to the config file, not the cwd."""
    db = data.setdefault("database", {})
    if isinstance(db, dict):
        db.setdefault("url", DatabaseSettings.model_fields["url"].default)
    if isinstance(db, dict) and isinstance(db.get("url"), str):
        prefix = "sqlite+aiosqlite:///"
        url = db["url"]
        if url.startswith(prefix) and not url[len(prefix) :].startswith(("/", ":memory:")):
            db["url"] = prefix + str((base / url[len(prefix) :]).resolve())
    if isinstance(data.get("secrets_file"), str):
        data["secrets_file"] = str((base / data["secrets_file"]).resolve())
    replies = data.get("replies")
    if isinstance(replies, dict) and isinstance(replies.get("templates_dir"), str):
        replies["templates_dir"] = str((base / replies["templates_dir"]).resolve())
    return data


def parse_settings(data: dict, *, source: str = "<config>", base: Path | None = None) -> Settings:
    if base is not None:
        data = _resolve_paths(data, base)
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(
            f"{source}: invalid configuration\n{_format_validation_error(exc)}"
        ) from None


def load_settings(path: str | Path) -> Settings:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"config file {path} not found (copy config.example.toml to start)"
        ) from None
    except IsADirectoryError:
        raise ConfigError(f"config path {path} is a directory, expected a .toml file") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: malformed TOML: {exc}") from None
    return parse_settings(data, source=str(path), base=path.resolve().parent)
