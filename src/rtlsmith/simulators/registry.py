"""Simulators by name: `register` adds a class, `get_simulator` returns an instance or a `UsageError`
that lists the valid names."""

from __future__ import annotations

from typing import TypeVar

from rtlsmith.errors import UsageError
from rtlsmith.simulators.base import Simulator

S = TypeVar("S", bound=type[Simulator])

_REGISTRY: dict[str, type[Simulator]] = {}


class UnknownSimulatorError(UsageError, ValueError):
    """A simulator name that no backend registered (a ValueError too, as JudgeOptions raised before)."""


def register(cls: S) -> S:
    """Class decorator: make `cls` available as `--simulator cls.name`."""
    _REGISTRY[cls.name] = cls
    return cls


def simulator_names() -> tuple[str, ...]:
    """The registered names, built-ins first, in registration order."""
    return tuple(_REGISTRY)


def get_simulator(name: str) -> Simulator:
    """The simulator registered as `name`."""
    try:
        return _REGISTRY[name]()
    except KeyError:
        raise UnknownSimulatorError(
            f"unknown simulator {name!r}; choose one of {', '.join(_REGISTRY)}"
        ) from None


def executable_of(name: str) -> str:
    """The program that makes simulator `name` installed; the name itself for one not registered here
    (a stored run may name a simulator this installation lacks)."""
    cls = _REGISTRY.get(name)
    return cls.executable if cls is not None else name
