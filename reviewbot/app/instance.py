"""Who this daemon is: a stable instance name that owns its leases across restarts.

Leases and poll claims are owned by the instance name, so a daemon restarted after a crash
(kill -9, an OOM kill, a power cut) takes its own back at once instead of waiting for them
to run out. That is only safe if no other live process uses the same name: a lock file
per name, held for the daemon's life and freed by the kernel when the process dies,
proves it on one host. The default name (host name plus the database it works on) is
unique per host and database; two daemons on one host and database are replicas, so the
second one falls back to a name of its own for this run.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import tempfile
import uuid
from pathlib import Path
from typing import IO

from sqlalchemy.engine import make_url

from reviewbot.config import ConfigError, Settings

log = logging.getLogger(__name__)

try:
    import fcntl
except ImportError:  # Windows: no flock; a configured name is trusted as it stands
    fcntl = None  # type: ignore[assignment]


def replica_id() -> str:
    """A name for this process only (nothing to take back after a restart)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def default_instance(database_url: str) -> str:
    """The host name and a fingerprint of the database (an SQLite file by its absolute
    path; a server database without its password, which may rotate)."""
    sqlite = _sqlite_file(database_url)
    if sqlite is not None:
        where = str(sqlite)
    else:
        where = make_url(database_url).set(password=None).render_as_string(hide_password=False)
    return f"{socket.gethostname()}:{hashlib.sha256(where.encode()).hexdigest()[:8]}"


class Identity:
    """This daemon's instance name and the lock that proves no other process uses it."""

    def __init__(self, name: str, lock: IO[bytes] | None) -> None:
        self.name = name
        self._lock = lock

    def release(self) -> None:
        if self._lock is not None:
            self._lock.close()  # closing the file frees the flock
            self._lock = None


def _sqlite_file(database_url: str) -> Path | None:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(url.database).resolve()
    return None


def _lock_path(name: str, database_url: str) -> Path:
    """Beside an SQLite file (it goes with it), else in a per-user temporary folder."""
    tag = hashlib.sha256(name.encode()).hexdigest()[:16]
    sqlite = _sqlite_file(database_url)
    if sqlite is not None:
        return sqlite.with_name(f"{sqlite.name}.instance-{tag}.lock")
    return Path(tempfile.gettempdir()) / f"reviewbot-{os.getuid()}" / f"instance-{tag}.lock"


def _lock_file(name: str, database_url: str) -> IO[bytes] | bool | None:
    """The name's lock file, locked; None if another process holds it; True when this
    platform or file system offers no lock (nothing to prove with)."""
    if fcntl is None:
        return True
    path = _lock_path(name, database_url)
    try:
        path.parent.mkdir(mode=0o700, exist_ok=True)
        handle = path.open("ab")
    except OSError as exc:
        log.warning("cannot create the instance lock %s (%s); not checked", path, exc)
        return True
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


def claim_identity(settings: Settings) -> Identity:
    """The configured `[daemon] instance`, else the default for this host and database.

    A configured name another live process on this host uses is a configuration error
    (two daemons must never share leases); the default name in use means a second replica
    on this host, which runs under a name of its own."""
    configured = settings.daemon.instance
    name = configured or default_instance(settings.database.url)
    lock = _lock_file(name, settings.database.url)
    if lock is True:
        return Identity(name, None)
    if lock is not None:
        assert not isinstance(lock, bool)
        return Identity(name, lock)
    if configured:
        raise ConfigError(
            f"[daemon] instance = {name!r} is in use by another reviewbot on this host; "
            "give each daemon its own instance name"
        )
    fallback = replica_id()
    log.warning(
        "another reviewbot on this host works on the same database as %s; this one runs as "
        "%s (its leases are taken over %s s after it stops, not at its next start)",
        name,
        fallback,
        f"{settings.daemon.lease_seconds:.0f}",
    )
    return Identity(fallback, None)
