"""The report's evidence: pass@1 intervals, stop reasons, public checks against the hidden verdict."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from bench_helpers import result_row

from rtlsmith.bench.evidence import evidence, pass_at_1_interval, public_agreement, stop_reasons, wilson
from rtlsmith.bench.metrics import compute
from rtlsmith.bench.report import html_report
from rtlsmith.bench.store import RunRecord


def test_wilson_bounds_solve_the_score_equation() -> None:
    # Wilson's bounds are the two p with (c/n - p)^2 = z^2 p (1 - p) / n.
    z, c, n = 1.959963984540054, 7, 40
    low, high = wilson(c, n)
    for p in (low, high):
        assert (c / n - p) ** 2 == pytest.approx(z * z * p * (1 - p) / n, rel=1e-9)
    assert low < c / n < high
    assert wilson(0, 10)[0] == 0.0 and wilson(10, 10)[1] == pytest.approx(1.0)


def test_one_sample_per_task_gives_wilson_more_give_a_reproducible_bootstrap() -> None:
    single = pass_at_1_interval({f"t{i}": (1, int(i < 7)) for i in range(40)})
    assert single.method == "wilson" and single.tasks == 40
    assert (single.low, single.high) == wilson(7, 40)
    counts = {f"t{i}": (4, i % 5) for i in range(30) if i % 5 <= 4}
    boot = pass_at_1_interval(counts)
    mean = sum(c / n for n, c in counts.values()) / len(counts)
    assert boot.method == "bootstrap" and boot.low < mean < boot.high
    assert pass_at_1_interval(counts) == boot  # fixed seed: the same report every time
    assert pass_at_1_interval({}).method == "none"


def test_stop_reasons_count_samples_and_hidden_passes() -> None:
    rows = [
        result_row("a", 0, True),
        replace(result_row("b", 0, False), stop_reason="no_checks"),
        replace(result_row("c", 0, True), stop_reason="no_checks", iterations=3),
        result_row("d", 0, False),
        result_row("e", 0, False),
    ]
    got = {s.reason: (s.samples, s.passed, s.mean_iterations) for s in stop_reasons(rows)}
    assert got == {"passed": (1, 1, 1.0), "no_checks": (2, 1, 2.0), "max_iterations": (2, 0, 1.0)}
    assert stop_reasons(rows)[0].samples == 2


def test_public_checks_against_the_hidden_verdict() -> None:
    rows = [
        replace(result_row("a", 0, True), passed_public=True),
        replace(result_row("b", 0, False), passed_public=True),  # misled by its own checks
        replace(result_row("c", 0, False), passed_public=False),
        replace(result_row("d", 0, True), passed_public=None),
    ]
    p = public_agreement(rows)
    assert (p.both, p.public_only, p.hidden_only, p.neither, p.unknown) == (1, 1, 0, 1, 1)
    assert p.precision == pytest.approx(0.5) and p.agreement == pytest.approx(2 / 3)


def test_html_report_shows_the_interval_stop_reasons_and_trace_links(tmp_path: Path) -> None:
    trace = tmp_path / "bench-traces" / "r" / "a-s0" / "trace.jsonl"
    rows = [
        replace(result_row("a", 0, True), passed_public=True, trace_path=str(trace)),
        replace(result_row("b", 0, False), passed_public=True),
    ]
    fields = {f: "" for f in RunRecord.__dataclass_fields__}
    fields.update(
        run_id="r", mode="honest", model_settings={}, agent_config={}, judge={}, tool_versions={},
        identity={}, seed_base=0,
    )  # fmt: skip
    run = RunRecord(**fields)  # type: ignore[arg-type]
    m = compute(rows, {"a": ("h", ()), "b": ("h", ())}, (1,))
    html = html_report(run, m, [], ev=evidence(rows), base=tmp_path)
    assert "pass@1 95% CI" in html and "Wilson over 2 tasks" in html
    assert "<th>stop reason</th>" in html and "max_iterations" in html
    assert "1 of 2 public passes also passed the hidden checks" in html
    assert "href='bench-traces/r/a-s0/trace.jsonl'" in html
    assert not re.search(r"\bnan\b", html, re.IGNORECASE)
