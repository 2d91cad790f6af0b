"""Per-platform source settings: one model per platform, selected by the `platform` key.

These are plain data (no HTTP imports) so that loading a config stays cheap and the
adapters can import their own settings without cycles.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from reviewbot.configbase import Section

EnvName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]


def _http_url(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ValueError(f"expected an http:// or https:// URL, got {value!r}")
    return value


class SourceBase(Section):
    """What every platform account has: which account, how often to poll it."""

    account: Annotated[str, Field(min_length=1, max_length=200)]
    name: str | None = None
    enabled: bool = True
    poll_interval_seconds: Annotated[float, Field(gt=0)] | None = None

    def secret_envs(self) -> list[str]:
        """The secrets (environment variables or secrets-file keys) this account reads when
        it starts: every `*_env` key it sets, because a secret that is named is required."""
        return [value for key, value in self if key.endswith("_env") and isinstance(value, str)]


class DemoSource(SourceBase):
    """The built-in simulator platform. Without base_url, the in-process simulator is used."""

    platform: Literal["demo"]
    base_url: str | None = None

    @field_validator("base_url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        return None if value is None else _http_url(value)


class JsonFeedFields(Section):
    """Dotted paths (list indices as numbers: `photos.0.url`) from one feed item to our fields."""

    id: str
    text: str | None = None
    rating: str | None = None
    author: str | None = None
    order_id: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    follow_up: str | None = None
    reply: str | None = None
    images: str | None = None
    url: str | None = None


class JsonFeedSource(SourceBase):
    """Any HTTP JSON endpoint that lists reviews, mapped to our record by configuration."""

    platform: Literal["jsonfeed"]
    url: str
    items_path: str = ""
    fields: JsonFeedFields
    params: dict[str, str] = Field(default_factory=dict)
    cursor_param: str | None = None
    next_cursor_path: str | None = None
    has_more_path: str | None = None
    cursor_field: str | None = None
    page_size_param: str | None = None
    page_size: Annotated[int, Field(ge=1, le=1000)] = 50
    rating_scale: Annotated[float, Field(gt=0)] = 5.0
    timezone: str = "Asia/Shanghai"
    auth_header: str | None = None
    auth_param: str | None = None
    auth_secret_env: EnvName | None = None
    auth_prefix: str = ""
    reply_url: str | None = None
    reply_text_field: str = "content"

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        return _http_url(value)

    @model_validator(mode="after")
    def _consistent(self) -> JsonFeedSource:
        if self.auth_header is not None and self.auth_param is not None:
            raise ValueError("set auth_header or auth_param (where the secret goes), not both")
        if (self.auth_header is None and self.auth_param is None) != (self.auth_secret_env is None):
            raise ValueError(
                "auth_secret_env goes with auth_header or auth_param: set both or neither"
            )
        if self.next_cursor_path and self.cursor_field:
            raise ValueError(
                "set next_cursor_path (the feed returns a cursor) or cursor_field "
                "(we derive it from the items), not both"
            )
        if (self.next_cursor_path or self.cursor_field) and not self.cursor_param:
            raise ValueError("cursor_param is required to send the cursor back to the feed")
        if self.reply_url is not None:
            _http_url(self.reply_url)
            if "{id}" not in self.reply_url:
                raise ValueError("reply_url must contain {id}, replaced by the review id")
        return self


ErrorKind = Literal[
    "auth_expired",
    "auth_invalid",
    "signature_invalid",
    "rate_limited",
    "not_found",
    "validation_failed",
    "content_rejected",
    "already_replied",
    "unavailable",
    "platform_error",
]
Days = Annotated[float, Field(gt=0)]


class PlatformSource(SourceBase):
    """What every real platform account has: where, how fast, and how to re-scan.

    `backfill_days`: the first scan and every full re-scan reach this far back (capped by
    what the platform serves). `rescan_days`: each poll re-reads this much before where
    the last one ended. `full_rescan_hours`: how often to re-read the whole back-fill
    window, which is what notices reviews that vanished (0 turns it off).
    """

    base_url: str | None = None
    requests_per_minute: Annotated[float, Field(gt=0)] = 60.0
    backfill_days: Days = 30.0
    rescan_days: Days = 2.0
    full_rescan_hours: Annotated[float, Field(ge=0)] = 24.0
    hide_after_missed_scans: Annotated[int, Field(ge=1)] = 3
    # The longest reply we let staff approve. Meituan and Ele.me document no limit: the
    # default is well under what either is known to take and well over our drafts.
    reply_max_chars: Annotated[int, Field(ge=1)] = 300

    @field_validator("base_url")
    @classmethod
    def _check_base_url(cls, value: str | None) -> str | None:
        return None if value is None else _http_url(value).rstrip("/")


class MeituanSource(PlatformSource):
    """美团外卖 through the legacy waimaiopen gateway (app_id + app_secret, MD5 `sig`) or
    the newer cater gateway ("ng": developerId + signKey + per-store appAuthToken, SHA-1)."""

    platform: Literal["meituan"]
    gateway: Literal["legacy", "ng"] = "legacy"
    app_poi_code: str | None = None
    page_size: Annotated[int, Field(ge=1, le=20)] = 20
    lookback_days: Annotated[int, Field(ge=1, le=30)] = 30
    rescan_days: Days = 3.0
    reply_status: Literal[-1, 0, 1] = -1
    # legacy gateway
    app_id: str | None = None
    app_secret_env: EnvName | None = None
    access_token_env: EnvName | None = None
    refresh_token_env: EnvName | None = None
    # new gateway
    developer_id: str | None = None
    sign_key_env: EnvName | None = None
    app_auth_token_env: EnvName | None = None
    business_id: int = 2
    list_path: str = "/waimai/ng/comment/queryCommentList"
    reply_path: str = "/waimai/poi/addReply"
    date_format: str = "%Y-%m-%d"
    biz_key: str | None = None
    t_plus_one: bool = True
    error_codes: dict[str, ErrorKind] = Field(default_factory=dict)

    def secret_envs(self) -> list[str]:
        """Only the gateway in use reads its keys; the other gateway's are ignored."""
        if self.gateway == "legacy":
            names = [self.app_secret_env]
            if self.access_token_env:  # the refresh token only matters in ISV mode
                names += [self.access_token_env, self.refresh_token_env]
        else:
            names = [self.sign_key_env, self.app_auth_token_env, self.refresh_token_env]
        return [name for name in names if name]

    @model_validator(mode="after")
    def _complete(self) -> MeituanSource:
        if self.gateway == "legacy":
            if not (self.app_id and self.app_secret_env):
                raise ValueError("the legacy Meituan gateway needs app_id and app_secret_env")
            if self.refresh_token_env and not self.access_token_env:
                raise ValueError("refresh_token_env needs access_token_env (ISV mode)")
            if not self.t_plus_one:
                raise ValueError("the legacy comment/query never serves today's reviews")
        elif not (self.developer_id and self.sign_key_env and self.app_auth_token_env):
            raise ValueError(
                "the new Meituan gateway needs developer_id, sign_key_env and app_auth_token_env"
            )
        if self.backfill_days > self.lookback_days:
            raise ValueError("backfill_days cannot exceed lookback_days (Meituan serves 30 days)")
        return self


