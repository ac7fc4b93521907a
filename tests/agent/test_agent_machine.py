from __future__ import annotations

import enum

import pytest

from rtlsmith.agent import TRANSITIONS, State, machine
from rtlsmith.agent.machine import Machine, Transition
from rtlsmith.errors import IllegalTransition


class Door(enum.Enum):
    OPEN = 1
    CLOSED = 2
    LOCKED = 3


def _has_key(ctx: dict[str, bool]) -> bool:
    return ctx.get("key", False)


def door() -> Machine[Door, dict[str, bool]]:
    return Machine(
        [
            Transition(Door.OPEN, "close", Door.CLOSED),
            Transition(Door.CLOSED, "open", Door.OPEN),
            Transition(Door.CLOSED, "lock", Door.LOCKED, _has_key),
            Transition(Door.LOCKED, "unlock", Door.CLOSED, _has_key),
        ],
        Door.OPEN,
        final=(Door.LOCKED,),
    )


def test_fire_follows_the_table_and_keeps_history() -> None:
    m = door()
    assert m.fire("close", {}) is Door.CLOSED
    assert m.fire("lock", {"key": True}) is Door.LOCKED
    assert m.done
    assert m.path() == [Door.OPEN, Door.CLOSED, Door.LOCKED]
    assert [(s.src, s.event, s.dst) for s in m.history] == [
        (Door.OPEN, "close", Door.CLOSED),
        (Door.CLOSED, "lock", Door.LOCKED),
    ]


def test_unlisted_transition_raises_and_names_the_legal_events() -> None:
    m = door()
    with pytest.raises(IllegalTransition, match=r"no transition from OPEN on 'lock'; listed events: close"):
        m.fire("lock", {"key": True})
    assert m.state is Door.OPEN and m.history == []


def test_refusing_guard_raises_and_leaves_state_alone() -> None:
    m = door()
    m.fire("close", {})
    with pytest.raises(IllegalTransition, match="every guard refused 'lock'"):
        m.fire("lock", {"key": False})
    assert m.state is Door.CLOSED


def test_first_transition_whose_guard_passes_wins() -> None:
    m: Machine[Door, int] = Machine(
        [
            Transition(Door.OPEN, "go", Door.LOCKED, lambda n: n > 5),
            Transition(Door.OPEN, "go", Door.CLOSED),
        ],
        Door.OPEN,
    )
    assert m.fire("go", 9) is Door.LOCKED
    m.reset()
    assert m.fire("go", 1) is Door.CLOSED


def test_mixed_state_enums_are_rejected() -> None:
    with pytest.raises(ValueError, match="outside"):
        Machine([Transition(Door.OPEN, "x", State.DONE)], Door.OPEN)  # type: ignore[arg-type]


def test_mermaid_export_lists_every_transition_with_guards() -> None:
    text = door().to_mermaid(title="door")
    assert text.splitlines()[:4] == ["---", "title: door", "---", "stateDiagram-v2"]
    assert "    [*] --> OPEN" in text
    assert "    CLOSED --> LOCKED: lock if has_key" in text
    assert "    OPEN --> CLOSED: close" in text
    assert "    LOCKED --> [*]" in text


def test_smith_machine_diagram_covers_its_table() -> None:
    text = machine().to_mermaid()
    arrows = [ln for ln in text.splitlines() if "-->" in ln and "[*]" not in ln]
    assert len(arrows) == len(TRANSITIONS)
    for state in ("DECOMPOSE", "DRAFT", "LINT", "TEST", "REPAIR", "WRITE_TESTS", "DONE", "GIVE_UP"):
        assert state in text


def test_smith_machine_refuses_skipping_lint() -> None:
    m = machine()
    m.fire("plan", _Ctx())
    assert m.state is State.DRAFT
    with pytest.raises(IllegalTransition):
        m.fire("passed", _Ctx())  # DRAFT cannot go straight to DONE


class _Ctx:
    decompose = False
