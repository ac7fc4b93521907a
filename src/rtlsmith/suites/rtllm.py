"""RTLLM (hkust-zhiyao/RTLLM): one directory per design, found at any depth.

    RTLLM/                                    v2.0 groups designs by category; v1.1 has them at the top
      Arithmetic/Adder/adder_8bit/
        design_description.txt   the spec, naming the module and its ports (public)
        testbench.v              a self-checking testbench that prints its own verdict (hidden)
        verified_adder_8bit.v    the reference design (hidden; optional; older: designer_RTL.v, reference.v)
        makefile                 VCS commands (not used)
        reference.dat ...        data the testbench reads with $readmemh/$fopen (hidden, copied beside it)

A design directory is one holding both `design_description.txt` and `testbench.v`; its name is the task id.
The module under test keeps its RTLLM name: the one the testbench instantiates (`adder_8bit`), even where the
reference calls itself `verified_<name>`. The ports come from the reference (parsed with pyslang), or, for
a design without one, from the description's `Input ports:`/`Output ports:` lists. Judging reads the
testbench's own pass/fail text; the rules are in `rtlsmith.tools.rtllm`.
"""

from __future__ import annotations

import re
from pathlib import Path

from rtlsmith.errors import SuiteError
from rtlsmith.hdl import instantiated_modules, module_names, parse_interface
from rtlsmith.suites.base import Suite
from rtlsmith.suites.rtllm_ports import ports_from_description
from rtlsmith.task import HiddenChecks, Interface, Layout, PublicTask, Sealed, Spec, Task

DESCRIPTION = "design_description.txt"
TESTBENCH = "testbench.v"
SUITE_NAME = "rtllm"
# Reference file names by preference; LLM outputs kept in some v1.0 directories (chatgpt_generate_*.v,
# LLM_generated_verilog.v) are never references.
_REFERENCE_GLOBS = ("verified_*.v", "verified_*.sv", "designer_RTL*.v", "reference.v", "reference.sv")
_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
# Any string literal of the testbench (a data file may be named through a `define); the ones opened for
# writing are outputs of the run, never inputs.
_STRING = re.compile(r"\"([^\"\n]+)\"")
_WRITTEN_FILE = re.compile(r"\$fopen\s*\(\s*\"([^\"\n]+)\"\s*,\s*\"[wa]")
# Not a task's input: its own files, build files and what a harness or simulator run leaves behind.
_NOT_DATA = frozenset(
    {DESCRIPTION, TESTBENCH, "makefile", "Makefile", "output.txt", "a.out", "simv", "ucli.key", "run.log"}
)
_NOT_DATA_SUFFIXES = frozenset(
    {".v", ".sv", ".vh", ".svh", ".vcd", ".fst", ".fsdb", ".vvp", ".log", ".py", ".sh", ".md", ".pdf"}
)
DATA_FILE_LIMIT = 16 * 1024 * 1024  # bytes, one data file
DATA_TOTAL_LIMIT = 48 * 1024 * 1024  # bytes, all of a task's data files
_MODULE_LINE = re.compile(r"Module name\s*[:：]\s*([A-Za-z_][A-Za-z0-9_$]*)", re.I)


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def design_directories(root: Path) -> list[Path]:
    """Every directory under `root` (itself included) with a description and a testbench, in path order."""
    found = {p.parent for p in root.rglob(DESCRIPTION) if (p.parent / TESTBENCH).is_file()}
    visible = [d for d in found if not any(part.startswith(".") for part in d.relative_to(root).parts)]
    return sorted(visible, key=lambda d: d.relative_to(root).parts)


def _reference_file(directory: Path, module: str) -> Path | None:
    for pattern in _REFERENCE_GLOBS:
        matches = sorted(p for p in directory.glob(pattern) if p.is_file())
        if matches:
            preferred = [p for p in matches if p.stem in (f"verified_{module}", f"verified_{directory.name}")]
            return (preferred or matches)[0]
    return None


def _testbench_top(testbench: str, where: Path) -> str:
    code = _COMMENT.sub(" ", testbench)
    defined = module_names(code)
    roots = [m for m in defined if m not in set(instantiated_modules(code))]
    if len(roots) != 1:
        found = ", ".join(roots) or "none"
        raise SuiteError(f"{where}: expected one top-level testbench module, found {found}")
    return roots[0]


def _module_under_test(testbench: str, description: str, directory: Path) -> str:
    """The module the testbench instantiates and does not define; else the description's `Module name:`."""
    code = _COMMENT.sub(" ", testbench)
    defined = set(module_names(code))
    used = [m for m in instantiated_modules(code) if m not in defined]
    named = _MODULE_LINE.search(description)
    if len(used) == 1:
        return used[0]
    for candidate in (named.group(1) if named else None, directory.name):
        if candidate and (candidate in used or not used):
            return candidate
    raise SuiteError(
        f"{directory / TESTBENCH}: it instantiates {', '.join(used)}; cannot tell which is the design"
    )


def _reference_top(reference: str, module: str) -> str:
    names = module_names(_COMMENT.sub(" ", reference))
    for wanted in (module, f"verified_{module}"):
        if wanted in names:
            return wanted
    used = set(instantiated_modules(reference))
    roots = [n for n in names if n not in used]
    return (roots or names or [module])[0]


