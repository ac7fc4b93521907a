"""Refuse designs that reach outside their sandbox, before any tool runs.

Bubblewrap confines what a run can touch; this screen makes the intent visible as a verdict, and it is the
only guard where bubblewrap is missing. It looks at the candidate only (benchmark testbenches are trusted
data), with comments stripped and string literals kept. It errs on the side of refusing: a file name it
cannot read as a string literal (built by a macro, `$sformatf` or held in a variable), or a system task name
built by macro token pasting, is refused too. DPI imports and exports are refused (Verilator links them
against the C library: `import "DPI-C" function int system(...)` runs host code), and so is every
`` `include ``: a candidate is judged as one file, the run directory holds only rtlsmith's own files (the
hidden testbench and reference among them), and a file there that is a symlink could lead anywhere. Verilator
metacomments (`/*verilator public*/` and the like) change what C++ may see of a model, never what runs, and
are ignored with the other comments; `$c`/`$cpure` and `` `systemc_* `` paste C++ and are refused.

`integrity_flags` is the second half: ways a design that runs can make the benchmark's testbench pass without
being right (reaching into the testbench by hierarchical name, forcing its signals, printing its summary line,
ending the run early). The harness's reading stands in the verdict; rtlsmith's strict reading fails them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A string literal, a line comment or a block comment, whichever starts first: a `//` inside a string is
# not a comment, and a `"` inside a comment does not start a string.
_LEXEME = re.compile(r'"(?:\\.|[^"\\\n])*"|//[^\n]*|/\*.*?\*/', re.S)

# Tasks that run host code: Verilator's `$system` and `$c`/`$cpure` (inline C++); `$fsystem` elsewhere.
_FORBIDDEN_TASKS = re.compile(r"\$(system|fsystem|c|cpure)\b(?!\$)")
# Verilator directives that paste C++ into the generated model.
_FORBIDDEN_DIRECTIVES = re.compile(r"`(systemc_\w+)")
# Icarus' VHDL file I/O; no Verilog design needs it.
_VHDL_FILE_TASKS = re.compile(r"\$(ivlh_file_open|ivlh_readline|ivlh_writeline)\b")

# System tasks that open a file, with the position (1-based) of their file-name argument.
_FILE_TASK_ARG = {
    "$fopen": 1,
    "$fopena": 1,
    "$fopenr": 1,
    "$fopenw": 1,
    "$readmemh": 1,
    "$readmemb": 1,
    "$readmempath": 1,
    "$writememh": 1,
    "$writememb": 1,
    "$dumpfile": 1,
    "$dumpports": 2,
    "$sdf_annotate": 1,
    "$log": 1,
    "$key": 1,
    "$input": 1,
    "$save": 1,
    "$restart": 1,
    "$incsave": 1,
    "$table_model": 1,
}
_FILE_TASK = re.compile(r"(\$[A-Za-z_][A-Za-z0-9_$]*)")
_INCLUDE = re.compile(r"`include\b[ \t]*([\"<][^\">\n]*[\">]|\S*)")
_DPI = re.compile(r'\b(import|export)\s+"DPI(?:-C)?"')
_DEFINE_PASTE = re.compile(r"`define\b(?:[^\n\\]|\\\n|\\.)*``(?:[^\n\\]|\\\n|\\.)*")


@dataclass(frozen=True)
class Refusal:
    construct: str
    line: int
    reason: str

    def message(self) -> str:
        return f"refused: line {self.line}: {self.construct}: {self.reason}"


def _strip_comments(src: str) -> str:
    """`src` with comments blanked (newlines kept, so line numbers stay right) and strings untouched."""

    def blank(m: re.Match[str]) -> str:
        text = m.group(0)
        return text if text.startswith('"') else "\n" * text.count("\n")

    return _LEXEME.sub(blank, src)


_ESCAPE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|(.))", re.S)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "v": "\v", "f": "\f", "a": "\a"}


def _decode(body: str) -> str:
    """A string literal's body as the simulator reads it: `"\\056\\056/x"` is `../x`."""

    def one(m: re.Match[str]) -> str:
        if m.group(1):
            return chr(int(m.group(1), 8) & 0xFF)
        if m.group(2):
            return chr(int(m.group(2), 16))
        return _SIMPLE_ESCAPES.get(m.group(3), m.group(3))

    return _ESCAPE.sub(one, body)


