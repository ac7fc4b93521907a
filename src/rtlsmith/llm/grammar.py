"""GBNF grammars that constrain a small model to a well-formed module with a given interface.

A 135M-parameter model left alone writes C-like text; under this grammar every answer is one module whose
header is the task's interface, verbatim, and whose body uses only the task's own port names and a few
internal registers, in a Verilog subset Icarus and Verilator accept. The grammar does not make a design
correct; it makes every iteration reach the simulator, so the repair loop has something to work on.
"""

from __future__ import annotations

import json

from rtlsmith.task import Interface

# Internal registers the body may declare and drive; a fixed set keeps the grammar context-free and small.
INTERNAL_REGS = ("state", "count")


def _lit(text: str) -> str:
    """A GBNF string literal."""
    return json.dumps(text)


def _alt(names: list[str]) -> str:
    return "(" + " | ".join(_lit(n) for n in names) + ")" if names else '"0"'


def _driver_rules(i: int, target: str, sens: str) -> dict[str, str]:
    """Rules for one procedural block that drives `target` and nothing else (at most two nested ifs)."""
    asg = f"asg{i}"
    return {
        f"drv{i}": f'"  always @(" {sens} ") " (if{i} | case{i} | {asg}) "\\n"',
        f"if{i}": f'"if (" expr ") " {asg} " else " (inner{i} | {asg})',
        f"inner{i}": f'"if (" expr ") " {asg} " else " {asg}',
        f"case{i}": (
            f'"case (" ident ")\\n" ("    " number ": " {asg} "\\n"){{1,8}} '
            f'"    default: " {asg} "\\n  endcase"'
        ),
        asg: f'{_lit(target)} (" <= " | " = ") expr ";"',
    }


def module_grammar(interface: Interface) -> str:
    """A GBNF grammar: the interface header verbatim, then exactly one driver per output, then `endmodule`.

    Wire outputs get one `assign`; reg outputs one `always` block that assigns only that output. Optional
    internal registers (`state`, `count`) may be declared and driven by their own block first.
    """
    readable = [p.name for p in interface.ports] + list(INTERNAL_REGS)
    clock = interface.clock()
    sens = "(" + " | ".join([_lit(f"posedge {clock}"), _lit("*")] if clock else [_lit("*")]) + ")"
    rules: dict[str, str] = {}
    drivers: list[str] = []
    for i, reg in enumerate(INTERNAL_REGS):
        rules.update(_driver_rules(100 + i, reg, sens))
        drivers.append(f'("  reg " range? {_lit(reg)} ";\\n" drv{100 + i})?')
    for i, port in enumerate(interface.outputs):
        if port.kind == "reg":
            rules.update(_driver_rules(i, port.name, sens))
            drivers.append(f"drv{i}")
        else:
            rules[f"drv{i}"] = f'"  assign " {_lit(port.name)} " = " expr ";\\n"'
            drivers.append(f"drv{i}")
    rules = {
        "root": f"{_lit(interface.header() + chr(10))} {' '.join(drivers)} {_lit('endmodule' + chr(10))}",
        **rules,
        "range": '"[" [0-9] [0-9]? ":0] "',
        "expr": 'term (" " binop " " term){0,2} (" ? " term " : " term)?',
        "term": 'ident select? | number | unop ident | "(" expr ")" | "{" term (", " term){1,3} "}"',
        "select": '"[" [0-9] [0-9]? (":" [0-9] [0-9]?)? "]"',
        "ident": _alt(readable),
        "number": '[0-9] [0-9]? | [1-9] [0-9]? "\'" ("b" [01_]{1,16} | "d" [0-9]{1,5} | "h" [0-9a-f]{1,8})',
        "binop": '"&" | "|" | "^" | "+" | "-" | "==" | "!=" | "<" | ">" | ">=" | "&&" | "||" | "<<" | ">>"',
        "unop": '"~" | "!"',
    }
    return "\n".join(f"{name} ::= {body}" for name, body in rules.items()) + "\n"


# Models whose design answers the interface grammar helps, by measurement. SmolLM2-135M unconstrained rarely
# writes a module at all; Qwen2.5-Coder-1.5B writes real Verilog, and under this grammar it passed 0 of 14
# VerilogEval v2 tasks (the grammar narrowed `in[sel]` to `in[80]`) against 25% of 40 unconstrained.
CONSTRAINED_BY_DEFAULT = ("embedded:smollm2",)


def grammar_policy(policy: str, model_id: str) -> bool:
    """Whether design answers of `model_id` are constrained under `policy` ("auto", "on", "off").

    "auto" constrains only the models listed in `CONSTRAINED_BY_DEFAULT`: a grammar is never forced on a model
    that writes modules on its own, and hosted APIs reject grammars anyway.
    """
    return policy == "on" or (policy == "auto" and model_id in CONSTRAINED_BY_DEFAULT)


def design_grammar(policy: str, model_id: str, interface: Interface) -> str | None:
    """The grammar to constrain a design answer with under `policy`, or None (see `grammar_policy`)."""
    return module_grammar(interface) if grammar_policy(policy, model_id) else None
