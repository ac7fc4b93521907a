"""A testbench's VCD read back as the samples its comparison saw.

A VerilogEval-style testbench (VerilogEval v2's and the bundled suite's) drives inputs, instantiates the
reference and the design side by side with outputs `<name>_ref` and `<name>_dut`, and compares them at every
edge of `clk` (`always @(posedge clk, negedge clk)`). At an edge the comparison runs before the edge's
non-blocking updates land, so the value it sees is the one each signal held just before the edge: that is
the sample read here. Edges in the first time step (a clock's initial value) are not samples, as in the
testbench, whose sample count (`Mismatches: N in M samples`) these match.

The VCD parser is `vcdvcd` (PyPI), imported when a waveform is read.
"""

from __future__ import annotations

import bisect
import contextlib
import re
import signal
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from rtlsmith.errors import UsageError

INSTALL_HINT = "pip install 'rtlsmith[pictures]' (or: pip install vcdvcd wavedrom)"
_BUS = re.compile(r"\[[^\]]*\]$")


@dataclass(frozen=True)
class VcdSignal:
    """One signal of a VCD: its name inside its scope, its width and its changes (time, binary value)."""

    name: str
    width: int
    changes: tuple[tuple[int, str], ...]

    @cached_property
    def times(self) -> list[int]:
        return [t for t, _ in self.changes]

    def at(self, time: int) -> str:
        """The value at `time`, after the changes made at `time`."""
        i = bisect.bisect_right(self.times, time) - 1
        return _padded(self.changes[i][1], self.width) if i >= 0 else "x" * self.width

    def before(self, time: int) -> str:
        """The value the signal held just before `time` ('x' bits before its first change)."""
        i = bisect.bisect_left(self.times, time) - 1
        return _padded(self.changes[i][1], self.width) if i >= 0 else "x" * self.width


@dataclass(frozen=True)
class Samples:
    """Every comparison a testbench made: sample times, the clock, inputs and (expected, actual) outputs."""

    times: tuple[int, ...]
    clock: tuple[str, ...]  # the clock's level right after each sampling edge ('1' rising, '0' falling);
    # 'p' where a sample is a whole clock cycle (vectors testbenches), '' where there is no clock
    inputs: tuple[tuple[str, int, tuple[str, ...]], ...]  # (name, width, values per sample)
    outputs: tuple[tuple[str, int, tuple[str, ...], tuple[str, ...]], ...]  # (name, width, expected, actual)
    timescale: str = ""

    def differs(self, i: int) -> tuple[str, ...]:
        """Outputs whose actual value fails the testbench's rule at sample `i`."""
        return tuple(name for name, _, exp, act in self.outputs if not sample_matches(exp[i], act[i]))

    def differing(self) -> tuple[int, ...]:
        """Indices of the samples where any output differs (the testbench's mismatched samples)."""
        return tuple(i for i in range(len(self.times)) if self.differs(i))


def sample_matches(expected: str, actual: str) -> bool:
    """VerilogEval's `ref === (ref ^ dut ^ ref)`, bit by bit: a reference `x` matches anything; a reference
    `z` becomes `x` through the XOR and matches nothing; otherwise the bits must be equal."""
    for r, d in zip(expected.lower(), actual.lower(), strict=False):
        if r == "x":
            continue
        if r == "z" or r != d:
            return False
    return True


def _padded(value: str, width: int) -> str:
    value = value.lower()
    if len(value) >= width:
        return value[-width:]
    fill = value[0] if value[0] in "xz" else "0"  # VCD drops leading zeros; x and z extend themselves
    return fill * (width - len(value)) + value


def _import_vcdvcd() -> Any:
    """vcdvcd, imported without its side effect: at import it sets SIGPIPE to the default action, after
    which a write to a closed socket (a model server that hung up) kills the whole process without a word."""
    sigpipe = getattr(signal, "SIGPIPE", None)
    before = signal.getsignal(sigpipe) if sigpipe is not None else None
    try:
        import vcdvcd
    except ImportError as exc:
        raise UsageError(f"reading waveforms needs vcdvcd: {INSTALL_HINT}") from exc
    finally:
        if sigpipe is not None and before is not None:
            with contextlib.suppress(ValueError):  # not the main thread: vcdvcd could not change it either
                signal.signal(sigpipe, before)
    return vcdvcd


