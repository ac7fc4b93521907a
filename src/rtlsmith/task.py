"""The task model: what an agent may see (PublicTask) and what only a scorer may read (HiddenChecks).

The split is structural. An agent receives a `PublicTask`, which has no reference to hidden material at all.
A `Task` pairs a `PublicTask` with its hidden checks inside a `Sealed` box whose text never appears in
`str()`, `repr()` or an f-string; reading it needs an explicit `unseal(Purpose.SCORING)` (or ORACLE).
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Generic, Literal, TypeVar

from rtlsmith.errors import HiddenAccessError

Direction = Literal["input", "output", "inout"]


@dataclass(frozen=True)
class Port:
    """One port of a module: name, direction and bit width (1 for a scalar)."""

    name: str
    direction: Direction
    width: int = 1
    signed: bool = False
    kind: str = ""  # "reg", "logic", "wire" or "" as declared; kept so a header can be re-printed faithfully

    def declaration(self) -> str:
        parts: list[str] = [self.direction]
        if self.kind:
            parts.append(self.kind)
        if self.signed:
            parts.append("signed")
        if self.width > 1:
            parts.append(f"[{self.width - 1}:0]")
        parts.append(self.name)
        return " ".join(parts)


@dataclass(frozen=True)
class Interface:
    """A module's name and ports, in declaration order."""

    module: str
    ports: tuple[Port, ...]

    def header(self) -> str:
        """The module header as Verilog-2001 ANSI text, ending with `);`."""
        body = ",\n".join(f"  {p.declaration()}" for p in self.ports)
        return f"module {self.module} (\n{body}\n);"

    def port(self, name: str) -> Port | None:
        return next((p for p in self.ports if p.name == name), None)

    @property
    def inputs(self) -> tuple[Port, ...]:
        return tuple(p for p in self.ports if p.direction == "input")

    @property
    def outputs(self) -> tuple[Port, ...]:
        return tuple(p for p in self.ports if p.direction == "output")

    def clock(self) -> str | None:
        """The clock input's name, by convention (`clk`, `clock`), or None for a combinational block."""
        for p in self.inputs:
            if p.name.lower() in ("clk", "clock") and p.width == 1:
                return p.name
        return None


SpecLevel = Literal["summary", "detailed", "block"]


@dataclass(frozen=True)
class Spec:
    """A specification at up to three levels of detail, as in MG-Verilog."""

    detailed: str
    summary: str = ""
    block: str = ""

    def text(self, level: SpecLevel = "detailed") -> str:
        """The text at `level`, falling back to the detailed description when that level is absent."""
        value = {"summary": self.summary, "detailed": self.detailed, "block": self.block}[level]
        return value or self.detailed


@dataclass(frozen=True)
class Vector:
    """One example cycle: input values applied, output values expected after the step (Verilog literals)."""

    inputs: tuple[tuple[str, str], ...]
    outputs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class PublicChecks:
    """Checks an agent may run: an optional self-checking testbench and optional example vectors."""

    testbench: str | None = None
    vectors: tuple[Vector, ...] = ()

    @property
    def empty(self) -> bool:
        return self.testbench is None and not self.vectors


class Layout(enum.StrEnum):
    """The built-in benchmarks whose harnesses judge tasks: a task's `HiddenChecks.layout` names one.

    The value is the benchmark's registered name (`rtlsmith.benchmarks`), which owns how a candidate is
    combined with the hidden testbench and how the run is read; a benchmark added in a module of its own
    is named by a plain string. The value enters every task's content hash.
    """

    # Three files (candidate, test.sv, ref.sv) with RefModule/TopModule; VerilogEval v2's harness and rules.
    VERILOG_EVAL_V2 = "verilog-eval-v2"
    # One file: test + "\n" + prompt + "\n" + completion; VerilogEval v1's execution.py rules.
    VERILOG_EVAL_V1 = "verilog-eval-v1"
    # The design under its own module name plus RTLLM's self-checking testbench.v (and the data files it
    # reads); the testbench's own pass/fail text decides (rtlsmith.tools.rtllm).
    RTLLM = "rtllm"


