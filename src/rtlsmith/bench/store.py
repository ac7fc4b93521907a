"""The bench's SQLite store: one row per run, per task of a run, per session and per (task, sample) result.

Only the bench's main process writes, one transaction per result, in WAL mode: a reader (`rtlsmith runs`,
`rtlsmith report`) never blocks the writer, and a `kill -9` loses at most the items that were in flight.
`UNIQUE(run_id, task_id, sample_idx)` makes a result impossible to store twice, even by two benches on one
database at once (each writes under a busy timeout; the second to store a sample is ignored). So that two such
benches share the work instead of doing it twice (and writing the same trace directories), a bench claims
each item before it runs it and leaves items a live bench has claimed to that bench.

An item that produced no result (the model server failed, a tool could not start) is logged in `item_errors`
and not stored as a result, so the same command does it again.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import socket
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

from rtlsmith.agent.record import extend
from rtlsmith.bench.agents import AgentOutcome
from rtlsmith.errors import UsageError

DEFAULT_DB = ".rtlsmith/bench.sqlite"
Claim = Literal["claimed", "stored", "elsewhere"]
# (host, pid, when claimed) of another session's claim -> whether that bench is still running.
ClaimantAlive = Callable[[str, int, str], bool]
# 2: results.usage_json and results.formal_json; 3: results.ppa_json; 4: results.behaviour_hash;
# 5: results.assertions_json
# 6: results.route_json
SCHEMA_VERSION = 6

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id            TEXT PRIMARY KEY,
    created           TEXT NOT NULL,     -- UTC, ISO 8601
    command_line      TEXT NOT NULL,     -- the exact invocation that created the run
    config_hash       TEXT NOT NULL,     -- hash of identity_json
    identity_json     TEXT NOT NULL,     -- the settings that decide each sample's outcome
    suite_name        TEXT NOT NULL,
    suite_spec        TEXT NOT NULL,
    suite_hash        TEXT NOT NULL,
    model_id          TEXT NOT NULL,
    model_spec        TEXT NOT NULL,
    model_settings_json TEXT NOT NULL,
    agent_name        TEXT NOT NULL,
    agent_config_json TEXT NOT NULL,
    mode              TEXT NOT NULL CHECK (mode IN ('honest', 'oracle')),
    judge_json        TEXT NOT NULL,     -- simulator, limits, isolation
    tool_versions_json TEXT NOT NULL,
    rtlsmith_version  TEXT NOT NULL,
    seed_base         INTEGER NOT NULL,
    host_json         TEXT NOT NULL      -- python, platform, cpu count
);
CREATE TABLE IF NOT EXISTS run_tasks (
    run_id    TEXT NOT NULL REFERENCES runs(run_id),
    task_id   TEXT NOT NULL,
    task_hash TEXT NOT NULL,
    tags_json TEXT NOT NULL,
    PRIMARY KEY (run_id, task_id)
);
CREATE TABLE IF NOT EXISTS sessions (
    session_id   INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id       TEXT NOT NULL REFERENCES runs(run_id),
    started      TEXT NOT NULL,
    finished     TEXT,
    command_line TEXT NOT NULL,          -- this invocation (a resume may differ in -j, --samples, ...)
    executor     TEXT NOT NULL,
    jobs         INTEGER NOT NULL,
    planned      INTEGER NOT NULL,       -- items this session set out to do (already stored ones excluded)
    completed    INTEGER NOT NULL DEFAULT 0,
    errors       INTEGER NOT NULL DEFAULT 0,
    status       TEXT NOT NULL DEFAULT 'running'  -- running | done | interrupted | failed
);
CREATE TABLE IF NOT EXISTS results (
    run_id            TEXT NOT NULL REFERENCES runs(run_id),
    task_id           TEXT NOT NULL,
    sample_idx        INTEGER NOT NULL,
    session_id        INTEGER REFERENCES sessions(session_id),
    created           TEXT NOT NULL,
    task_hash         TEXT NOT NULL,
    prompt_hash       TEXT NOT NULL,     -- sha256 of the first messages the agent sent the model
    seed              INTEGER NOT NULL,
    model_id          TEXT NOT NULL,
    mode              TEXT NOT NULL,
    final_code        TEXT NOT NULL,
    code_hash         TEXT NOT NULL,
    passed            INTEGER NOT NULL,  -- the hidden checks' verdict
    failure_class     TEXT NOT NULL,
    mismatches        INTEGER,
    verdict_json      TEXT NOT NULL,     -- Verdict.record() without the full log
    judge_cached      INTEGER NOT NULL,
    judge_time_s      REAL NOT NULL,     -- simulator wall time of the hidden judgement
    passed_public     INTEGER,           -- what the agent believed from the checks it could run
    stop_reason       TEXT NOT NULL,
    checks_kind       TEXT NOT NULL,
    iterations        INTEGER NOT NULL,
    prompt_tokens     INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    cost_usd          REAL,              -- NULL when the model has no known price
    wall_s            REAL NOT NULL,     -- the agent's wall time
    model_time_s      REAL NOT NULL,
    tool_time_s       REAL NOT NULL,     -- the agent's own tool time (public checks), not the judge's
    trace_path        TEXT,
    usage_json        TEXT NOT NULL DEFAULT '[]',  -- per model: calls, tokens, cost (a cascade has several)
    formal_json       TEXT,              -- bench --formal: equivalence with the reference (NULL: not checked)
    ppa_json          TEXT,              -- bench --ppa: hardware cost, ratios to the reference (NULL: none)
    assertions_json   TEXT,              -- bench --assertions: properties, checked and graded (NULL: none)
    behaviour_hash    TEXT,              -- SCHEME:DIGEST of the outputs on shared stimulus (NULL: not taken)
    route_json        TEXT,              -- bench --router or a hybrid agent: which tier answered
    UNIQUE (run_id, task_id, sample_idx)
);
CREATE INDEX IF NOT EXISTS results_by_run ON results (run_id, task_id);
CREATE TABLE IF NOT EXISTS claims (       -- which session is running an item (added without a schema bump)
    run_id     TEXT NOT NULL,
    task_id    TEXT NOT NULL,
    sample_idx INTEGER NOT NULL,
    session_id INTEGER NOT NULL,
    host       TEXT NOT NULL,
    pid        INTEGER NOT NULL,
    claimed    TEXT NOT NULL,
    PRIMARY KEY (run_id, task_id, sample_idx)
);
CREATE TABLE IF NOT EXISTS item_errors (  -- added without a schema bump: older readers never look at it
    run_id     TEXT NOT NULL REFERENCES runs(run_id),
    session_id INTEGER REFERENCES sessions(session_id),
    task_id    TEXT NOT NULL,
    sample_idx INTEGER NOT NULL,
    created    TEXT NOT NULL,
    kind       TEXT NOT NULL,            -- infrastructure (model server, tools) | agent (the agent's own bug)
    message    TEXT NOT NULL
);
"""


