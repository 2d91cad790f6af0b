"""Who and what the configuration describes, as the running daemon sees it: stores and their
chats, people and their roles, and what each platform account can do."""

from __future__ import annotations

from collections.abc import Mapping

from reviewbot.config import PersonSettings, Settings, StoreSettings
from reviewbot.platforms.base import Capabilities
from reviewbot.replies.engine import StoreProfile
from reviewbot.replies.guardrails import ReplyLimits
from reviewbot.replies.model import Endpoint
from reviewbot.workflow.actions import Actor

# The [[people]] field that names someone in each chat app (actor ids: "{service}:{id}").
APP_IDENTITIES = {
    "dingtalk": "dingtalk_user_id",
    "feishu": "feishu_open_id",
    "wecom": "wecom_user_id",
}


class Directory:
    def __init__(
        self, settings: Settings, capabilities: Mapping[int, Capabilities] | None = None
    ) -> None:
        self.settings = settings
        self.capabilities = dict(capabilities or {})
        self._stores = {store.id: store for store in settings.stores}
        self._profiles = {
            store.id: StoreProfile.from_settings(
                store.name, store.facts, english=store.replies.english
            )
            for store in settings.stores
        }
        self._endpoints: dict[str, Endpoint | None] = {}

    def drafting(self, store_id: str) -> Endpoint | None:
        """The model endpoint that drafts the store's replies; None: the templates do."""
        if store_id not in self._endpoints:
            if store_id not in self._stores:
                return None
            self._endpoints[store_id] = Endpoint.from_settings(
                self.settings.drafting_for(store_id),
                lambda name: self.settings.secret(name) if self.settings.has_secret(name) else None,
            )
        return self._endpoints[store_id]

    def store(self, store_id: str) -> StoreSettings | None:
        return self._stores.get(store_id)

    def store_ids(self) -> list[str]:
        return list(self._stores)

    def profile(self, store_id: str) -> StoreProfile:
        return self._profiles.get(store_id) or StoreProfile(name=store_id)

    def analysis_terms(self, store_id: str) -> tuple[tuple[str, str], ...]:
        """The store's own (category, word) pairs for the classifier."""
        store = self._stores.get(store_id)
        if store is None:
            return ()
        return tuple(
            (category, word)
            for category, words in sorted(store.analysis.terms.items())
            for word in words
        )

    def timezone(self, store_id: str) -> str:
        store = self._stores.get(store_id)
        return store.timezone if store else "Asia/Shanghai"

    def can_reply(self, source_id: int) -> bool:
        """Whether replies to this account can be posted through its platform's API."""
        caps = self.capabilities.get(source_id)
        return True if caps is None else caps.can_reply

    def read_only_sources(self) -> list[int]:
        """Accounts whose platform takes no reply through its API (answered by hand)."""
        return [source for source, caps in self.capabilities.items() if not caps.can_reply]

    def reply_limits(self, source_id: int) -> ReplyLimits | None:
        """The platform's reply rules for the guardrails; a platform without a reply API
        (replies posted by hand in its merchant app) gets the default ones."""
        caps = self.capabilities.get(source_id)
        return ReplyLimits.of(caps) if caps is not None and caps.can_reply else None

    def actor(self, telegram_user_id: int) -> Actor | None:
        person = self.settings.person(telegram_user_id)
        return None if person is None else _actor(person)

    def app_actor(self, service: str, user_id: str | None) -> Actor | None:
        """Someone in a chat app (`service`: "dingtalk", "feishu"), by the user id the app
        gave (the [[people]] field `APP_IDENTITIES` names)."""
        field = APP_IDENTITIES.get(service)
        if not user_id or field is None:
            return None
        for person in self.settings.people:
            if getattr(person, field) == user_id:
                return Actor(f"{service}:{user_id}", person.name, person.store_roles())
        return None

    def actor_by_id(self, actor_id: str) -> Actor | None:
        """Someone configured, by the actor id the database records ("telegram:123",
        "wecom:…"); None for anyone no longer in the config."""
        kind, _, number = actor_id.partition(":")
        if kind == "telegram":
            return self.actor(int(number)) if number.lstrip("-").isdigit() else None
        return self.app_actor(kind, number)

    def addressees(self, service: str, store_id: str, audience: str) -> list[tuple[str, str]]:
        """(user id, name) on a chat app of the store's people a notice is for: its
        managers or its owners ("staff": nobody in particular, the group is the staff)."""
        field = APP_IDENTITIES.get(service)
        if field is None or audience not in ("manager", "owner"):
            return []
        return [
            (getattr(person, field), person.name)
            for person in self.settings.people
            if getattr(person, field) and _actor(person).role_in(store_id) == audience
        ]

    def name_of(self, actor_id: str) -> str | None:
        """The name people know someone by, from the actor id the database records."""
        kind, _, number = actor_id.partition(":")
        if kind != "telegram":
            found = self.app_actor(kind, number)
            return found.name if found else None
        if not number.lstrip("-").isdigit():
            return None
        actor = self.actor(int(number))
        return actor.name if actor else None

    def staff_chat(self, store_id: str) -> int | None:
        store = self._stores.get(store_id)
        return store.chat.telegram_chat_id if store else None

    def owner_chat(self, store_id: str) -> int | None:
        """Where pages for the owner go: their own chat if configured, else the staff chat."""
        store = self._stores.get(store_id)
        if store is None:
            return None
        return store.chat.owner_telegram_chat_id or store.chat.telegram_chat_id

    def manager_chats(self, store_id: str) -> list[int]:
        """Private chats of the store's managers; the staff chat if it has none."""
        chats = [
            p.telegram_user_id
            for p in self.settings.people
            if p.telegram_user_id is not None and _actor(p).role_in(store_id) == "manager"
        ]
        staff = self.staff_chat(store_id)
        return chats or ([staff] if staff is not None else [])

    def stores_of_chat(self, chat_id: int) -> list[str]:
        return [
            s.id
            for s in self.settings.stores
            if chat_id in (s.chat.telegram_chat_id, s.chat.owner_telegram_chat_id)
        ]


def _actor(person: PersonSettings) -> Actor:
    return Actor(f"telegram:{person.telegram_user_id}", person.name, person.store_roles())