def _unsafe_path(literal: str) -> str | None:
    lit = literal.strip()
    if not (len(lit) >= 2 and lit[0] == '"' and lit[-1] == '"') and not (
        lit.startswith("<") and lit.endswith(">")
    ):
        return "the file name is not a string literal, so it cannot be checked"
    path = _decode(lit[1:-1]) if lit[0] == '"' else lit[1:-1]
    if path.startswith(("/", "~", "\\")):
        return f"absolute path {path!r} is outside the sandbox"
    parts = re.split(r"[\\/]", path)
    if ".." in parts:
        return f"path {path!r} climbs out of the working directory"
    if any(part.startswith(".rtlsmith") for part in parts):
        return f"{path!r} is one of the sandbox's own files (logs and exit statuses)"
    return None


def _arguments(text: str, open_paren: int) -> list[str]:
    """The top-level, comma-separated arguments of the call whose `(` is at `open_paren`."""
    args: list[str] = []
    depth = 0
    start = open_paren + 1
    i = open_paren
    while i < len(text):
        ch = text[i]
        if ch == '"':
            end = _LEXEME.match(text, i)
            i = end.end() if end else i + 1
            continue
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                args.append(text[start:i])
                return args
        elif ch == "," and depth == 1:
            args.append(text[start:i])
            start = i + 1
        i += 1
    args.append(text[start:])
    return args


def screen(source: str) -> list[Refusal]:
    """Every construct in `source` that would reach outside the sandbox; empty when the design is clean."""
    text = _strip_comments(source)
    found: list[Refusal] = []

    def line_of(pos: int) -> int:
        return text.count("\n", 0, pos) + 1

    strings = [(m.start(), m.end()) for m in _LEXEME.finditer(text) if m.group(0).startswith('"')]

    def outside_strings(pattern: re.Pattern[str]) -> list[re.Match[str]]:
        return [m for m in pattern.finditer(text) if not any(a <= m.start() < b for a, b in strings)]

    for m in outside_strings(_FORBIDDEN_TASKS):
        found.append(Refusal(m.group(0), line_of(m.start()), "runs code on the host"))
    for m in outside_strings(_FORBIDDEN_DIRECTIVES):
        found.append(Refusal(m.group(0), line_of(m.start()), "pastes C++ into the simulator"))
    for m in outside_strings(_VHDL_FILE_TASKS):
        found.append(Refusal(m.group(0), line_of(m.start()), "VHDL file access is not allowed in a design"))
    for m in outside_strings(_DEFINE_PASTE):
        if "$" in m.group(0):
            found.append(
                Refusal(
                    "`define",
                    line_of(m.start()),
                    "token pasting next to a system task name cannot be checked",
                )
            )
    for m in outside_strings(_FILE_TASK):
        name = m.group(1)
        position = _FILE_TASK_ARG.get(name)
        if position is None:
            continue
        after = re.match(r"\s*\(", text[m.end() :])
        if after is None:
            # `$dumpfile;` with no argument writes dump.vcd in the working directory.
            if name == "$dumpfile" and re.match(r"\s*;", text[m.end() :]):
                continue
            found.append(
                Refusal(name, line_of(m.start()), "used without an argument list, so it cannot be checked")
            )
            continue
        args = _arguments(text, m.end() + after.end() - 1)
        if len(args) < position:
            continue  # too few arguments: the compiler rejects it
        why = _unsafe_path(args[position - 1])
        if why is None:
            why = next((w for a in args if a.strip().startswith('"') and (w := _unsafe_path(a))), None)
        if why:
            found.append(Refusal(name, line_of(m.start()), why))
    for m in outside_strings(_DPI):
        why = "DPI links C functions (the C library's among them)"
        found.append(Refusal(m.group(0), line_of(m.start()), why))
    for m in outside_strings(_INCLUDE):
        why = _unsafe_path(m.group(1)) or (
            "a design is judged as one file: the run directory holds only the hidden testbench and "
            "reference, and a file there may be a symlink to anywhere"
        )
        found.append(Refusal("`include", line_of(m.start()), why))
    return sorted(found, key=lambda r: r.line)


