"""What a researcher needs to defend a run's number: how sure pass@1 is, why the failed samples stopped, and
whether the checks the agent could see agreed with the benchmark's hidden verdict.

Everything here is computed from stored results, like `metrics`. The interval is over tasks (the unit a
benchmark samples): Wilson's score interval when each task has one sample, a percentile bootstrap over
tasks (resampling tasks, each with all its samples; fixed seed, so a report is reproducible) otherwise.
"""

from __future__ import annotations

import math
import random
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rtlsmith.bench.store import ResultRow

Z95 = 1.959963984540054
BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 20261205


@dataclass(frozen=True)
class Interval:
    """A 95% interval of a pass rate, and how it was made."""

    low: float
    high: float
    method: str  # "wilson" | "bootstrap" | "none"
    tasks: int

    def describe(self) -> str:
        if self.method == "none":
            return "no interval (no tasks)"
        how = "Wilson" if self.method == "wilson" else f"bootstrap, {BOOTSTRAP_RESAMPLES} resamples"
        return f"95% CI {100 * self.low:.1f}–{100 * self.high:.1f}% ({how} over {self.tasks} tasks)"


def wilson(passed: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson's score interval of `passed` successes in `n` trials (fractions); (nan, nan) for n = 0."""
    if n == 0:
        return (math.nan, math.nan)
    p = passed / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def pass_at_1_interval(counts: Mapping[str, tuple[int, int]]) -> Interval:
    """95% interval of pass@1 (the mean of per-task pass rates) from {task: (n, c)}."""
    rates = [c / n for n, c in counts.values() if n]
    if not rates:
        return Interval(math.nan, math.nan, "none", 0)
    if all(n == 1 for n, _ in counts.values()):
        low, high = wilson(sum(c for _, c in counts.values()), len(rates))
        return Interval(low, high, "wilson", len(rates))
    rng = random.Random(BOOTSTRAP_SEED)
    means = sorted(statistics.fmean(rng.choices(rates, k=len(rates))) for _ in range(BOOTSTRAP_RESAMPLES))
    low = means[int(0.025 * (BOOTSTRAP_RESAMPLES - 1))]
    high = means[math.ceil(0.975 * (BOOTSTRAP_RESAMPLES - 1))]
    return Interval(low, high, "bootstrap", len(rates))


@dataclass(frozen=True)
class StopReason:
    reason: str
    samples: int
    passed: int
    mean_iterations: float


def stop_reasons(results: Sequence[ResultRow]) -> list[StopReason]:
    """Why each sample's agent stopped (passed, max_iterations, no_checks, declined, ...), most common first,
    with how many of those samples passed the hidden checks anyway."""
    by_reason: dict[str, list[ResultRow]] = {}
    for r in results:
        by_reason.setdefault(r.stop_reason or "(none)", []).append(r)
    order = Counter({k: len(v) for k, v in by_reason.items()}).most_common()
    return [
        StopReason(
            reason,
            n,
            sum(1 for r in by_reason[reason] if r.passed),
            statistics.fmean(r.iterations for r in by_reason[reason]),
        )
        for reason, n in order
    ]


@dataclass(frozen=True)
class PublicAgreement:
    """The agent's belief (its final design passed the checks it could run) against the hidden verdict."""

    both: int  # public pass, hidden pass
    public_only: int  # public pass, hidden fail: the agent was misled
    hidden_only: int  # public fail, hidden pass
    neither: int
    unknown: int  # the agent ran no checks it could believe (no public checks, a decline)

    @property
    def known(self) -> int:
        return self.both + self.public_only + self.hidden_only + self.neither

    @property
    def agreement(self) -> float:
        """How often the public belief matched the hidden verdict."""
        return (self.both + self.neither) / self.known if self.known else math.nan

    @property
    def precision(self) -> float:
        """How often "passed the checks the agent could see" meant "passed the benchmark"."""
        claimed = self.both + self.public_only
        return self.both / claimed if claimed else math.nan


def public_agreement(results: Sequence[ResultRow]) -> PublicAgreement:
    tally: Counter[tuple[bool | None, bool]] = Counter((r.passed_public, bool(r.passed)) for r in results)
    return PublicAgreement(
        both=tally[(True, True)],
        public_only=tally[(True, False)],
        hidden_only=tally[(False, True)],
        neither=tally[(False, False)],
        unknown=tally[(None, True)] + tally[(None, False)],
    )


@dataclass(frozen=True)
class PerTaskEffort:
    """Means over the run's samples: agent iterations, tokens and agent seconds per sample."""

    iterations: float
    tokens: float
    seconds: float


def effort(results: Sequence[ResultRow]) -> PerTaskEffort:
    if not results:
        return PerTaskEffort(math.nan, math.nan, math.nan)
    return PerTaskEffort(
        statistics.fmean(r.iterations for r in results),
        statistics.fmean(r.tokens for r in results),
        statistics.fmean(r.wall_s for r in results),
    )


@dataclass(frozen=True)
class Evidence:
    interval: Interval
    stops: list[StopReason]
    public: PublicAgreement
    effort: PerTaskEffort
    traces: dict[str, list[tuple[int, str]]]  # task -> (sample index, trace path), for links


def evidence(results: Sequence[ResultRow]) -> Evidence:
    counts: dict[str, list[int]] = {}
    traces: dict[str, list[tuple[int, str]]] = {}
    for r in results:
        nc = counts.setdefault(r.task_id, [0, 0])
        nc[0] += 1
        nc[1] += int(bool(r.passed))
        if r.trace_path:
            traces.setdefault(r.task_id, []).append((r.sample_idx, r.trace_path))
    return Evidence(
        pass_at_1_interval({t: (n, c) for t, (n, c) in counts.items()}),
        stop_reasons(results),
        public_agreement(results),
        effort(results),
        {t: sorted(v) for t, v in traces.items()},
    )
