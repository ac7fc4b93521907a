"""AssertionBench-style inputs: designs with expected assertions, each set checked on its design and graded
on mutants of it (the path of `rtlsmith assert`: `rtlsmith.assertions.grade`).

AssertionBench (Pulavarthi et al., 2025) pairs 100 OpenCores designs with assertions mined by GoldMine
and HARM and checked with JasperGold. The layout read here is the one its public repository
(github.com/achieve-lab/assertion_data_for_LLM) has at its top level; no other layout was found:

- designs: `final_verilog_designs.json` (else any `*verilog_designs*.json`, e.g.
  `example_verilog_designs.json`):
  a JSON array of `{"file_name": "arb2.v", "verilog_design": "<Verilog source, often on one line>"}`;
- expected assertions: every `*assertions*.json` (`example_assertions_goldmine.json`,
  `example_assertions_harm.json`): JSON objects, one per line or one for the whole file (empty `{}` lines
  are skipped), each mapping a key to a list of assertion texts. The key is the design's module name, with
  a `_goldmine` or `_harm` suffix stripped (`"arb2_goldmine"` is module `arb2`); the set is named after the
  file (`goldmine`, `harm`, else the file's stem). GoldMine's texts read `@(posedge clk) (A) |-> (B);`,
  HARM's `(A) |-> B` without a clock.

Assumed, not confirmed by the repository: a key names a module some design defines (else it is listed as
unmatched); the design with that module is its own top (its other modules are its submodules). GoldMine's
per-design reports (`goldmine.out/<design>/verif/prism/<output>/<output>.gold`) are not read.

Each text becomes one labelled statement, `assert property (<text>);`, one per line. Statements outside
rtlsmith's subset (`##` and other sequences: most of HARM's) are dropped and classed unsupported with their
line (`rtlsmith.assertions.partial`), and so are statements naming a signal that is not a port of the
design (GoldMine mines internal registers such as `state`; rtlsmith's properties see ports only). The rest
is checked on the design and graded on mutants generated from it (`rtlsmith.assertions.mutate`): a design
of the benchmark has no known bugs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rtlsmith.errors import RtlsmithError, UsageError
from rtlsmith.task import Interface, PublicTask, Spec

DESIGNS_FILE = "final_verilog_designs.json"
COLUMNS = ("asserts", "proven", "counterexample", "unknown", "unsupported", "vacuous")
MAX_PER_SET = 32  # HARM lists hundreds per design; each assert is one solver run per mutant
_SUFFIXES = ("_goldmine", "_harm")
_LITERAL = re.compile(r"\d*\s*'[sS]?[bBoOdDhH]\s*[0-9a-fA-FxXzZ_?]+")
_NAME = re.compile(r"(?<![\w$`])[A-Za-z_][A-Za-z0-9_$]*")
_KEYWORDS = {"posedge", "negedge", "edge", "disable", "iff", "assert", "property", "or", "and", "not"}


@dataclass(frozen=True)
class BenchDesign:
    """One design of the benchmark and its expected assertion sets (set name -> assertion texts)."""

    name: str  # its top module
    file_name: str
    source: str
    expected: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class BenchInputs:
    designs: tuple[BenchDesign, ...]
    unmatched: tuple[str, ...]  # assertion keys that name no design's module
    files: tuple[str, ...]  # the files read


def _json_objects(text: str) -> Iterator[Any]:
    try:
        whole = json.loads(text)
    except json.JSONDecodeError:
        for line in text.splitlines():
            if line.strip():
                yield json.loads(line)
        return
    yield from (whole if isinstance(whole, list) else [whole])


def _set_name(path: Path) -> str:
    stem = path.stem.lower()
    return next((s for s in ("goldmine", "harm") if s in stem), path.stem)


def _module_names(source: str) -> list[str]:
    return re.findall(r"\bmodule\s+([A-Za-z_][A-Za-z0-9_$]*)", source)


def load_assertionbench(root: str | Path) -> BenchInputs:
    """The designs under `root` and their expected assertions (layout in the module's docstring)."""
    base = Path(root)
    if not base.is_dir():
        raise UsageError(f"{str(base)!r} is not a directory")
    design_files = [base / DESIGNS_FILE] if (base / DESIGNS_FILE).is_file() else []
    design_files = design_files or sorted(base.glob("*verilog_designs*.json"))
    if not design_files:
        raise UsageError(f"no {DESIGNS_FILE} (or *verilog_designs*.json) in {str(base)!r}")
    sources: dict[str, tuple[str, str]] = {}  # file name -> (file name, source)
    try:
        for path in design_files:
            for entry in _json_objects(path.read_text(errors="replace")):
                if isinstance(entry, dict) and "verilog_design" in entry:
                    name = str(entry.get("file_name") or f"design{len(sources)}.v")
                    sources.setdefault(name, (name, str(entry["verilog_design"])))
        expected: dict[str, dict[str, list[str]]] = {}
        assertion_files = sorted(base.glob("*assertions*.json"))
        for path in assertion_files:
            set_name = _set_name(path)
            for obj in _json_objects(path.read_text(errors="replace")):
                for key, texts in obj.items() if isinstance(obj, dict) else ():
                    module = next((key[: -len(s)] for s in _SUFFIXES if key.endswith(s)), key)
                    if isinstance(texts, list):
                        bucket = expected.setdefault(module, {}).setdefault(set_name, [])
                        bucket += [str(t) for t in texts]
    except json.JSONDecodeError as exc:
        raise UsageError(f"not JSON as AssertionBench writes it: {exc}") from exc
    designs, claimed = [], set()
    for file_name, source in sources.values():
        modules = _module_names(source) or [Path(file_name).stem]
        name = next((m for m in modules if m in expected), modules[0])
        claimed.add(name)
        sets = {k: tuple(v) for k, v in expected.get(name, {}).items()}
        designs.append(BenchDesign(name, file_name, source, sets))
    unmatched = tuple(sorted(set(expected) - claimed))
    files = tuple(str(p) for p in [*design_files, *sorted(base.glob("*assertions*.json"))])
    return BenchInputs(tuple(designs), unmatched, files)


def non_ports(text: str, interface: Interface) -> list[str]:
    """The names an assertion reads that are not ports of the design (literals, keywords and system
    functions aside)."""
    code = _LITERAL.sub(" ", text)
    code = re.sub(r"\$[A-Za-z_]\w*", " ", code)
    ports = {p.name for p in interface.ports}
    names = [n for n in _NAME.findall(code) if n not in _KEYWORDS and n not in ports]
    return list(dict.fromkeys(names))


def expected_property_file(
    sets: Mapping[str, Sequence[str]], interface: Interface, limit: int = MAX_PER_SET
) -> tuple[str, list[dict[str, Any]]]:
    """(a property file with one labelled `assert property` per expected assertion that names ports
    only, the ones left out as unsupported results). Lines are numbered in the file as written."""
    lines: list[str] = []
    left_out: list[dict[str, Any]] = []
    for set_name, texts in sorted(sets.items()):
        for i, raw in enumerate(texts[:limit]):
            text = " ".join(raw.split()).rstrip(";").strip()
            label = f"{re.sub(r'[^A-Za-z0-9_]', '_', set_name)}_{i}"
            line = f"{label}: assert property ({text});"
            lines.append(line)
            others = non_ports(text, interface)
            if others:
                lines[-1] = "// " + line
                why = f"names {', '.join(others[:4])}, not a port (properties see ports only)"
                left_out.append({"name": label, "kind": "assert", "line": len(lines), "status": "unsupported",
                                 "vacuous": False, "message": why, "text": line})  # fmt: skip
    return "\n".join(lines) + "\n", left_out


def grade_design(
    design: BenchDesign,
    properties: str | None = None,
    *,
    max_steps: int = 20,
    timeout_s: float = 60.0,
    isolate: bool = True,
    limit: int = MAX_PER_SET,
) -> dict[str, Any]:
    """Check a design's expected assertions (or `properties`, a property file's text) on it and grade them on
    mutants generated from it; a record with the counts, each property's result and the mutants' kills."""
    from rtlsmith.assertions.grade import grade_properties
    from rtlsmith.assertions.mutate import generated_mutants
    from rtlsmith.assertions.partial import drop_unsupported
    from rtlsmith.hdl import parse_interface

    record: dict[str, Any] = {"design": design.name, "file": design.file_name,
                              "sets": {k: len(v) for k, v in design.expected.items()}}  # fmt: skip
    try:
        interface = parse_interface(design.source, design.name)
    except (RtlsmithError, ValueError, RuntimeError) as exc:
        return {**record, "error": f"no interface: {exc}"}
    if properties is None:
        text, left_out = expected_property_file(design.expected, interface, limit)
    else:
        text, left_out = properties, []
    record["properties"] = text
    kept, dropped = drop_unsupported(text, limit=max(16, text.count("\n") + 1))
    results = [*left_out, *(_labelled(d.record()) for d in dropped)]
    if not kept.strip() or all(ln.lstrip().startswith("//") for ln in kept.splitlines() if ln.strip()):
        return {**record, "results": results, "error": "no checkable property", **_counts(results, None)}
    try:
        mutants = generated_mutants(design.source, interface, design.name)
        grade = grade_properties(
            design.source, interface, kept, mutants, reference_top=design.name,
            max_steps=max_steps, timeout_s=timeout_s, isolate=isolate,
        )  # fmt: skip
    except ValueError as exc:  # inout ports
        return {**record, "results": results, "error": str(exc), **_counts(results, None)}
    graded = grade.record()
    results = [*graded["reference"]["results"], *results]
    record.update(
        results=results,
        error=graded["reference"]["error"],
        killed_by={m["name"]: m["killed_by"] for m in graded["mutants"] if not m["error"]},
        flags=graded["flags"],
        yosys=graded["reference"]["yosys"],
        **_counts(results, graded),
    )
    return record


def grade_bench(
    root: str | Path,
    names: str | None = None,
    properties: str | None = None,
    model_spec: str | None = None,
    *,
    max_tokens: int = 768,
    max_steps: int = 20,
    isolate: bool = True,
) -> dict[str, Any]:
    """Every design under `root` (or those in the comma-separated `names`) graded with its expected
    assertions; with `properties` (a file, or a directory of `<design>.sv`) yours instead, with
    `model_spec` the model's, written from the design's source. Designs with no set are skipped."""
    inputs = load_assertionbench(root)
    wanted = set(names.split(",")) if names else None
    designs = [d for d in inputs.designs if wanted is None or d.name in wanted]
    if not designs:
        raise UsageError(f"no design named {names!r} in {str(root)!r}" if names else f"no designs in {root}")
    records = []
    for d in designs:
        text: str | None = None
        if properties is not None:
            path = Path(properties) / f"{d.name}.sv" if Path(properties).is_dir() else Path(properties)
            if not path.is_file():
                continue
            text = path.read_text(errors="replace")
        elif model_spec is not None:
            from rtlsmith.assertions.write import write_properties
            from rtlsmith.hdl import parse_interface
            from rtlsmith.llm.registry import get_model

            task = design_task(d, parse_interface(d.source, d.name))
            text = write_properties(get_model(model_spec), task, max_tokens=max_tokens).text
        elif not d.expected:
            continue
        record = grade_design(d, text, max_steps=max_steps, isolate=isolate)
        records.append({**record, "properties_from": properties or model_spec or "expected"})
    return {"root": str(root), "files": list(inputs.files), "unmatched": list(inputs.unmatched),
            "designs": records}  # fmt: skip


def design_task(design: BenchDesign, interface: Interface) -> PublicTask:
    """The public task a model writes properties for: AssertionBench's input is the design's source."""
    spec = Spec(detailed=f"The design (Verilog):\n```verilog\n{design.source.strip()}\n```")
    return PublicTask(design.name, "assertionbench", spec, interface)


def _labelled(result: dict[str, Any]) -> dict[str, Any]:
    """A dropped statement named by its label (`harm_1: assert ...`) rather than its line."""
    m = re.match(r"\s*([A-Za-z_]\w*)\s*:", result.get("text", ""))
    return {**result, "name": m.group(1)} if m else result


def _counts(results: list[dict[str, Any]], graded: dict[str, Any] | None) -> dict[str, Any]:
    asserts = [r for r in results if r["kind"] == "assert"]

    def count(status: str) -> int:
        return sum(1 for r in asserts if r["status"] == status)

    mutants = [m for m in (graded or {}).get("mutants", []) if not m["error"]]
    return {
        "asserts": len(asserts),
        "proven": count("proven"),
        "counterexample": count("counterexample"),
        "unknown": count("unknown"),
        "unsupported": count("unsupported"),
        "vacuous": sum(1 for r in asserts if r.get("vacuous")),
        "mutants": len(mutants),
        "killed": sum(1 for m in mutants if m["killed_by"]),
        "kill_rate": graded["kill_rate"] if graded else None,
    }
