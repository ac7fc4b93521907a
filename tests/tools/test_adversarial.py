"""Hostile and runaway designs: each gets a clear verdict within the time limit + 2 s, leaves no process
behind and writes nothing outside its sandbox."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from judge_helpers import GOOD, TESTBENCH, inline_task, with_body

from rtlsmith.tools.judge import JudgeOptions, judge, judge_many
from rtlsmith.tools.sandbox import Limits
from rtlsmith.tools.verdict import FailureClass

pytestmark = pytest.mark.needs_iverilog

TIMEOUT_S = 3.0
PWNED = Path("/tmp/pwned_rtlsmith")
# A testbench that never calls $finish: only the time limit ends it.
ENDLESS_TB = TESTBENCH.replace("    $finish;\n", "")
WRITE_ONE_LINE = '  integer f;\n  initial begin f = $fopen("{path}", "w"); $fdisplay(f, "x"); end'

CASES: dict[str, tuple[str, str, FailureClass, str]] = {
    # name: (testbench, candidate, expected class, text the verdict's reason or log must contain)
    "no_finish_toggling": (
        ENDLESS_TB, with_body("  reg x = 0;\n  always #1 x = ~x;"), FailureClass.TIMEOUT, "TIMEOUT",
    ),
    "forever_without_delay": (
        TESTBENCH, with_body("  reg x = 0;\n  initial forever x = ~x;"), FailureClass.TIMEOUT, "TIMEOUT",
    ),
    "system": (
        TESTBENCH, with_body(f'  initial $system("touch {PWNED}");'), FailureClass.REFUSED, "$system",
    ),
    "fopen_etc_passwd": (
        TESTBENCH, with_body('  integer f;\n  initial f = $fopen("/etc/passwd", "r");'), FailureClass.REFUSED,
        "absolute path",
    ),
    "fopen_tmp_write": (
        TESTBENCH, with_body(WRITE_ONE_LINE.format(path="/tmp/x")),
        FailureClass.REFUSED, "absolute path",
    ),
    "fopen_parent_dir": (
        TESTBENCH, with_body(WRITE_ONE_LINE.format(path="../x")),
        FailureClass.REFUSED, "climbs out",
    ),
    "huge_memory": (
        TESTBENCH,
        with_body(
            "  reg [31:0] m [0:(1<<30)-1];\n  integer i;\n"
            "  initial for (i = 0; i < (1<<30); i = i + 1) m[i] = i;"
        ),
        FailureClass.RESOURCE_LIMIT, "memory limit",
    ),
    "display_flood": (
        TESTBENCH,
        with_body('  initial forever $display("flood flood flood flood flood flood flood flood flood");'),
        FailureClass.RESOURCE_LIMIT, "file size limit",
    ),
    "deep_recursion": (
        TESTBENCH,
        with_body(
            "  function automatic integer depth(input integer n);\n"
            "    depth = n == 0 ? 0 : 1 + depth(n - 1);\n  endfunction\n"
            '  initial $display("%0d", depth(1000000000));'
        ),
        # The benchmark's harness sees the same crash and no summary line: class R. The reason says why.
        FailureClass.RUNTIME, "SIGSEGV",
    ),
    # Screen bypasses: names the screen cannot read, code it cannot see, files it cannot vouch for.
    "fopen_name_from_macro": (
        TESTBENCH, '`define F "/tmp/x"\n' + with_body('  integer f;\n  initial f = $fopen(`F, "w");'),
        FailureClass.REFUSED, "not a string literal",
    ),
    "fopen_name_from_sformatf": (
        TESTBENCH, with_body('  integer f;\n  initial f = $fopen($sformatf("/tmp/%s", "x"), "w");'),
        FailureClass.REFUSED, "not a string literal",
    ),
    "fopen_name_from_sformat": (
        TESTBENCH,
        with_body('  reg [8*8:1] n;\n  integer f;\n  initial begin $sformat(n, "/tmp/%s", "x"); '
                  'f = $fopen(n, "w"); end'),
        FailureClass.REFUSED, "not a string literal",
    ),
    "fopen_name_in_a_variable": (
        TESTBENCH, with_body('  reg [8*6:1] n = "/tmp/x";\n  integer f;\n  initial f = $fopen(n, "w");'),
        FailureClass.REFUSED, "not a string literal",
    ),
    "fopen_parent_dir_spelled_with_escapes": (
        TESTBENCH, with_body(WRITE_ONE_LINE.format(path=r".\057..\057x")),
        FailureClass.REFUSED, "climbs out",
    ),
    "escaped_system_name": (
        TESTBENCH, with_body(f'  initial \\$system ("touch {PWNED}");'), FailureClass.REFUSED, "$system",
    ),
    "dpi_import_of_system": (
        TESTBENCH,
        with_body('  import "DPI-C" function int system(input string cmd);\n'
                  f'  initial $display("%0d", system("touch {PWNED}"));'),
        FailureClass.REFUSED, "DPI",
    ),
    "verilator_inline_cpp": (
        TESTBENCH, with_body(f'  initial $c("system(\\"touch {PWNED}\\");");'), FailureClass.REFUSED, "$c",
    ),
    "include_of_the_hidden_reference": (
        TESTBENCH, '`include "ref.sv"\n' + GOOD, FailureClass.REFUSED, "`include",
    ),
    "relative_write_stays_inside": (
        TESTBENCH, with_body(WRITE_ONE_LINE.format(path="notes.txt")),
        FailureClass.PASS, "Mismatches: 0",
    ),
}  # fmt: skip


def _processes_under(path: str) -> list[str]:
    """Live processes whose working directory or command line mentions `path`."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            cwd = os.readlink(f"/proc/{entry}/cwd")
            cmdline = (
                Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            )
        except OSError:
            continue
        if path in cwd or path in cmdline:
            found.append(f"{entry}: {cmdline.strip()}")
    return found


