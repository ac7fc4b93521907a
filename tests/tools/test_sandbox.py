"""The sandbox: steps, limits, capped output that keeps the decisive lines, isolation, and clean-up."""

from __future__ import annotations

import os
import sys
import time
import uuid
from pathlib import Path

import pytest

from rtlsmith.tools import sandbox
from rtlsmith.tools.sandbox import Job, Limits, Step, command_line, run_batch, run_steps, session_members

# The interpreter's real path: a virtual environment under /tmp is hidden by the sandbox's private /tmp.
PY = os.path.realpath(sys.executable)
FAST = Limits(timeout_s=5)


def py_step(name: str, code: str, **kw: object) -> Step:
    return Step(name, (PY, "-c", code), **kw)  # type: ignore[arg-type]


def test_steps_run_in_order_with_their_own_output_and_status() -> None:
    run = run_steps(
        [
            py_step("one", "import sys; print('out1'); print('err1', file=sys.stderr)"),
            py_step("two", "import sys; print(open('input.txt').read()); sys.exit(3)"),
        ],
        {"input.txt": "hello"},
        FAST,
    )
    one, two = run.steps
    assert (one.returncode, one.stdout, one.stderr) == (0, "out1\n", "err1\n")
    assert (two.returncode, two.stdout.strip()) == (3, "hello")
    assert run.step("two") is two and not run.killed
    with pytest.raises(KeyError):
        run.step("three")


def test_a_failed_step_stops_the_run_unless_the_next_is_marked_always() -> None:
    fail = py_step("fail", "raise SystemExit(1)")
    run = run_steps([fail, py_step("skipped", "print(1)")], {}, FAST)
    assert not run.step("skipped").ran
    run = run_steps([fail, py_step("always", "print(1)", always=True)], {}, FAST)
    assert run.step("always").returncode == 0


def test_merged_streams_interleave_like_a_terminal() -> None:
    code = (
        "import sys\n"
        "for i in range(3):\n print(f'o{i}', flush=True); print(f'e{i}', file=sys.stderr, flush=True)"
    )
    (step,) = run_steps([py_step("m", code, merge_stderr=True)], {}, FAST).steps
    assert step.stdout.split() == ["o0", "e0", "o1", "e1", "o2", "e2"] and step.stderr == ""


def test_step_timeout_is_reported_within_the_limit() -> None:
    start = time.monotonic()
    run = run_steps([py_step("sleepy", "import time; time.sleep(60)", timeout_s=1)], {}, FAST)
    assert run.steps[0].timed_out and run.steps[0].returncode == sandbox.TIMEOUT_RC
    assert time.monotonic() - start < 1 + 2


def test_whole_run_limit_kills_everything_it_started(monkeypatch: pytest.MonkeyPatch) -> None:
    # The outer limit is a backstop behind each step's `timeout`; force it to fire first.
    monkeypatch.setattr(sandbox, "outer_limit", lambda steps, limits: 1.0)
    tag = uuid.uuid4().hex
    child = f"import time; time.sleep(300)  # {tag}"
    code = (
        f"import subprocess, sys, time\nsubprocess.Popen([sys.executable, '-c', {child!r}])\ntime.sleep(300)"
    )
    start = time.monotonic()
    run = run_steps([py_step("hang", code)], {}, Limits(timeout_s=300), isolate=False)
    assert run.killed and run.steps[0].timed_out
    assert time.monotonic() - start < 1 + 6
    time.sleep(0.2)
    assert not [pid for pid in _pids_with(tag)], "a process of the killed run is still alive"