def read_vcd(text: str) -> dict[str, VcdSignal]:
    """All signals of a VCD by their full dotted name (`tb.out_ref`, `tb.stim1.clk`), bus ranges dropped."""
    vcdvcd = _import_vcdvcd()
    try:
        vcd = vcdvcd.VCDVCD(vcd_string=text)
    except Exception as exc:  # vcdvcd raises bare Exceptions and IndexErrors on malformed input
        raise UsageError(f"not a readable VCD: {exc}") from exc
    signals: dict[str, VcdSignal] = {}
    for ref in vcd.references_to_ids:
        sig = vcd[ref]
        if getattr(sig, "var_type", "") in ("real", "event", "parameter"):
            continue
        name = _BUS.sub("", ref)
        signals.setdefault(name, VcdSignal(name, int(sig.size), tuple((int(t), v) for t, v in sig.tv)))
    return signals


def _clock(signals: dict[str, VcdSignal], scope: str) -> VcdSignal | None:
    own = signals.get(f"{scope}.clk")
    if own is not None:
        return own
    nested = sorted(n for n in signals if n.startswith(scope + ".") and n.endswith(".clk"))
    return signals[nested[0]] if nested else None


def samples_from_vcd(text: str, scope: str = "tb") -> Samples | None:
    """The samples of a VerilogEval-style testbench's VCD, or None when it has no clock or no
    `<output>_ref`/`<output>_dut` pairs to compare."""
    signals = read_vcd(text)
    clock = _clock(signals, scope)
    own = {n[len(scope) + 1 :]: s for n, s in signals.items() if n.startswith(scope + ".")}
    own = {n: s for n, s in own.items() if "." not in n}
    pairs = sorted(n[:-4] for n in own if n.endswith("_ref") and f"{n[:-4]}_dut" in own)
    if clock is None or not pairs or not clock.changes:
        return None
    first = clock.changes[0][0]
    times: list[int] = []
    levels: list[str] = []
    previous = ""
    for t, v in clock.changes:
        if t > first and previous in ("0", "1") and v in ("0", "1") and v != previous:
            times.append(t)
            levels.append(v)
        previous = v
    skip = {"clk", "tb_match", "tb_mismatch", *(f"{p}_ref" for p in pairs), *(f"{p}_dut" for p in pairs)}
    inputs = tuple(
        (n, s.width, tuple(s.before(t) for t in times))
        for n, s in sorted(own.items())
        if n not in skip and not n.startswith("tb_")
    )
    outputs = tuple(
        (
            p,
            own[f"{p}_ref"].width,
            tuple(own[f"{p}_ref"].before(t) for t in times),
            tuple(own[f"{p}_dut"].before(t) for t in times),
        )
        for p in pairs
    )
    return Samples(tuple(times), tuple(levels), inputs, outputs, timescale=_timescale(text))


def samples_from_vector_vcd(text: str, scope: str = "tb") -> Samples | None:
    """The samples of a vectors testbench (`rtlsmith.suites.tbgen.vectors_testbench`): one per vector, at
    each increment of `tb_samples`, comparing the design's output `<name>` with `tb_exp_<name>`; None when
    the VCD is not one."""
    signals = read_vcd(text)
    own = {n[len(scope) + 1 :]: s for n, s in signals.items() if n.startswith(scope + ".")}
    own = {n: s for n, s in own.items() if "." not in n}
    counter = own.get("tb_samples")
    names = sorted(n[len("tb_exp_") :] for n in own if n.startswith("tb_exp_") and n[len("tb_exp_") :] in own)
    if counter is None or not names:
        return None
    # The check runs right after the count goes up, in the same time step: values at that time.
    times = [t for (t, v), (_, old) in zip(counter.changes[1:], counter.changes, strict=False) if v != old]
    skip = {"clk", *names, *(f"tb_exp_{n}" for n in names)}
    inputs = tuple(
        (n, s.width, tuple(s.at(t) for t in times))
        for n, s in sorted(own.items())
        if n not in skip and not n.startswith("tb_")
    )
    outputs = tuple(
        (n, own[n].width, tuple(own[f"tb_exp_{n}"].at(t) for t in times), tuple(own[n].at(t) for t in times))
        for n in names
    )
    clock = tuple("p" for _ in times) if "clk" in own else tuple("" for _ in times)
    return Samples(tuple(times), clock, inputs, outputs, timescale=_timescale(text))


def _timescale(text: str) -> str:
    found = re.search(r"\$timescale\s+(\S+)\s*(\S*)\s*\$end", text)
    if not found:
        return ""
    unit = found.group(1) + found.group(2)
    return re.sub(r"^1(?=[a-z])", "", unit)


def differing_count(samples: Samples, indices: Sequence[int] | None = None) -> int:
    """How many of `indices` (default: all) are mismatched samples."""
    idx = range(len(samples.times)) if indices is None else indices
    return sum(1 for i in idx if samples.differs(i))
