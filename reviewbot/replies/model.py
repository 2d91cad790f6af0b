"""Optional AI drafting: an OpenAI-compatible chat-completions endpoint writes the draft,
and the template engine's draft stays the fallback.

A model writes more natural wording than templates, but it can promise a refund, invent a
phone number, argue, or answer a Traditional review in Simplified characters. So its one
draft goes through everything a template draft goes through (every guardrail, the
variety check against the store's recent replies, the platform's length limit) plus the
checks a template never needs (no HTML or placeholders, no links, the customer's own
script and language). Anything wrong, and anything wrong with the call itself (a timeout,
429, 5xx, a body that is not the documented JSON), gives back the template draft with a
plain-Chinese note saying why, so the alert goes out on time and staff know what happened.

The prompt (the 5S method, the review, its complaints, the store's facts, the language and
the length limit) and the notes are data: data/model.toml. The API key is sent only in the
Authorization header, never logged.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from functools import cache
from importlib import resources
from typing import Any

import aiohttp

from reviewbot.analysis.base import UNREAD, Analysis, ReviewText
from reviewbot.analysis.complaints import load_taxonomy
from reviewbot.analysis.normalize import to_simplified
from reviewbot.replies.engine import MAX_OVERLAP, Draft, quote_span, variety_exempt
from reviewbot.replies.facts import StoreProfile
from reviewbot.replies.guardrails import ReplyLimits, check_reply
from reviewbot.replies.script import to_traditional
from reviewbot.replies.variety import bigrams, max_overlap

__all__ = ["Endpoint", "ModelClient", "ModelDrafter", "ModelError", "Prompt", "fallback_note"]

log = logging.getLogger(__name__)

# A 429's Retry-After is waited out once, and only when it is this short and still ends
# before the deadline; anything longer and the template draft goes out instead.
RETRY_AFTER_MAX = 3.0
TEMPLATES = "templates"
MODEL = "model"

_HTML = re.compile(
    r"</?[A-Za-z][A-Za-z0-9]*(\s[^<>]*)?/?>|&[a-z]+;|&#\d+;|```|\*\*|^#{1,6}\s", re.M
)
_LINK = re.compile(r"https?://|www\.|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z]|\.(com|cn|net)\b")
_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where and how to ask for a draft (from [drafting] in config). `key_missing`: the
    config names a key variable that is not set: every draft falls back, saying so."""

    base_url: str
    model: str
    api_key: str | None = field(default=None, repr=False)
    timeout: float = 8.0
    max_tokens: int = 600
    temperature: float = 0.7
    max_concurrent: int = 2
    requests_per_minute: float = 60.0
    key_missing: bool = False

    @classmethod
    def from_settings(cls, drafting: Any, secret: Callable[[str], str | None]) -> Endpoint | None:
        """The endpoint of a `DraftingSettings`, or None when it drafts from templates."""
        if drafting.mode != MODEL:
            return None
        key = secret(drafting.api_key_env) if drafting.api_key_env else None
        return cls(
            base_url=drafting.base_url,
            model=drafting.model,
            api_key=key,
            timeout=drafting.timeout_seconds,
            max_tokens=drafting.max_tokens,
            temperature=drafting.temperature,
            max_concurrent=drafting.max_concurrent,
            requests_per_minute=drafting.requests_per_minute,
            key_missing=bool(drafting.api_key_env) and not key,
        )


class ModelError(Exception):
    """Why the endpoint gave no draft: `code` is a key of [fallback] in data/model.toml."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


# -- the prompt ----------------------------------------------------------------------------


@cache
def _data() -> dict[str, Any]:
    raw = resources.files("reviewbot.replies").joinpath("data/model.toml").read_text("utf-8")
    return tomllib.loads(raw)


def fallback_note(code: str) -> str:
    """What the card says when the model's draft is not used: 'AI 草稿含有补偿承诺，已改用
    模板草稿'."""
    notes = _data()["fallback"]
    return notes.get(code, notes["other"]) + notes["suffix"]


def _fill(template: str, values: Mapping[str, str]) -> str:
    return re.sub(r"\{([a-z_]+)\}", lambda m: values.get(m.group(1), m.group(0)), template)


def language_of(analysis: Analysis) -> str:
    """What the reply must be written in: "en", "zh-Hant" or "zh-Hans"."""
    if analysis.language == "en" and analysis.script is None:
        return "en"
    return "zh-Hant" if analysis.script == "zh-Hant" else "zh-Hans"