def utc_now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class RunRecord:
    """The provenance of a run: what was run, how, with which tools."""

    run_id: str
    created: str
    command_line: str
    config_hash: str
    identity: dict[str, Any]
    suite_name: str
    suite_spec: str
    suite_hash: str
    model_id: str
    model_spec: str
    model_settings: dict[str, Any]
    agent_name: str
    agent_config: dict[str, Any]
    mode: str
    judge: dict[str, Any]
    tool_versions: dict[str, str]
    rtlsmith_version: str
    seed_base: int
    host: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class ResultRow(AgentOutcome):
    """One judged sample with its provenance: the agent's `AgentOutcome` extended with the sample's key and
    the hidden verdict (`judged`); built in a worker, stored by the main process. Its fields are the
    results table's columns (a dict field as its `_json` column)."""

    run_id: str
    task_id: str
    sample_idx: int
    task_hash: str
    seed: int
    mode: str
    code_hash: str
    passed: bool
    failure_class: str
    mismatches: int | None
    verdict: dict[str, Any]
    judge_cached: bool
    judge_time_s: float
    created: str = ""
    session_id: int | None = None
    # bench --formal: the equivalence check's record (outcome, label, method, depth, message, trace...);
    # None when the run did not ask for it or the task has no reference.
    formal: dict[str, Any] | None = None
    # bench --ppa: the design's and the reference's synthesis figures and their ratios (`CostComparison.
    # record()`); None when the run did not ask for it or the design did not pass.
    ppa: dict[str, Any] | None = None
    # `rtlsmith.bench.behaviour`: "SCHEME:DIGEST" of the design's outputs on the shared random stimulus,
    # written by the first export that needs it; None until then, or where it could not be taken.
    behaviour_hash: str | None = None
    # bench --assertions: the properties the model wrote, their statuses on the reference, the kill rate on
    # mutants, the Yosys used (`rtlsmith.bench.assertions_step`); None when the run did not ask for it.
    assertions: dict[str, Any] | None = None

    @classmethod
    def judged(cls, outcome: AgentOutcome, **judge: Any) -> ResultRow:
        """`outcome` extended with the sample's key and what the hidden checks said of it."""
        return extend(outcome, cls, **judge)


