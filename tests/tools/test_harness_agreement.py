"""`rtlsmith score` against the benchmarks' own judging, re-implemented here literally, run unsandboxed.

VerilogEval v2: the Makefile's two recipe lines (run by bash, as `&>` and PIPESTATUS need) and
`scripts/sv-iv-analyze`'s `analyze_result`. VerilogEval v1: `verilog_eval/execution.py` (release/1.0.0).
Samples are references plus variants made to hit every failure class and the corners where a harness can
drift from the original: warnings, `$stop`, a design's own dump file, a log longer than the read-back cap,
a fake `Mismatches: 0` line, an infinite loop, a crashing simulator.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from rtlsmith.scoring.samples import Sample
from rtlsmith.scoring.scorer import score_samples
from rtlsmith.suites import load_suite
from rtlsmith.tools.judge import JudgeOptions
from rtlsmith.tools.sandbox import Limits
from rtlsmith.tools.verdict import V1_UNDECODABLE

pytestmark = [pytest.mark.needs_iverilog, pytest.mark.slow]

TIMEOUT_S = 3  # both sides; VerilogEval's 30 s would make the infinite-loop samples slow


# ---------------------------------------------------------------------------------------------------------
# VerilogEval v2, literally: Makefile.in's test rule and sv-iv-analyze's analyze_result.


def v2_harness(sample: str, test_sv: Path, ref_sv: Path, workdir: Path, timeout: int = TIMEOUT_S) -> str:
    """The pass/fail letter v2's own scripts give `sample` (run in `workdir`)."""
    stem = "Prob_sample01"
    (workdir / f"{stem}.sv").write_text(sample)
    log = f"{stem}-sv-iv-test.log"
    flags = "-Wall -Winfloop -Wno-timescale -g2012 -s tb"
    compile_line = f"iverilog {flags} -o {stem} {stem}.sv {test_sv} {ref_sv} &> {log}"
    run_line = (
        f"timeout {timeout} ./{stem} &>> {log}; "
        f'if [[ ${{PIPESTATUS[0]}} == 124 ]]; then echo "TIMEOUT" &>> {log}; fi'
    )
    for line in (compile_line, run_line):
        subprocess.run(["bash", "-c", line], cwd=workdir, stdin=subprocess.DEVNULL, check=False)
    return sv_iv_analyze(workdir / log, workdir / f"{stem}.sv")


def sv_iv_analyze(compile_log: Path, verilog: Path) -> str:
    passfail = "?"
    with open(compile_log, errors="replace") as file:
        error_c = False
        error_p = False
        no_mismatch = False
        mismatch_pattern = r"^Mismatches: (\d+) in \d+ samples$"
        for line in file:
            if "syntax error" in line:
                passfail = "S"
                break
            if "error" in line:
                error_c = True
            if "error: This assignment requires an explicit cast" in line:
                passfail = "e"
                break
            if "error: Sized numeric constant must have a size greater than zero" in line:
                passfail = "0"
                break
            if "warning: always_comb process has no sensitivities" in line:
                passfail = "n"
                break
            if "found no sensitivities so it will never trigger" in line:
                passfail = "n"
                break
            if "is declared here as wire" in line:
                passfail = "w"
                break
            if "Unknown module type" in line:
                passfail = "m"
                break
            if "Unable to bind wire/reg" in line:
                error_p = True
            if "Unable to bind wire/reg/memory `clk'" in line:
                passfail = "c"
                break
            if "TIMEOUT" in line:
                passfail = "T"
                break
            match = re.match(mismatch_pattern, line)
            if match and int(match.group(1)) == 0:
                no_mismatch = True
        if passfail == "?" and error_p:
            passfail = "p"
        if passfail == "?" and error_c:
            passfail = "C"
        if passfail == "?" and no_mismatch:
            passfail = "."
    if passfail == "?":
        with open(verilog) as file:
            for line in file:
                if "posedge reset" in line or "negedge reset" in line or "posedge r)" in line:
                    passfail = "r"
                    break
            if passfail == "?":
                passfail = "R"
    return passfail


# ---------------------------------------------------------------------------------------------------------
# VerilogEval v1, literally: execution.py's check_correctness (the block its release ships commented out).


