"""The bench: run an agent over a suite, resumably and in parallel, and report what its designs achieve.

`rtlsmith bench` runs; `rtlsmith runs`, `rtlsmith report` and `rtlsmith compare` read the results back.

Owns: running a bench (`runner`, `worker`, `executors`), the per-sample agent contract (`agents`), the SQLite
store (`store`), metrics, the HTML report and exports; all of it returns data. Its commands and terminal
tables are `rtlsmith.cli` (`bench`, `stored`, `export`, `tables`); nothing here imports click or rich.
May import: every domain package below it (`agent` through its registry, `run_agent` and its records in
`agent.record`, `llm`, `suites`, `scoring`, `formal`, `tools`, `simulators`, `task`).
"""

from rtlsmith.bench.agents import AgentOutcome, BenchAgent, SampleRef
from rtlsmith.bench.config import AssertionSettings, BenchConfig, FormalSettings, JudgeSettings, PpaSettings
from rtlsmith.bench.leaderboard import check_leaderboard, leaderboard_record
from rtlsmith.bench.metrics import Comparison, RunMetrics, compare, compute
from rtlsmith.bench.runner import BenchOutcome, BenchRequest, run_bench
from rtlsmith.bench.store import DEFAULT_DB, BenchStore, ResultRow, RunRecord

__all__ = [
    "DEFAULT_DB",
    "AgentOutcome",
    "AssertionSettings",
    "BenchAgent",
    "BenchConfig",
    "BenchOutcome",
    "BenchRequest",
    "BenchStore",
    "Comparison",
    "FormalSettings",
    "JudgeSettings",
    "PpaSettings",
    "ResultRow",
    "RunMetrics",
    "RunRecord",
    "SampleRef",
    "check_leaderboard",
    "compare",
    "compute",
    "leaderboard_record",
    "run_bench",
]
