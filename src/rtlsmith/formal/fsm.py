"""State machines: extract them with Yosys and compare a candidate's with a reference's.

Extraction runs `proc; flatten; opt -nodffe -nosdff; fsm -nomap -norecode` (plain `opt` would turn a
synchronously reset state register into `$sdff`, which `fsm` does not recognise; `-norecode` keeps the
designer's encoding) and reads the `fsm_info` tables from the log: control inputs, outputs, state encodings,
the reset state and the transition table. `Fsm.kiss2()` writes the same machine as KISS2.

Matching states when names differ. Yosys keeps encodings, not state names, and two designs may encode the
same machine differently, so states are matched by behaviour: both machines are run in lockstep from their
reset states over every assignment of the control inputs (breadth first, assignments in ascending order).
The first time a candidate state is reached together with a reference state it takes that state's name.
A step where the reference goes to R but the candidate goes to a state already named after another state
(or one that, reached again, would need a second name) is a difference: the reference transition is
*missing* from the candidate and the candidate's is *extra*. Exploration does not continue past a
difference, so each one is reported at its root, not with its downstream echoes. Several candidate states
may take the same reference name (a candidate may split a state); reference states never reached in step
are listed as unmatched. Control inputs are matched by name; an input only one machine reads is a
don't-care for the other.

`fsm_model` holds the machine (`Fsm`, `Transition`) and reads Yosys' tables, `fsm_diff` the lockstep diff;
this module runs Yosys and re-exports both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from rtlsmith.errors import ToolNotFoundError
from rtlsmith.formal.fsm_diff import MAX_INPUTS, FsmDiff, OutputDiff, TransitionDiff, diff_fsm
from rtlsmith.formal.fsm_model import Fsm, Transition, parse_fsm_info, state_names
from rtlsmith.tools import yosys as ys
from rtlsmith.tools.sandbox import Limits, run_steps
from rtlsmith.tools.toolchain import require

SOURCE_FILE = "design.sv"
SCRIPT_FILE = "fsm.ys"

_NOT_MARKING = re.compile(r"Not marking (\S+) as FSM state register:\s*\n\s*(.+)")


@dataclass(frozen=True)
class FsmExtraction:
    """The FSMs found in one design, or why none were."""

    fsms: tuple[Fsm, ...]
    error: str = ""
    notes: tuple[str, ...] = ()  # Yosys' reasons for registers it did not take as state registers
    log: str = field(default="", repr=False)

    def main(self) -> Fsm | None:
        """The FSM with the most states (then transitions), or None."""
        if not self.fsms:
            return None
        return max(self.fsms, key=lambda f: (len(f.states), len(f.transitions)))


_STATE_NAMES = re.compile(
    r"(?<![.\w$])(state|cs|current_state|cur_state|present_state|ps|fsm_state|state_reg|state_q|st)\s*[,;]"
)


def extract_fsms(
    source: str,
    top: str = "TopModule",
    *,
    state_register: str | None = None,
    timeout_s: float = 10.0,
    isolate: bool = True,
) -> FsmExtraction:
    """The state machines Yosys finds in `top`.

    `state_register` forces a register to be taken as a state register (`fsm_encoding` attribute) when
    Yosys' heuristics skip it (a machine without reset looks "self-resetting"). When nothing is found and no
    register was named, a register with a usual state name (`state`, `cs`, `current_state`, ...) is forced
    and the extraction says so in its notes. Yosys never extracts a 1-bit state register.
    """
    try:
        require("yosys")
    except ToolNotFoundError as exc:
        return FsmExtraction((), error=str(exc))
    text, _rewrites = ys.frontend_text(source)
    found = _extract(text, top, state_register, timeout_s, isolate)
    if found.fsms or found.error or state_register is not None:
        return found
    guess = _STATE_NAMES.search(re.sub(r"//[^\n]*|/\*.*?\*/", " ", text, flags=re.S))
    if guess is None:
        return _explain(found)
    forced = _extract(text, top, guess.group(1), timeout_s, isolate)
    if forced.fsms:
        note = f"Yosys did not take `{guess.group(1)}` as a state register by itself; it was forced"
        return replace(forced, notes=(*found.notes, note))
    return _explain(found)


def _explain(found: FsmExtraction) -> FsmExtraction:
    if found.notes:
        return found
    why = "no register was recognised as a state register (Yosys skips 1-bit registers and most registers "
    why += "that drive outputs directly; name one with state_register=)"
    return replace(found, notes=(why,))


def _extract(
    text: str, top: str, state_register: str | None, timeout_s: float, isolate: bool
) -> FsmExtraction:
    script = ys.fsm_script(SOURCE_FILE, top)
    if state_register:
        at = script.index("fsm -nomap -norecode")
        script.insert(at, f'setattr -set fsm_encoding "auto" w:{ys.safe_token(state_register)}')
    step = ys.yosys_step(SCRIPT_FILE, timeout_s=timeout_s)
    run = run_steps(
        [step],
        {SOURCE_FILE: text, SCRIPT_FILE: ys.script_text(script)},
        Limits(timeout_s=timeout_s),
        isolate=isolate,
        keep=[ys.LOG_FILE],
    )
    log = run.files.get(ys.LOG_FILE, b"").decode("utf-8", errors="replace")
    errors = re.findall(r"^(?:\S+:\d+: )?ERROR: (.*)$", log, re.M)
    notes = tuple(f"{reg.lstrip(chr(92))}: {why.strip()}" for reg, why in _NOT_MARKING.findall(log))
    if errors or run.steps[0].returncode != 0:
        why = errors[0] if errors else (run.steps[0].stderr.strip() or "Yosys failed")
        if run.steps[0].timed_out:
            why = "Yosys ran out of time"
        return FsmExtraction((), error=why, notes=notes, log=log)
    fsms = tuple(replace(f, names=state_names(text, f)) for f in parse_fsm_info(log))
    return FsmExtraction(fsms, notes=notes, log=log)


def diff_sources(
    reference: str,
    candidate: str,
    *,
    ref_top: str = "RefModule",
    cand_top: str = "TopModule",
    state_register: str | None = None,
    timeout_s: float = 10.0,
    isolate: bool = True,
) -> tuple[FsmDiff | None, str]:
    """Extract the main FSM of each design and diff them: (diff, "") or (None, why not)."""
    ref = extract_fsms(
        reference, ref_top, state_register=state_register, timeout_s=timeout_s, isolate=isolate
    )
    cand = extract_fsms(
        candidate, cand_top, state_register=state_register, timeout_s=timeout_s, isolate=isolate
    )
    for label, ex in (("reference", ref), ("candidate", cand)):
        if ex.error:
            return None, f"{label}: {ex.error}"
        if ex.main() is None:
            why = "; ".join(ex.notes) or "Yosys found no state register"
            return None, f"no FSM found in the {label} ({why})"
    r, c = ref.main(), cand.main()
    assert r is not None and c is not None
    return diff_fsm(r, c), ""


__all__ = [
    "MAX_INPUTS",
    "Fsm",
    "FsmDiff",
    "FsmExtraction",
    "OutputDiff",
    "Transition",
    "TransitionDiff",
    "diff_fsm",
    "diff_sources",
    "extract_fsms",
    "parse_fsm_info",
    "state_names",
]
