"""Fast Verilog front-end work with pyslang: interfaces from headers, and syntax diagnostics."""

from __future__ import annotations

import re

from rtlsmith.errors import SuiteError
from rtlsmith.task import Direction, Interface, Port

_DIRECTIONS: dict[str, Direction] = {"In": "input", "Out": "output", "InOut": "inout"}
_MODULE = re.compile(r"\bmodule\s+([A-Za-z_][A-Za-z0-9_$]*)")


def parse_interface(text: str, module: str | None = None) -> Interface:
    """The interface of `module` (or the first module) in `text`; a header without a body is fine."""
    import pyslang

    source = text if re.search(r"\bendmodule\b", text) else text.rstrip() + "\nendmodule\n"
    tree = pyslang.syntax.SyntaxTree.fromText(source)
    comp = pyslang.ast.Compilation()
    comp.addSyntaxTree(tree)
    names = _MODULE.findall(source)
    wanted = module or (names[0] if names else None)
    if wanted is None:
        raise SuiteError("no `module` declaration found in the interface text")
    instances = {inst.name: inst for inst in comp.getRoot().topInstances}
    inst = instances.get(wanted)
    if inst is None:
        # Not a top instance (another module instantiates it): elaborate it alone.
        alone = pyslang.ast.Compilation()
        only = _extract_module(source, wanted)
        alone.addSyntaxTree(pyslang.syntax.SyntaxTree.fromText(only))
        inst = next((i for i in alone.getRoot().topInstances if i.name == wanted), None)
    if inst is None:
        raise SuiteError(f"module {wanted!r} not found; modules present: {', '.join(names) or 'none'}")
    ports: list[Port] = []
    for p in inst.body.portList:
        direction = _DIRECTIONS.get(str(p.direction).split(".")[-1], "inout")
        type_text = str(p.type)
        kind = "reg" if type_text.startswith("reg") else ""
        ports.append(Port(p.name, direction, int(p.type.bitWidth), bool(p.type.isSigned), kind))
    return Interface(wanted, tuple(ports))


def _extract_module(source: str, name: str) -> str:
    m = re.search(rf"\bmodule\s+{re.escape(name)}\b.*?\bendmodule\b", source, re.S)
    return m.group(0) if m else source


def syntax_errors(text: str) -> str:
    """pyslang's parse errors as `source:line:col: error: message` text with carets; empty when it parses."""
    import pyslang

    tree = pyslang.syntax.SyntaxTree.fromText(text)
    errors = [d for d in tree.diagnostics if d.isError()]
    if not errors:
        return ""
    return str(pyslang.DiagnosticEngine.reportAll(tree.sourceManager, errors))


def module_names(text: str) -> list[str]:
    return _MODULE.findall(text)


def instantiated_modules(text: str) -> list[str]:
    """The module types instantiated anywhere in `text`, in order of first appearance (pyslang's parse)."""
    import pyslang

    found: list[str] = []

    def visit(node: object) -> None:
        if getattr(node, "kind", None) == pyslang.syntax.SyntaxKind.HierarchyInstantiation:
            name = node.type.valueText  # type: ignore[attr-defined]
            if name and name not in found:
                found.append(name)

    pyslang.syntax.SyntaxTree.fromText(text).root.visit(visit)
    return found
