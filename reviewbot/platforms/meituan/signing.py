"""The two Meituan signatures, exactly as the official SDKs compute them.

Legacy (waimaiopen): md5 over the *full request URL* (scheme, host, path), "?", the
sorted raw (not URL-encoded) `k=v` pairs joined by "&", and the app secret.
New gateway (api-open-cater): sha1 over signKey followed by the sorted `k` + `v` pairs,
empty values skipped. Both lowercase hex of UTF-8.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping


def legacy_base(url: str, params: Mapping[str, object], secret: str) -> str:
    joined = "&".join(f"{key}={params[key]}" for key in sorted(params))
    return f"{url}?{joined}{secret}"


def legacy_sig(url: str, params: Mapping[str, object], secret: str) -> str:
    """`sig` for a request to `url` (no query string) with all system and app params."""
    return hashlib.md5(legacy_base(url, params, secret).encode("utf-8")).hexdigest()


def ng_base(sign_key: str, params: Mapping[str, object]) -> str:
    kept = {k: v for k, v in params.items() if k != "sign" and v is not None and str(v) != ""}
    return sign_key + "".join(f"{key}{kept[key]}" for key in sorted(kept))


def ng_sign(sign_key: str, params: Mapping[str, object]) -> str:
    """`sign` for the new gateway's form fields (everything but `sign` itself)."""
    return hashlib.sha1(ng_base(sign_key, params).encode("utf-8")).hexdigest()