@dataclass(frozen=True)
class SessionRecord:
    session_id: int
    run_id: str
    started: str
    finished: str | None
    command_line: str
    executor: str
    jobs: int
    planned: int
    completed: int
    errors: int
    status: str


@dataclass(frozen=True)
class ItemErrorRecord:
    """A (task, sample) that a session tried and got no result for; the next session tries it again."""

    run_id: str
    session_id: int | None
    task_id: str
    sample_idx: int
    created: str
    kind: str
    message: str


_JSON_RUN_FIELDS = {
    "identity": "identity_json",
    "model_settings": "model_settings_json",
    "agent_config": "agent_config_json",
    "judge": "judge_json",
    "tool_versions": "tool_versions_json",
    "host": "host_json",
}
_JSON_RESULT_FIELDS = {
    "verdict": "verdict_json", "usage": "usage_json", "formal": "formal_json", "ppa": "ppa_json",
    "assertions": "assertions_json",
    "route": "route_json",
}  # fmt: skip
_RESULT_COLUMNS = [f.name for f in fields(ResultRow) if f.name not in _JSON_RESULT_FIELDS] + list(
    _JSON_RESULT_FIELDS.values()
)
# Columns later schemas added, with their declarations, for databases written by earlier ones.
_ADDED_RESULT_COLUMNS = {
    "usage_json": "TEXT NOT NULL DEFAULT '[]'",
    "formal_json": "TEXT",
    "ppa_json": "TEXT",
    "behaviour_hash": "TEXT",
    "assertions_json": "TEXT",
    "route_json": "TEXT",
}
_LIGHT_COLUMNS = [c for c in _RESULT_COLUMNS if c not in ("final_code", "verdict_json")]


def _retry_while_locked(step: Callable[[], object], *, seconds: float) -> None:
    """Run `step`, retrying while SQLite says the database is locked. Switching a new database to WAL needs
    an exclusive lock and SQLite does not wait for it under the busy timeout: two benches that start on the
    same new database at once would otherwise see `database is locked` from the second."""
    deadline = time.monotonic() + seconds
    pause = 0.02
    while True:
        try:
            step()
            return
        except sqlite3.OperationalError as exc:
            if ("locked" not in str(exc) and "busy" not in str(exc)) or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.5)


