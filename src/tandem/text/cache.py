"""Embeddings cached by content hash: an SQLite file shared by processes, and an in-process LRU.

The key is sha256(engine name, model version, text), so a text is embedded once per engine and
model version, whichever process asks. The cache is an optimisation: when its file cannot be read
or written (locked beyond the timeout, read-only, damaged) the texts are computed and a warning
logged, never an error raised.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from tandem.text._vectors import Vectors

if TYPE_CHECKING:
    from tandem.text.embedding import Embedder

log = logging.getLogger(__name__)
T = TypeVar("T")

# Keys per SELECT: well under SQLite's smallest limit on bound parameters (999).
_CHUNK = 500
_SCHEMA = "CREATE TABLE IF NOT EXISTS embedding (key BLOB PRIMARY KEY, vector BLOB NOT NULL) WITHOUT ROWID"


class EmbeddingCache:
    """Float32 vectors by key: an LRU of ``memory_items`` in front of an SQLite file at ``path``.

    With ``path=None`` only the in-process LRU is used. The file is in WAL mode with a busy timeout,
    so several processes (web, workers) can read and write it at once. Thread-safe.
    """

    def __init__(
        self, path: str | os.PathLike[str] | None, *, memory_items: int = 4096, timeout: float = 10.0
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.memory_items = memory_items
        self.timeout = timeout
        self._memory: OrderedDict[bytes, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._pid = 0

    @staticmethod
    def key(engine: str, version: str, text: str) -> bytes:
        """sha256 of the engine name, the model version and the text (NUL-separated, UTF-8)."""
        return hashlib.sha256("\x00".join((engine, version, text)).encode("utf-8")).digest()

    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, bytes]:
        """The stored vectors (float32 bytes) of those keys that are cached."""
        found: dict[bytes, bytes] = {}
        with self._lock:
            for key in keys:
                if key in self._memory:
                    self._memory.move_to_end(key)
                    found[key] = self._memory[key]
            missing = list(dict.fromkeys(key for key in keys if key not in found))
            if missing and self.path is not None:
                for key, blob in self._select(missing):
                    found[key] = blob
                    self._remember(key, blob)
        return found

    def put_many(self, items: Mapping[bytes, bytes]) -> None:
        """Store vectors (float32 bytes) by key; a key already stored keeps its vector."""
        if not items:
            return
        with self._lock:
            for key, blob in items.items():
                self._remember(key, blob)
            if self.path is not None:
                self._insert(items)

    def __len__(self) -> int:
        """Number of vectors in the file (in memory when there is no file)."""
        with self._lock:
            if self.path is None:
                return len(self._memory)
            return self._with_database(
                lambda db: int(db.execute("SELECT count(*) FROM embedding").fetchone()[0]), 0
            )

    def clear_memory(self) -> None:
        """Forget the in-process copies (the file keeps them)."""
        with self._lock:
            self._memory.clear()

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def _remember(self, key: bytes, blob: bytes) -> None:
        self._memory[key] = blob
        self._memory.move_to_end(key)
        while len(self._memory) > self.memory_items:
            self._memory.popitem(last=False)

    def _select(self, keys: list[bytes]) -> list[tuple[bytes, bytes]]:
        def select(db: sqlite3.Connection) -> list[tuple[bytes, bytes]]:
            rows: list[tuple[bytes, bytes]] = []
            for start in range(0, len(keys), _CHUNK):
                chunk = keys[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                query = f"SELECT key, vector FROM embedding WHERE key IN ({marks})"  # noqa: S608  (only ? marks)
                rows.extend(db.execute(query, chunk).fetchall())
            return rows

        return self._with_database(select, [])

    def _insert(self, items: Mapping[bytes, bytes]) -> None:
        def insert(db: sqlite3.Connection) -> None:
            # IMMEDIATE takes the write lock up front, so a busy database makes this wait (the busy
            # timeout) instead of failing half-way through the transaction.
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany("INSERT OR IGNORE INTO embedding (key, vector) VALUES (?, ?)", items.items())
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

        self._with_database(insert, None)

    def _with_database(self, action: Callable[[sqlite3.Connection], T], fallback: T) -> T:
        """``action`` on this process's connection; on an SQLite error, a warning and ``fallback``."""
        if self.path is None:
            return fallback
        try:
            return action(self._connect(self.path))
        except sqlite3.Error as error:
            log.warning("embedding cache %s unavailable (%s); computing without it", self.path, error)
            if self._connection is not None:
                with suppress(sqlite3.Error):
                    self._connection.close()
                self._connection = None
            return fallback

    def _connect(self, path: Path) -> sqlite3.Connection:
        # A connection must not cross a fork (gunicorn, task workers): a child opens its own.
        if self._connection is not None and self._pid == os.getpid():
            return self._connection
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(
            path, timeout=self.timeout, isolation_level=None, check_same_thread=False
        )
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute(_SCHEMA)
        except sqlite3.Error:
            connection.close()
            raise
        self._connection, self._pid = connection, os.getpid()
        return connection


class CachedEmbedder:
    """Wraps any ``Embedder`` so that only texts not yet in ``cache`` are computed (once each)."""

    def __init__(self, inner: Embedder, cache: EmbeddingCache) -> None:
        self.inner = inner
        self.cache = cache
        self.name = inner.name
        self.version = inner.version

    def embed(self, texts: Sequence[str]) -> Vectors:
        """The inner engine's rows, from the cache where present; new rows are stored."""
        keys = [self.cache.key(self.name, self.version, text) for text in texts]
        found = self.cache.get_many(keys)
        todo = {key: text for key, text in zip(keys, texts, strict=True) if key not in found}
        if todo:
            computed = self.inner.embed(list(todo.values()))
            fresh = {key: row.astype(np.float32).tobytes() for key, row in zip(todo, computed, strict=True)}
            self.cache.put_many(fresh)
            found.update(fresh)
        if not texts:
            return self.inner.embed([])
        return np.vstack([np.frombuffer(found[key], dtype=np.float32) for key in keys])


_caches: dict[Path, EmbeddingCache] = {}
_caches_lock = threading.Lock()


def open_cache(path: str | os.PathLike[str]) -> EmbeddingCache:
    """The process-wide cache of the file at ``path``: one LRU and one connection per file and process,
    however often a caller (a task, a request) asks for it."""
    resolved = Path(path).resolve()
    with _caches_lock:
        if resolved not in _caches:
            _caches[resolved] = EmbeddingCache(resolved)
        return _caches[resolved]
