"""Verilator command lines, as data: lint (--lint-only -Wall) and a second simulator (--binary --timing)."""

from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rtlsmith.simulators.base import Simulator
from rtlsmith.simulators.registry import register
from rtlsmith.tools.sandbox import Limits, Step, run_steps
from rtlsmith.tools.toolchain import python_interpreter, require

SIM_DIR = "obj_dir"
SIM_EXE = "Vsim"

# Benchmark testbenches use idioms Verilator warns about; as a simulator only errors should stop it.
_SIM_WAIVERS = (
    "-Wno-fatal",
    "-Wno-lint",
    "-Wno-style",
    "-Wno-TIMESCALEMOD",
    "-Wno-MULTIDRIVEN",
    "-Wno-INITIALDLY",
)


def lint_step(sources: Sequence[str], top: str | None = None, timeout_s: float | None = None) -> Step:
    exe = require("verilator").prefix
    top_args = ("--top-module", top) if top else ()
    argv = (*exe, "--lint-only", "-Wall", "-Wno-DECLFILENAME", "-Wno-EOFNEWLINE", *top_args, *sources)
    return Step("lint", argv, timeout_s=timeout_s)


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rtlsmith" / "verilator-ccache"


def ccache_env(*, writable: bool = False) -> tuple[str, ...]:
    """`env ...` that makes Verilator's generated Makefile compile through ccache, or () without ccache.

    Most of a `--binary` build is Verilator's own runtime library, the same for every design: cached, a
    build takes ~1-3 s instead of ~10-17 s. Untrusted builds get the cache read-only (CCACHE_READONLY), so a
    design can never plant objects in it; only `warm_cache`, which builds rtlsmith's own design, writes.
    """
    if shutil.which("ccache") is None or os.environ.get("RTLSMITH_NO_CCACHE"):
        return ()
    env = [
        "env",
        "OBJCACHE=ccache",
        f"CCACHE_DIR={cache_dir()}",
        # Sandboxes are fresh directories under the temp dir: hash paths relative to it, so they hit.
        f"CCACHE_BASEDIR={os.path.realpath(tempfile.gettempdir())}",
    ]
    if not writable:
        # Read-only cache; ccache's scratch files go to the sandbox's private /tmp.
        env += ["CCACHE_READONLY=1", f"CCACHE_TEMPDIR={tempfile.gettempdir()}"]
    return tuple(env)


_WARM_DESIGN = """\
`timescale 1 ps/1 ps
module tb;
  reg clk = 0;
  always #5 clk = ~clk;
  integer n = 0;
  always @(posedge clk) n <= n + 1;
  initial begin
    repeat (3) @(posedge clk);
    $display("Mismatches: 0 in %0d samples", n);
    $finish;
  end
  final $display("done");
endmodule
"""


@functools.cache
def warm_cache() -> bool:
    """Fill the ccache with Verilator's runtime objects once per Verilator version; True when it is warm."""
    env = ccache_env(writable=True)
    if not env:
        return False
    exe = require("verilator")
    marker = cache_dir() / ("warm-" + hashlib.sha256(exe.version.encode()).hexdigest()[:12])
    if marker.exists():
        return True
    cache_dir().mkdir(parents=True, exist_ok=True)
    step = build_step(["warm.sv"], timeout_s=600, cache_writable=True)
    # rtlsmith's own design, so it may run outside the sandbox: that is what lets it write the cache.
    run = run_steps([step], {"warm.sv": _WARM_DESIGN}, Limits(timeout_s=600), isolate=False)
    if run.steps[0].returncode == 0:
        marker.write_text(exe.version + "\n")
        return True
    return False


def build_step(
    sources: Sequence[str], top: str = "tb", timeout_s: float | None = None, *, cache_writable: bool = False
) -> Step:
    exe = require("verilator").prefix
    # The generated Makefile runs `python` from PATH (verilated.mk's PYTHON3); name the interpreter instead,
    # so a PATH without `python` is not a failed build (which would look like the design's fault).
    make_flags = ("--MAKEFLAGS", f"PYTHON3={python_interpreter()}")
    argv = (
        *ccache_env(writable=cache_writable), *exe, "--binary", "--timing", "-j", "1", *make_flags,
        *_SIM_WAIVERS, "--top-module", top, "--Mdir", SIM_DIR, "-o", SIM_EXE, *sources,
    )  # fmt: skip
    return Step("compile", argv, timeout_s=timeout_s)


def run_step(timeout_s: float | None = None) -> Step:
    return Step("simulate", (f"./{SIM_DIR}/{SIM_EXE}",), timeout_s=timeout_s)


@register
class Verilator(Simulator):
    """Verilator `--binary --timing`: a second simulator, to check that a verdict is not Icarus's alone.

    A build takes seconds, so runs are not batched; waveforms are not traced; the binary cannot run after
    a failed build, so `always` is ignored, as are `waves`, `stop_finishes` and `extra_tops`.
    """

    name = "verilator"
    label = "Verilator"
    executable = "verilator"
    tools = ("verilator",)

    def compile_step(
        self,
        sources: Sequence[str],
        *,
        top: str = "tb",
        timeout_s: float | None = None,
        extra_tops: Sequence[str] = (),
    ) -> Step:
        return build_step(sources, top=top, timeout_s=timeout_s)

    def simulate_step(
        self,
        *,
        timeout_s: float | None = None,
        waves: bool = False,
        always: bool = False,
        stop_finishes: bool = True,
    ) -> Step:
        return run_step(timeout_s=timeout_s)

    def prepare(self) -> None:
        warm_cache()


@dataclass(frozen=True)
class Diagnostic:
    """One lint message with its location."""

    severity: str  # "error" or "warning"
    code: str
    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        code = f"-{self.code}" if self.code else ""
        return f"{self.file}:{self.line}:{self.column}: %{self.severity.capitalize()}{code}: {self.message}"


_DIAG = re.compile(r"^%(Error|Warning)(?:-([A-Z0-9_]+))?: ([^:\s]+):(\d+):(?:(\d+):)? (.*)$")


def parse_diagnostics(text: str) -> list[Diagnostic]:
    """Verilator's `%Warning-CODE: file:line:col: message` lines as Diagnostics."""
    out: list[Diagnostic] = []
    for line in text.splitlines():
        m = _DIAG.match(line.strip())
        if m:
            sev, code, file, ln, col, msg = m.groups()
            out.append(Diagnostic(sev.lower(), code or "", file, int(ln), int(col or 0), msg.strip()))
    return out
