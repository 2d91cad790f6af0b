"""Who is talking to the bot, as the workflow's access checks see them, and the polite
refusal (with the ids the config needs) for anyone it does not serve. In a group the
refusal is public: it names the person's own id only (never the group's), and a stranger
hears it once an hour at most however many commands they send."""

from __future__ import annotations

from telegram import Bot, Update
from telegram.constants import ChatType

from reviewbot.config import Settings, TelegramSettings
from reviewbot.workflow.actions import Actor
from reviewbot.workflow.cards import CardRef
from reviewbot.workflow.desk import Desk

REFUSAL = "抱歉，您还没有权限使用这个机器人。如需开通，请把下面的编号发给店主加入配置。"


def ids(update: Update) -> str:
    """The ids the config needs (people's user ids, a group's chat id), told to whoever
    asks: setting the bot up needs nothing but the bot itself."""
    user, chat = update.effective_user, update.effective_chat
    return f"用户 ID：{user.id if user else '?'}；本聊天 ID：{chat.id if chat else '?'}"


def _user_id(update: Update) -> str:
    user = update.effective_user
    return f"用户 ID：{user.id if user else '?'}"


class Front:
    """What every handler of the bot shares: the workflow desk, the settings and the bot."""

    def __init__(self, settings: Settings, desk: Desk, bot: Bot) -> None:
        self.settings = settings
        self.tg: TelegramSettings = settings.telegram
        self.desk = desk
        self.bot = bot

    def actor(self, update: Update) -> Actor | None:
        user = update.effective_user
        return self.desk.access.actor(user.id if user else None)

    async def refuse(self, update: Update, what: str, card: CardRef | None = None) -> None:
        """A polite no to someone not allowed to do this, and a line in the audit log."""
        user, chat = update.effective_user, update.effective_chat
        group = chat is not None and chat.type != ChatType.PRIVATE
        public = group and update.callback_query is None  # a pop-up is the presser's own
        tell = await self.desk.access.refused(
            self.desk.clock.now(),
            f"telegram:{user.id if user else '?'}",
            what,
            store_id=card.store_id if card else None,
            review_id=card.review_id if card else None,
            user_name=user.full_name if user else None,
            chat_id=chat.id if chat else None,
            public_in=chat.id if public and chat else None,
        )
        if not tell:
            return
        refusal = f"{REFUSAL}\n{_user_id(update) if group else ids(update)}"
        if update.callback_query is not None:
            await update.callback_query.answer(refusal, show_alert=True)
        elif update.effective_message is not None:
            await update.effective_message.reply_text(refusal)

    async def command_actor(self, update: Update, name: str) -> Actor | None:
        actor = self.actor(update)
        if actor is None:
            await self.refuse(update, f"/{name}")
        return actor

    def stores_here(self, update: Update, actor: Actor) -> list[str]:
        chat = update.effective_chat
        private = chat is not None and chat.type == ChatType.PRIVATE
        return self.desk.access.stores_here(actor, chat.id if chat else None, private=private)
