"""`export sft --multi-grained`: MG-Verilog's spec levels, the suite's or a model's, marked by source."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from bench_helpers import reference
from click.testing import CliRunner

from rtlsmith.bench import BenchConfig, BenchRequest, BenchStore, run_bench
from rtlsmith.bench.export import ExportRequest, export
from rtlsmith.bench.multigrained import parse, prompt
from rtlsmith.cli import main
from rtlsmith.llm import ScriptedModel
from rtlsmith.llm.base import Message
from rtlsmith.suites import load_suite
from rtlsmith.task import Purpose, Task
from rtlsmith.tools.toolchain import have

GENERATED = ("barrel_rot8", "clk_en_div")  # suites give a summary, no block summaries
FROM_SUITE = "debouncer"  # all three levels in the suite
ANSWER = "HIGH-LEVEL\nRotates a byte.\n\nDETAILED\nA paragraph.\n\nBLOCKS\n- assign: drives the output.\n"


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    if not (have("iverilog") and have("vvp")):
        pytest.skip("Icarus Verilog (iverilog, vvp) is not installed: apt-get install -y iverilog")
    tmp = tmp_path_factory.mktemp("multigrained")
    suite = load_suite("bundled")
    ids = (*GENERATED, FROM_SUITE)
    samples = tmp / "samples.jsonl"
    samples.write_text(
        "".join(json.dumps({"task_id": t, "completion": reference(suite.get(t))}) + "\n" for t in ids)
    )
    config = BenchConfig(suite_spec="bundled", model_spec=f"replay:{samples}", agent="oneshot")
    db = tmp / "bench.sqlite"
    with BenchStore(db) as store:
        outcome = run_bench(BenchRequest(config, samples=1, jobs=1, task_ids=list(ids)), store)
    assert outcome.status == "done"
    return db, outcome.run.run_id


def _hidden_lines(task: Task) -> list[str]:
    hidden = task.hidden.unseal(Purpose.SCORING)
    lines = (hidden.testbench + "\n" + (hidden.reference or "")).splitlines()
    return [ln for ln in (re.sub(r"\s+", " ", x).strip() for x in lines) if len(ln) >= 40]


def _quotes_hidden(text: str, task: Task) -> bool:
    flat = re.sub(r"\s+", " ", text)
    return "RefModule" in text or any(line in flat for line in _hidden_lines(task))


def _answer(messages: Sequence[Message]) -> str:
    return ANSWER


def test_levels_come_from_the_suite_or_a_model_that_sees_only_public_material(
    stored: tuple[Path, str], tmp_path: Path
) -> None:
    datasets = pytest.importorskip("datasets", reason="Hugging Face datasets is not installed")
    db, run_id = stored
    model = ScriptedModel([_answer] * 4, model_id="scripted:mg")
    out = tmp_path / "sft.jsonl"
    outcome = export(ExportRequest("sft", (run_id,), out, db, multi_grained=True, model=model))
    suite = load_suite("bundled")
    assert len(model.calls) == len(GENERATED)  # the task with every level in its suite needs no model
    for call in model.calls:
        text = "\n".join(m.content for m in call.messages)
        task = next(suite.get(t) for t in GENERATED if suite.get(t).public.spec.text() in text)
        assert not _quotes_hidden(text, task)
        assert reference(task).strip() in text  # the verified design
    ds = datasets.load_dataset("json", data_files=str(out), split="train")
    rows = {r["task_id"]: r for r in ds}
    assert set(rows) == {*GENERATED, FROM_SUITE}
    for task_id in GENERATED:
        row = rows[task_id]
        spec = suite.get(task_id).public.spec
        assert row["spec_source"] == "suite+generated:scripted:mg"
        assert row["spec_sources"] == {
            "high_level": "suite", "detailed": "suite", "blocks": "generated:scripted:mg"
        }  # fmt: skip
        assert row["spec_high_level"] == spec.summary and row["spec_detailed"] == spec.detailed
        assert row["spec_blocks"] == "- assign: drives the output."
    mine = rows[FROM_SUITE]
    assert mine["spec_source"] == "suite" and mine["spec_blocks"] == suite.get(FROM_SUITE).public.spec.block
    for row in ds:
        assert not _quotes_hidden(json.dumps(row), suite.get(row["task_id"]))
    assert outcome.manifest["multi_grained"] == {
        "model_id": "scripted:mg", "from_suite": 1, "generated": 2, "failed": 0
    }  # fmt: skip


def test_levels_that_quote_hidden_material_are_withheld_and_bad_answers_reported(
    stored: tuple[Path, str], tmp_path: Path
) -> None:
    db, run_id = stored
    model = ScriptedModel([ANSWER + "- see RefModule\n", "I cannot help with that."], model_id="scripted:x")
    outcome = export(
        ExportRequest("sft", (run_id,), tmp_path / "s.jsonl", db, multi_grained=True, model=model)
    )
    withheld = outcome.manifest["rows_withheld"]
    assert [w["task_id"] for w in withheld] == [GENERATED[0]] and "multi-grained" in withheld[0]["reason"]
    assert outcome.manifest["multi_grained"]["failed"] == 1
    assert {t["task_id"] for t in outcome.manifest["tasks_included"]} == {GENERATED[1], FROM_SUITE}
    rows = [json.loads(line) for line in (tmp_path / "s.jsonl").read_text().splitlines()]
    failed = next(r for r in rows if r["task_id"] == GENERATED[1])
    assert failed["spec_blocks"] == "" and failed["spec_sources"]["blocks"] == "none"
    assert failed["spec_source"] == "suite"  # nothing generated made it into the row


def test_the_command_line_needs_a_model_only_where_a_level_is_missing(
    stored: tuple[Path, str], tmp_path: Path
) -> None:
    db, run_id = stored
    out = str(tmp_path / "s.jsonl")
    cases = [
        (["sft", run_id, "--multi-grained"], "pass --model"),
        (["preference", run_id, "--multi-grained", "--model", "scripted"], "applies to sft"),
        (["sft", run_id, "--model", "scripted"], "only used with --multi-grained"),
    ]
    for argv, message in cases:
        res = CliRunner().invoke(main, ["export", *argv, "--db", str(db), "-o", out])
        assert res.exit_code == 2 and message in res.output, res.output
    res = CliRunner().invoke(
        main,
        ["export", "sft", run_id, "--db", str(db), "--hold-out", ",".join(GENERATED), "--multi-grained",
         "-o", out],
    )  # fmt: skip
    assert res.exit_code == 0 and "1 row(s) from the suite alone" in res.output, res.output


def test_answers_parse_by_their_headings() -> None:
    assert parse(ANSWER) == {
        "high_level": "Rotates a byte.", "detailed": "A paragraph.", "blocks": "- assign: drives the output."
    }  # fmt: skip
    assert parse("**HIGH-LEVEL:**\nx\n## Blocks\ny") == {"high_level": "x", "blocks": "y"}
    assert parse("no sections here") == {}
    task = load_suite("bundled").get(GENERATED[0])
    text = "\n".join(m.content for m in prompt(task, reference(task)))
    assert task.public.spec.text() in text and not _quotes_hidden(text, task)
