"""The store's SQLite database: schema, connection settings, transactions.

WAL mode with ``synchronous=FULL``: readers never block the writer, a committed transaction
survives a crash of the process (and of the machine), and an interrupted one leaves no trace.
Writers take the write lock up front (``BEGIN IMMEDIATE``) and wait up to ``busy_timeout`` for it.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Iterator

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS store_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS worlds(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    head INTEGER,
    redo TEXT NOT NULL DEFAULT '[]',
    next_num INTEGER NOT NULL DEFAULT 0,
    base_bytes INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS versions(
    id INTEGER PRIMARY KEY,
    world_id INTEGER NOT NULL REFERENCES worlds(id) ON DELETE CASCADE,
    num INTEGER NOT NULL,
    parent INTEGER REFERENCES versions(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    delta TEXT,
    delta_bytes INTEGER NOT NULL DEFAULT 0,
    snapshot TEXT,
    snapshot_bytes INTEGER NOT NULL DEFAULT 0,
    chain INTEGER NOT NULL DEFAULT 0,
    chain_bytes INTEGER NOT NULL DEFAULT 0,
    n_splats INTEGER NOT NULL,
    n_faces INTEGER NOT NULL,
    author TEXT NOT NULL,
    created TEXT NOT NULL,
    op TEXT,
    summary TEXT,
    preview TEXT,
    UNIQUE(world_id, num)
);
CREATE INDEX IF NOT EXISTS versions_parent ON versions(parent);
CREATE TABLE IF NOT EXISTS tags(
    world_id INTEGER NOT NULL REFERENCES worlds(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    version INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    author TEXT NOT NULL,
    created TEXT NOT NULL,
    PRIMARY KEY(world_id, name)
);
CREATE TABLE IF NOT EXISTS events(
    id INTEGER PRIMARY KEY,
    world_id INTEGER NOT NULL REFERENCES worlds(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    author TEXT NOT NULL,
    action TEXT NOT NULL,
    version INTEGER,
    detail TEXT
);
CREATE INDEX IF NOT EXISTS events_world ON events(world_id);
CREATE TABLE IF NOT EXISTS blobs(
    hash TEXT PRIMARY KEY,
    data BLOB NOT NULL
);
"""


def connect(path: Path, timeout_s: float = 60.0) -> sqlite3.Connection:
    con = sqlite3.connect(str(path), timeout=timeout_s, isolation_level=None, check_same_thread=False)
    con.row_factory = sqlite3.Row
    con.execute(f"PRAGMA busy_timeout={int(timeout_s * 1000)}")
    mode = con.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise RuntimeError(f"could not put {path} in WAL mode (got {mode})")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("PRAGMA foreign_keys=ON")
    with transaction(con):
        for stmt in SCHEMA.split(";"):
            if stmt.strip():
                con.execute(stmt)
        row = con.execute("SELECT value FROM store_meta WHERE key='schema_version'").fetchone()
        if row is None:
            con.execute("INSERT INTO store_meta(key, value) VALUES('schema_version', ?)", (str(SCHEMA_VERSION),))
        elif int(row[0]) > SCHEMA_VERSION:
            raise RuntimeError(f"store schema version {row[0]} is newer than this spatial supports ({SCHEMA_VERSION})")
    return con


@contextlib.contextmanager
def transaction(con: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` (``ROLLBACK`` on any exception)."""
    con.execute("BEGIN IMMEDIATE")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    else:
        con.execute("COMMIT")