def _data_files(testbench: str, directory: Path) -> tuple[tuple[str, bytes], ...]:
    """The task's input files, as (name, bytes): every file of its directory but its sources and leftovers.

    A testbench may name its data through a macro (`` `define TESTFILE "test_data.dat" `` ...
    `$fopen(`TESTFILE, "r")`), so which files it reads cannot be read off its `$fopen` calls; the directory's
    files are the task's inputs. Left out: the description, Verilog sources (other designs, LLM outputs kept
    beside them) unless the testbench names them in a string, build files, what a harness run leaves
    behind, files the testbench itself writes, anything leading outside the directory, and unnamed files
    over `DATA_FILE_LIMIT` or past `DATA_TOTAL_LIMIT`. A file the testbench names over the limits is an error.
    """
    code = _COMMENT.sub(" ", testbench)
    named = {Path(n).as_posix() for n in _STRING.findall(code)} - {
        Path(n).as_posix() for n in _WRITTEN_FILE.findall(code)
    }
    base = directory.resolve()
    candidates: dict[str, Path] = {}
    for path in sorted(directory.iterdir(), key=lambda p: p.name):
        name = path.name
        if name.startswith(".") or name in _NOT_DATA or name in candidates:
            continue
        if path.suffix.lower() in _NOT_DATA_SUFFIXES and name not in named:
            continue
        candidates[name] = path
    for name in sorted(named - set(candidates)):
        if "/" in name and not Path(name).is_absolute():  # a file in a subdirectory (`data/in.hex`)
            candidates[name] = directory / name
    out: dict[str, bytes] = {}
    total = 0
    # Named files first: they are the ones the testbench is known to read.
    for name, path in sorted(candidates.items(), key=lambda kv: (kv[0] not in named, kv[0])):
        real = path.resolve()
        if not real.is_relative_to(base) or not real.is_file():
            continue  # written by the run, or out of reach: the sandbox would not offer it either
        size = real.stat().st_size
        if size > DATA_FILE_LIMIT or total + size > DATA_TOTAL_LIMIT:
            if name in named:
                raise SuiteError(
                    f"{path}: the testbench reads this file, but at {size} bytes it is over the limit for a "
                    f"task's data ({DATA_FILE_LIMIT} bytes a file, {DATA_TOTAL_LIMIT} in all)"
                )
            continue  # an unrelated large file (a waveform dump, an archive): not the task's input
        out[name] = real.read_bytes()
        total += size
    return tuple(sorted(out.items()))


def _interface(module: str, reference: str | None, ref_top: str, description: str, where: Path) -> Interface:
    if reference is not None:
        try:
            return Interface(module, parse_interface(reference, ref_top).ports)
        except SuiteError:
            pass  # a reference pyslang cannot elaborate: the description still names the ports
    ports = ports_from_description(description)
    if not ports:
        raise SuiteError(
            f"{where}: no reference design to read the ports from, and the description lists none "
            "(expected `Input ports:` and `Output ports:` sections)"
        )
    return Interface(module, ports)


def _tags(directory: Path, root: Path, interface: Interface, description: str) -> tuple[str, ...]:
    categories = [p.lower().replace(" ", "-") for p in directory.relative_to(root).parts[:-1]]
    clocked = interface.clock() is not None or re.search(r"\bclk\b", description, re.I) is not None
    timing = "sequential" if clocked else "combinational"
    return tuple(dict.fromkeys([*categories, timing]))


def load_design(directory: Path, root: Path) -> Task:
    """One RTLLM design directory as a task."""
    description = _read(directory / DESCRIPTION)
    testbench = _read(directory / TESTBENCH)
    if not description.strip():
        raise SuiteError(f"{directory / DESCRIPTION} is empty")
    module = _module_under_test(testbench, description, directory)
    ref_path = _reference_file(directory, module)
    reference = _read(ref_path) if ref_path else None
    ref_top = _reference_top(reference, module) if reference is not None else ""
    interface = _interface(module, reference, ref_top, description, directory)
    public = PublicTask(
        id=directory.name,
        suite=SUITE_NAME,
        spec=Spec(detailed=description.strip()),
        interface=interface,
        tags=_tags(directory, root, interface, description),
    )
    hidden = HiddenChecks(
        testbench=testbench,
        reference=reference,
        layout=Layout.RTLLM,
        testbench_top=_testbench_top(testbench, directory / TESTBENCH),
        reference_top=ref_top if ref_top != module else "",
        data_files=_data_files(testbench, directory),
    )
    return Task(public, Sealed(hidden))


def load_rtllm(path: str | Path) -> Suite:
    """Every RTLLM design under `path` (a checkout of v1.1 or v2.0, a category folder, or one design)."""
    root = Path(path)
    if not root.is_dir():
        raise SuiteError(f"RTLLM path {str(root)!r} is not a directory; point at a checkout of RTLLM")
    directories = design_directories(root)
    if not directories:
        partial = sorted(p.parent.name for p in root.rglob(DESCRIPTION))
        hint = f" ({len(partial)} with a description but no {TESTBENCH})" if partial else ""
        raise SuiteError(
            f"no RTLLM designs under {str(root)!r}: a design is a directory holding {DESCRIPTION} and "
            f"{TESTBENCH}{hint}"
        )
    seen: dict[str, Path] = {}
    for d in directories:
        if d.name in seen:
            raise SuiteError(
                f"two RTLLM designs are named {d.name!r}: {seen[d.name]} and {d}; point at one copy of RTLLM"
            )
        seen[d.name] = d
    tasks = tuple(load_design(d, root) for d in directories)
    return Suite(name=SUITE_NAME, source=str(root), tasks=tasks)
