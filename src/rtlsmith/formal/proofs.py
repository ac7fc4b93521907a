"""The stages of an equivalence check after its first induction run (see `rtlsmith.formal.equiv`, step 3).

`evaluate` reads an induction run: a counterexample, PROVEN, or neither; then the fallback proofs that may
still prove it (`fallback_proofs`: the structural proof, the register/output split proof, induction with
matched registers) and bounded model checking to `bmc_depth`. Each stage shares one
`EquivalenceContext` (designs, deadline, runs so far) and returns an `EquivalenceResult` or why it did not
prove; the budgets are in `rtlsmith.formal.plan`.
"""

from __future__ import annotations

from dataclasses import replace

from rtlsmith.formal.context import EquivalenceContext
from rtlsmith.formal.netlist import matched_registers, state_pairs
from rtlsmith.formal.phase import PhaseRun
from rtlsmith.formal.plan import (
    CANDIDATE_FILE,
    REFERENCE_FILE,
    REGISTER_SHARE,
    SPLIT_KEEP,
    STRUCTURAL_FLOOR_S,
    STRUCTURAL_SHARE,
    RunConfig,
    structural_assumptions,
)
from rtlsmith.formal.result import EquivalenceResult, Outcome
from rtlsmith.formal.satlog import proven_pairs, unproven_pairs
from rtlsmith.tools import yosys as ys


def evaluate(ctx: EquivalenceContext, first: PhaseRun, c: RunConfig) -> EquivalenceResult:
    """The outcome of an induction run, going on to bounded model checking when it did not close."""
    bad = ctx.failure(first, c)
    if bad is not None:
        return bad
    sat_log = first.sat
    if sat_log.counterexample:
        return ctx.counterexample(first, c, "induction")
    if sat_log.proven:
        return ctx.proven(first, c, method="induction", depth=sat_log.induction_length)
    killed = first.killed
    notes: list[str] = []
    if ctx.structural and c.init == "zero":
        upgraded, tried = fallback_proofs(ctx, c)
        if upgraded is not None:
            return upgraded
        notes += tried
    reached = c.skip + sat_log.base_proven
    left = ctx.left()
    last = first
    bmc_stopped = False
    if ctx.bmc_depth > sat_log.base_proven and left > 0.3:
        bmc = ctx.run(
            c, left * 0.85, max_steps=ctx.bmc_depth, induction=False, proven_steps=sat_log.base_proven
        )
        ctx.runs.append(bmc)
        last = bmc
        bad = ctx.failure(bmc, c)
        if bad is not None and bad.outcome is Outcome.ERROR:
            return bad
        if bmc.sat.counterexample:
            return ctx.counterexample(bmc, c, "bmc")
        reached = max(reached, c.skip + bmc.sat.base_proven)
        bmc_stopped = bmc.killed or bmc.sat.timed_out
    why = "the time limit stopped induction" if killed or sat_log.timed_out else "induction did not close"
    why += f" (tried up to length {ctx.depth})"
    if bmc_stopped:
        why += "; the time limit stopped bounded model checking"
    message = f"{why}; no difference within {reached} steps"
    message += "".join(f"\n{note}" for note in notes)
    return ctx.finish(Outcome.INCONCLUSIVE, last, c, method="bmc", depth=reached, message=message)


def fallback_proofs(ctx: EquivalenceContext, c: RunConfig) -> tuple[EquivalenceResult | None, list[str]]:
    """The proofs that may turn an induction that did not close into PROVEN, in order; (PROVEN result,
    []) or (None, why each one tried did not prove).

    The structural proof reads the reference's x as 0 and needs the candidate's x irrelevant to every
    matched signal, outputs included; where that is what stops it, the split proof (registers, then
    outputs with x modelled) and then induction with the matched registers (x modelled throughout,
    for a reference whose x reach its registers, which the split proof reads as 0) follow. When the
    reference has don't-cares, the candidate has x too and the split proof applies, the structural
    proof would stop there, so the split proof goes first."""
    gold, gate = ctx.gold, ctx.gate
    notes: list[str] = []
    split_first = bool(
        gold and gate and gold.has_x and (gate.has_x or gate.undriven) and state_pairs(gold, gate)
    )
    if split_first:
        upgraded, note = split_proof(ctx, c)
        if upgraded is not None:
            return upgraded, []
        notes += [note] if note else []
    upgraded, note, x_blocked = structural_proof(ctx, c)
    if upgraded is not None:
        return upgraded, []
    notes.append(note)
    if x_blocked:
        for attempt in (register_proof,) if split_first else (split_proof, register_proof):
            upgraded, note = attempt(ctx, c)
            if upgraded is not None:
                return upgraded, []
            notes += [note] if note else []
    return None, notes