class BenchStore:
    """A bench database. Open one per process; it is not shared across threads."""

    def __init__(self, path: str | Path = DEFAULT_DB, *, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise UsageError(f"no bench database at {self.path}; run `rtlsmith bench` first or pass --db")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        _retry_while_locked(lambda: self._db.execute("PRAGMA journal_mode=WAL"), seconds=30.0)
        # NORMAL survives a killed process (the WAL is in the OS cache); only a power cut can lose a commit.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise UsageError(
                f"{self.path} was written by a newer rtlsmith (schema {version} > {SCHEMA_VERSION}); "
                "upgrade rtlsmith"
            )
        self._db.executescript(_SCHEMA)
        if version > 0:  # an existing database: add the columns newer schemas have, where missing
            have = self._columns("results")
            for column, decl in _ADDED_RESULT_COLUMNS.items():
                if column not in have:
                    self._db.execute(f"ALTER TABLE results ADD COLUMN {column} {decl}")
        self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def _columns(self, table: str) -> set[str]:
        return {str(r[1]) for r in self._db.execute(f"PRAGMA table_info({table})").fetchall()}

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> BenchStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception; waits up to the busy timeout for a
        concurrent writer (another bench on the same database)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # runs -----------------------------------------------------------------------------------------------

    def create_run(self, run: RunRecord, tasks: Iterable[tuple[str, str, tuple[str, ...]]]) -> None:
        """Store a new run and its tasks (id, hash, tags) in one transaction."""
        row = asdict(run)
        for key, col in _JSON_RUN_FIELDS.items():
            row[col] = json.dumps(row.pop(key), sort_keys=True, default=str)
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)

        with self._transaction():
            self._db.execute(f"INSERT INTO runs ({cols}) VALUES ({marks})", tuple(row.values()))
            self._add_tasks(run.run_id, tasks)

    def add_tasks(self, run_id: str, tasks: Iterable[tuple[str, str, tuple[str, ...]]]) -> None:
        """Record tasks a resumed run adds (a wider --tasks or --limit); known ones are left as they are."""
        with self._transaction():
            self._add_tasks(run_id, tasks)

    def _add_tasks(self, run_id: str, tasks: Iterable[tuple[str, str, tuple[str, ...]]]) -> None:
        self._db.executemany(
            "INSERT OR IGNORE INTO run_tasks (run_id, task_id, task_hash, tags_json) VALUES (?, ?, ?, ?)",
            [(run_id, tid, h, json.dumps(list(tags))) for tid, h, tags in tasks],
        )

    def get_run(self, run_id: str) -> RunRecord | None:
        row = self._db.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        return _run_from_row(row) if row else None

    def require_run(self, run_id: str) -> RunRecord:
        run = self.get_run(run_id)
        if run is not None:
            return run
        ids = [r.run_id for r in self.runs()]
        close = [i for i in ids if run_id.lower() in i.lower()]
        if len(close) == 1:
            found = self.get_run(close[0])
            assert found is not None
            return found
        hint = (
            f"; did you mean {', '.join(close[:5])}?" if close else "; `rtlsmith runs` lists the stored runs"
        )
        raise UsageError(f"no run {run_id!r} in {self.path}{hint}")

    def runs(self) -> list[RunRecord]:
        rows = self._db.execute("SELECT * FROM runs ORDER BY created, run_id").fetchall()
        return [_run_from_row(r) for r in rows]

    def run_tasks(self, run_id: str) -> dict[str, tuple[str, tuple[str, ...]]]:
        """{task_id: (task_hash, tags)} for every task the run set out to do."""
        rows = self._db.execute(
            "SELECT task_id, task_hash, tags_json FROM run_tasks WHERE run_id = ? ORDER BY task_id", (run_id,)
        ).fetchall()
        return {r["task_id"]: (r["task_hash"], tuple(json.loads(r["tags_json"]))) for r in rows}

    # sessions -------------------------------------------------------------------------------------------

    def start_session(self, run_id: str, command_line: str, executor: str, jobs: int, planned: int) -> int:
        with self._transaction():
            cur = self._db.execute(
                "INSERT INTO sessions (run_id, started, command_line, executor, jobs, planned) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (run_id, utc_now(), command_line, executor, jobs, planned),
            )
        return int(cur.lastrowid or 0)

    def finish_session(self, session_id: int, status: str, completed: int, errors: int) -> None:
        with self._transaction():
            self._db.execute(
                "UPDATE sessions SET finished = ?, status = ?, completed = ?, errors = ? "
                "WHERE session_id = ?",
                (utc_now(), status, completed, errors, session_id),
            )

    def sessions(self, run_id: str) -> list[SessionRecord]:
        rows = self._db.execute("SELECT * FROM sessions WHERE run_id = ? ORDER BY session_id", (run_id,))
        return [SessionRecord(**dict(r)) for r in rows.fetchall()]

    # results --------------------------------------------------------------------------------------------

    def done_keys(self, run_id: str) -> set[tuple[str, int]]:
        rows = self._db.execute("SELECT task_id, sample_idx FROM results WHERE run_id = ?", (run_id,))
        return {(r[0], int(r[1])) for r in rows.fetchall()}

    def claim(
        self, run_id: str, task_id: str, sample_idx: int, session_id: int, alive: ClaimantAlive
    ) -> Claim:
        """Claim an item for a session: "stored" if its result is already stored, "elsewhere" if another
        session claimed it and `alive(host, pid, claimed)` says that bench still runs, else "claimed" (a
        claim left by a killed bench is taken over)."""
        key = (run_id, task_id, sample_idx)
        with self._transaction():
            where = "run_id = ? AND task_id = ? AND sample_idx = ?"
            if self._db.execute(f"SELECT 1 FROM results WHERE {where}", key).fetchone():
                return "stored"
            row = self._db.execute(f"SELECT session_id, host, pid, claimed FROM claims WHERE {where}", key)
            other = row.fetchone()
            if (
                other is not None
                and other["session_id"] != session_id
                and alive(str(other["host"]), int(other["pid"]), str(other["claimed"]))
            ):
                return "elsewhere"
            self._db.execute(
                "INSERT OR REPLACE INTO claims (run_id, task_id, sample_idx, session_id, host, pid, claimed) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (*key, session_id, socket.gethostname(), os.getpid(), utc_now()),
            )
        return "claimed"

    def log_item_error(
        self, run_id: str, session_id: int | None, task_id: str, sample_idx: int, kind: str, message: str
    ) -> None:
        """Note that an item produced no result (it stays missing, so a later session redoes it)."""
        with self._transaction():
            self._db.execute(
                "INSERT INTO item_errors (run_id, session_id, task_id, sample_idx, created, kind, message) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (run_id, session_id, task_id, sample_idx, utc_now(), kind, message),
            )

    def item_errors(self, run_id: str) -> list[ItemErrorRecord]:
        """Every item error of a run's sessions, oldest first (including items redone since)."""
        rows = self._db.execute(
            "SELECT run_id, session_id, task_id, sample_idx, created, kind, message FROM item_errors "
            "WHERE run_id = ? ORDER BY rowid",
            (run_id,),
        )
        return [ItemErrorRecord(**dict(r)) for r in rows.fetchall()]

    def insert_result(self, row: ResultRow, session_id: int | None = None) -> bool:
        """Store one result in its own transaction; False if that (task, sample) was already stored."""
        values = asdict(row)
        for key, col in _JSON_RESULT_FIELDS.items():
            value = values.pop(key)
            values[col] = None if value is None else json.dumps(value, sort_keys=True, default=str)
        values["created"] = values["created"] or utc_now()
        values["session_id"] = session_id
        for key in ("passed", "judge_cached", "passed_public"):
            if values[key] is not None:
                values[key] = int(values[key])
        cols = ", ".join(_RESULT_COLUMNS)
        marks = ", ".join(f":{c}" for c in _RESULT_COLUMNS)

        with self._transaction():
            cur = self._db.execute(f"INSERT OR IGNORE INTO results ({cols}) VALUES ({marks})", values)
        return cur.rowcount == 1

    def set_behaviour_hashes(self, run_id: str, hashes: dict[tuple[str, int], str]) -> None:
        """Store behaviour hashes of a run's results, {(task_id, sample_idx): hash}, in one transaction."""
        if not hashes:
            return
        with self._transaction():
            self._db.executemany(
                "UPDATE results SET behaviour_hash = ? WHERE run_id = ? AND task_id = ? AND sample_idx = ?",
                [(h, run_id, task_id, idx) for (task_id, idx), h in hashes.items()],
            )

    def results(self, run_id: str, *, designs: bool = True) -> list[ResultRow]:
        """A run's results by task and sample; `designs=False` leaves out the final code and verdict record
        (metrics need neither), so summarising a large run stays small in memory."""
        return list(self.iter_results(run_id, designs=designs))

    def iter_results(self, run_id: str, *, designs: bool = True) -> Iterator[ResultRow]:
        cols = "*" if designs else ", ".join(_LIGHT_COLUMNS)
        cur = self._db.execute(
            f"SELECT {cols} FROM results WHERE run_id = ? ORDER BY task_id, sample_idx", (run_id,)
        )
        for r in cur:
            yield _result_from_row(r)

    def count_results(self, run_id: str) -> tuple[int, int]:
        """(stored samples, passed samples) of a run."""
        row = self._db.execute(
            "SELECT COUNT(*), COALESCE(SUM(passed), 0) FROM results WHERE run_id = ?", (run_id,)
        ).fetchone()
        return int(row[0]), int(row[1])


def _run_from_row(row: sqlite3.Row) -> RunRecord:
    d = dict(row)
    for key, col in _JSON_RUN_FIELDS.items():
        d[key] = json.loads(d.pop(col))
    return RunRecord(**d)


def _result_from_row(row: sqlite3.Row) -> ResultRow:
    d = dict(row)
    d["verdict"] = json.loads(d.pop("verdict_json", "{}"))
    d["usage"] = tuple(json.loads(d.pop("usage_json", None) or "[]"))
    formal = d.pop("formal_json", None)
    d["formal"] = json.loads(formal) if formal else None
    ppa = d.pop("ppa_json", None)
    d["ppa"] = json.loads(ppa) if ppa else None
    asserted = d.pop("assertions_json", None)
    d["assertions"] = json.loads(asserted) if asserted else None
    route = d.pop("route_json", None)
    d["route"] = json.loads(route) if route else None
    d.setdefault("final_code", "")
    d["passed"] = bool(d["passed"])
    d["judge_cached"] = bool(d["judge_cached"])
    if d["passed_public"] is not None:
        d["passed_public"] = bool(d["passed_public"])
    return ResultRow(**d)
