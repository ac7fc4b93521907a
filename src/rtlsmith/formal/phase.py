"""One sandboxed Yosys run of an equivalence check and what it left: log, netlist facts, counterexample."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from rtlsmith.formal.netlist import DesignInfo, design_info
from rtlsmith.formal.plan import JSON_FILES, SCRIPT_FILE, VCD_FILE
from rtlsmith.formal.satlog import SatLog
from rtlsmith.tools import yosys as ys
from rtlsmith.tools.sandbox import Limits, RunResult, command_line, run_steps


@dataclass
class PhaseRun:
    """One equivalence phase as it ran."""

    script: list[str]
    result: RunResult
    log: str
    sat: SatLog
    infos: tuple[DesignInfo | None, DesignInfo | None]
    vcd: str = ""
    commands: list[list[str]] = field(default_factory=list)

    @property
    def killed(self) -> bool:
        """The time limit stopped the Yosys step (or the whole run)."""
        return self.result.steps[0].timed_out or self.result.killed

    @property
    def reached_proven(self) -> bool:
        """A script that logs stage `proven` only after every proof in it passed got there without an error
        (a run killed while Yosys was exiting still proved)."""
        done = self.killed or self.result.steps[0].returncode == 0
        return self.sat.stage == "proven" and not self.sat.error and done


def run_phase(
    files: dict[str, str],
    script: list[str],
    *,
    timeout_s: float,
    isolate: bool,
    memory_mb: int,
) -> PhaseRun:
    """Run `script` on `files` in Yosys; the reference's and candidate's netlist facts come from its JSON."""
    text = ys.script_text(script)
    step = ys.yosys_step(SCRIPT_FILE, timeout_s=max(0.5, timeout_s))
    limits = Limits(timeout_s=max(0.5, timeout_s), memory_mb=memory_mb)
    result = run_steps(
        [step],
        {**files, SCRIPT_FILE: text},
        limits,
        isolate=isolate,
        keep=[ys.LOG_FILE, VCD_FILE, *JSON_FILES],
    )
    log = result.files.get(ys.LOG_FILE, b"").decode("utf-8", errors="replace")
    if not log:
        s = result.steps[0]
        log = s.stdout + s.stderr
    infos: list[DesignInfo | None] = []
    for fname, module in zip(JSON_FILES, ("gold", "gate"), strict=True):
        raw = result.files.get(fname)
        info = None
        if raw:
            try:
                info = design_info(json.loads(raw), module)
            except (ValueError, KeyError, TypeError):
                info = None
        infos.append(info)
    vcd = result.files.get(VCD_FILE, b"").decode("utf-8", errors="replace")
    return PhaseRun(
        script=script,
        result=result,
        log=log,
        sat=SatLog.parse(log),
        infos=(infos[0], infos[1]),
        vcd=vcd,
        commands=command_line([step], isolate=isolate),
    )
