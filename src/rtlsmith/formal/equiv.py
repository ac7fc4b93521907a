"""Formal equivalence of a candidate against a reference with Yosys `miter` + `sat`.

The check, in one sandboxed Yosys run per phase:

1. Read each design on its own (`read_verilog -sv; hierarchy -check; proc; flatten; memory`), rename its top
   `gold` (reference) or `gate` (candidate) and stash it, so helper modules of the same name cannot clash.
   Each netlist is also written as JSON: ports (the interface check), clocks and edges, latches, and
   whether the reference has constant `x` (don't-cares).
2. `miter -equiv -flatten -make_outputs gold gate miter`; flip-flops and latches are made importable with
   `async2sync` (one clock domain, one time step per clock cycle) or `clk2fflogic` (mixed edges or several
   clocks; a time step is half a clock period). `opt_merge` then folds the logic both designs share, and
   `sat` imports only the input cone of `trigger`.
3. `sat -verify -tempinduct -prove trigger 0 -set-init-zero -seq S -maxsteps N`: temporal induction. Its base
   case is bounded model checking, so when induction does not close within `depth` the run still says how
   many steps are free of differences; a second run (`-tempinduct-baseonly`) goes on to `bmc_depth`.
   `x` handling: without don't-cares in the reference, the candidate's constant `x` become free values
   (`setundef -anyseq`), so an `x` output is a mismatch wherever the reference is defined. When the
   reference has `x`, `sat` models undefined values and compares each output with `-prove-x` (an `x` in
   the reference matches anything): VerilogEval's `ref === (ref ^ dut ^ ref)`. `miter -ignore_gold_x` is
   never used.
   When induction neither closes nor finds a difference (state the outputs do not show: memories, FIFOs,
   wide counters), two proofs may still upgrade the result to PROVEN; neither ever reports a difference,
   so bounded model checking follows when both fail. First the structural proof (`ys.structural_script`,
   method "equiv_induct"): Yosys `equiv_make` pairs the signals of the same name in the two netlists,
   `equiv_struct` pairs cells that match structurally (renamed registers), `equiv_simple` / `equiv_induct`
   prove every pair by induction and a bounded check from power-up gives the base case. It reads the
   reference's `x` as 0 (stricter) and first shows the candidate's `x` irrelevant. Where that is what
   stops it (a candidate whose `x` reach its outputs, as a reference's don't-cares do) and every register
   of both designs pairs up by name and width, the registers are proven equal by induction without x
   modelling and then every output from any state where they are equal, with x modelling (method
   "induction_split", `ys.register_split_script`); where the registers do not all pair up, `sat`
   induction is run again with the registers of the same name as extra equalities (method
   "induction_regs"), keeping the `x` modelling of step 3.
4. A counterexample is replayed in Icarus with a generated testbench. One that simulation does not
   reproduce is looked at again with registers powering up as `x` (`-set-init-undef`, `-prove-x`), as a
   simulator starts them; if that finds nothing either, the result is INCONCLUSIVE, never COUNTEREXAMPLE.

Assumptions, listed in every result: registers power up at zero (`-set-init-zero`; a declared initial value
is kept) unless the x power-up retry says otherwise; a reset input (by name, or the `reset` argument) is
held active in the first cycle and the first `S` steps are not compared; in cycle mode a time step is one
cycle of the single clock. A PROVEN candidate must also compile in Icarus (Yosys reads some illegal Verilog,
e.g. a procedural assignment to a wire, and would prove its own reading of it); if it does not (and the
reference does), the result is an ERROR at stage "candidate".

The parts: `netlist` (what step 1's JSON says, and the set-up it decides), `plan` (a run's set-up, the
time budgets, the assumptions in words), `phase` and `satlog` (one Yosys run and reading its log),
`proofs` (step 3 after the first induction run: the fallback proofs and bounded model checking),
`context` (what the stages share; a run made into a result, step 4 included) and `replay` (Icarus).
This module is the entry point: the first induction runs (set up from a guess, then from the netlists)
and the x power-up retry of step 4.
"""

from __future__ import annotations

import re
import time
from dataclasses import replace
from typing import Any

from rtlsmith.errors import ToolNotFoundError
from rtlsmith.formal.context import EquivalenceContext
from rtlsmith.formal.netlist import DesignInfo, choose_mode, design_info, find_reset, interface_difference
from rtlsmith.formal.phase import PhaseRun
from rtlsmith.formal.plan import (
    CANDIDATE_FILE,
    REFERENCE_FILE,
    STRUCTURAL_RESERVE,
    RunConfig,
    equivalence_plan,
)
from rtlsmith.formal.proofs import evaluate
from rtlsmith.formal.replay import replay_in_simulator, replay_sources
from rtlsmith.formal.result import EquivalenceResult, Outcome
from rtlsmith.formal.satlog import SatLog
from rtlsmith.task import Interface, Port
from rtlsmith.tools import yosys as ys
from rtlsmith.tools.screen import screen
from rtlsmith.tools.toolchain import require, versions

