"""The emulator's state in SQLite: entity records, bindings between records, keyed items.

One connection, guarded by a lock: the server's event loop and a test thread (seeding,
``reset()``) may both touch it. Records are JSON documents so that any documented field
set fits; filters and ordering run in SQL through the JSON1 functions.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    family TEXT NOT NULL,
    scope INTEGER NOT NULL DEFAULT 0,
    id INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (family, scope, id)
);
CREATE TABLE IF NOT EXISTS counters (
    family TEXT NOT NULL,
    scope INTEGER NOT NULL DEFAULT 0,
    last_id INTEGER NOT NULL,
    PRIMARY KEY (family, scope)
);
CREATE TABLE IF NOT EXISTS bindings (
    kind TEXT NOT NULL,
    owner TEXT NOT NULL,
    key TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (kind, owner, key)
);
"""


class Store:
    def __init__(self, path: str = ":memory:") -> None:
        self.path = path
        self.lock = threading.RLock()
        self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        if path != ":memory:":
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(SCHEMA)

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    def reset(self) -> None:
        with self.lock:
            self.conn.executescript(
                "DELETE FROM records; DELETE FROM counters; DELETE FROM bindings;"
            )

    # -- records ------------------------------------------------------------

    def next_ids(self, family: str, scope: int, count: int = 1) -> int:
        """Reserve ``count`` ids; returns the first. Ids are never reused, as on a portal."""
        with self.lock:
            row = self.conn.execute(
                "SELECT last_id FROM counters WHERE family=? AND scope=?", (family, scope)
            ).fetchone()
            first = (row[0] if row else 0) + 1
            self.conn.execute(
                "INSERT INTO counters(family, scope, last_id) VALUES (?,?,?) "
                "ON CONFLICT(family, scope) DO UPDATE SET last_id=excluded.last_id",
                (family, scope, first + count - 1),
            )
            return first

    def insert(self, family: str, scope: int, data: dict[str, Any]) -> int:
        with self.lock:
            new_id = self.next_ids(family, scope)
            self.conn.execute(
                "INSERT INTO records(family, scope, id, data) VALUES (?,?,?,?)",
                (family, scope, new_id, json.dumps(data, ensure_ascii=False)),
            )
            return new_id

    def put(self, family: str, scope: int, rec_id: int, data: dict[str, Any]) -> None:
        """Write a record at a chosen id (fixtures that mirror the docs' examples)."""
        with self.lock:
            self.conn.execute(
                "INSERT OR REPLACE INTO records(family, scope, id, data) VALUES (?,?,?,?)",
                (family, scope, rec_id, json.dumps(data, ensure_ascii=False)),
            )
            self.conn.execute(
                "INSERT INTO counters(family, scope, last_id) VALUES (?,?,?) ON CONFLICT("
                "family, scope) DO UPDATE SET last_id=max(last_id, excluded.last_id)",
                (family, scope, rec_id),
            )

    def insert_many(self, family: str, scope: int, rows: Iterable[dict[str, Any]]) -> list[int]:
        rows = list(rows)
        with self.lock:
            first = self.next_ids(family, scope, len(rows))
            ids = list(range(first, first + len(rows)))
            self.conn.execute("BEGIN")
            self.conn.executemany(
                "INSERT INTO records(family, scope, id, data) VALUES (?,?,?,?)",
                [(family, scope, i, json.dumps(r, ensure_ascii=False)) for i, r in zip(ids, rows)],
            )
            self.conn.execute("COMMIT")
            return ids

    def get(self, family: str, scope: int, rec_id: int) -> dict[str, Any] | None:
        with self.lock:
            row = self.conn.execute(
                "SELECT data FROM records WHERE family=? AND scope=? AND id=?",
                (family, scope, rec_id),
            ).fetchone()
        return None if row is None else json.loads(row[0])

    def update(self, family: str, scope: int, rec_id: int, changes: dict[str, Any]) -> bool:
        with self.lock:
            current = self.get(family, scope, rec_id)
            if current is None:
                return False
            current.update(changes)
            self.conn.execute(
                "UPDATE records SET data=? WHERE family=? AND scope=? AND id=?",
                (json.dumps(current, ensure_ascii=False), family, scope, rec_id),
            )
            return True

    def delete(self, family: str, scope: int, rec_id: int) -> bool:
        with self.lock:
            cur = self.conn.execute(
                "DELETE FROM records WHERE family=? AND scope=? AND id=?",
                (family, scope, rec_id),
            )
            return cur.rowcount > 0

    def query(
        self,
        family: str,
        scope: int,
        where: str,
        args: list[Any],
        order: str,
        limit: int,
        offset: int,
        *,
        count: bool,
    ) -> tuple[list[tuple[int, dict[str, Any]]], int | None]:
        base = "FROM records WHERE family=? AND scope=?" + (f" AND ({where})" if where else "")
        head = [family, scope]
        with self.lock:
            rows = self.conn.execute(
                f"SELECT id, data {base} ORDER BY {order} LIMIT ? OFFSET ?",
                head + args + [limit, offset],
            ).fetchall()
            total = (
                self.conn.execute(f"SELECT COUNT(*) {base}", head + args).fetchone()[0]
                if count
                else None
            )
        return [(r[0], json.loads(r[1])) for r in rows], total

    def find_by(self, family: str, scope: int, name: str, value: str) -> int | None:
        """The id of the record whose field ``name`` holds ``value`` (records named by a code)."""
        path = '$."' + name.replace('"', '""') + '"'
        with self.lock:
            row = self.conn.execute(
                "SELECT id FROM records WHERE family=? AND scope=? AND "
                "CAST(json_extract(data, ?) AS TEXT)=? ORDER BY id LIMIT 1",
                (family, scope, path, value),
            ).fetchone()
        return None if row is None else int(row[0])

    def count(self, family: str, scope: int | None = None) -> int:
        q = "SELECT COUNT(*) FROM records WHERE family=?"
        a: list[Any] = [family]
        if scope is not None:
            q += " AND scope=?"
            a.append(scope)
        with self.lock:
            return self.conn.execute(q, a).fetchone()[0]

    # -- bindings and keyed items (crm.lead.contact.*, crm.activity.binding.*, badges) --

    def bind(self, kind: str, owner: str, key: str, data: dict[str, Any]) -> None:
        with self.lock:
            self.conn.execute(
                "INSERT INTO bindings(kind, owner, key, data) VALUES (?,?,?,?) "
                "ON CONFLICT(kind, owner, key) DO UPDATE SET data=excluded.data",
                (kind, owner, key, json.dumps(data, ensure_ascii=False)),
            )

    def unbind(self, kind: str, owner: str, key: str | None = None) -> int:
        with self.lock:
            if key is None:
                cur = self.conn.execute(
                    "DELETE FROM bindings WHERE kind=? AND owner=?", (kind, owner)
                )
            else:
                cur = self.conn.execute(
                    "DELETE FROM bindings WHERE kind=? AND owner=? AND key=?", (kind, owner, key)
                )
            return cur.rowcount

    def bindings(self, kind: str, owner: str) -> list[dict[str, Any]]:
        with self.lock:
            rows = self.conn.execute(
                "SELECT data FROM bindings WHERE kind=? AND owner=? ORDER BY rowid", (kind, owner)
            ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def binding(self, kind: str, owner: str, key: str) -> dict[str, Any] | None:
        with self.lock:
            row = self.conn.execute(
                "SELECT data FROM bindings WHERE kind=? AND owner=? AND key=?", (kind, owner, key)
            ).fetchone()
        return None if row is None else json.loads(row[0])

    def iter_families(self) -> Iterator[tuple[str, int, int]]:
        with self.lock:
            rows = self.conn.execute(
                "SELECT family, scope, COUNT(*) FROM records GROUP BY family, scope"
            ).fetchall()
        yield from rows
