"""The learned readers' weights file (the malice model, the guard scorer):
`MAGIC | u32 header length | JSON header | zlib(float16 weights)`. No timestamps and keys
sorted, so the same training gives the same bytes."""

from __future__ import annotations

import json
import struct
import zlib
from typing import Any

import numpy as np


def pack(magic: bytes, header: dict[str, Any], w: np.ndarray) -> bytes:
    head = json.dumps(
        {**header, "dtype": "<f2", "shape": list(w.shape)}, sort_keys=True, ensure_ascii=False
    ).encode("utf-8")
    body = zlib.compress(w.astype("<f2").tobytes(), 9)
    return magic + struct.pack("<I", len(head)) + head + body


def unpack(blob: bytes, magic: bytes, what: str) -> tuple[dict[str, Any], np.ndarray]:
    """The header and the weights (float64, in their shape); a clear error naming `what`
    for a file that is not one or is cut short."""
    if not blob.startswith(magic):
        raise ValueError(f"not a reviewbot {what}")
    start = len(magic)
    (head_len,) = struct.unpack_from("<I", blob, start)
    header = json.loads(blob[start + 4 : start + 4 + head_len].decode("utf-8"))
    w = np.frombuffer(zlib.decompress(blob[start + 4 + head_len :]), header["dtype"])
    shape = tuple(header["shape"])
    if w.size != shape[0] * shape[1]:
        raise ValueError(f"{what} weights are truncated")
    return header, w.reshape(shape).astype(np.float64)