_X_LITERAL = re.compile(r"'[sS]?[bBoOhHdD]?\s*[0-9a-fA-F_]*[xX]")
_PORT_DECL = re.compile(r"\b(input|output|inout)\b([^;()]*?)\b([A-Za-z_][A-Za-z0-9_$]*)\s*(?=[,;)\n]|$)")


def check_equivalence(
    reference: str,
    candidate: str,
    *,
    ref_top: str = "RefModule",
    cand_top: str = "TopModule",
    depth: int = 20,
    timeout_s: float = 10,
    isolate: bool = True,
    bmc_depth: int | None = None,
    reset: str | None = "auto",
    mode: str = "auto",
    undef: str = "auto",
    share: bool = True,
    confirm: bool = True,
    structural: bool = True,
    compile_check: bool = True,
    memory_mb: int = 4096,
    assume: str | None = None,
) -> EquivalenceResult:
    """Prove `candidate` (top `cand_top`) equivalent to `reference` (top `ref_top`), or find an input
    sequence that tells them apart. Never raises for a bad design: that is an ERROR outcome.

    depth: the longest induction tried. bmc_depth: how far bounded model checking goes when induction does
    not close (default 2 * depth). timeout_s: the wall-clock budget of the whole check (Yosys phases and the
    Icarus replay). reset: "auto" finds a reset input by name, None forces none, or a port name.
    mode: "auto", "cycle" or "step" (see the module docstring). undef: "auto" models x (`-prove-x`) when
    the reference has x constants, "model" always, "free" never (the candidate's x become free values).
    share: merge common logic before SAT (`opt_merge`). confirm: replay counterexamples in Icarus.
    structural: when induction on the outputs neither closes nor finds a difference, try a proof over
    matched internal signals (`ys.structural_script`: Yosys equiv_make / equiv_struct / equiv_induct); it can
    only turn INCONCLUSIVE into PROVEN (method "equiv_induct"), never give a counterexample.
    compile_check: a candidate is PROVEN only if Icarus Verilog also compiles it (Yosys accepts some
    illegal Verilog, e.g. a procedural assignment to a wire or a signal declared twice, so its reading of
    such a text proves nothing about the design a simulator rejects); an ERROR at stage "candidate" if not.
    assume: a Verilog expression over the reference's inputs that holds in every time step (e.g.
    `$onehot(state)` where a spec says the state input is one-hot): it goes into the reference as
    `always @* assume (...)` and `sat` honours it (`-set-assumes`); inputs that break it are never
    compared. The structural proof does not use it (it proves for every input, which is stricter).
    """

    start = time.monotonic()
    deadline = start + timeout_s
    bmc_depth = bmc_depth if bmc_depth is not None else 2 * depth
    base: dict[str, Any] = {"tool_versions": versions(("yosys", "iverilog", "bwrap"))}

    def error(stage: str, message: str) -> EquivalenceResult:
        wall_s = time.monotonic() - start
        return EquivalenceResult(Outcome.ERROR, message=message, error_stage=stage, wall_s=wall_s, **base)

    if mode not in ("auto", "cycle", "step"):
        raise ValueError(f"mode must be 'auto', 'cycle' or 'step', not {mode!r}")
    if undef not in ("auto", "model", "free"):
        raise ValueError(f"undef must be 'auto', 'model' or 'free', not {undef!r}")
    if depth < 1:
        raise ValueError("depth must be at least 1")
    refusals = screen(candidate)
    if refusals:
        return error("candidate", "\n".join(r.message() for r in refusals))
    try:
        require("yosys")
    except ToolNotFoundError as exc:
        return error("tool", str(exc))

    assumed = reference
    if assume is not None:
        try:
            assumed = with_assumption(reference, ref_top, assume)
        except ValueError as exc:
            return error("assume", str(exc))
    ref_text, ref_notes = ys.frontend_text(assumed)
    if assume is not None:
        note = f"inputs satisfy `{assume.strip()}` in every time step (assumed, not checked)"
        ref_notes = [*ref_notes, note]
    cand_text, cand_notes = ys.frontend_text(candidate)
    ctx = EquivalenceContext(
        reference=reference,
        candidate=candidate,
        ref_top=ref_top,
        cand_top=cand_top,
        files={REFERENCE_FILE: ref_text, CANDIDATE_FILE: cand_text},
        rewrites=list(dict.fromkeys(ref_notes + cand_notes)),
        start=start,
        timeout_s=timeout_s,
        base=base,
        depth=depth,
        bmc_depth=bmc_depth,
        isolate=isolate,
        share=share,
        confirm=confirm,
        structural=structural,
        compile_check=compile_check,
        memory_mb=memory_mb,
    )

    def wanted(gold: DesignInfo, gate: DesignInfo) -> RunConfig:
        names = {p.name for p in gold.ports if p.direction == "input"}
        run_mode, clock, edge = choose_mode([gold, gate], names)
        if mode != "auto":
            run_mode = mode
        model_x = undef == "model" or (undef == "auto" and gold.has_x)
        outputs = tuple(p.name for p in gold.ports if p.direction == "output") if model_x else None
        found_reset = find_reset(list(gold.ports), reset)
        return RunConfig(run_mode, clock, edge, found_reset, outputs, assumes=assume is not None)

    # Phase 1: induction. The first run guesses its set-up from the reference text (cycle mode, clock and
    # reset by name, x modelling if the text has x literals); the netlists it writes decide, and a wrong
    # guess is run again.
    guess = _ports_guess(reference, ref_top)
    guess_x = undef == "model" or (undef == "auto" and bool(_X_LITERAL.search(_strip_comments(reference))))
    guess_outputs = tuple(p.name for p in guess if p.direction == "output")
    cfg = RunConfig(
        "cycle" if mode == "auto" else mode,
        _clock_guess(guess),
        "posedge",
        find_reset(guess, reset),
        guess_outputs if guess_x and guess_outputs else None,
        assumes=assume is not None,
    )
    # Time kept back from induction on the outputs for the fallback proofs (see STRUCTURAL_RESERVE).
    reserve = STRUCTURAL_RESERVE * timeout_s if structural else 0.0
    for attempt in range(3):
        budget = max(0.5, (deadline - reserve - time.monotonic()) * 0.6)
        current = ctx.run(cfg, budget, max_steps=depth)
        ctx.runs.append(current)
        gold, gate = current.infos
        if gold is None or gate is None or interface_difference(gold, gate):
            break
        want = wanted(gold, gate)
        if want.script_key() == cfg.script_key():
            cfg = want  # same script; the clock and edge the replay needs may be better known now
            break
        if attempt == 2:
            break
        cfg = want
    phase1: PhaseRun = ctx.runs[-1]
    ctx.gold, ctx.gate = phase1.infos

    result = evaluate(ctx, phase1, cfg)
    # A difference that exists only from the zero power-up state: simulation starts from x, so look again
    # with registers powering up as x and x in the reference as a don't-care, as a testbench sees them.
    gold = ctx.gold
    if (
        result.confirmed is False
        and cfg.init == "zero"
        and gold is not None
        and not ctx.combinational
        and deadline - time.monotonic() > 0.5
    ):
        outputs = tuple(p.name for p in gold.ports if p.direction == "output")
        cfg_x = replace(cfg, outputs=outputs, init="undef")
        retry = ctx.run(cfg_x, max(0.5, (deadline - time.monotonic()) * 0.6), max_steps=depth)
        ctx.runs.append(retry)
        second = evaluate(ctx, retry, cfg_x)
        note = f"with zero power-up: {result.message}"
        if second.outcome is not Outcome.ERROR:
            msg = f"{second.message}\n{note}" if second.message else note
            return replace(second, message=msg)
    return result