_REFERENCE_NAMES = re.compile(r"\b(RefModule|reference_module)\b")
# Ending the simulation: the testbench's summary line is then never printed, or printed early.
_SIM_CONTROL = re.compile(r"\$(finish|stop|fatal|exit)\b")
_ROOT = re.compile(r"\$root\b")
_SUMMARY_TEXT = re.compile(r'"[^"\n]*Mismatches[^"\n]*"')
_SUMMARY_LINE = re.compile(r"Mismatches: [0-9]* in [0-9]* samples")
_HIER_PATH = re.compile(r"(?:\\\S+\s|[A-Za-z_][\w$]*)(?:\s*(?:\[[^\]]*\]\s*)?\.\s*[A-Za-z_][\w$]*)*")
_RTLLM_PASS_TEXT = re.compile(r'"[^"\n]*Design Passed[^"\n]*"')

# Every flag is a strict failure: each names a way the testbench's reading can depend on something other
# than the values on the design's ports (its names for the testbench's signals, the log, the end of the run),
# or on nothing at all (0 samples). A design needs none of them to be right.


def _outside_names(candidate: str) -> list[str]:
    """References in `candidate` to anything outside it, as flag texts.

    The candidate is elaborated alone (pyslang): a hierarchical name whose first component the candidate
    does not declare (`tb.tb_match`, `good1.out`, an upward reference to the testbench) cannot resolve, and
    every `$root.` path leaves the design. References the candidate resolves itself (`u_sub.q`, an upward
    reference to its own top module) are its own business. `force`, `release`, `defparam` and `$deposit` on
    such names are named as such; a `bind` of the candidate's code into another module is a reach-out too.
    """
    import pyslang

    tree = pyslang.syntax.SyntaxTree.fromText(candidate)
    kinds = pyslang.syntax.SyntaxKind
    verbs = {
        kinds.ProceduralForceStatement: "forces",
        kinds.ProceduralReleaseStatement: "releases",
        kinds.DefParam: "defparams",
    }
    spans: list[tuple[int, int, str]] = []
    binds: list[int] = []

    def visit(node: object) -> None:
        kind = getattr(node, "kind", None)
        verb = verbs.get(kind) if kind is not None else None
        if kind == kinds.InvocationExpression and str(getattr(node, "left", "")).strip() == "$deposit":
            verb = "deposits a value on"
        if verb is not None:
            rng = node.sourceRange  # type: ignore[attr-defined]
            spans.append((rng.start.offset, rng.end.offset, verb))
        if kind == kinds.BindDirective:
            binds.append(node.sourceRange.start.offset)  # type: ignore[attr-defined]

    tree.root.visit(visit)
    comp = pyslang.ast.Compilation()
    comp.addSyntaxTree(tree)
    codes = pyslang.Diags
    manager = tree.sourceManager
    flags: list[str] = []
    for diag in comp.getAllDiagnostics():
        if diag.code not in (codes.UndeclaredIdentifier, codes.CouldNotResolveHierarchicalPath):
            continue
        name = str(diag.args[0]) if diag.args else "?"
        location = diag.location
        from_macro = manager.isMacroLoc(location)
        if from_macro:
            # Built by a macro: the text after it is not in the source, so it counts as dotted.
            location = manager.getFullyOriginalLoc(location)
        offset = location.offset
        # An undeclared plain name fails to compile anyway; only a dotted one can reach elsewhere.
        rest = candidate[offset + len(name) :] if candidate[offset : offset + len(name)] == name else ""
        escaped = candidate[offset : offset + 1] == "\\"
        if escaped:
            end = offset
            while end < len(candidate) and not candidate[end].isspace():
                end += 1
            rest = candidate[end:]
        if diag.code == codes.UndeclaredIdentifier and not from_macro and not re.match(r"\s*[.\[]", rest):
            continue
        line = manager.getLineNumber(location)
        verb = next((v for a, b, v in spans if a <= offset < b), "reaches")
        path = None if from_macro else _HIER_PATH.match(candidate, offset)
        shown = re.sub(r"\s+", "", path.group(0)) if path else name + " (from a macro)" * from_macro
        flags.append(f"{verb} '{shown}' by hierarchical name outside the design (line {line})")
    for offset in binds:
        line = candidate.count("\n", 0, offset) + 1
        flags.append(f"binds its code into another module (line {line})")
    return flags


