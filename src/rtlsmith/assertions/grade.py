"""Grade an assertion set by the bugs it catches: check it on the reference, then look for a counterexample
to each property on every mutant. A property that fails on the reference is wrong, not strong: it does not
count towards kills, and the set is flagged."""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from rtlsmith.assertions.check import PropertyReport, Status, check_properties
from rtlsmith.assertions.properties import PropertyFile, PropertyFileError, parse_properties
from rtlsmith.task import Interface


@dataclass(frozen=True)
class MutantOutcome:
    """One mutant: the properties with a counterexample on it, or why it could not be checked."""

    name: str
    killed_by: tuple[str, ...]
    error: str = ""  # the mutant does not elaborate (a syntax bug, an unknown module, ...)

    @property
    def killed(self) -> bool:
        return bool(self.killed_by)

    def record(self) -> dict[str, Any]:
        return {"name": self.name, "killed_by": list(self.killed_by), "error": self.error}


@dataclass(frozen=True)
class Grade:
    """How strong an assertion set is against a design's mutants."""

    reference: PropertyReport
    mutants: tuple[MutantOutcome, ...]

    @property
    def graded(self) -> tuple[MutantOutcome, ...]:
        """Mutants the properties were checked on (those that elaborate)."""
        return tuple(m for m in self.mutants if not m.error)

    @property
    def kill_rate(self) -> float | None:
        graded = self.graded
        return sum(m.killed for m in graded) / len(graded) if graded else None

    @property
    def wrong(self) -> tuple[str, ...]:
        """Asserts with a counterexample on the reference."""
        return tuple(r.name for r in self.reference.results if r.status is Status.COUNTEREXAMPLE)

    @property
    def proven(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.reference.results if r.status is Status.PROVEN)

    @property
    def vacuous(self) -> tuple[str, ...]:
        """Asserts whose precondition the reference never reaches, and covers it never hits."""
        return tuple(r.name for r in self.reference.results if r.vacuous)

    @property
    def never_fire(self) -> tuple[str, ...]:
        """Asserts that hold on the reference and catch no mutant."""
        killers = {name for m in self.mutants for name in m.killed_by}
        return tuple(
            r.name
            for r in self.reference.results
            if r.kind == "assert" and r.status is not Status.COUNTEREXAMPLE and r.name not in killers
        )

    @property
    def says_nothing(self) -> bool:
        """No mutant caught although some could be checked: the set constrains nothing the bugs change."""
        return self.kill_rate == 0.0

    def flags(self) -> list[str]:
        out = []
        if self.reference.error:
            out.append(f"the check on the reference failed: {self.reference.error}")
        if self.wrong:
            out.append(f"wrong on the reference (not counted as kills): {', '.join(self.wrong)}")
        if self.says_nothing:
            out.append("says nothing: no mutant is caught by any property")
        if self.vacuous:
            out.append(f"vacuous (precondition never reached): {', '.join(self.vacuous)}")
        if self.never_fire and not self.says_nothing:
            out.append(f"never fire on a mutant: {', '.join(self.never_fire)}")
        return out

    def record(self) -> dict[str, Any]:
        return {
            "reference": self.reference.record(),
            "mutants": [m.record() for m in self.mutants],
            "kill_rate": self.kill_rate,
            "proven": list(self.proven),
            "wrong": list(self.wrong),
            "vacuous": list(self.vacuous),
            "never_fire": list(self.never_fire),
            "flags": self.flags(),
        }


def grade_properties(
    reference: str,
    interface: Interface,
    properties: str | PropertyFile,
    mutants: Mapping[str, str],
    *,
    reference_top: str | None = None,
    max_steps: int = 20,
    timeout_s: float = 60.0,
    isolate: bool = True,
    jobs: int = 2,
) -> Grade:
    """Check `properties` on `reference`, then each assert on each mutant (bounded: a kill is a real
    counterexample from power-up). Mutants define the interface's module; a mutant that does not
    elaborate is listed with its error and left out of the kill rate."""
    try:
        pfile = properties if isinstance(properties, PropertyFile) else parse_properties(properties)
    except PropertyFileError:
        report = check_properties(reference, interface, properties, design_top=reference_top)
        return Grade(report, ())
    report = check_properties(
        reference,
        interface,
        pfile,
        design_top=reference_top,
        max_steps=max_steps,
        timeout_s=timeout_s,
        isolate=isolate,
    )
    if report.error:
        return Grade(report, ())
    usable = {r.name for r in report.results if r.kind == "assert" and r.status is not Status.COUNTEREXAMPLE}

    def one(item: tuple[str, str]) -> MutantOutcome:
        name, text = item
        r = check_properties(
            text,
            interface,
            pfile,
            max_steps=max_steps,
            bmc_only=True,
            vacuity=False,
            timeout_s=timeout_s,
            isolate=isolate,
            keep_vcd=False,
        )
        if r.error and not r.results:
            return MutantOutcome(name, (), r.error)
        killed = tuple(x.name for x in r.results if x.status is Status.COUNTEREXAMPLE and x.name in usable)
        return MutantOutcome(name, killed)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        outcomes = tuple(pool.map(one, sorted(mutants.items())))
    return Grade(report, outcomes)