def structural_proof(ctx: EquivalenceContext, c: RunConfig) -> tuple[EquivalenceResult | None, str, bool]:
    """(the structural proof as a PROVEN result, "", False), or (None, why it did not prove, whether the
    candidate's x or undriven nets stopped it)."""
    gold, gate = ctx.gold, ctx.gate
    left = ctx.left()
    if left < 0.3:
        return None, "the structural proof (equiv_induct) was not tried: no time left", False
    opts = c.structural(candidate_x=gate is None or gate.has_x or gate.undriven)
    script = ys.structural_script(
        REFERENCE_FILE, CANDIDATE_FILE, ref_top=ctx.ref_top, cand_top=ctx.cand_top, mode=c.mode, options=opts
    )
    budget = min(left, max(STRUCTURAL_FLOOR_S, left * STRUCTURAL_SHARE))
    ran = ctx.run_script(script, budget)
    ctx.runs.append(ran)
    killed = ran.killed
    # The `proven` marker is logged only after every `equiv_status -assert` passed.
    if ran.reached_proven:
        pairs = proven_pairs(ran.log)
        kept = structural_assumptions(c, ctx.latches, opts, bool(gold and gold.has_x), ctx.combinational)
        msg = (
            f"induction on the outputs alone did not close; {pairs} bits of signals matched by name or "
            "structure are proven equal together (Yosys equiv_induct)"
        )
        result = ctx.proven(
            ran, c, assumptions=tuple(kept + ctx.rewrites), method="equiv_induct", depth=opts.seq, message=msg
        )
        return result, "", False
    x_blocked = ran.sat.stage in ("base-x", "candidate-x") and not killed
    return None, "structural proof (equiv_induct): " + _structural_failure(ran, opts, killed), x_blocked


def _structural_failure(ran: PhaseRun, opts: ys.StructuralOptions, killed: bool) -> str:
    stage = ran.sat.stage or "start"
    if killed:
        return f"stopped by the time limit in stage `{stage}`"
    if stage == "base-x" and ran.sat.proof_error:
        return (
            f"the candidate's x or undriven nets change a matched signal within {opts.base_steps} time steps "
            "of power-up"
        )
    if stage == "base" and ran.sat.proof_error:
        return (
            f"matched signals differ within {opts.base_steps} time steps of power-up "
            "(signals paired by name or structure need not agree where outputs do)"
        )
    count = unproven_pairs(ran.log)
    unproven = f"{count} matched signal bits unproven" if count is not None else "unproven matched signals"
    if stage == "candidate-x":
        return f"the candidate's x or undriven nets may change what it computes ({unproven})"
    if stage == "induction":
        return f"not inductive ({unproven})"
    return f"Yosys stopped in stage `{stage}`: {ran.sat.error or 'no output'}"


