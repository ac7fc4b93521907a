"""State diagrams of the machines Yosys extracts (`rtlsmith.formal.fsm`), as Graphviz DOT.

`fsm_dot` draws one machine: a state per node (named after the source's parameters when it names them),
the reset state with a double outline, entered by an arrow; Moore outputs inside the state, Mealy outputs
on the edges (`x=1 / z=1`); one edge per (source, target) pair labelled with its input conditions.
`diff_dot` draws the reference's machine with a design's differences (`FsmDiff`) on it: a transition the
design does not take in red, where the design goes instead as a blue dashed edge ("wrong" when both
exist), a transition only the design takes in blue, and states whose outputs differ in orange.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from dataclasses import replace

from rtlsmith.formal.fsm_diff import FsmDiff
from rtlsmith.formal.fsm_model import Fsm
from rtlsmith.pictures.graphviz import quote

MAX_STATES = 64  # above this a diagram is a hairball; the text summary says more
MAX_LABEL = 48  # characters of one condition line before it is cut

MISSING = "#dc2626"  # red
DESIGN = "#2563eb"  # blue
OUTPUTS = "#ea580c"  # orange


def too_big(fsm: Fsm) -> str:
    """Why `fsm` is not drawn, or "" when it is small enough."""
    if len(fsm.states) > MAX_STATES:
        return f"{len(fsm.states)} states: more than {MAX_STATES} are not drawn (see the text summary)"
    return ""


def _cut(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def reset_input(fsm: Fsm) -> tuple[str, str] | None:
    """(input, active value) of an input that alone sends every state to the reset state (a synchronous
    reset, active high or low), if any.

    Its edges are drawn once, on the reset arrow, and its inactive value is left out of the other
    conditions: an engineer reads a state diagram without the reset edges of every state."""
    if fsm.reset_state is None:
        return None
    for i, name in enumerate(fsm.inputs):
        for active in "10":
            cube = "-" * i + active + "-" * (len(fsm.inputs) - i - 1)
            goes = {t.source for t in fsm.transitions if t.condition == cube and t.target == fsm.reset_state}
            if goes == set(fsm.states):
                return name, active
    return None


_OPS = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">=", "logic_not": "!",
        "logic_and": "&&", "logic_or": "||", "reduce_or": "|", "reduce_and": "&", "not": "~"}  # fmt: skip
_INTERNAL = re.compile(r"\$(\w+?)\$[^\s$:]*:(\d+)\$\d+(?:_Y)?")


def readable(condition: str, reset: tuple[str, str] | None = None) -> str:
    """A condition as a designer reads it: without the reset input's inactive term, and Yosys' internal
    signals (`$eq$design.sv:35$29_Y`) named after their operator and source line (`(== line 35)`)."""
    text = _INTERNAL.sub(lambda m: f"({_OPS.get(m.group(1), m.group(1))} line {m.group(2)})", condition)
    if reset is None:
        return text
    inactive = f"{reset[0]}={'0' if reset[1] == '1' else '1'}"
    terms = [t for t in text.split(" & ") if t != inactive]
    return " & ".join(terms) or "always"


def _outputs_text(fsm: Fsm, outputs: str) -> str:
    """The machine's named outputs (`z=1 busy=0`); Yosys' internal ones (`$procmux$...`) are left out."""
    return " ".join(f"{n}={v}" for n, v in zip(fsm.outputs, outputs, strict=False) if not n.startswith("$"))


def state_outputs(fsm: Fsm) -> dict[str, str]:
    """State -> its named outputs, for states whose every transition drives the same (Moore) outputs."""
    seen: dict[str, set[str]] = defaultdict(set)
    for t in fsm.transitions:
        seen[t.source].add(_outputs_text(fsm, t.outputs))
    return {s: next(iter(v)) for s, v in seen.items() if len(v) == 1 and next(iter(v))}


def _edges(fsm: Fsm) -> dict[tuple[str, str], list[str]]:
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    reset = reset_input(fsm)
    moore = state_outputs(fsm)
    for t in fsm.transitions:
        if reset is not None and t.target == fsm.reset_state:
            alone = "".join(reset[1] if n == reset[0] else "-" for n in fsm.inputs)
            if t.condition == alone:
                continue
        text = _cut(readable(fsm.condition_text(t.condition), reset))
        if t.source not in moore and _outputs_text(fsm, t.outputs):  # Mealy: outputs on the edge
            text += f" / {_outputs_text(fsm, t.outputs)}"
        edges[(fsm.label(t.source), fsm.label(t.target))].append(text)
    return edges


def _header(title: str) -> list[str]:
    return [
        "digraph fsm {",
        '  graph [rankdir=LR, fontname="Helvetica", fontsize=12, labelloc=t, nodesep=0.4, ranksep=0.6,',
        f"         label={quote(title)}];",
        '  node [shape=ellipse, fontname="Helvetica", fontsize=11, width=0.6, fixedsize=false];',
        '  edge [fontname="Helvetica", fontsize=9, arrowsize=0.7];',
    ]


def _states(fsm: Fsm, extra_attrs: dict[str, str] | None = None) -> list[str]:
    lines = []
    reset = fsm.label(fsm.reset_state) if fsm.reset_state is not None else None
    if reset is not None:
        signal = reset_input(fsm)
        how = f"{signal[0]}={signal[1]} (from every state)" if signal else "reset"
        lines.append('  "__reset" [shape=point, width=0.12, label=""];')
        lines.append(f'  "__reset" -> {quote(reset)} [label={quote(how)}];')
    moore = state_outputs(fsm)
    for s in fsm.states:
        name = fsm.label(s)
        attrs = ["peripheries=2"] if name == reset else []
        if s in moore:  # Moore outputs inside the state, in small type under its name
            outs = html.escape(moore[s])
            attrs.append(f'label=<{html.escape(name)}<BR/><FONT POINT-SIZE="8">{outs}</FONT>>')
        if extra_attrs and name in extra_attrs:
            attrs.append(extra_attrs[name])
        tip = f"encoding {s}" if name != s else ""
        if tip:
            attrs.append(f"tooltip={quote(tip)}")
        lines.append(f"  {quote(name)}" + (f" [{', '.join(attrs)}]" if attrs else "") + ";")
    return lines


def fsm_dot(fsm: Fsm, title: str = "") -> str:
    """One machine as DOT."""
    heading = title or f"{fsm.module}: `{fsm.state_register}`, {len(fsm.states)} states"
    lines = [*_header(heading), *_states(fsm)]
    for (src, dst), conds in _edges(fsm).items():
        lines.append(f"  {quote(src)} -> {quote(dst)} [label={quote(chr(10).join(conds))}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def diff_dot(reference: Fsm, diff: FsmDiff, title: str = "") -> str:
    """The reference machine with the design's differences drawn on it (see the module docstring)."""
    edges = _edges(reference)
    reset = reset_input(reference)
    red: dict[tuple[str, str], list[str]] = defaultdict(list)
    blue: dict[tuple[str, str], list[str]] = defaultdict(list)
    for d in diff.missing:
        d = replace(d, condition=readable(d.condition, reset))
        instead = d.other_target
        if instead.startswith("("):  # the design has no transition here at all
            red[(d.source, d.target)].append(f"missing in design: {_cut(d.condition)}")
        else:
            red[(d.source, d.target)].append(f"design does not take: {_cut(d.condition)}")
            blue[(d.source, instead)].append(f"wrong: design goes here when {_cut(d.condition)}")
    for d in diff.extra:
        d = replace(d, condition=readable(d.condition, reset))
        if d.other_target.startswith("("):  # the reference has no transition under this condition
            blue[(d.source, d.target)].append(f"extra in design: {_cut(d.condition)}")
    out_states = {o.state: f"output {o.output} differs" for o in diff.output_diffs}
    attrs = {
        s: f'color="{OUTPUTS}", penwidth=2.5, fontcolor="{OUTPUTS}", xlabel={quote(why)}'
        for s, why in out_states.items()
    }
    for s in diff.unmatched_reference:
        attrs.setdefault(s, 'style=dashed, color="#9ca3af"')
    verdict = "machines match" if diff.equivalent else (
        f"{len(diff.missing)} missing, {len(diff.extra)} extra transitions, "
        f"{len(diff.output_diffs)} output differences"
    )  # fmt: skip
    heading = (title or "the reference with the design's differences") + f"\n{verdict}"
    legend = "red: the reference's, not taken by the design\nblue dashed: the design's own"
    lines = [*_header(heading + "\n" + legend), *_states(reference, attrs)]
    known = {reference.label(s) for s in reference.states}
    for src, dst in blue:
        for name in (src, dst):
            if name not in known:  # a candidate state no reference state matched
                lines.append(f'  {quote(name)} [style=dashed, color="{DESIGN}", fontcolor="{DESIGN}"];')
                known.add(name)
    for key, conds in edges.items():
        src, dst = key
        if key in red:
            label = "\n".join([*conds, *red.pop(key)])
            style = f'color="{MISSING}", fontcolor="{MISSING}", penwidth=2.5'
            lines.append(f"  {quote(src)} -> {quote(dst)} [label={quote(label)}, {style}];")
        else:
            lines.append(f"  {quote(src)} -> {quote(dst)} [label={quote(chr(10).join(conds))}];")
    for (src, dst), notes in red.items():  # a missing transition the reference table merged elsewhere
        style = f'color="{MISSING}", fontcolor="{MISSING}", penwidth=2.5'
        lines.append(f"  {quote(src)} -> {quote(dst)} [label={quote(chr(10).join(notes))}, {style}];")
    for (src, dst), notes in blue.items():
        style = f'color="{DESIGN}", fontcolor="{DESIGN}", style=dashed, penwidth=2'
        lines.append(f"  {quote(src)} -> {quote(dst)} [label={quote(chr(10).join(notes))}, {style}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