@dataclass(frozen=True)
class HiddenChecks:
    """Material used only for scoring: the benchmark testbench and reference implementation."""

    testbench: str
    reference: str | None
    layout: str  # the benchmark whose harness judges the task: a `Layout`, or a registered benchmark's name
    # For VERILOG_EVAL_V1: the prompt text (module header) that the completion continues.
    prompt: str = ""
    # The testbench's top-level module (VerilogEval's is always `tb`).
    testbench_top: str = "tb"
    # The reference's top module when its name differs from the candidate's (RTLLM's `verified_<name>`).
    reference_top: str = ""
    # Files the testbench reads from its working directory ($readmemh data, expected outputs): (name, bytes).
    data_files: tuple[tuple[str, bytes], ...] = ()
    # For formal checks: a Verilog expression over the inputs that holds in every cycle (e.g. a one-hot
    # `state` input the spec promises), so inputs that break it are not compared. Empty: none.
    formal_assume: str = ""


class Purpose(enum.Enum):
    """Why hidden checks are being read; ORACLE is only legal under --oracle-feedback."""

    SCORING = "scoring"
    ORACLE = "oracle"
    FORMAL = "formal"


T = TypeVar("T")


class Sealed(Generic[T]):
    """A box whose content never prints: `str`, `repr` and formatting give a placeholder."""

    __slots__ = ("_value",)

    def __init__(self, value: T) -> None:
        self._value = value

    def unseal(self, purpose: Purpose) -> T:
        if not isinstance(purpose, Purpose):
            raise HiddenAccessError("hidden checks can only be read with an explicit rtlsmith.task.Purpose")
        return self._value

    def __repr__(self) -> str:
        return "<sealed>"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return "<sealed>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sealed) and other._value == self._value

    def __hash__(self) -> int:
        # Consistent with __eq__ (equal boxes hash equal); an unhashable content makes the box unhashable.
        return hash(("sealed", self._value))

    def __reduce__(self) -> tuple[type[Sealed[T]], tuple[T]]:
        # Pickling is needed to ship tasks to worker processes; it does not print anything.
        return (Sealed, (self._value,))

    def __iter__(self) -> Iterator[object]:
        raise HiddenAccessError("hidden checks are sealed; call unseal(Purpose.SCORING) to score")


@dataclass(frozen=True)
class PublicTask:
    """Everything an agent is allowed to see about a task."""

    id: str
    suite: str
    spec: Spec
    interface: Interface
    tags: tuple[str, ...] = ()
    public: PublicChecks = field(default_factory=PublicChecks)


@dataclass(frozen=True, eq=False)
class Task:
    """A public task paired with its sealed hidden checks."""

    public: PublicTask
    hidden: Sealed[HiddenChecks]

    @property
    def id(self) -> str:
        return self.public.id

    def content_hash(self) -> str:
        """A stable hash over the public and hidden parts: results name the exact task they scored."""
        hidden = self.hidden.unseal(Purpose.SCORING)
        hidden_part: dict[str, object] = {
            "testbench": hidden.testbench,
            "reference": hidden.reference,
            "layout": str(hidden.layout),
            "prompt": hidden.prompt,
        }
        # Fields added after the first suites were published enter the hash only when set, so the hashes
        # of VerilogEval and native tasks (and the stored runs keyed by them) stay what they were.
        if hidden.testbench_top != "tb":
            hidden_part["testbench_top"] = hidden.testbench_top
        if hidden.reference_top:
            hidden_part["reference_top"] = hidden.reference_top
        if hidden.formal_assume:
            hidden_part["formal_assume"] = hidden.formal_assume
        if hidden.data_files:
            hidden_part["data_files"] = {
                name: hashlib.sha256(content).hexdigest() for name, content in hidden.data_files
            }
        payload = {"public": asdict(self.public), "hidden": hidden_part}
        blob = json.dumps(payload, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:16]