@dataclass(frozen=True, slots=True)
class Prompt:
    """The chat messages for one review, from the templates in data/model.toml."""

    spec: Mapping[str, Any] = field(default_factory=lambda: _data())

    def messages(
        self,
        review: ReviewText,
        analysis: Analysis,
        store: StoreProfile,
        *,
        situation: str,
        max_chars: int,
    ) -> list[dict[str, str]]:
        prompt = self.spec["prompt"]
        labels = load_taxonomy()
        complaints = "\n".join(
            _fill(
                prompt["complaint"],
                {
                    "label": labels.label(c.aspect),
                    "words": _fill(prompt["complaint_quote"], {"quote": quote})
                    if (quote := quote_span(c.span))
                    else _fill(prompt["complaint_span"], {"span": c.span.strip()}),
                    "target": _fill(prompt["complaint_target"], {"target": c.target})
                    if c.target
                    else "",
                    "severity": c.severity,
                },
            )
            for c in analysis.complaints
        )
        praise = "；".join(dict.fromkeys(p.span.strip() for p in analysis.praise if p.span))
        language = language_of(analysis)
        rating = (
            _fill(prompt["rating"], {"rating": f"{review.rating:g}"})
            if review.rating is not None
            else prompt["no_rating"]
        )
        values = {
            "review": review.text.strip(),
            "rating": rating,
            "complaints": complaints or prompt["no_complaints"],
            "praise": praise or prompt["no_praise"],
            "situation": self.spec["situation"].get(situation, situation),
            "facts": _facts(store, language),
            "language": self.spec["language"][language],
            "max_chars": str(max_chars),
        }
        return [
            {"role": "system", "content": prompt["system"]},
            {"role": "user", "content": _fill(prompt["user"], values)},
        ]


def _facts(store: StoreProfile, language: str) -> str:
    own = store.facts_in(language) if language != "zh-Hans" else {}
    rows = [
        ("店名", store.name),
        ("回复署名", own.get("signature") or store.signature or store.name),
        ("联系方式（只能用这个）", own.get("contact") or store.contact),
        ("营业时间", own.get("hours") or store.hours),
        ("菜单", "、".join(store.menu)),
        ("资质与检测证明", "、".join(store.proofs)),
        ("店主允许在公开回复里提的补偿（原话照用，不得更改）", store.remedy),
    ]
    return "\n".join(f"- {name}：{value}" for name, value in rows if value)


# -- the call ------------------------------------------------------------------------------


class _Limiter:
    """At most `concurrent` calls at once and `per_minute` starts a minute, per endpoint;
    a call that would wait past its deadline is not made."""

    def __init__(self, concurrent: int, per_minute: float) -> None:
        self.slots = asyncio.Semaphore(concurrent)
        self.interval = 60.0 / per_minute
        self.next_start = 0.0

    async def acquire(self, deadline: float, now: Callable[[], float]) -> None:
        try:
            await asyncio.wait_for(self.slots.acquire(), max(deadline - now(), 0.0))
        except TimeoutError:
            raise ModelError("throttled", "no free slot before the deadline") from None
        start = max(now(), self.next_start)
        if start >= deadline:
            self.slots.release()
            raise ModelError("throttled", "requests_per_minute reached")
        self.next_start = start + self.interval
        if start > now():
            await asyncio.sleep(start - now())

    def release(self) -> None:
        self.slots.release()


