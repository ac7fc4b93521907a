"""A property file, read into the subset Yosys 0.23's `read_verilog -formal` accepts.

A property file is the body of a module that sees the design's ports as inputs (rtlsmith writes the header;
see `rtlsmith.assertions.harness`), so properties can read every port and drive nothing. Accepted:

- immediate `assert (E);`, `assume (E);`, `cover (E);` inside `always @*` or `always @(posedge clk)`
  blocks, under any `if`/`case`; `$past`, `$stable`, `$rose`, `$fell` in clocked blocks;
- module-level `assert property (E);` (checked at every step) and `A |-> B` there (read as `!(A) || (B)`);
- concurrent `assert property (@(posedge clk) [disable iff (R)] [A |-> | A |=>] B);`, rewritten into a
  clocked immediate assertion (Yosys 0.23 parses neither the clocking event nor the implication operators).

Refused as unsupported, with the line: sequences and temporal operators (`##`, `[*`, `[->`, `[=`,
`s_eventually`, `until`, `throughout`, ...), `sequence`/`property` declarations, `bind`, and hierarchical
names (a property sees ports only, so it grades any design with the same interface, mutants included).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rtlsmith.errors import RtlsmithError

KINDS = ("assert", "assume", "cover")
PAST_VALID = "rtlsmith_past_valid"
_LABEL_PREFIX = "rtlsmith_p"

_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_KEYWORD = re.compile(r"\b(assert|assume|cover)\b")
_LABEL_BEFORE = re.compile(r"(?<!['\w$])([A-Za-z_][A-Za-z0-9_$]*)\s*:\s*$")
_NOT_LABELS = {"default", "begin", "end", "else", "endcase", "case"}
_UNSUPPORTED_OPS = (
    ("##", "cycle delays (##)"),
    ("[*", "repetition ([*])"),
    ("[->", "goto repetition ([->])"),
    ("[=", "non-consecutive repetition ([=])"),
)
_UNSUPPORTED_WORDS = re.compile(
    r"\b(s_eventually|eventually|s_always|until|s_until|until_with|throughout|within|intersect|"
    r"first_match|nexttime|s_nexttime|strong|weak|expect|restrict)\b"
)
_DECLARATIONS = re.compile(r"^\s*(sequence|property|endsequence|endproperty|bind|checker)\b", re.M)
_HIERARCHICAL = re.compile(r"(?<![\w$.'])([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)\b")
_CLOCKING = re.compile(r"^\s*@\s*\(\s*(posedge|negedge)\s+([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*")
_DISABLE = re.compile(r"^\s*disable\s+iff\s*\(")


class PropertyFileError(RtlsmithError):
    """A property file outside the accepted subset; `line` is 1-based in the file as given."""

    def __init__(self, message: str, line: int, text: str = "") -> None:
        super().__init__(f"line {line}: {message}" + (f": {text.strip()}" if text.strip() else ""))
        self.reason = message
        self.line = line
        self.text = text


@dataclass(frozen=True)
class Property:
    """One assert, assume or cover statement of a property file."""

    name: str  # the label Yosys gives the cell (the file's own label, or rtlsmith_pN)
    kind: str  # "assert", "assume" or "cover"
    line: int  # 1-based line in the file as given
    text: str  # the statement as written
    guard: str = ""  # the antecedent of `A |-> B` / `A |=> B`, for the vacuity check


@dataclass(frozen=True)
class PropertyFile:
    """A property file checked against the subset, with every statement labelled."""

    source: str  # as given
    body: str  # as Yosys reads it: labelled, concurrent assertions rewritten
    properties: tuple[Property, ...]
    offset: int = 0  # lines of the given file before the body (a file holding a whole module)

    @property
    def asserts(self) -> tuple[Property, ...]:
        return tuple(p for p in self.properties if p.kind == "assert")

    @property
    def covers(self) -> tuple[Property, ...]:
        return tuple(p for p in self.properties if p.kind == "cover")

    def probe_body(self) -> str:
        """The body with every assert's condition replaced by 0 and every cover `C` turned into
        `assert (!(C))`: `sat` then finds a trace exactly when the assert's precondition (the `if`s and
        `case`s around it, its antecedent) or the cover can be reached."""
        return _parse(self.source, probe=True)[0]


def _blank_comments(text: str) -> str:
    """Comments replaced by spaces (newlines kept), so offsets and line numbers stay put."""
    return _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _line_text(text: str, line: int) -> str:
    lines = text.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _balanced(code: str, start: int) -> int:
    """Index just past the parenthesis that closes the one at `start`."""
    depth = 0
    for i in range(start, len(code)):
        if code[i] == "(":
            depth += 1
        elif code[i] == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    raise PropertyFileError(
        "unbalanced parentheses", _line_of(code, start), _line_text(code, _line_of(code, start))
    )


def _split_implication(expr: str) -> tuple[str, str, str]:
    """(antecedent, operator, consequent) at top level, or ("", "", expr)."""
    depth = 0
    for i in range(len(expr) - 2):
        c = expr[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif depth == 0 and expr[i : i + 3] in ("|->", "|=>"):
            return expr[:i].strip(), expr[i : i + 3], expr[i + 3 :].strip()
    return "", "", expr.strip()


def _check_subset(code: str, source: str) -> None:
    m = _DECLARATIONS.search(code)
    if m:
        line = _line_of(code, m.start(1))
        raise PropertyFileError(f"`{m.group(1)}` is not supported", line, _line_text(source, line))
    for op, what in _UNSUPPORTED_OPS:
        at = code.find(op)
        if at >= 0:
            line = _line_of(code, at)
            raise PropertyFileError(f"{what} is not supported", line, _line_text(source, line))
    m = _UNSUPPORTED_WORDS.search(code)
    if m:
        line = _line_of(code, m.start())
        raise PropertyFileError(f"`{m.group(1)}` is not supported", line, _line_text(source, line))
    for m in _HIERARCHICAL.finditer(code):
        before = code[: m.start()].rstrip()
        if before.endswith(("'", "`")) or m.group(1).isdigit():
            continue
        line = _line_of(code, m.start())
        why = f"hierarchical name `{m.group(0)}`: properties see the design's ports only"
        raise PropertyFileError(why, line, _line_text(source, line))


def _parse(source: str, *, probe: bool = False) -> tuple[str, tuple[Property, ...]]:
    code = _blank_comments(source)
    _check_subset(code, source)
    out: list[str] = []
    props: list[Property] = []
    names: set[str] = set()
    pos = 0
    needs_past_valid = False
    for m in _KEYWORD.finditer(code):
        if m.start() < pos:
            continue
        kind = m.group(1)
        line = _line_of(code, m.start())
        rest = m.end()
        after = code[rest:]
        concurrent = re.match(r"\s*property\b", after)
        if concurrent:
            rest += concurrent.end()
        paren = re.match(r"\s*\(", code[rest:])
        if paren is None:
            raise PropertyFileError(
                f"`{kind}` must be followed by `(condition)`", line, _line_text(source, line)
            )
        open_at = rest + paren.end() - 1
        close_at = _balanced(code, open_at)
        semi = re.match(r"\s*;", code[close_at:])
        if semi is None:
            raise PropertyFileError(f"`{kind} (...)` must end with `;`", line, _line_text(source, line))
        end = close_at + semi.end()
        inner = code[open_at + 1 : close_at - 1]
        label_m = _LABEL_BEFORE.search(code[pos : m.start()])
        if label_m and label_m.group(1) not in _NOT_LABELS:
            name, stmt_start = label_m.group(1), pos + label_m.start()
        else:
            name, stmt_start = f"{_LABEL_PREFIX}{len(props) + 1}", m.start()
        if name in names:
            raise PropertyFileError(f"label `{name}` is used twice", line, _line_text(source, line))
        names.add(name)
        clock, edge, disable = "", "", ""
        cm = _CLOCKING.match(inner)
        if cm:
            if not concurrent:
                raise PropertyFileError(
                    "a clocking event needs `assert property`", line, _line_text(source, line)
                )
            edge, clock = cm.group(1), cm.group(2)
            inner = inner[cm.end() :]
        dm = _DISABLE.match(inner)
        if dm:
            close = _balanced(inner, dm.end() - 1)
            disable = inner[dm.end() : close - 1].strip()
            inner = inner[close:]
        guard, op, consequent = _split_implication(inner)
        if (disable or op == "|=>") and not clock:
            why = "`disable iff` and `|=>` need a clocking event: `assert property (@(posedge clk) ...)`"
            raise PropertyFileError(why, line, _line_text(source, line))
        text = source[stmt_start:end]
        stmt_kind = kind
        if clock:
            cond = "1'b0" if probe and kind == "assert" else consequent
            if probe and kind == "cover":
                stmt_kind, cond = "assert", f"!({consequent})"
            conds = [f"!({disable})"] if disable else []
            if op == "|->":
                conds.append(f"({guard})")
            elif op == "|=>":
                needs_past_valid = True
                conds += [PAST_VALID, f"$past({guard})"]
            cond_text = f"if ({' && '.join(conds)}) " if conds else ""
            statement = f"always @({edge} {clock}) {cond_text}{name}: {stmt_kind} ({cond});"
        else:
            cond = f"!({guard}) || ({consequent})" if op == "|->" else consequent
            if probe and kind == "assert":
                cond = f"!({guard})" if op == "|->" else "1'b0"
            elif probe and kind == "cover":
                stmt_kind, cond = "assert", f"!({cond})"
            # Yosys reads an immediate assertion outside any process only as `assert property`.
            at_module_level = concurrent or _module_level(code[:stmt_start])
            keyword = f"{stmt_kind} property" if at_module_level else stmt_kind
            statement = f"{name}: {keyword} ({cond});"
        # Keep the line count: the rewritten statement goes on the first line, blank lines after.
        statement += "\n" * text.count("\n")
        out.append(source[pos:stmt_start])
        out.append(statement)
        props.append(Property(name, kind, line, " ".join(text.split()), guard))
        pos = end
    out.append(source[pos:])
    body = "".join(out)
    if needs_past_valid:
        # On the body's first line, so line numbers in Yosys' messages stay those of the file.
        clock = _first_clock(props, code)
        body = f"reg {PAST_VALID} = 1'b0; always @(posedge {clock}) {PAST_VALID} <= 1'b1; " + body
    return body, tuple(props)


def _module_level(before: str) -> bool:
    """Whether a statement after `before` stands outside any process: no open `begin`/`case`, and the
    previous statement ended (`;`, `end`, `endcase` or nothing) rather than an `always` header or `if`."""
    opened = len(re.findall(r"\b(begin|case|casez|casex)\b", before))
    closed = len(re.findall(r"\b(end|endcase)\b", before))
    if opened != closed:
        return False
    tail = before.rstrip()
    return not tail or tail.endswith(";") or re.search(r"\b(end|endcase)$", tail) is not None


def _first_clock(props: list[Property], code: str) -> str:
    m = re.search(r"@\s*\(\s*(?:posedge|negedge)\s+([A-Za-z_][A-Za-z0-9_]*)", code)
    return m.group(1) if m else "clk"


def parse_properties(source: str) -> PropertyFile:
    """Check `source` (a module body, or a whole module whose body is taken) against the subset.

    Raises PropertyFileError with the line for anything outside it, or when there is no assert at all.
    """
    body_source, offset = module_body(source)
    try:
        body, props = _parse(body_source)
    except PropertyFileError as exc:
        raise PropertyFileError(exc.reason, exc.line + offset, exc.text) from None
    props = tuple(Property(p.name, p.kind, p.line + offset, p.text, p.guard) for p in props)
    if not any(p.kind == "assert" for p in props):
        raise PropertyFileError("no `assert` statement found", 1)
    return PropertyFile(body_source, body, props, offset)


_MODULE = re.compile(r"\bmodule\s+[A-Za-z_][A-Za-z0-9_$]*")


def module_body(source: str) -> tuple[str, int]:
    """The text between a module header's `);` and `endmodule` (or all of `source` when it holds no
    module), and how many lines precede it in `source`, so line numbers can be mapped back."""
    code = _blank_comments(source)
    m = _MODULE.search(code)
    if m is None:
        return source, 0
    semi = code.find(";", m.end())
    paren = code.find("(", m.end())
    if 0 <= paren < semi:
        close = _balanced(code, paren)
        semi = code.find(";", close)
    end = code.find("endmodule", semi)
    if semi < 0:
        raise PropertyFileError("module header without `;`", _line_of(code, m.start()))
    end = len(source) if end < 0 else end
    start = semi + 1
    return source[start:end], _line_of(code, start) - 1
