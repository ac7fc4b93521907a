"""Ask a model for properties: the spec and the interface in, the body of a property module out."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rtlsmith.assertions.harness import props_header
from rtlsmith.llm.base import Model, system, user
from rtlsmith.task import PublicTask

SYSTEM = (
    "You are a formal verification engineer. You write SystemVerilog assertions that Yosys can prove. "
    "You never write or change the design itself."
)

RULES = """\
Write properties for the module above, from the specification only. Write the BODY of this property module
(it sees every port of the design as an input; it drives nothing):

{header}

Rules (the checker accepts only this subset):
- Give every property a label: `p_name: assert (...)`.
- Combinational facts: `always @* begin p_x: assert (out == (a & b)); end`
- Clocked facts: `p_y: assert property (@(posedge {clock}) cond |=> next_value_expr);` (checked one cycle
  after cond), or `p_z: assert property (@(posedge {clock}) cond |-> expr);` (same cycle), or inside
  `always @(posedge {clock})` with `$past(x)`.
- Optionally `c_name: cover property (@(posedge {clock}) cond);` for situations that must be reachable.
- `$past(x)` is a whole value: write `$past(q[7])`, never `$past(q)[7]`.
- No `##`, no `[*]`, no sequences, no `property ... endproperty`, no hierarchical names: ports only.
- Registers start at 0 at power-up.

Write only labelled `assert`/`cover` statements, one per line, never inside comments. Do not repeat the
module header and do not write design logic (no assignments to ports): the design already exists.
Answer with one ```systemverilog block holding the statements, then stop.
"""

EXAMPLE = """\
Example for a 4-bit counter with synchronous active-high reset and enable (ports clk, reset, en, q[3:0]):
```systemverilog
  p_reset: assert property (@(posedge clk) reset |=> q == 4'd0);
  p_count: assert property (@(posedge clk) !reset && en |=> q == $past(q) + 4'd1);
  p_hold: assert property (@(posedge clk) !reset && !en |=> q == $past(q));
  c_wrap: cover property (@(posedge clk) q == 4'hf);
```
"""

_FENCE = re.compile(r"```[a-zA-Z]*\n(.*?)(?:```|\Z)", re.S)


@dataclass(frozen=True)
class WrittenProperties:
    """What the model answered and the property text taken from it."""

    text: str
    response: str
    prompt_tokens: int
    completion_tokens: int


def prompt(task: PublicTask) -> str:
    interface = task.interface
    clock = interface.clock() or "clk"
    rules = RULES.format(header=props_header(interface).rstrip(), clock=clock)
    example = EXAMPLE if interface.clock() else ""
    return f"Specification:\n{task.spec.text('detailed')}\n\n{rules}\n{example}"


def extract_properties(response: str) -> str:
    """The first fenced block of the response, else the whole response."""
    m = _FENCE.search(response)
    return (m.group(1) if m else response).strip("\n") + "\n"


def write_properties(
    model: Model, task: PublicTask, *, max_tokens: int = 768, temperature: float = 0.0, seed: int | None = 0
) -> WrittenProperties:
    """One model call for `task`'s properties (the public spec and interface only)."""
    messages = [system(SYSTEM), user(prompt(task))]
    done = model.generate(
        messages,
        max_tokens=max_tokens,
        temperature=temperature,
        seed=seed,
        stop=["\n```\n"],
        task_id=task.id,
    )[0]
    text = done.text
    if text.count("```") == 1:
        text += "\n```"
    return WrittenProperties(extract_properties(text), done.text, done.prompt_tokens, done.completion_tokens)
