"""What the symbolic agent's synthesis produces: a `Design` made of one `Choice` per output, or `Decline`.

Shared by the combinational synthesis (`rtlsmith.symbolic.combinational`), the state-machine synthesis
(`rtlsmith.symbolic.sequential`) and the agent run (`rtlsmith.symbolic.agent`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rtlsmith.errors import RtlsmithError
from rtlsmith.task import Interface, Port, Vector


class Decline(RtlsmithError):
    """The spec is not something this agent can turn into a module; the message says why."""


@dataclass(frozen=True)
class Choice:
    """The expression chosen for one output target."""

    target: str
    how: str  # constant, wire, gate, arithmetic, sum-of-products, product-of-sums, parity, case
    expr: str
    cost: int
    body: str = ""  # declarations and an always block, for a case

    def record(self) -> dict[str, Any]:
        return {"target": self.target, "how": self.how, "expr": self.expr, "cost": self.cost}


@dataclass(frozen=True)
class Design:
    """A module, how each output was chosen, and the vectors (from the same table) that check it."""

    code: str
    choices: tuple[Choice, ...]
    source: str  # the table it came from, described
    vectors: tuple[Vector, ...]
    clock: str | None = None  # the clock the vectors step, for a state machine


def plain_header(interface: Interface) -> str:
    """The module header of `interface`, without the ports' comments."""
    ports = tuple(Port(p.name, p.direction, p.width, p.signed, "") for p in interface.ports)
    return Interface(interface.module, ports).header()