def v1_harness(problem: dict[str, str], completion: str, workdir: Path, timeout: float = TIMEOUT_S) -> str:
    """The result string v1's execution.py gives `completion` (run in `workdir`)."""
    verilog_test = problem["test"] + "\n" + problem["prompt"] + "\n" + completion
    (workdir / f"{problem['task_id']}.sv").write_text(verilog_test)
    cmd = (
        "iverilog -Wall -Winfloop -Wno-timescale -g2012 "
        f"-s tb -o test.vvp {problem['task_id']}.sv; vvp -n test.vvp"
    )
    # execution.py kills the shell and raises from a SIGALRM; a process group kill does the same here
    # without leaving the simulator running.
    p = subprocess.Popen(
        cmd, shell=True, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        out_b, err_b = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        return "timed out"
    try:
        out, err = out_b.decode("utf-8"), err_b.decode("utf-8")
    except (
        UnicodeDecodeError
    ) as e:  # execution.py: `except BaseException as e: result.append(f"failed: {e}")`
        return f"failed: {e}"
    match = re.search(r"Mismatches: ([0-9]*) in ([0-9]*) samples", out)
    if "syntax error" in err:
        return "failed: syntax error."
    elif len(err) > 0:
        return "failed: compile error."
    elif match:
        cor, tot = (int(i) for i in match.groups())
        if cor == 0:
            return "passed"
        return f"failed: {cor} out of {tot} samples."
    return "failed: info string not matched."


# ---------------------------------------------------------------------------------------------------------
# Variants: text put before a design's last `endmodule`, so the same variant works on a v2 module and on a
# v1 body. Each names the class the v2 rules should give it, to show the variants reach every class.


def before_endmodule(text: str, extra: str) -> str:
    i = text.rindex("endmodule")
    return text[:i] + extra + "\n" + text[i:]


INSERTIONS: dict[str, tuple[str, str]] = {
    "syntax_error": ("S", "  wire oops = 1'b0\n  wire oops2 = 1'b1;"),
    "explicit_cast": ("e", "  typedef enum logic [1:0] {S0, S1} st_t;\n  st_t st_x;\n  initial st_x = 2'd1;"),
    "zero_size_constant": ("0", "  wire [3:0] zz = 0'b0;"),
    "always_comb_no_sensitivity": ("n", "  logic nn;\n  always_comb nn = 1'b0;"),
    "star_no_sensitivity": ("n", "  reg nn2;\n  always @* nn2 = 1'b0;"),
    "declared_as_wire": ("w", "  wire ww;\n  always @(*) ww = 1'b0;"),
    "unknown_module": ("m", "  MissingBlock u_missing (.a(1'b0));"),
    "unbound_signal": ("p", "  wire pp = undeclared_signal;"),
    "other_error": ("C", "  wire dup;\n  wire dup;"),
    "select_warning": (".", "  wire [3:0] ws = 4'd0;\n  wire wbit = ws[7];"),
    "error_text_on_stdout": ("C", '  initial $display("error: only a debug message");'),
    "fake_mismatch_line": (".", '  initial $display("Mismatches: 0 in 1 samples");'),
    "stop": (".", "  initial #20 $stop;"),
    # The testbench opens its dump first, so this one is ignored; rtlsmith then dumps as the harness does.
    "own_dumpfile": (".", '  initial begin $dumpfile("nodir/x.vcd"); $dumpvars(0); end'),
    "long_log": (
        ".",
        '  initial repeat (40000) $display("debug debug debug debug debug debug debug debug");',
    ),
    "zero_delay_loop": ("T", "  reg spin = 0;\n  initial forever spin = ~spin;"),
    "deep_recursion": (
        "R",
        "  function automatic integer depth(input integer n); depth = n == 0 ? 0 : 1 + depth(n - 1);"
        ' endfunction\n  initial $display("%0d", depth(100000000));',
    ),
    "missing_readmem_file": (".", '  reg [7:0] mm [0:3];\n  initial $readmemh("missing.hex", mm);'),
}

# Edits that need a particular design: (v2 problem, v1 task, old text, new text, v2 class).
EDITS: dict[str, tuple[str, str, str, str, str]] = {
    "wrong_logic": ("Prob041_dff8r", "dff8r", "q <= d;", "q <= ~d;", "R"),
    "async_reset": (
        "Prob041_dff8r",
        "dff8r",
        "always @(posedge clk)",
        "always @(posedge clk, posedge reset)",
        "r",
    ),
    "off_by_one": ("Prob035_count1to10", "count1to10", "q == 10", "q == 9", "R"),
    # A fake summary after a form feed is not at a line start for a text-mode reader (str.splitlines() would
    # split there and pass the wrong design). v1 searches anywhere, so there it passes.
    "fake_line_after_form_feed": (
        "Prob041_dff8r",
        "dff8r",
        "q <= d;",
        'q <= ~d;\n  initial $display("x\\014Mismatches: 0 in 1 samples");',
        "R",
    ),
    "unbound_clk": (
        "Prob004_vector2",
        "vector2",
        "endmodule",
        "  reg cq;\n  always @(posedge clk) cq <= 1'b0;\nendmodule",
        "c",
    ),
}

# v1 only: execution.py decodes output strictly as UTF-8 (sv-iv-analyze would crash on such a log).
V1_ONLY_INSERTIONS = {"non_utf8_output": '  initial $display("%c", 8\'hff);'}

V2_BASES = ("Prob004_vector2", "Prob041_dff8r")
V1_BASES = ("vector2", "dff8r")


def v2_reference(v2_dir: Path, prob: str) -> str:
    return re.sub(r"\bRefModule\b", "TopModule", (v2_dir / f"{prob}_ref.sv").read_text())


def v2_samples(v2_dir: Path) -> list[tuple[str, str, str]]:
    """(name, task id, completion) for each v2 sample, with the class it is meant to reach."""
    out = [
        (f"reference/{p}", p, v2_reference(v2_dir, p))
        for p in (*V2_BASES, "Prob035_count1to10", "Prob082_lfsr32")
    ]
    out.append(
        (
            "missing_top_module",
            "Prob004_vector2",
            v2_reference(v2_dir, "Prob004_vector2").replace("module TopModule", "module TopModuleX"),
        )
    )
    for name, (_cls, extra) in INSERTIONS.items():
        prob = V2_BASES[len(out) % 2]
        out.append((name, prob, before_endmodule(v2_reference(v2_dir, prob), extra)))
    for name, (prob, _v1, old, new, _cls) in EDITS.items():
        ref = v2_reference(v2_dir, prob)
        assert old in ref, (name, prob)
        out.append((name, prob, ref.replace(old, new, 1)))
    return out


def v1_samples(problems: dict[str, dict[str, str]]) -> list[tuple[str, str, str]]:
    out = [(f"reference/{t}", t, problems[t]["canonical_solution"]) for t in (*V1_BASES, "count1to10")]
    insertions = {name: extra for name, (_cls, extra) in INSERTIONS.items()} | V1_ONLY_INSERTIONS
    for name, extra in insertions.items():
        task = V1_BASES[len(out) % 2]
        out.append((name, task, before_endmodule(problems[task]["canonical_solution"], extra)))
    for name, (_v2, task, old, new, _cls) in EDITS.items():
        body = problems[task]["canonical_solution"]
        assert old in body, (name, task)
        out.append((name, task, body.replace(old, new, 1)))
    return out


def _score(samples: list[tuple[str, str, str]], suite_spec: str) -> list[dict[str, object]]:
    suite = load_suite(suite_spec)
    objs = [Sample(i, tid, comp, {"name": name}) for i, (name, tid, comp) in enumerate(samples)]
    options = JudgeOptions(limits=Limits(timeout_s=TIMEOUT_S))
    # The harness's own verdicts: the reference check (errata tasks become class I) is rtlsmith's addition.
    return score_samples(objs, suite, options, jobs=2, ks=(1,), check_references=False).results


def _compare(rows: list[tuple[str, str, str]]) -> None:
    for name, theirs, ours in rows:
        print(f"{name:32} {theirs:36} {ours}")
    disagreements = [
        f"{name}: harness {theirs!r}, rtlsmith {ours!r}" for name, theirs, ours in rows if theirs != ours
    ]
    assert not disagreements, "\n".join(disagreements)


def test_v2_verdicts_match_the_makefile_and_sv_iv_analyze(v2_spec_dir: Path, tmp_path: Path) -> None:
    samples = v2_samples(v2_spec_dir)
    ours = _score(samples, f"verilog-eval-v2:{v2_spec_dir}")
    rows = []
    for i, ((name, prob, completion), result) in enumerate(zip(samples, ours, strict=True)):
        work = tmp_path / f"s{i}"
        work.mkdir()
        theirs = v2_harness(completion, v2_spec_dir / f"{prob}_test.sv", v2_spec_dir / f"{prob}_ref.sv", work)
        rows.append((name, theirs, str(result["failure_class"])))
    _compare(rows)
    # The variants reach every one of v2's classes, so agreement above covers each rule.
    reached = {theirs for _name, theirs, _ours in rows}
    assert set("Se0nwmcTpCrR.") <= reached, sorted(reached)
    expected = {name: cls for name, (cls, _extra) in INSERTIONS.items()}
    expected |= {name: edit[4] for name, edit in EDITS.items()}
    wrong = {name: theirs for name, theirs, _ in rows if name in expected and expected[name] != theirs}
    assert not wrong, f"a variant no longer reaches the class it was written for: {wrong}"


def test_v1_verdicts_match_execution_py(v1_dir: Path, tmp_path: Path) -> None:
    jsonl = v1_dir / "VerilogEval_Human.jsonl"
    problems = {}
    with jsonl.open() as fh:
        for line in fh:
            rec = json.loads(line)
            problems[rec["task_id"]] = rec
    samples = v1_samples(problems)
    ours = _score(samples, f"verilog-eval-v1:{jsonl}")
    rows = []
    for i, ((name, task_id, completion), result) in enumerate(zip(samples, ours, strict=True)):
        work = tmp_path / f"s{i}"
        work.mkdir()
        theirs = v1_harness(problems[task_id], completion, work)
        if theirs.startswith("failed: 'utf-8' codec can't decode"):
            theirs = V1_UNDECODABLE  # the byte and its position are not kept here
        rows.append((name, theirs, str(result["result"])))
    _compare(rows)
    # v1 fails a design for any stderr, where v2 passes it; and its timeout has its own words.
    results = {name: theirs for name, theirs, _ in rows}
    assert results["select_warning"] == "failed: compile error."
    assert results["zero_delay_loop"] == "timed out"
    assert results["wrong_logic"].startswith("failed: ") and results["wrong_logic"].endswith(" samples.")
    assert results["fake_line_after_form_feed"] == "passed"
    assert results["non_utf8_output"] == V1_UNDECODABLE


VariantFn = Callable[[str], str]