def register_proof(ctx: EquivalenceContext, c: RunConfig) -> tuple[EquivalenceResult | None, str]:
    """Induction on the miter again, with the registers both designs name alike as extra equalities."""
    pairs = matched_registers(ctx.gold, ctx.gate)
    if not pairs:
        return None, ""
    left = ctx.left()
    if left < 0.3:
        return None, "induction with matched registers was not tried: no time left"
    budget = min(left, max(STRUCTURAL_FLOOR_S, left * REGISTER_SHARE))
    ran = ctx.run(c, budget, max_steps=ctx.depth, prove_also=pairs, cone=False)
    ctx.runs.append(ran)
    killed = ran.killed
    if not killed and ran.sat.proven and not ran.sat.counterexample and ctx.failure(ran, c) is None:
        names = ", ".join(f"`{g[5:]}`" for g, _ in pairs[:8]) + (", ..." if len(pairs) > 8 else "")
        also = f"registers of the same name in both designs ({names}) are proven equal with the outputs"
        kept = (*ctx.assumptions_for(c), also)
        msg = (
            f"induction on the outputs alone did not close; with {len(pairs)} matched registers it "
            f"closed at length {ran.sat.induction_length}"
        )
        return ctx.proven(
            ran, c, assumptions=kept, method="induction_regs", depth=ran.sat.induction_length, message=msg
        ), ""
    bad = ctx.failure(ran, c)
    if killed or ran.sat.timed_out:
        why = "stopped by the time limit"
    elif bad is not None:
        why = f"Yosys stopped: {bad.message}"
    elif ran.sat.counterexample:
        why = "the registers differ where the outputs do not"
    else:
        why = f"did not close (tried up to length {ctx.depth})"
    return None, f"induction with {len(pairs)} matched registers: {why}"


def split_proof(ctx: EquivalenceContext, c: RunConfig) -> tuple[EquivalenceResult | None, str]:
    """The registers (all of them named alike in both designs) proven equal by induction, then every
    output checked from any state where they are equal, with x modelled (`ys.register_split_script`).
    (None, "") when the designs' registers do not pair up, so it does not apply."""
    gold = ctx.gold
    pairs = state_pairs(gold, ctx.gate)
    if pairs is None or c.mode != "cycle" or c.init != "zero" or gold is None:
        return None, ""
    left = ctx.left()
    if left < 0.3:
        return None, "the register/output split proof was not tried: no time left"
    depth = ctx.depth
    state = replace(c.sat(max_steps=depth, prove_also=pairs, outputs=False, cone=False), prove_x=())
    outputs = tuple((f"gold_{p.name}", f"gate_{p.name}") for p in gold.ports if p.direction == "output")
    script = ys.register_split_script(
        REFERENCE_FILE, CANDIDATE_FILE, ref_top=ctx.ref_top, cand_top=ctx.cand_top, state=state,
        outputs=ys.output_check_command(outputs, pairs, assumes=c.assumes), mode=c.mode, share=ctx.share,
    )  # fmt: skip
    budget = min(left, max(STRUCTURAL_FLOOR_S, left - SPLIT_KEEP * ctx.timeout_s))
    ran = ctx.run_script(script, budget)
    ctx.runs.append(ran)
    killed = ran.killed
    n = len(pairs)
    if ran.reached_proven:
        kept = (
            *ctx.assumptions_for(c, x_words=False),
            f"every register has one of the same name and width in the other design ({n} pairs); they "
            "are proven equal by induction from reset, reading an x in the reference as 0 (a stricter "
            "check) and an x or undriven net in the candidate as any value",
            "outputs are compared in one time step from every state where the paired registers are "
            "equal and defined, with x modelled: an x in the reference is a don't-care, in the "
            "candidate a mismatch",
        )
        msg = (
            f"induction on the outputs alone did not close; the {n} registers named alike are proven "
            f"equal (induction closed at length {ran.sat.induction_length}), and from any state where "
            "they are equal the outputs match"
        )
        return ctx.proven(
            ran,
            c,
            assumptions=kept,
            method="induction_split",
            depth=ran.sat.induction_length,
            message=msg,
        ), ""
    if killed or ran.sat.timed_out:
        why = f"stopped by the time limit in stage `{ran.sat.stage or 'start'}`"
    elif ran.sat.stage == "state" and ran.sat.counterexample:
        why = "the registers differ where the outputs need not"
    elif ran.sat.stage == "state" and ran.sat.proof_error:
        why = f"the registers' induction did not close (tried up to length {depth})"
    elif ran.sat.stage == "outputs" and ran.sat.proof_error:
        why = "an output differs in some state where the registers are equal (reachable or not)"
    else:
        why = f"Yosys stopped in stage `{ran.sat.stage or 'start'}`: {ran.sat.error or 'no output'}"
    return None, f"registers then outputs ({n} register pairs): {why}"
