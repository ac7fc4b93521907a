"""A small generic finite-state machine: Enum states, a declarative transition table, guards, diagrams.

Semantics follow pytransitions without its magic: a `Machine` holds a table of frozen `Transition`s;
`fire(event, ctx)` takes the first listed transition from the current state on that event whose guard accepts
`ctx`, and raises `IllegalTransition` when none is listed or no guard passes. Every step is kept in `history`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from rtlsmith.errors import IllegalTransition

S = TypeVar("S", bound=enum.Enum)
C = TypeVar("C")

Guard = Callable[[C], bool]


@dataclass(frozen=True)
class Transition(Generic[S, C]):
    """Move from `src` to `dst` on `event`, when `guard(ctx)` is true (or always, with no guard)."""

    src: S
    event: str
    dst: S
    guard: Callable[[C], bool] | None = None

    def allows(self, ctx: C) -> bool:
        return self.guard is None or bool(self.guard(ctx))

    def label(self) -> str:
        if self.guard is None:
            return self.event
        name = getattr(self.guard, "__name__", "guard")
        return f"{self.event} if {name.strip('_')}"


@dataclass(frozen=True)
class Step(Generic[S]):
    """One transition taken: where from, on which event, where to."""

    src: S
    event: str
    dst: S


class Machine(Generic[S, C]):
    """A finite-state machine over the Enum `S`, with transitions guarded on a context of type `C`."""

    def __init__(
        self,
        transitions: Iterable[Transition[S, C]],
        initial: S,
        final: Iterable[S] = (),
    ) -> None:
        self.transitions: tuple[Transition[S, C], ...] = tuple(transitions)
        if not self.transitions:
            raise ValueError("a machine needs at least one transition")
        self.states: type[S] = type(initial)
        for t in self.transitions:
            for state in (t.src, t.dst):
                if not isinstance(state, self.states):
                    where = self.states.__name__
                    raise ValueError(f"transition {t.src}->{t.dst} uses a state outside {where}")
        self.initial = initial
        self.final: frozenset[S] = frozenset(final)
        self.state: S = initial
        self.history: list[Step[S]] = []

    def events(self, state: S | None = None) -> list[str]:
        """The events listed from `state` (default: the current state), in table order, without repeats."""
        src = self.state if state is None else state
        return list(dict.fromkeys(t.event for t in self.transitions if t.src == src))

    def can_fire(self, event: str, ctx: C) -> bool:
        return any(t.src == self.state and t.event == event and t.allows(ctx) for t in self.transitions)

    def fire(self, event: str, ctx: C) -> S:
        """Take the first listed transition on `event` whose guard passes; returns the new state."""
        listed = [t for t in self.transitions if t.src == self.state and t.event == event]
        if not listed:
            allowed = ", ".join(self.events()) or "none (final state)"
            where = f"{self.states.__name__}: no transition from {self.state.name} on {event!r}"
            raise IllegalTransition(f"{where}; listed events: {allowed}")
        for t in listed:
            if t.allows(ctx):
                self.history.append(Step(self.state, event, t.dst))
                self.state = t.dst
                return t.dst
        guards = ", ".join(t.label() for t in listed)
        raise IllegalTransition(
            f"{self.states.__name__}: every guard refused {event!r} from {self.state.name} ({guards})"
        )

    @property
    def done(self) -> bool:
        return self.state in self.final

    def reset(self) -> None:
        self.state = self.initial
        self.history.clear()

    def path(self) -> list[S]:
        """The states visited so far, starting with the initial state."""
        return [self.initial, *(s.dst for s in self.history)]

    def to_mermaid(self, title: str | None = None) -> str:
        """The transition table as a Mermaid `stateDiagram-v2`, for documentation and `--diagram`."""
        lines: list[str] = []
        if title:
            lines += ["---", f"title: {title}", "---"]
        lines.append("stateDiagram-v2")
        lines.append(f"    [*] --> {self.initial.name}")
        for t in self.transitions:
            lines.append(f"    {t.src.name} --> {t.dst.name}: {t.label()}")
        for state in sorted(self.final, key=_order(self.states)):
            lines.append(f"    {state.name} --> [*]")
        return "\n".join(lines) + "\n"


def _order(states: type[S]) -> Callable[[S], int]:
    members: Sequence[S] = list(states)
    return members.index
