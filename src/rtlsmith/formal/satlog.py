"""Reading what a Yosys equivalence run logged: the stage it reached, its first ERROR, what `sat` proved.

The scripts (`rtlsmith.tools.yosys`) log a stage marker before each step, so a failed or killed run still
says how far it got; `sat -tempinduct` logs each base case and induction step it proves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rtlsmith.tools import yosys as ys

_ERROR_LINE = re.compile(r"^(?:(\S+?):(\d+): )?ERROR: (.*)$", re.M)
_BASE_PROVEN = re.compile(r"^Base case for induction length (\d+) proven\.", re.M)
_INDUCTION_TRY = re.compile(r"^\[induction step (\d+)\] Solving", re.M)
_CEX_MARKERS = ("model found for base case: FAIL!", "SAT proof finished - model found: FAIL!")
_UNPROVEN = re.compile(r"Found (\d+) unproven \$equiv cells in 'equiv_status -assert'")
_PROVEN_PAIRS = re.compile(r"Of those cells (\d+) are proven and 0 are unproven")


@dataclass(frozen=True)
class SatLog:
    """What a Yosys equivalence log says."""

    stage: str  # the last stage marker reached
    error: str  # the first ERROR line (with its file:line when Yosys gave one), or ""
    proven: bool  # induction closed, or (BMC) every base case up to the bound was proven
    counterexample: bool
    base_proven: int  # largest base-case length proven
    induction_length: int  # the length at which induction closed (0 when it did not)
    timed_out: bool  # the solver reported a timeout

    @property
    def proof_error(self) -> bool:
        """The ERROR is `sat -verify` reporting the proof's own outcome, not a failure to run."""
        return "Called with -verify and proof did" in self.error

    @staticmethod
    def parse(log: str) -> SatLog:
        stages = re.findall(rf"{re.escape(ys.STAGE_MARKER)} (\S+)", log)
        error = ""
        m = _ERROR_LINE.search(log)
        if m:
            where = f"{m.group(1)}:{m.group(2)}: " if m.group(1) else ""
            error = where + m.group(3).strip()
        base = [int(n) for n in _BASE_PROVEN.findall(log)]
        tries = [int(n) for n in _INDUCTION_TRY.findall(log)]
        closed = "Induction step proven: SUCCESS!" in log
        return SatLog(
            stage=stages[-1] if stages else "",
            error=error,
            proven=closed or "proved base case for" in log,
            counterexample=any(marker in log for marker in _CEX_MARKERS),
            base_proven=max(base, default=0),
            induction_length=tries[-1] if tries and closed else 0,
            timed_out="Interrupted SAT solver: TIMEOUT!" in log,
        )


def excerpt(log: str, lines: int = 30) -> str:
    """The last `lines` non-blank lines of a log."""
    kept = [ln for ln in log.splitlines() if ln.strip()]
    return "\n".join(kept[-lines:])


def proven_pairs(log: str) -> int:
    """Matched bit pairs in the reference/candidate module (the last `equiv_status` of the run)."""
    found = _PROVEN_PAIRS.findall(log)
    return int(found[-1]) if found else 0


def unproven_pairs(log: str) -> str | None:
    """How many matched bit pairs `equiv_status -assert` left unproven (as logged), or None."""
    m = _UNPROVEN.search(log)
    return m.group(1) if m else None
