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
        if (self.auth_header is None) != (self.auth_secret_env is None):
            raise ValueError("auth_header and auth_secret_env go together: set both or neither")
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


SourceSettings = Annotated[DemoSource | JsonFeedSource, Field(discriminator="platform")]
