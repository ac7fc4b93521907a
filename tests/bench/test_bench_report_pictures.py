"""The report draws its failing tasks: the waveform of the first mismatch and the state diagrams, legible in
headless Chromium at 1280 and 1920 px (screenshots kept in the test's directory)."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bench_helpers import needs_iverilog
from click.testing import CliRunner

from rtlsmith.bench import BenchConfig, BenchRequest, BenchStore, run_bench
from rtlsmith.bench.config import FormalSettings
from rtlsmith.cli import main
from rtlsmith.scoring.samples import reference_completion
from rtlsmith.suites import load_suite

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None, reason="Graphviz is not installed: apt-get install -y graphviz"
)


def _designs() -> dict[str, str]:
    suite = load_suite("bundled")
    seqdet = reference_completion(suite.get("seqdet_1011_moore"))
    mux = reference_completion(suite.get("mux4_w8"))
    return {
        "seqdet_1011_moore": seqdet.replace("S3: next = x ? S4 : S2;", "S3: next = x ? S4 : S0;"),
        "mux4_w8": mux.replace("default: y = d;", "default: y = c;"),
        "parity_gen": reference_completion(suite.get("parity_gen")),  # passes: not drawn
    }


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("iverilog") is None or shutil.which("dot") is None or shutil.which("yosys") is None:
        pytest.skip("needs iverilog, yosys and Graphviz (apt-get install -y iverilog yosys graphviz)")
    tmp = tmp_path_factory.mktemp("pictures")
    samples = tmp / "samples.jsonl"
    samples.write_text(
        "".join(json.dumps({"task_id": t, "completion": c}) + "\n" for t, c in _designs().items())
    )
    config = BenchConfig(
        suite_spec="bundled",
        model_spec=f"replay:{samples}",
        agent_config={"write_trace": False},
        formal=FormalSettings(),  # stored counterexamples are drawn too
    )
    request = BenchRequest(
        config, samples=1, jobs=1, task_ids=list(_designs()), command_line="rtlsmith bench"
    )
    db = tmp / "bench.sqlite"
    with BenchStore(db) as store:
        run_id = run_bench(request, store).run.run_id
    html = tmp / "report.html"
    res = CliRunner().invoke(main, ["report", run_id, "--db", str(db), "--out", str(html)])
    assert res.exit_code == 0, res.output
    return html


def _cards(html: str) -> dict[str, list[bytes]]:
    cards = {}
    for m in re.finditer(r"<div class='taskpics'><h3>(\S+) (.*?)</div></div>", html, re.S):
        cards[m.group(1)] = [
            base64.b64decode(d) for d in re.findall(r"data:image/svg\+xml;base64,([^']+)", m.group(2))
        ]
    return cards


@needs_iverilog
@needs_dot
def test_each_failing_task_gets_its_pictures_and_a_passing_one_none(report: Path) -> None:
    html = report.read_text()
    assert "Failing tasks, drawn (all 2)" in html
    cards = _cards(html)
    assert set(cards) == {"seqdet_1011_moore", "mux4_w8"}
    assert len(cards["mux4_w8"]) == 2  # the waveform and the counterexample; the mux has no state machine
    # waveform, counterexample, the design's diagram, the reference's with the differences
    assert len(cards["seqdet_1011_moore"]) == 4
    for svgs in cards.values():
        for svg in svgs:
            ET.fromstring(svg)  # every picture parses
    wave, cex, _mine, diff = cards["seqdet_1011_moore"]
    assert b"formal counterexample" in cex and "≠".encode() in cex
    assert "≠".encode() in wave and b"S3" in diff and b"#dc2626" in diff
    assert "<script" not in html and not re.search(r"(src|href)=['\"]?https?:", html)


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@needs_iverilog
@needs_dot
@pytest.mark.skipif(_chromium() is None, reason="Chromium is not installed: apt-get install -y chromium")
@pytest.mark.parametrize("width", [1280, 1920])
def test_the_pictures_render_in_headless_chromium(report: Path, width: int) -> None:
    # Only the pictures section: the page from the failing tasks' heading on.
    html = report.read_text()
    start = html.index("<h2>Failing tasks, drawn")
    page = report.with_name(f"pictures-{width}.html")
    page.write_text(
        html[: html.index("<body>") + 6] + html[start : html.index("<h2>Sessions</h2>")] + "</body></html>"
    )
    shot = report.with_name(f"report-pictures-{width}.png")  # kept as the test's artefact
    argv = [
        str(_chromium()), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={report.parent / f'profile-{width}'}", "--enable-logging=stderr", "--v=0",
        "--hide-scrollbars", f"--screenshot={shot}", f"--window-size={width},3000", page.as_uri(),
    ]  # fmt: skip
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=90)
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]
    assert console == [], "\n".join(console)
    assert shot.is_file() and shot.stat().st_size > 30_000, proc.stderr[-2000:]  # pictures, not a blank page
    print(f"screenshot: {shot}")