class ElemeSource(PlatformSource):
    """饿了么 open platform: app_key + secret, OAuth token (client_credentials for a
    self-run app, refresh_token for an ISV-authorised shop)."""

    platform: Literal["eleme"]
    shop_id: str | None = None
    app_key: str
    app_secret_env: EnvName
    grant: Literal["client_credentials", "refresh_token"] = "client_credentials"
    refresh_token_env: EnvName | None = None
    scope: str = "all"
    timestamp_unit: Literal["s", "ms"] = "ms"
    page_size: Annotated[int, Field(ge=1, le=100)] = 20
    lookback_days: Annotated[int, Field(ge=1, le=90)] = 90
    rescan_days: Days = 1.0
    reply_type: str = "ORDER"

    @model_validator(mode="after")
    def _complete(self) -> ElemeSource:
        if self.grant == "refresh_token" and not self.refresh_token_env:
            raise ValueError("grant = 'refresh_token' needs refresh_token_env")
        if self.backfill_days > self.lookback_days:
            raise ValueError("backfill_days cannot exceed lookback_days (Ele.me serves 90 days)")
        return self


class DianpingSource(PlatformSource):
    """大众点评 router API, read-only. One source per review set: `review_set = "dianping"`
    (platform=1) and `"meituan"` (platform=2) are different reviews of the same shop.
    `account` defaults to "<open_shop_uuid>/<review_set>" so the two never merge."""

    platform: Literal["dianping"]
    account: Annotated[str, Field(min_length=1, max_length=200)]
    open_shop_uuid: Annotated[str, Field(min_length=1)]
    review_set: Literal["dianping", "meituan"] = "dianping"
    app_key: str
    app_secret_env: EnvName
    session_env: EnvName
    refresh_token_env: EnvName | None = None
    page_size: Annotated[int, Field(ge=1, le=100)] = 20
    offset_base: Literal[0, 1] = 1
    offset_unit: Literal["item", "page"] = "item"
    star: str | None = "1"
    lookback_days: Annotated[int, Field(ge=1, le=365)] = 365
    error_codes: dict[str, ErrorKind] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _default_account(cls, data: object) -> object:
        if isinstance(data, dict) and "account" not in data and data.get("open_shop_uuid"):
            return {
                **data,
                "account": f"{data['open_shop_uuid']}/{data.get('review_set', 'dianping')}",
            }
        return data


class GoogleSource(PlatformSource):
    """Google Business Profile: one location, OAuth client + the owner's refresh token."""

    platform: Literal["google"]
    location: Annotated[str, Field(pattern=r"^accounts/[^/]+/locations/[^/]+$")] | None = None
    client_id: str
    client_secret_env: EnvName
    refresh_token_env: EnvName
    token_url: str = "https://oauth2.googleapis.com/token"
    page_size: Annotated[int, Field(ge=1, le=50)] = 50
    rescan_days: Days = 1.0
    reply_max_chars: Annotated[int, Field(ge=1)] = 1300  # 4096 bytes of UTF-8 Chinese

    @model_validator(mode="after")
    def _complete(self) -> GoogleSource:
        _http_url(self.token_url)
        if self.location is None and not self.account.startswith("accounts/"):
            raise ValueError(
                "set location = 'accounts/<id>/locations/<id>' (or use it as the account)"
            )
        return self

    @property
    def location_name(self) -> str:
        return self.location or self.account


SourceSettings = Annotated[
    DemoSource | JsonFeedSource | MeituanSource | ElemeSource | DianpingSource | GoogleSource,
    Field(discriminator="platform"),
]


def reply_max_chars(platform: str | None) -> int | None:
    """The reply length a review of `platform` gets by default where the platform takes
    replies through an API (Meituan and Ele.me 300 characters, Google 1300); None where
    replies are typed by hand in the platform's app (Dianping) or the platform is unknown:
    the guardrails' own default then."""
    sources = {"meituan": MeituanSource, "eleme": ElemeSource, "google": GoogleSource}
    source = sources.get(platform or "")
    return None if source is None else source.model_fields["reply_max_chars"].default