def _pids_with(text: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if text.encode() in Path("/proc", entry, "cmdline").read_bytes():
                    found.append(int(entry))
            except OSError:
                pass
    return found


def test_session_members_lists_this_session() -> None:
    assert os.getpid() in session_members(os.getsid(0))


def test_output_past_the_cap_keeps_the_lines_that_decide_a_verdict() -> None:
    code = (
        "print('first line')\n"
        "for i in range(60000): print('debug output line', i)\n"
        "print('t.sv:3: error: late')\nprint('Mismatches: 0 in 10 samples')"
    )
    limits = Limits(timeout_s=10, output_bytes=64 * 1024)
    (step,) = run_steps([py_step("big", code)], {}, limits, keep_lines=("error", "Mismatches:")).steps
    assert step.output_truncated
    assert step.stdout.startswith("first line\n")
    assert "more bytes of output" in step.stdout
    assert step.stdout.endswith("t.sv:3: error: late\nMismatches: 0 in 10 samples\n")
    assert len(step.stdout) < 2 * 64 * 1024 + 1000
    (plain,) = run_steps([py_step("big", code)], {}, limits).steps
    assert plain.output_truncated and "Mismatches" not in plain.stdout


def test_file_size_limit_stops_a_writer_and_the_status_survives() -> None:
    limits = Limits(timeout_s=10, file_bytes=1024 * 1024)
    # `yes`, not Python: Python ignores SIGXFSZ and gets an error from write() instead.
    flood_step = Step("flood", ("yes", "flooding"), merge_stderr=True)
    run = run_steps([flood_step, py_step("after", "print('ran')", always=True)], {}, limits)
    flood, after = run.steps
    assert flood.returncode == 128 + 25 and flood.output_truncated  # SIGXFSZ
    assert after.stdout == "ran\n"


def test_memory_limit_applies() -> None:
    limits = Limits(timeout_s=10, memory_mb=256)
    (step,) = run_steps([py_step("hog", "x = bytearray(1024 ** 3)")], {}, limits).steps
    assert step.returncode != 0 and "MemoryError" in step.stderr


def test_file_names_must_stay_inside_the_sandbox() -> None:
    for bad in ("/etc/x", "../x", "a/../../x"):
        with pytest.raises(ValueError, match="inside the sandbox"):
            run_steps([], {bad: "x"}, FAST)


def test_kept_files_are_read_back_and_the_directory_is_removed(tmp_path: Path) -> None:
    code = "import os; open('wave.vcd', 'w').write('$var'); print(os.getcwd())"
    run = run_steps(
        [py_step("w", code)], {}, FAST, keep=("wave.vcd", "absent.vcd"), workdir_parent=str(tmp_path)
    )
    assert dict(run.files) == {"wave.vcd": b"$var"}
    assert list(tmp_path.iterdir()) == []


def test_without_bwrap_the_run_says_it_was_not_isolated(monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_steps([py_step("a", "pass")], {}, FAST, isolate=False).isolated is False
    monkeypatch.setenv("RTLSMITH_NO_BWRAP", "1")
    assert run_steps([py_step("a", "pass")], {}, FAST).isolated is False
    assert command_line([py_step("a", "pass")])[0][0] == PY


@pytest.mark.needs_bwrap
def test_bwrap_confines_writes_network_and_processes(tmp_path: Path) -> None:
    target = Path("/tmp") / f"rtlsmith-probe-{uuid.uuid4().hex}"
    outside = tmp_path / "outside.txt"
    code = (
        f"open('{target}', 'w').write('x')\n"
        "import os\n"
        f"try:\n open('{outside}', 'w').write('x')\nexcept OSError as e:\n print('denied', e.errno)\n"
        "print('pids', len([p for p in os.listdir('/proc') if p.isdigit()]))\n"
        "print('nets', [l.split(':')[0].strip() for l in open('/proc/net/dev').readlines()[2:]])\n"
    )
    run = run_steps([py_step("probe", code)], {}, FAST)
    assert run.isolated
    out = run.steps[0].stdout
    assert not target.exists(), "a write to /tmp reached the host"
    assert not outside.exists() and "denied" in out
    assert "nets ['lo']" in out
    pids = int(out.split("pids ")[1].split()[0])
    assert pids < 10, f"the run sees {pids} processes: not in its own PID namespace"
    assert command_line([py_step("a", "pass")], workdir="/w")[0][0].endswith("bwrap")


def test_a_batch_runs_each_job_in_its_own_directory_with_its_own_results(tmp_path: Path) -> None:
    jobs = [
        Job([py_step("read", "print(open('in.txt').read())")], {"in.txt": f"job {k}"}, keep=("in.txt",))
        for k in range(3)
    ]
    jobs[1] = Job([py_step("fail", "raise SystemExit(2)"), py_step("skipped", "print(1)")], {"in.txt": "x"})
    runs = run_batch(jobs, FAST, workdir_parent=str(tmp_path))
    assert [r.steps[0].stdout.strip() for r in (runs[0], runs[2])] == ["job 0", "job 2"]
    assert runs[1].steps[0].returncode == 2 and not runs[1].steps[1].ran
    assert runs[2].files == {"in.txt": b"job 2"}
    assert all(r.wall_s >= 0 and not r.killed for r in runs)
    assert list(tmp_path.iterdir()) == []


def test_a_batch_cut_short_reruns_the_jobs_it_never_reached(monkeypatch: pytest.MonkeyPatch) -> None:
    real_outer = sandbox.outer_limit
    monkeypatch.setattr(
        sandbox, "outer_limit", lambda steps, limits: 1.0 if len(steps) > 1 else real_outer(steps, limits)
    )
    jobs = [
        Job([py_step("hang", "import time; time.sleep(60)")], {}),
        Job([py_step("quick", "print('ok')")], {}),
    ]
    hung, quick = run_batch(jobs, Limits(timeout_s=60), isolate=False)
    assert hung.killed and hung.steps[0].timed_out
    assert not quick.killed and quick.steps[0].stdout == "ok\n"


def test_the_runner_script_is_not_a_file_a_design_could_rewrite() -> None:
    listing = py_step("ls", "import os; print('\\n'.join(os.listdir('.')))")
    (step,) = run_steps([listing], {"a.txt": "x"}, FAST).steps
    assert "a.txt" in step.stdout.split() and not [n for n in step.stdout.split() if n.endswith(".sh")]