@pytest.fixture
def contained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Sandboxes go under a directory of this test's own, and the test runs in an empty directory."""
    sandboxes = tmp_path / "sandboxes"
    sandboxes.mkdir()
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(sandboxes))
    monkeypatch.chdir(cwd)
    PWNED.unlink(missing_ok=True)
    return tmp_path


@pytest.mark.parametrize("name", list(CASES))
def test_adversarial_design(name: str, contained: Path) -> None:
    testbench, candidate, expected, evidence = CASES[name]
    start = time.monotonic()
    verdict = judge(
        inline_task(testbench=testbench), candidate, JudgeOptions(limits=Limits(timeout_s=TIMEOUT_S))
    )
    elapsed = time.monotonic() - start
    assert verdict.failure_class is expected, (verdict.reason, verdict.log_excerpt)
    assert evidence in verdict.reason + verdict.log, (verdict.reason, verdict.log_excerpt)
    assert elapsed < TIMEOUT_S + 2, f"verdict took {elapsed:.1f} s"
    if expected is not FailureClass.PASS:
        assert not verdict.passed
    # Nothing left running, nothing written outside the sandbox, the sandbox itself removed.
    time.sleep(0.1)
    assert _processes_under(str(contained)) == []
    assert not PWNED.exists() and not Path("/tmp/x").exists()
    assert list((contained / "cwd").iterdir()) == []
    assert list((contained / "sandboxes").iterdir()) == []


def test_without_bwrap_the_record_says_not_isolated_and_hostile_designs_are_still_refused(
    contained: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RTLSMITH_NO_BWRAP", "1")
    good = judge(inline_task(), GOOD)
    assert good.passed and good.isolated is False
    hostile = judge(inline_task(), with_body(f'  initial $system("touch {PWNED}");'))
    assert hostile.failure_class is FailureClass.REFUSED and not PWNED.exists()
    assert judge(inline_task(), GOOD, JudgeOptions(isolate=False)).isolated is False


def test_runaway_designs_in_a_batch_do_not_affect_their_neighbours(contained: Path) -> None:
    names = ["relative_write_stays_inside", "forever_without_delay", "display_flood", "huge_memory", "system"]
    items = [(inline_task(testbench=CASES[n][0]), CASES[n][1]) for n in names]
    items.insert(2, (inline_task(), GOOD))
    start = time.monotonic()
    verdicts = judge_many(items, JudgeOptions(limits=Limits(timeout_s=TIMEOUT_S)))
    assert time.monotonic() - start < TIMEOUT_S + 2 + 2  # one timeout, plus the flood and the rest
    expected = [CASES[n][2] for n in names]
    expected.insert(2, FailureClass.PASS)
    assert [v.failure_class for v in verdicts] == expected
    assert _processes_under(str(contained)) == []
    assert list((contained / "sandboxes").iterdir()) == [] and list((contained / "cwd").iterdir()) == []


def test_an_include_of_a_sibling_symlink_is_refused(tmp_path: Path) -> None:
    """A sibling file that is a symlink leads anywhere. Icarus follows it; the screen refuses the `include
    before any tool runs (the text alone cannot tell a symlink from a file, so every `include is refused)."""
    outside = tmp_path / "outside.v"
    outside.write_text("module Outside; endmodule\n")
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "sib.v").symlink_to(outside)
    candidate = '`include "sib.v"\n' + GOOD
    (run_dir / "TopModule.sv").write_text(candidate)
    # The reach, reproduced: compiled where the symlink lies, the outside file becomes part of the design.
    subprocess.run(["iverilog", "-E", "-o", "pre.v", "TopModule.sv"], cwd=run_dir, check=True)
    assert "module Outside" in (run_dir / "pre.v").read_text()
    verdict = judge(inline_task(), candidate)
    assert verdict.failure_class is FailureClass.REFUSED and "`include" in verdict.reason
    assert not verdict.commands  # nothing ran
    assert outside.read_text() == "module Outside; endmodule\n"
