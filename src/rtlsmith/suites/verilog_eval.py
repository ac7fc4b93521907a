"""VerilogEval loaders: v2 directory format and v1 JSONL (Human and Machine)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from rtlsmith.errors import SuiteError
from rtlsmith.hdl import parse_interface
from rtlsmith.suites.base import Suite
from rtlsmith.suites.files import read_text
from rtlsmith.task import HiddenChecks, Interface, Layout, PublicTask, Sealed, Spec, Task

V2_TASKS = ("spec-to-rtl", "code-complete-iccad2023")
_PROB = re.compile(r"^(Prob\d+_.+)_prompt\.txt$")


def _tags_for(text: str) -> tuple[str, ...]:
    t = text.lower()
    tags = []
    if "clk" in t or "clock" in t:
        tags.append("sequential")
    else:
        tags.append("combinational")
    if "state" in t and ("machine" in t or "fsm" in t or "moore" in t or "mealy" in t):
        tags.append("fsm")
    return tuple(tags)


def load_v2(path: str | Path) -> Suite:
    """A VerilogEval v2 dataset directory (`dataset_spec-to-rtl` or `dataset_code-complete-iccad2023`)."""
    root = Path(path)
    if not root.is_dir():
        raise SuiteError(f"VerilogEval v2 path {str(root)!r} is not a directory")
    if not any(root.glob("Prob*_prompt.txt")):
        sub = root / "dataset_spec-to-rtl"
        if sub.is_dir():
            root = sub
        else:
            raise SuiteError(
                f"no Prob*_prompt.txt files in {str(root)!r}; point at dataset_spec-to-rtl or "
                "dataset_code-complete-iccad2023"
            )
    kind = "code-complete-iccad2023" if "code-complete" in root.name else "spec-to-rtl"
    tasks: list[Task] = []
    for prompt_path in sorted(root.glob("Prob*_prompt.txt")):
        m = _PROB.match(prompt_path.name)
        if not m:
            continue
        prob = m.group(1)
        test = root / f"{prob}_test.sv"
        ref = root / f"{prob}_ref.sv"
        ifc = root / f"{prob}_ifc.txt"
        if not test.exists() or not ref.exists():
            raise SuiteError(f"{prob}: missing {test.name} or {ref.name} in {root}")
        prompt = read_text(prompt_path, "prompt")
        reference = read_text(ref, "reference")
        ifc_text = read_text(ifc, "interface") if ifc.exists() else ""
        if ifc_text:
            interface = parse_interface(ifc_text, "TopModule")
        else:
            ref_ifc = parse_interface(reference, "RefModule")
            interface = Interface("TopModule", ref_ifc.ports)
        public = PublicTask(
            id=prob,
            suite=f"verilog-eval-v2/{kind}",
            spec=Spec(detailed=prompt.strip()),
            interface=interface,
            tags=_tags_for(prompt + reference),
        )
        hidden = HiddenChecks(
            testbench=read_text(test, "testbench"),
            reference=reference,
            layout=Layout.VERILOG_EVAL_V2,
            prompt=ifc_text if kind == "code-complete-iccad2023" else "",
        )
        tasks.append(Task(public, Sealed(hidden)))
    return Suite(name=f"verilog-eval-v2/{kind}", source=str(root), tasks=tuple(tasks))


def _lines(fh: TextIO, path: Path) -> Iterator[tuple[int, str]]:
    n = 0
    while True:
        try:
            line = fh.readline()
        except UnicodeDecodeError as exc:
            raise SuiteError(
                f"{path}: not UTF-8 text near line {n + 1} ({exc.reason}); is it the right file?"
            ) from exc
        if not line:
            return
        n += 1
        yield n, line


def _read_jsonl(path: Path, keys: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """The records of a JSONL file; each must be an object with string values for `keys`."""
    out = []
    with path.open(encoding="utf-8", errors="strict") as fh:
        for n, line in _lines(fh, path):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise SuiteError(f"{path}:{n}: not valid JSON: {exc.msg}") from exc
            if not isinstance(rec, dict):
                raise SuiteError(f"{path}:{n}: expected a JSON object")
            for key in keys:
                if not isinstance(rec.get(key), str):
                    raise SuiteError(f"{path}:{n}: the record lacks {key!r} (a string)")
            out.append(rec)
    return out


def load_v1(path: str | Path) -> Suite:
    """VerilogEval v1: `VerilogEval_Human.jsonl` or `VerilogEval_Machine.jsonl` (or their directory)."""
    p = Path(path)
    if p.is_dir():
        p = p / "VerilogEval_Human.jsonl"
    if not p.is_file():
        raise SuiteError(f"VerilogEval v1 file {str(p)!r} not found")
    variant = "Machine" if "Machine" in p.name else "Human"
    desc_path = p.parent / "descriptions" / f"VerilogDescription_{variant}.jsonl"
    descriptions = (
        {
            d["task_id"]: d["detail_description"]
            for d in _read_jsonl(desc_path, ("task_id", "detail_description"))
        }
        if desc_path.exists()
        else {}
    )
    tasks: list[Task] = []
    for rec in _read_jsonl(p, ("task_id", "prompt", "canonical_solution", "test")):
        tid = rec["task_id"]
        interface = parse_interface(rec["prompt"], "top_module")
        spec_text = descriptions.get(tid, "")
        public = PublicTask(
            id=tid,
            suite=f"verilog-eval-v1/{variant.lower()}",
            spec=Spec(detailed=spec_text or f"Complete the module.\n{rec['prompt']}"),
            interface=interface,
            tags=_tags_for(rec["prompt"] + rec["canonical_solution"]),
        )
        hidden = HiddenChecks(
            testbench=rec["test"],
            reference=rec["prompt"] + rec["canonical_solution"],
            layout=Layout.VERILOG_EVAL_V1,
            prompt=rec["prompt"],
        )
        tasks.append(Task(public, Sealed(hidden)))
    return Suite(name=f"verilog-eval-v1/{variant.lower()}", source=str(p), tasks=tuple(tasks))
