"""The report's task cards show a `bench --assertions` property set: each property's text, its class on the
reference, the mutants it killed, and a counterexample's trace drawn as a waveform; headless Chromium
renders the card (screenshot kept in the test's directory)."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

import pytest
from bench_helpers import reference
from click.testing import CliRunner

from rtlsmith.bench import (
    AssertionSettings,
    BenchConfig,
    BenchRequest,
    BenchStore,
    assertions_step,
    run_bench,
)
from rtlsmith.bench.report_properties import kills_by_property, property_set_html, trace_table
from rtlsmith.cli import main
from rtlsmith.llm.base import Message
from rtlsmith.llm.scripted import ScriptedModel
from rtlsmith.suites import known_bugs, load_suite
from rtlsmith.tools.toolchain import have

TASKS = ("counter_updown_load", "add8_carry")
COUNTER = """```systemverilog
  always @* p_tc: assert (tc == (en & ((up & (q == 8'hff)) | (~up & (q == 8'h00)))));
  p_wrong: assert property (@(posedge clk) reset |=> q == 8'd1);
  p_seq: assert property (@(posedge clk) reset ##1 q == 8'd0);
```
"""
ADDER = "```systemverilog\n  always @* p_sum: assert ({cout, sum} == a + b + cin);\n```\n"


def _answer(messages: Sequence[Message]) -> str:
    return COUNTER if "tc" in messages[-1].content.split("module TopModule_props")[-1] else ADDER


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict]]:  # type: ignore[type-arg]
    if not (have("yosys") and have("iverilog") and shutil.which("dot")):
        pytest.skip("needs yosys, iverilog and Graphviz (apt-get install -y yosys iverilog graphviz)")
    pytest.importorskip("wavedrom")
    tmp = tmp_path_factory.mktemp("propcards")
    suite = load_suite("bundled")
    designs = {  # the counter passes (a card for its set alone); the adder fails (its failing card has it)
        "counter_updown_load": reference(suite.get("counter_updown_load")),
        "add8_carry": known_bugs("add8_carry")["cin_ignored"],
    }
    samples = tmp / "s.jsonl"
    samples.write_text(
        "".join(json.dumps({"task_id": t, "completion": c}) + "\n" for t, c in designs.items())
    )
    model = ScriptedModel([_answer, _answer])
    mp = pytest.MonkeyPatch()
    mp.setattr(assertions_step, "property_model", lambda spec: model)
    config = BenchConfig(
        suite_spec="bundled", model_spec=f"replay:{samples}", agent_config={"write_trace": False},
        assertions=AssertionSettings(), judge_cache=False,
    )  # fmt: skip
    db = tmp / "b.sqlite"
    try:
        with BenchStore(db) as store:
            run = run_bench(
                BenchRequest(config, samples=1, jobs=1, command_line="t", task_ids=TASKS), store
            ).run
            records = {r.task_id: r.assertions for r in store.results(run.run_id, designs=False)}
    finally:
        mp.undo()
    html = tmp / "report.html"
    res = CliRunner().invoke(main, ["report", run.run_id, "--db", str(db), "--out", str(html)])
    assert res.exit_code == 0, res.output
    return html, records  # type: ignore[return-value]


def _card(html: str, task_id: str) -> str:
    m = re.search(
        rf"<div class='taskpics'><h3>{task_id} .*?(?=<div class='taskpics'>|</div><h2>|$)", html, re.S
    )
    assert m, f"no card for {task_id}"
    return m.group(0)


def test_a_counterexample_is_stored_with_its_trace_and_ports(report: tuple[Path, dict[str, dict]]) -> None:  # type: ignore[type-arg]
    _, records = report
    wrong = next(r for r in records["counter_updown_load"]["results"] if r["name"] == "p_wrong")
    assert wrong["status"] == "counterexample" and "q == 8'd1" in wrong["text"]
    assert (
        wrong["trace"]["steps"] and "reset" in wrong["trace"]["inputs"] and "q" in wrong["trace"]["outputs"]
    )
    assert wrong["trace"]["clock"] == "clk"


def test_cards_show_each_propertys_text_class_kills_and_counterexample(
    report: tuple[Path, dict[str, dict]],
) -> None:  # type: ignore[type-arg]
    path, records = report
    html = path.read_text()
    assert "Failing tasks, drawn (all 1)" in html and "Property sets (1 more tasks)" in html
    counter, adder = _card(html, "counter_updown_load"), _card(html, "add8_carry")
    assert "sample 0, passed" in counter and "class R" in adder
    # Every property's text (escaped) and class; the unsupported one with its reason.
    assert "p_tc" in counter and "(~up &amp; (q == 8&#x27;h00))" in counter
    assert "cls-proven" in counter and "cls-counterexample" in counter and "cls-unsupported" in counter
    assert "cycle delays (##)" in counter and "<td>p_seq</td>" in counter  # dropped, named by its label
    # The mutants each property killed (the counter's known bugs), read back from the stored record.
    killed = kills_by_property(records["counter_updown_load"])["p_tc"]
    assert killed and all(k in counter for k in killed)
    assert "none: wrong on the reference, never counts" in counter
    # The counterexample drawn as a waveform: a WaveDrom SVG naming the property, the ports and the marker.
    pictures = [base64.b64decode(d) for d in re.findall(r"data:image/svg\+xml;base64,([^']+)", counter)]
    assert len(pictures) == 1
    ET.fromstring(pictures[0])
    assert b"p_wrong fails on the reference" in pictures[0] and b"reset" in pictures[0]
    assert "✗".encode() in pictures[0]
    # The failing card keeps its waveform and adds its set.
    assert "p_sum" in adder and "waveform of the first mismatch" in adder


def test_a_trace_table_is_the_fallback() -> None:
    trace = {"steps": [{"step": 1, "values": {"a": "0", "q": "00000001"}}], "inputs": ["a"], "outputs": ["q"]}
    table = trace_table(trace)
    assert "<th>step</th><th>a</th><th>q</th>" in table and "8&#x27;h01" in table
    record = {"asserts": 1, "results": [{"name": "p", "kind": "assert", "status": "counterexample",
                                         "text": "assert (q == 0);", "trace": trace}]}  # fmt: skip

    def no_wavedrom(svg: str, alt: str) -> str:
        from rtlsmith.errors import UsageError

        raise UsageError("drawing waveforms needs wavedrom")

    html = property_set_html(record, no_wavedrom)
    assert "no waveform" in html and "<table class='trace'>" in html


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(_chromium() is None, reason="Chromium is not installed: apt-get install -y chromium")
def test_the_property_cards_render_in_headless_chromium(report: tuple[Path, dict[str, dict]]) -> None:  # type: ignore[type-arg]
    path, _ = report
    html = path.read_text()
    start = html.index("<h2>Failing tasks, drawn")
    page = path.with_name("cards.html")
    page.write_text(
        html[: html.index("<body>") + 6] + html[start : html.index("<h2>Sessions</h2>")] + "</body></html>"
    )
    shot = path.with_name("report-property-cards-1280.png")  # kept as the test's artefact
    argv = [
        str(_chromium()), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={path.parent / 'profile'}", "--enable-logging=stderr", "--v=0",
        "--hide-scrollbars", f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri(),
    ]  # fmt: skip
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=90)
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]
    assert console == [], "\n".join(console)
    assert shot.is_file() and shot.stat().st_size > 30_000, proc.stderr[-2000:]
    print(f"screenshot: {shot}")
