"""`rtlsmith route eval`: replay stored runs through every router and report RouteLLM's metrics."""

from __future__ import annotations

import json
from pathlib import Path

import click

from rtlsmith.errors import UsageError
from rtlsmith.routing.evaluate import Evaluation, evaluate
from rtlsmith.routing.features import load_public
from rtlsmith.routing.outcomes import COST_KINDS, CostKind, load_table
from rtlsmith.routing.trained import TRAINED_KINDS


@click.group("route")
def route_cmd() -> None:
    """Route tasks between tiers (stored runs) of different cost, and measure the routers.

    \b
    Example:
      rtlsmith route eval --weak ONESHOT_RUN --strong HYBRID_RUN --db runs.sqlite --html routing.html
    """


def _prices(items: tuple[str, ...]) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in items:
        model, sep, value = item.partition("=")
        try:
            out[model] = float(value)
        except ValueError:
            sep = ""
        if not sep:
            raise UsageError(f"--price takes MODEL_ID=USD_PER_MILLION_TOKENS, not {item!r}")
    return out


def _pct(v: float | None) -> str:
    return "n/r" if v is None else f"{100 * v:.0f}%"


def _num(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.2f}"


def render_table(ev: Evaluation) -> str:
    """The evaluation as a Markdown table (one row per router)."""
    lines = [
        f"weak {ev.weak}: {ev.weak_rate:.1%}, strong {ev.strong}: {ev.strong_rate:.1%}, {ev.tasks} tasks; "
        f"cost = {ev.cost_kind}",
        "",
        "| router | APGR (calls) | CPT50 (calls) | CPT80 (calls) | APGR (cost) | CPT50 (cost) | CPT80 (cost) "
        "| point: strong calls, cost, pass | APGR range | regret |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in ev.results:
        point = "" if r.point is None else f"{r.point[0]:.0%}, {r.point[1]:.2f}, {r.point[2]:.1%}"
        regret = "" if r.regret is None else f"{r.regret:.1f}"
        spread = "" if r.apgr_range is None else f"{r.apgr_range[0]:.2f}-{r.apgr_range[1]:.2f}"
        lines.append(
            f"| {r.name} | {_num(r.share.apgr)} | {_pct(r.share.cpt50)} | {_pct(r.share.cpt80)} "
            f"| {_num(r.cost.apgr)} | {_pct(r.cost.cpt50)} | {_pct(r.cost.cpt80)} | {point} | {spread} "
            f"| {regret} |"
        )
    lines += [f"\nnote: {n}" for n in ev.notes]
    return "\n".join(lines)


def as_json(ev: Evaluation) -> dict[str, object]:
    return {
        "weak": ev.weak, "strong": ev.strong, "tiers": ev.tiers, "cost": ev.cost_kind, "tasks": ev.tasks,
        "weak_rate": ev.weak_rate, "strong_rate": ev.strong_rate, "notes": ev.notes,
        "routers": [
            {
                "name": r.name, "family": r.family,
                "apgr_calls": r.share.apgr, "cpt50_calls": r.share.cpt50, "cpt80_calls": r.share.cpt80,
                "apgr_cost": r.cost.apgr, "cpt50_cost": r.cost.cpt50, "cpt80_cost": r.cost.cpt80,
                "point": r.point, "regret": r.regret, "apgr_range": r.apgr_range, "reasons": r.reasons,
                "calls_curve": [(p.x, p.quality) for p in r.share_curve],
                "cost_curve": [(p.x, p.quality) for p in r.cost_curve],
            }
            for r in ev.results
        ],
    }  # fmt: skip


@route_cmd.command("eval")
@click.option("--weak", required=True, help="Run id (or unique prefix) of the cheap tier.")
@click.option("--strong", required=True, help="Run id (or unique prefix) of the strong tier.")
@click.option("--mid", multiple=True, help="Run ids of tiers between them, cheapest first (repeatable).")
@click.option(
    "--db", "dbs", multiple=True, type=click.Path(path_type=Path, exists=True, dir_okay=False),
    default=[Path(".rtlsmith/bench.sqlite")], show_default=True,
    help="Bench databases to look runs up in (repeatable).",
)  # fmt: skip
@click.option("--cost", "cost_kind", type=click.Choice(COST_KINDS), default="tokens", show_default=True)
@click.option("--price", multiple=True, help="MODEL_ID=USD per million tokens, for --cost usd (repeatable).")
@click.option(
    "--folds", default=5, show_default=True, type=click.IntRange(2), help="Task folds for trained routers."
)
@click.option(
    "--repeats", default=5, show_default=True, type=click.IntRange(1), help="Fold assignments to average."
)
@click.option(
    "--seed", default=0, show_default=True, help="Seed of the folds and of the bandits' task orders."
)
@click.option(
    "--window", default=10, show_default=True, type=click.IntRange(1), help="Bandits' sliding window."
)
@click.option(
    "--html", "html_path", type=click.Path(path_type=Path, dir_okay=False), help="Write the charts here."
)
@click.option("--json", "json_out", is_flag=True, help="Print JSON instead of a table.")
@click.option(
    "--save-model", "save_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
    help="Also train a router on every task of these runs and write it here, for bench --router trained.",
)  # fmt: skip
@click.option("--save-kind", type=click.Choice(TRAINED_KINDS), default="logistic", show_default=True)
def eval_cmd(
    weak: str, strong: str, mid: tuple[str, ...], dbs: tuple[Path, ...], cost_kind: CostKind,
    price: tuple[str, ...], folds: int, repeats: int, seed: int, window: int, html_path: Path | None,
    json_out: bool, save_path: Path | None, save_kind: str,
) -> None:  # fmt: skip
    """Replay stored outcomes through every router: APGR, CPT(50%), CPT(80%), bandit regret.

    No model is called. Trained routers are evaluated on task folds disjoint from their training folds.

    \b
    Example:
      rtlsmith route eval --db runs.sqlite --weak RUN_A --strong RUN_B --cost seconds --html routing.html
    """
    table = load_table(list(dbs), [weak, *mid, strong], _prices(price))
    public, features = load_public(table)
    ev = evaluate(
        table, table.names[0], table.names[-1], public=public, features=features,
        cost_kind=cost_kind, folds=folds, repeats=repeats, seed=seed, bandit_window=window,
    )  # fmt: skip
    if save_path is not None:
        from rtlsmith.routing.trained import save_router

        if features is None:
            raise UsageError("--save-model needs the runs' suite, which cannot be loaded here")
        w, s = table.names[0], table.names[-1]
        labels = {t: int(table.get(t, s).passed > table.get(t, w).passed) for t in table.tasks}
        save_router(save_path, save_kind, features, labels, seed)
    if html_path is not None:
        from rtlsmith.routing.html import render_html

        html_path.write_text(render_html(ev))
    click.echo(json.dumps(as_json(ev), indent=2) if json_out else render_table(ev))
