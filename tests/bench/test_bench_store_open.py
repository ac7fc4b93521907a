"""Opening one new bench database from several processes or threads at once (benches started together)."""

from __future__ import annotations

import threading
from pathlib import Path

from rtlsmith.bench.store import BenchStore


def test_benches_opening_one_new_database_at_once_all_get_it(tmp_path: Path) -> None:
    # Switching a new database to WAL takes an exclusive lock that SQLite's busy timeout does not wait for;
    # before the retry, about one round in fifty had an opener fail with "database is locked".
    errors: list[str] = []

    def open_store(path: Path) -> None:
        try:
            with BenchStore(path) as store:
                store.runs()
        except Exception as exc:  # the test reports every failure, whatever its type
            errors.append(f"{type(exc).__name__}: {exc}")

    for round_ in range(150):
        path = tmp_path / f"race{round_}.sqlite"
        openers = [threading.Thread(target=open_store, args=(path,)) for _ in range(4)]
        for t in openers:
            t.start()
        for t in openers:
            t.join()
    assert errors == []
