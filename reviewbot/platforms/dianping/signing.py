"""The Dianping router signature, as the official Python SDK computes it.

Drop null or empty values, sort by key, concatenate `key + str(value)`, wrap the whole
in the app secret on both sides, strip surrounding whitespace, lowercase hex MD5.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping


def dianping_base(params: Mapping[str, object], secret: str) -> str:
    kept = {k: v for k, v in params.items() if k != "sign" and v is not None and str(v) != ""}
    return f"{secret}{''.join(f'{key}{kept[key]}' for key in sorted(kept))}{secret}".strip()


def dianping_sign(params: Mapping[str, object], secret: str) -> str:
    return hashlib.md5(dianping_base(params, secret).encode("utf-8")).hexdigest()
