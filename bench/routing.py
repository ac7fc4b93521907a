"""Routing measured on stored runs: RouteLLM's APGR and CPT for every router, per weak/strong pair, on the
seeded VerilogEval v2 subset and the bundled suite. Prints the tables the README shows; calls no model.

    python bench/routing.py [--db .rtlsmith/designer.sqlite --db .rtlsmith/routing.sqlite]
                            [--tasks 40] [--task-seed 1] [--html-dir DIR]

The runs are the latest stored ones of each (suite, agent, model): Qwen2.5-Coder-1.5B one-shot and hybrid from
`bench/designer.py`, and the cheap tiers (symbolic, SmolLM2 one-shot) recorded with

    rtlsmith bench --suite SUITE [--sample-tasks 40 --task-seed 1] --agent symbolic \\
        --db .rtlsmith/routing.sqlite
    rtlsmith bench --suite SUITE [--sample-tasks 40 --task-seed 1] --agent oneshot --model embedded:smollm2 \\
        --db .rtlsmith/routing.sqlite

The databases are read from snapshots (SQLite backups), so a bench still writing to one is not disturbed.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import tempfile
from pathlib import Path

from rtlsmith.errors import RtlsmithError
from rtlsmith.routing.evaluate import Evaluation, RouterResult, evaluate
from rtlsmith.routing.features import load_public
from rtlsmith.routing.outcomes import CostKind, OutcomeTable, load_table
from rtlsmith.suites import data_dir

_REPO = Path(__file__).resolve().parents[1]

# (label, weak, mids, strong) as (agent, model id suffix); the pairs the README reports.
PAIRS = [
    ("Qwen one-shot -> Qwen hybrid", ("oneshot", "qwen2.5-coder-1.5b"), [], ("hybrid", "qwen2.5-coder-1.5b")),
    (
        "symbolic -> Qwen one-shot -> Qwen hybrid",
        ("symbolic", ""),
        [("oneshot", "qwen2.5-coder-1.5b")],
        ("hybrid", "qwen2.5-coder-1.5b"),
    ),
    ("SmolLM2 one-shot -> Qwen hybrid", ("oneshot", "smollm2"), [], ("hybrid", "qwen2.5-coder-1.5b")),
    ("Qwen one-shot -> Qwen smith", ("oneshot", "qwen2.5-coder-1.5b"), [], ("smith", "qwen2.5-coder-1.5b")),
]
SHOWN = ("random", "oracle", "logistic", "boosting", "cascade")  # and the plain bandits; windows: --html-dir
COSTS: tuple[CostKind, ...] = ("tokens", "seconds")
BANDITS = ("epsilon-greedy", "ucb1", "thompson", "exp3")


def snapshot(paths: list[Path], into: Path) -> list[Path]:
    out = []
    for i, p in enumerate(paths):
        if not p.is_file():
            continue
        copy = into / f"{i}-{p.name}"
        with sqlite3.connect(f"file:{p}?mode=ro", uri=True) as src, sqlite3.connect(copy) as dst:
            src.backup(dst)
        out.append(copy)
    return out


def find(
    dbs: list[Path], suite_spec: str, tasks: dict[str, int] | None, agent: str, model: str
) -> str | None:
    """The latest run of (suite, task selection, agent, model) across the databases."""
    best: tuple[str, str] | None = None
    for db in dbs:
        with sqlite3.connect(db) as conn:
            rows = conn.execute(
                "SELECT created, run_id, model_id, identity_json FROM runs "
                "WHERE suite_spec = ? AND agent_name = ?",
                (suite_spec, agent),
            ).fetchall()
        for created, run_id, model_id, identity in rows:
            if json.loads(identity).get("tasks") != tasks:
                continue
            if (not model or str(model_id).endswith(model)) and (best is None or created > best[0]):
                best = (created, run_id)
    return best[1] if best else None


def _f(v: float | None, pct: bool = False) -> str:
    if v is None:
        return "n/r" if pct else "n/a"
    return f"{100 * v:.0f}%" if pct else f"{v:.2f}"


def rows(by_cost: dict[CostKind, Evaluation]) -> list[str]:
    tok, sec = by_cost["tokens"], by_cost["seconds"]
    out = []
    for r_tok, r_sec in zip(tok.results, sec.results, strict=True):
        if not (r_tok.name.startswith(SHOWN) or r_tok.name in BANDITS):
            continue
        out.append(_row(r_tok, r_sec))
    return out


def _row(r: RouterResult, s: RouterResult) -> str:
    return (
        f"| {r.name} | {_f(r.share.apgr)} | {_f(r.share.cpt50, True)} | {_f(r.share.cpt80, True)} "
        f"| {_f(r.cost.apgr)} | {_f(r.cost.cpt80, True)} | {_f(s.cost.apgr)} | {_f(s.cost.cpt80, True)} |"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = [_REPO / ".rtlsmith" / "designer.sqlite", _REPO / ".rtlsmith" / "routing.sqlite"]
    ap.add_argument("--db", type=Path, action="append", help="bench database (repeatable)")
    ap.add_argument("--tasks", type=int, default=40)
    ap.add_argument("--task-seed", type=int, default=1)
    ap.add_argument("--min-tasks", type=int, default=20, help="skip a pair with fewer tasks in common")
    ap.add_argument("--html-dir", type=Path, help="also write one HTML report per pair here")
    args = ap.parse_args()
    # suite name -> (suite spec, task selection recorded in the run's identity)
    suites: dict[str, tuple[str, dict[str, int] | None]] = {}
    v2 = data_dir("verilog-eval-v2", _REPO)
    if v2 is not None:
        v2_spec = f"verilog-eval-v2:{(v2 / 'dataset_spec-to-rtl').resolve()}"
        suites["VerilogEval v2 (seeded subset)"] = (v2_spec, {"sample": args.tasks, "seed": args.task_seed})
    suites["bundled"] = ("bundled", None)
    with tempfile.TemporaryDirectory() as tmp:
        dbs = snapshot(args.db or default, Path(tmp))
        for suite_name, (spec, selection) in suites.items():
            for label, weak, mids, strong in PAIRS:
                refs = [find(dbs, spec, selection, *tier) for tier in (weak, *mids, strong)]
                print(f"\n### {suite_name}: {label}\n")
                if any(r is None for r in refs):
                    print("not measured: no stored run of every tier")
                    continue
                try:
                    table = load_table(dbs, [r for r in refs if r is not None])
                except RtlsmithError as exc:
                    print(f"not measured: {exc}")
                    continue
                if len(table.tasks) < args.min_tasks:
                    print(f"not measured: {len(table.tasks)} tasks in common (a run still being written?)")
                    continue
                ev = report_pair(table)
                if ev is not None and args.html_dir:
                    from rtlsmith.routing.html import render_html

                    args.html_dir.mkdir(parents=True, exist_ok=True)
                    slug = f"{suite_name.split()[0]}-{label}".lower().replace(" ", "").replace("->", "_to_")
                    (args.html_dir / f"{slug}.html").write_text(render_html(ev))


def report_pair(table: OutcomeTable) -> Evaluation | None:
    """Print one pair's table; returns the token-cost evaluation (None when the gap is too small)."""
    public, features = load_public(table)
    names = table.names
    by_cost = {
        cost: evaluate(table, names[0], names[-1], public=public, features=features, cost_kind=cost)
        for cost in COSTS
    }
    ev = by_cost["tokens"]
    gap = ev.strong_rate - ev.weak_rate
    mid = "; mid " + ", ".join(names[1:-1]) if len(names) > 2 else ""
    print(
        f"{ev.tasks} tasks; weak {names[0]} {ev.weak_rate:.1%}, "
        f"strong {names[-1]} {ev.strong_rate:.1%} (gap {100 * gap:.1f} points){mid}"
    )
    if gap < 0.10:
        print("\nno table: the gap is under 10 points, too small for APGR to mean anything")
        return None
    print(
        "\n| router | APGR (calls) | CPT50 (calls) | CPT80 (calls) | APGR (tokens) | CPT80 (tokens) "
        "| APGR (seconds) | CPT80 (seconds) |\n|---|---|---|---|---|---|---|---|"
    )
    print("\n".join(rows(by_cost)))
    return ev


if __name__ == "__main__":
    main()