_ASSUME_FORBIDDEN = re.compile(
    r";|\bendmodule\b|\bmodule\b|//|/\*|`|\$(?!onehot0?\b|countones\b|bits\b|signed\b|unsigned\b)"
)


def assumption_expression(expr: str) -> str:
    """`expr` stripped, if it is one plain Verilog expression; ValueError otherwise (statements, comments,
    macros and system functions other than $onehot, $onehot0, $countones, $bits, $signed, $unsigned are
    refused)."""
    text = expr.strip()
    if not text or "\n" in text or _ASSUME_FORBIDDEN.search(text) or text.count("(") != text.count(")"):
        raise ValueError(
            f"the assumption must be one Verilog expression over the inputs, e.g. $onehot(state) or "
            f"(a != b); got {expr!r}"
        )
    return text


def with_assumption(source: str, top: str, expr: str) -> str:
    """`source` with `always @* assume (expr);` added at the end of module `top`. ValueError when `expr` is
    not one plain expression (`assumption_expression`) or `top` is not in `source`."""
    text = assumption_expression(expr)
    m = re.search(rf"\bmodule\s+{re.escape(top)}\b", source)
    end = source.find("endmodule", m.end()) if m else -1
    if m is None or end < 0:
        raise ValueError(f"module {top} not found in the reference, so the assumption has nowhere to go")
    return f"{source[:end]}  always @* assume ({text});\n{source[end:]}"


def _strip_comments(text: str) -> str:
    return re.sub(r"//[^\n]*|/\*.*?\*/", " ", text, flags=re.S)


def _ports_guess(source: str, top: str) -> list[Port]:
    """Port names from the module text (pyslang when it elaborates, else a scan): reset and clock guesses."""
    try:
        from rtlsmith.hdl import parse_interface

        return list(parse_interface(source, top).ports)
    except Exception:  # a guess only; Yosys' netlist decides later
        m = re.search(rf"\bmodule\s+{re.escape(top)}\b(.*?)\bendmodule\b", source, re.S)
        body = m.group(1) if m else source
        return [Port(name, "input" if d == "input" else "output") for d, _, name in _PORT_DECL.findall(body)]


def _clock_guess(ports: list[Port]) -> str | None:
    return Interface("guess", tuple(ports)).clock()


__all__ = [
    "DesignInfo",
    "SatLog",
    "check_equivalence",
    "design_info",
    "equivalence_plan",
    "find_reset",
    "interface_difference",
    "replay_in_simulator",
    "replay_sources",
]
