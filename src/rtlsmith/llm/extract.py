"""Model response -> Verilog source.

Models wrap code in Markdown fences, VerilogEval's ``[BEGIN]``/``[DONE]`` markers, or prose; they repeat a
module after "fixing" it, and run out of tokens before ``endmodule``. These functions recover the code and
never raise: whatever they return is judged by a real tool.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rtlsmith.errors import UsageError

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*([\w+#.-]*)[^\n]*$", re.MULTILINE)
_VERILOG_LANGS = frozenset({"", "verilog", "systemverilog", "sv", "v", "vlog", "vhdl-verilog", "svh", "vh"})
_MODULE = re.compile(
    r"^[ \t]*(?:macromodule|module)\s+(?:(?:static|automatic)\s+)?([A-Za-z_][\w$]*)", re.MULTILINE
)
_ENDMODULE = re.compile(r"\bendmodule\b(?:[ \t]*:[ \t]*[A-Za-z_][\w$]*)?")
_BEGIN = re.compile(r"^[ \t]*\[BEGIN\]", re.MULTILINE)
_DONE = re.compile(r"\[DONE\]")


@dataclass(frozen=True)
class ModuleUnit:
    """One ``module ... endmodule`` found in a text."""

    name: str
    text: str
    closed: bool


def _fenced_blocks(text: str) -> list[tuple[str, str]]:
    """``(language, code)`` for each fenced block; an unclosed last fence runs to the end of the text."""
    blocks: list[tuple[str, str]] = []
    pos = 0
    while True:
        opening = _FENCE.search(text, pos)
        if opening is None:
            return blocks
        fence, lang = opening.group(1), opening.group(2).lower()
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", re.MULTILINE)
        end = closing.search(text, opening.end())
        body_start = opening.end() + 1
        if end is None:
            blocks.append((lang, text[body_start:]))
            return blocks
        blocks.append((lang, text[body_start : end.start()]))
        pos = end.end()


def _begin_done_blocks(text: str) -> list[str]:
    """Code between ``[BEGIN]`` and ``[DONE]`` (or the end of the text when ``[DONE]`` is missing)."""
    blocks: list[str] = []
    pos = 0
    while True:
        begin = _BEGIN.search(text, pos)
        if begin is None:
            return blocks
        done = _DONE.search(text, begin.end())
        end = done.start() if done else len(text)
        body = text[begin.end() : end]
        # Models sometimes fence the code inside the markers.
        fenced = _fenced_blocks(body)
        blocks.append("\n".join(code for _, code in fenced) if fenced else body)
        if done is None:
            return blocks
        pos = done.end()


def _module_spans(code: str) -> list[tuple[ModuleUnit, int, int]]:
    starts = list(_MODULE.finditer(code))
    spans = []
    for i, start in enumerate(starts):
        limit = starts[i + 1].start() if i + 1 < len(starts) else len(code)
        end = _ENDMODULE.search(code, start.start(), limit)
        if end is not None:
            unit = ModuleUnit(start.group(1), code[start.start() : end.end()], True)
            spans.append((unit, start.start(), end.end()))
        else:
            text = code[start.start() : limit].rstrip()
            spans.append((ModuleUnit(start.group(1), text, False), start.start(), start.start() + len(text)))
    return spans


def split_modules(code: str) -> list[ModuleUnit]:
    """The module definitions in ``code``, in order; one without ``endmodule`` runs to the next module."""
    return [unit for unit, _, _ in _module_spans(code)]


def _close(unit: ModuleUnit) -> str:
    return unit.text if unit.closed else unit.text.rstrip() + "\nendmodule"


def _code_regions(text: str) -> tuple[list[str], bool]:
    """Where the code is: marked regions, else Verilog (or unlabelled) fenced blocks, else the text itself;
    and whether the regions are code throughout (marked or fenced) rather than prose with code in it."""
    marked = _begin_done_blocks(text)
    if marked:
        return marked, True
    blocks = _fenced_blocks(text)
    if blocks:
        verilog = [code for lang, code in blocks if lang in _VERILOG_LANGS or _MODULE.search(code)]
        with_modules = [code for code in verilog if _MODULE.search(code)]
        if with_modules:
            return with_modules, True
        # Fences without modules: a bare body (v1 style), unless the modules are outside the fences.
        if verilog and not _MODULE.search(text):
            return verilog, True
    return [text], False


_DIRECTIVE = re.compile(r"^\s*(?:`[A-Za-z_]|(?:import|typedef|parameter|localparam)\s)")


def _is_directive(line: str) -> bool:
    """A compiler directive or a declaration that may stand outside a module."""
    return _DIRECTIVE.match(line) is not None


def _assemble(regions: list[str], is_code: bool) -> tuple[str, list[ModuleUnit]]:
    """Join code regions, keeping the last definition of each module and closing unterminated ones.

    Text between modules is kept when the regions are code (comments, packages, typedefs); in prose only
    compiler directives and declarations are.
    """
    pieces: list[str | ModuleUnit] = []
    for region in regions:
        pos = 0
        for unit, start, end in _module_spans(region):
            pieces += [region[pos:start], unit]
            pos = end
        pieces.append(region[pos:])
    units = [p for p in pieces if isinstance(p, ModuleUnit)]
    if not units:
        return "\n\n".join(r.strip("\n") for r in regions).strip() + "\n", []
    last = {u.name: u for u in units}
    parts = []
    for piece in pieces:
        if isinstance(piece, ModuleUnit):
            if last[piece.name] is piece:
                parts.append(_close(piece).strip("\n"))
        else:
            between = piece if is_code else "\n".join(x for x in piece.splitlines() if _is_directive(x))
            if between.strip():
                parts.append(between.strip("\n"))
    return "\n\n".join(parts) + "\n", list(last.values())


def extract_verilog(text: str, module_name: str | None = None) -> str:
    """The Verilog in a model response: every module it defines, each closed with ``endmodule``.

    Looks in ``[BEGIN]``...``[DONE]`` first, then in fenced blocks (verilog, systemverilog or unlabelled),
    then in the text itself, dropping prose around the code. A module defined twice keeps its last version.
    With ``module_name``, a module of that name found anywhere in the response is always included.
    """
    code, units = _assemble(*_code_regions(text))
    if module_name and units and all(u.name != module_name for u in units):
        wanted = [u for u in split_modules(text) if u.name == module_name]
        if wanted:
            code = _close(wanted[-1]).strip("\n") + "\n\n" + code
    return code


def _header_end(module_text: str) -> int:
    """Index just past the ``;`` that ends a module header (``module m #(...) (...);``)."""
    depth = 0
    for i, ch in enumerate(module_text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == ";" and depth <= 0:
            return i + 1
    return -1


def extract_body(text: str, module_name: str | None = None) -> str:
    """A VerilogEval v1 completion: the module body after the header, through ``endmodule``.

    v1 prompts end with the module header, and the harness compiles ``prompt + completion``. Chat models
    often repeat the header, so it is cut; a body without ``endmodule`` gets one; modules the body is
    followed by (helpers) are kept, except another copy of the module itself.
    """
    regions, _ = _code_regions(text)
    code = "\n".join(regions)
    units = split_modules(code)
    first_start = _MODULE.search(code)
    first_end = _ENDMODULE.search(code)
    # A body comes first when an endmodule precedes every module header; otherwise the text repeats the
    # header (prose before it is dropped).
    starts_with_body = first_end is not None and (
        first_start is None or first_end.start() < first_start.start()
    )
    main = None
    if units and not starts_with_body:
        main = next((u for u in units if u.name == module_name), units[0]) if module_name else units[0]
    if main is not None:
        end = _header_end(main.text)
        body = main.text[end:] if end >= 0 else ""
        rest = [u for u in units if u is not main and u.name != main.name]
        parts = [_close(ModuleUnit(main.name, body, main.closed)).lstrip("\n")]
        parts += [_close(u) for u in rest]
        return "\n\n".join(p.strip("\n") for p in parts) + "\n"
    # No header: the text is already a body, possibly followed by helper modules or junk.
    if first_end is None:
        body_text = code.rstrip()
        return (body_text + "\n" if body_text else "") + "endmodule\n"
    body_text = code[: first_end.end()]
    helpers = [
        u
        for u in split_modules(code[first_end.end() :])
        if u.closed and (module_name is None or u.name != module_name)
    ]
    return "\n\n".join([body_text.strip("\n"), *(u.text for u in helpers)]) + "\n"


# -- VerilogEval v2's own extraction ----------------------------------------------------------------------


def _verilog_eval_markers(lines: list[str], module_name: str) -> tuple[int, bool]:
    """How many lines open with a fence, and whether the answer holds the module header itself."""
    fences = 0
    module_seen = False
    endmodule_first = False
    for line in lines:
        if line.startswith("```"):
            fences += 1
        elif line.startswith("endmodule"):
            endmodule_first = endmodule_first or not module_seen
        elif line.startswith(f"module {module_name}"):
            module_seen = True
    return fences, module_seen and not endmodule_first


def _verilog_eval_fenced(
    lines: list[str], fences: int, module_exists: bool, module_name: str
) -> tuple[list[str], bool, bool]:
    """The lines VerilogEval keeps by fences (or by module/endmodule without them); also whether it saw the
    module header and an endmodule."""
    kept: list[str] = []
    opened = closed = found_module = found_end = False
    for line in lines:
        keep = True
        if line.strip().startswith(f"module {module_name}"):
            found_module = True
        if fences >= 2:
            keep = opened and not closed
        else:
            if found_end or (module_exists and not found_module):
                keep = False
        if line.startswith("```"):
            closed = closed or opened
            opened = True
            keep = False
        elif line.strip().startswith("endmodule"):
            found_end = True
        if keep:
            kept.append(line)
    return kept, found_module, found_end


def _verilog_eval_begin_done(lines: list[str]) -> tuple[list[str], bool, bool]:
    kept: list[str] = []
    started = ended = False
    for line in lines:
        if not started:
            if line.strip() == "[BEGIN]":
                started = True
            elif line.lstrip().startswith("[BEGIN]"):
                kept.append(line.lstrip().replace("[BEGIN]", ""))
                started = True
        elif not ended:
            if line.strip() == "[DONE]":
                ended = True
            elif line.rstrip().endswith("[DONE]"):
                kept.append(line.rstrip().replace("[DONE]", ""))
                ended = True
            else:
                kept.append(line)
    return kept, started, ended


def extract_verilog_eval(
    text: str, *, task: str = "spec-to-rtl", interface: str = "", module_name: str = "TopModule"
) -> str:
    """The ``.sv`` file VerilogEval v2's ``sv-generate`` writes for a response, reproduced line for line.

    Use it, not ``extract_verilog``, to compare with published VerilogEval v2 numbers: the benchmark scores
    what its own extraction keeps, including its failures (a ``[BEGIN]`` without ``[DONE]`` keeps nothing).
    ``interface`` is the problem's ``*_ifc.txt`` text, which ``code-complete-iccad2023`` puts before a bare
    module body. Its ``// VERILOG-EVAL:`` comments are kept too.
    """
    lines = text.splitlines()
    fences, module_exists = _verilog_eval_markers(lines, module_name)
    out: list[str] = [""]
    if task == "code-complete-iccad2023":
        if not module_exists:
            out.append(interface + "\n")
        kept, found_module, found_end = _verilog_eval_fenced(lines, fences, module_exists, module_name)
        out += [*kept, ""]
        if fences == 1 or fences > 2:
            out += ["// VERILOG-EVAL: abnormal backticks count", ""]
        if found_module:
            out += ["// VERILOG-EVAL: errant inclusion of module definition", ""]
        if not found_end:
            out += ["// VERILOG-EVAL: endmodule not found", ""]
    elif task == "spec-to-rtl":
        kept, started, ended = _verilog_eval_begin_done(lines)
        if started and ended:
            out += kept
        elif not started:
            kept, _, _ = _verilog_eval_fenced(lines, fences, module_exists, module_name)
            out += [*kept, "", "// VERILOG-EVAL: response did not use <CODE></CODE> correctly"]
    else:
        raise UsageError(
            f"unknown VerilogEval task {task!r}; valid tasks: spec-to-rtl, code-complete-iccad2023"
        )
    out.append("")
    return "\n".join(out) + "\n"
