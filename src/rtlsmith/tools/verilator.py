"""Verilator command lines, as data: lint (--lint-only -Wall) and a second simulator (--binary --timing)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rtlsmith.tools.sandbox import Step
from rtlsmith.tools.toolchain import require

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


def build_step(sources: Sequence[str], top: str = "tb", timeout_s: float | None = None) -> Step:
    exe = require("verilator").prefix
    argv = (
        *exe, "--binary", "--timing", "-j", "1", *_SIM_WAIVERS,
        "--top-module", top, "--Mdir", SIM_DIR, "-o", SIM_EXE, *sources,
    )  # fmt: skip
    return Step("compile", argv, timeout_s=timeout_s)


def run_step(timeout_s: float | None = None) -> Step:
    return Step("simulate", (f"./{SIM_DIR}/{SIM_EXE}",), timeout_s=timeout_s)


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
