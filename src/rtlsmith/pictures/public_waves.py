"""The waveform window of an agent's failing public check, from that check alone.

An agent's pictures come from the checks it may see, like its text feedback: the public (or screened
self-written) testbench is simulated once more, with a second root module that dumps the testbench's top
scope, and the window is cut from that VCD. Two testbench shapes are read: VerilogEval's (`<out>_ref` and
`<out>_dut` compared at every clock edge) and rtlsmith's vectors testbenches (`tb_exp_<out>` checked once
per vector). Other testbenches give no window, and the reason says so.
"""

from __future__ import annotations

import re

from rtlsmith.errors import RtlsmithError
from rtlsmith.pictures.mismatch import MismatchPicture
from rtlsmith.pictures.vcd_samples import samples_from_vcd, samples_from_vector_vcd
from rtlsmith.pictures.waves import window_from_samples
from rtlsmith.simulators import icarus
from rtlsmith.tools.judge import dumps_waves
from rtlsmith.tools.sandbox import Limits, run_steps

DUMP_FILE = "rtlsmith_public_waves.vcd"
DUMP_MODULE_FILE = "rtlsmith_public_waves.sv"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*$")


def dump_module(top: str) -> str:
    return (
        "module rtlsmith_public_waves;\n  initial begin\n"
        f'    $dumpfile("{DUMP_FILE}");\n    $dumpvars(0, {top});\n  end\nendmodule\n'
    )


def public_window(
    source: str, candidate_file: str, testbench: str, top: str, limits: Limits, *, isolate: bool
) -> MismatchPicture:
    """Simulate `source` with the public `testbench` (top module `top`) and a dump; cut the window."""
    if not _NAME.match(top):
        return MismatchPicture(None, f"not a module name: {top!r}")
    files: dict[str, str | bytes] = {candidate_file: source, "checks_tb.sv": testbench}
    sources = [candidate_file, "checks_tb.sv"]
    dump = dumps_waves(testbench)
    extra_tops: tuple[str, ...] = ()
    if not dump:
        files[DUMP_MODULE_FILE] = dump_module(top)
        sources.append(DUMP_MODULE_FILE)
        dump, extra_tops = DUMP_FILE, ("rtlsmith_public_waves",)
    steps = (
        icarus.compile_step(sources, top=top, extra_tops=extra_tops),
        icarus.simulate_step(waves=True),
    )
    run = run_steps(steps, files, limits, isolate=isolate, keep=[dump])
    data = run.files.get(dump)
    if data is None:
        return MismatchPicture(None, "the public check's simulation wrote no waveform")
    try:
        text = data.decode("utf-8", errors="replace")
        samples = samples_from_vcd(text, scope=top) or samples_from_vector_vcd(text, scope=top)
    except RtlsmithError as exc:
        return MismatchPicture(None, str(exc))
    if samples is None:
        return MismatchPicture(
            None, "the public testbench compares in a way the waveform reader does not know"
        )
    window = window_from_samples(samples, title="public check")
    if window is None:
        return MismatchPicture(None, "no compared sample differs in the waveform")
    return MismatchPicture(window)