class ModelClient:
    """POST {base_url}/chat/completions, as OpenAI documents it and DeepSeek, DashScope's
    compatible mode, Ollama and vLLM serve it; non-streaming, one choice."""

    def __init__(
        self,
        session: aiohttp.ClientSession | None = None,
        *,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self._session = session
        self._own = session is None
        self.now = now
        self._limiters: dict[tuple[str, str], _Limiter] = {}

    async def close(self) -> None:
        if self._own and self._session is not None:
            await self._session.close()
            self._session = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    async def complete(
        self, endpoint: Endpoint, messages: list[dict[str, str]], deadline: float
    ) -> str:
        """The reply text of the first choice; ModelError when there is none by `deadline`."""
        if endpoint.key_missing:
            raise ModelError("no_key")
        key = (endpoint.base_url, endpoint.model)
        limiter = self._limiters.get(key)
        if limiter is None:
            limiter = self._limiters[key] = _Limiter(
                endpoint.max_concurrent, endpoint.requests_per_minute
            )
        for retry in (False, True):
            await limiter.acquire(deadline, self.now)
            try:
                status, headers, body = await self._post(endpoint, messages, deadline)
            finally:
                limiter.release()
            if status == 429:
                wait = _retry_after(headers.get("Retry-After"))
                if retry or wait is None or wait > RETRY_AFTER_MAX or self.now() + wait >= deadline:
                    raise ModelError("rate_limited", f"HTTP 429, Retry-After {wait}")
                await asyncio.sleep(wait)
                continue
            try:
                return _content(status, body)
            except ModelError as exc:  # an error message may echo the key back
                if endpoint.api_key and endpoint.api_key in str(exc):
                    raise ModelError(exc.code, "(message withheld: it repeats the key)") from None
                raise
        raise AssertionError("unreachable")

    async def _post(
        self, endpoint: Endpoint, messages: list[dict[str, str]], deadline: float
    ) -> tuple[int, Mapping[str, str], bytes]:
        remaining = deadline - self.now()
        if remaining <= 0:
            raise ModelError("timeout", "no time left")
        headers = {"Content-Type": "application/json"}
        if endpoint.api_key:
            headers["Authorization"] = f"Bearer {endpoint.api_key}"
        payload = {
            "model": endpoint.model,
            "messages": messages,
            "max_tokens": endpoint.max_tokens,
            "temperature": endpoint.temperature,
            "n": 1,
            "stream": False,
        }
        try:
            async with asyncio.timeout(remaining):
                async with self._http().post(
                    f"{endpoint.base_url}/chat/completions", json=payload, headers=headers
                ) as response:
                    return response.status, response.headers, await response.read()
        except TimeoutError:
            raise ModelError("timeout", f"no answer within {remaining:.1f} s") from None
        except aiohttp.ClientError as exc:
            raise ModelError("unreachable", type(exc).__name__) from None


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds (a number or an HTTP date), None when absent or unreadable."""
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        return max(parsedate_to_datetime(value).timestamp() - time.time(), 0.0)
    except (TypeError, ValueError):
        return None


def _content(status: int, body: bytes) -> str:
    if status in (400, 401, 403, 404):
        raise ModelError("refused", f"HTTP {status}: {_error_message(body)}")
    if status != 200:
        raise ModelError("http_error", f"HTTP {status}: {_error_message(body)}")
    try:
        data = json.loads(body)
        choice = data["choices"][0] if data["choices"] else None
    except (ValueError, TypeError, KeyError):
        raise ModelError("malformed", "not a chat-completions body") from None
    if choice is None:
        raise ModelError("empty", "no choices")
    message = choice.get("message") if isinstance(choice, dict) else None
    content = message.get("content") if isinstance(message, dict) else None
    if not isinstance(content, str):
        raise ModelError("malformed", "choices[0].message.content is not text")
    if choice.get("finish_reason") == "length":
        raise ModelError("too_long", "cut off at max_tokens")
    return content


def _error_message(body: bytes) -> str:
    """The error object's message (OpenAI's {"error": {"message"}}), short."""
    try:
        error = json.loads(body).get("error")
        message = error.get("message") if isinstance(error, dict) else error
    except (ValueError, AttributeError):
        message = None
    return str(message or body[:80])[:200]


# -- the checks ----------------------------------------------------------------------------


def clean(text: str) -> str:
    """The reply as a model usually wraps it: surrounding quotes and blank space removed."""
    text = text.strip()
    for left, right in (("「", "」"), ("“", "”"), ('"', '"')):
        inner = text[1:-1]
        if text.startswith(left) and text.endswith(right) and left not in inner:
            text = inner.strip()
    return re.sub(r"\n{3,}", "\n\n", text)


@cache
def _placeholders() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in _data()["checks"]["placeholders"])


def _script_problem(text: str, language: str) -> bool:
    """Whether `text` is not in `language` ("en", "zh-Hans", "zh-Hant")."""
    han = len(_HAN.findall(text))
    latin = len(_LATIN.findall(text))
    if language == "en":
        return han > 0 or latin == 0
    if han == 0 or latin > han:
        return True
    simplified = sum(a != b for a, b in zip(to_traditional(text), text, strict=False))
    traditional = sum(a != b for a, b in zip(to_simplified(text), text, strict=False))
    if language == "zh-Hant":
        return simplified > 0 and simplified >= traditional
    return traditional > 0 and traditional >= simplified


# -- the drafter ---------------------------------------------------------------------------


class ModelDrafter:
    """Asks the endpoint for a draft and keeps it only if it passes every check; else the
    template draft it was given, with a note saying why."""

    def __init__(
        self,
        client: ModelClient | None = None,
        *,
        prompt: Prompt | None = None,
        max_overlap: float = MAX_OVERLAP,
    ) -> None:
        self.client = client or ModelClient()
        self.prompt = prompt or Prompt()
        self.max_overlap = max_overlap
        self._failing: set[tuple[str, str]] = set()  # endpoints whose last call failed

    async def close(self) -> None:
        await self.client.close()

    @staticmethod
    def warm_up() -> None:
        """Load what the checks use (the script converters, the taxonomy) before the first
        review needs them: seconds, once, that must not count against a draft's deadline."""
        _script_problem("您好", "zh-Hant")
        load_taxonomy()
        _placeholders()
        # a hit of a rule that asks jieba where words start loads its dictionary
        check_reply(
            "这顿我们请",
            review=ReviewText("", ""),
            analysis=UNREAD,
            store=StoreProfile(""),
            learned=True,  # and the scorer's weights
        )

    async def draft(
        self,
        fallback: Draft,
        review: ReviewText,
        analysis: Analysis,
        store: StoreProfile,
        endpoint: Endpoint,
        *,
        recent: Sequence[str] = (),
        limits: ReplyLimits | None = None,
        deadline: float | None = None,
    ) -> Draft:
        """The model's draft for `review`, or `fallback` (the template draft) with a note.
        Returns by `deadline` (a `client.now()` time; default: the endpoint's timeout)."""
        if fallback.needs_person or not fallback.text:
            return fallback  # a person writes this one; nothing for a model to do
        if deadline is None:
            deadline = self.client.now() + endpoint.timeout
        max_chars = ReplyLimits.of(limits).max_chars
        messages = self.prompt.messages(
            review, analysis, store, situation=fallback.situation, max_chars=max_chars
        )
        where = (endpoint.base_url, endpoint.model)
        try:
            text = clean(await self.client.complete(endpoint, messages, deadline))
        except ModelError as exc:
            if where not in self._failing:  # said when it starts failing, not every time
                log.warning("AI drafting with %s started failing: %s", endpoint.model, exc)
            self._failing.add(where)
            log.debug("AI draft for review %s: %s; template draft used", review.id, exc)
            return _fell_back(fallback, exc.code, endpoint)
        if where in self._failing:
            self._failing.discard(where)
            log.info("AI drafting with %s answers again", endpoint.model)
        quotes = tuple(
            dict.fromkeys(
                q
                for q in (*fallback.quotes, *(quote_span(c.span) for c in analysis.complaints))
                if q
            )
        )
        problem = self.problem(text, review, analysis, store, limits, recent, quotes)
        if problem is not None:
            log.info(
                "AI draft for review %s failed the %s check; template draft used",
                review.id,
                problem,
            )
            return _fell_back(fallback, problem, endpoint)
        return replace(
            fallback,
            text=text,
            template_id=f"ai:{endpoint.model}"[:128],
            violations=(),
            quotes=tuple(q for q in quotes if q in text),
            similarity=0.0,
            source=MODEL,
            model=endpoint.model,
            note="",
        )

    def problem(
        self,
        text: str,
        review: ReviewText,
        analysis: Analysis,
        store: StoreProfile,
        limits: ReplyLimits | None,
        recent: Sequence[str],
        quotes: Sequence[str],
    ) -> str | None:
        """The first check `text` fails (a [fallback] key), None when it passes them all."""
        if not text:
            return "empty"
        if _HTML.search(text):
            return "html"
        if any(p.search(text) for p in _placeholders()):
            return "placeholder"
        if _LINK.search(text):
            return "contact"
        if len(text) > ReplyLimits.of(limits).max_chars:
            return "too_long"
        if _script_problem(text, language_of(analysis)):
            return "language"
        found = check_reply(
            text,
            review=review,
            analysis=analysis,
            store=store,
            platform_limits=limits,
            quotes=quotes,
            learned=True,  # a model wrote it: read like a staff edit
        )
        if found:
            return found[0].code
        facts = variety_exempt(store)
        others = [bigrams(r, facts) for r in recent if r]
        if text in recent or max_overlap(bigrams(text, facts), others) > self.max_overlap:
            return "similar"
        return None


def _fell_back(fallback: Draft, code: str, endpoint: Endpoint) -> Draft:
    return replace(fallback, source=TEMPLATES, model=endpoint.model, note=fallback_note(code))
