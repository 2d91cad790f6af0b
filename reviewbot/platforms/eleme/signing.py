"""The Ele.me request signature, as the official Java and Python SDKs compute it.

Merge `metas` (app_key, timestamp) with `params`, render each as `key=JSON(value)`
(strings quoted, numbers bare, compact JSON, non-ASCII kept), sort by key, join without
separator, then UPPERCASE md5(action + access_token + joined + app_secret).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def eleme_base(
    action: str, token: str, metas: Mapping[str, Any], params: Mapping[str, Any], secret: str
) -> str:
    merged = {**metas, **params}
    joined = "".join(f"{key}={_json(merged[key])}" for key in sorted(merged))
    return f"{action}{token}{joined}{secret}"


def eleme_signature(
    action: str, token: str, metas: Mapping[str, Any], params: Mapping[str, Any], secret: str
) -> str:
    base = eleme_base(action, token, metas, params, secret)
    return hashlib.md5(base.encode("utf-8")).hexdigest().upper()