# What the run directory holds for the judge: sources (the hidden testbench and reference among them) and
# the compiled simulation (Icarus' sim.vvp, Verilator's obj_dir).
_JUDGE_FILE = re.compile(r"(?:^|[\\/])(?:[^\\/]*\.(?:s?vh?|vvp)|obj_dir(?:[\\/].*)?)$", re.I)


def _judge_files_opened(text: str) -> list[str]:
    """File names the candidate (comments stripped) hands to a file task that name the judge's files."""
    found: list[str] = []
    for m in _FILE_TASK.finditer(text):
        if m.group(1) not in _FILE_TASK_ARG:
            continue
        after = re.match(r"\s*\(", text[m.end() :])
        if after is None:
            continue
        for arg in _arguments(text, m.end() + after.end() - 1):
            lit = arg.strip()
            if len(lit) >= 2 and lit[0] == lit[-1] == '"' and _JUDGE_FILE.search(_decode(lit[1:-1])):
                found.append(_decode(lit[1:-1]))
    return found


def integrity_flags(candidate: str, *, samples: int | None = None, log: str | None = None) -> tuple[str, ...]:
    """Ways a candidate can pass a VerilogEval-style or RTLLM testbench without being right.

    The benchmark harnesses accept these, and `Verdict.passed` keeps the harness's reading; rtlsmith's strict
    reading (`Verdict.strict_passed`) fails every flagged pass. `log`, where given, is the run's output: a
    VerilogEval log with more than one summary line holds one the design printed, however it built the text.
    """
    text = _strip_comments(candidate)
    code = _LEXEME.sub(lambda m: " " * len(m.group(0)), text)  # strings blanked too
    flags: list[str] = []
    if _REFERENCE_NAMES.search(code):
        flags.append("names the hidden reference module (RefModule/reference_module)")
    if _SUMMARY_TEXT.search(text):
        flags.append("prints text containing 'Mismatches', the testbench's pass/fail line")
    elif log is not None and len(_SUMMARY_LINE.findall(log)) > 1:
        flags.append("the log holds more than one 'Mismatches' summary line: the design printed one")
    if _RTLLM_PASS_TEXT.search(text):
        flags.append("prints text containing 'Design Passed', an RTLLM testbench's pass line")
    if _SIM_CONTROL.search(code):
        flags.append("calls $finish/$stop/$fatal/$exit, which can end the testbench early")
    for name in _judge_files_opened(text):
        flags.append(f"opens {name!r}: the judge's own files (testbench, reference, simulation) are not its")
    if _ROOT.search(code):
        flags.append("names $root, which reaches outside the design")
    try:
        flags.extend(dict.fromkeys(_outside_names(candidate)))
    except Exception as exc:  # an elaborator failure must not pass a design unchecked
        flags.append(f"could not be checked for names outside the design ({type(exc).__name__}: {exc})")
    if samples == 0:
        flags.append("passed with 0 samples compared")
    return tuple(flags)
