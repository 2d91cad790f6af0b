"""Telegram on the shared harness: the people, stores and chats of the Telegram tests."""

from __future__ import annotations

from typing import Any

from tests.conftest import TEST_FACTS

STAFF_CHAT = -100500
OWNER, MANAGER, STAFF, OTHER_STORE, STRANGER = 1001, 1002, 1003, 1004, 4040
TWO_HATS = 1005  # staff in store-1, owner of store-2
NEGATIVE = "水煮鱼太咸了，送到的时候已经凉了"


def telegram_settings(database_url: str, demo_url: str, telegram_url: str) -> dict[str, Any]:
    return {
        "database": {"url": database_url},
        "http": {"timeout_seconds": 0.5, "max_attempts": 2, "backoff_initial_seconds": 0.01},
        "demo": {"serve": False},
        "notifier": {"kind": "telegram"},
        "telegram": {
            "api_base_url": f"{telegram_url}/bot",
            "file_base_url": f"{telegram_url}/file/bot",
            # Long polls the fake answers at once when there is an update: a short one only
            # made the idle bot ask again and again (6 ms of CPU a second at 0.5 s).
            "poll_timeout_seconds": 10,
            "edit_timeout_seconds": 120,
        },
        "people": [
            {"name": "王老板", "telegram_user_id": OWNER, "role": "owner", "stores": ["*"]},
            {
                "name": "李店长",
                "telegram_user_id": MANAGER,
                "role": "manager",
                "stores": ["store-1"],
            },
            {"name": "小张", "telegram_user_id": STAFF, "role": "staff", "stores": ["store-1"]},
            {
                "name": "别店的人",
                "telegram_user_id": OTHER_STORE,
                "role": "manager",
                "stores": ["store-2"],
            },
            {
                "name": "阿芳",
                "telegram_user_id": TWO_HATS,
                "roles": {"store-1": "staff", "store-2": "owner"},
            },
        ],
        "stores": [
            {
                "id": "store-1",
                "name": "测试小馆",
                "facts": TEST_FACTS,
                "chat": {"telegram_chat_id": STAFF_CHAT},
                "sources": [{"platform": "demo", "account": "shop-1", "base_url": demo_url}],
            },
            {
                "id": "store-2",
                "name": "别的店",
                "chat": {"telegram_chat_id": -100999},
                "sources": [{"platform": "demo", "account": "shop-2", "base_url": demo_url}],
            },
        ],
    }
