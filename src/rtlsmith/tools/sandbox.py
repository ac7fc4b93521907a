"""Run untrusted tool invocations in a throw-away directory with hard limits.

Every run gets its own temporary directory, a wall-clock limit per step and for the whole run, a memory
limit (RLIMIT_AS), a file-size limit (RLIMIT_FSIZE, which also caps captured output because output goes to
files), no core dumps, and its whole process group killed on timeout. Where `bwrap` is available the run
is isolated too: read-only system, private /tmp, no network, its own PID namespace. A run's steps share
one sandbox invocation (one ~4 ms bwrap start per candidate instead of one per command), and `run_batch`
runs several candidates, each in a directory of its own, in one invocation, for scoring many short ones.
"""

from __future__ import annotations

import contextlib
import functools
import os
import select
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

TIMEOUT_RC = 124  # what coreutils `timeout` returns when a step ran out of time
STEP_PREFIX = ".rtlsmith_step"
DONE_MARK = ".rtlsmith_done"


@dataclass(frozen=True)
class Limits:
    """Resource limits for one sandboxed run."""

    timeout_s: float = 30.0
    memory_mb: int = 4096
    output_bytes: int = 1024 * 1024  # how much of each stream is read back
    file_bytes: int = 64 * 1024 * 1024  # largest file (output streams included) a run may write

    def record(self) -> dict[str, float | int]:
        return {
            "timeout_s": self.timeout_s,
            "memory_mb": self.memory_mb,
            "output_bytes": self.output_bytes,
            "file_bytes": self.file_bytes,
        }


@dataclass(frozen=True)
class Step:
    """One command line (data, not a shell string) and its own time limit."""

    name: str
    argv: tuple[str, ...]
    timeout_s: float | None = None  # None: the run's Limits.timeout_s
    # Run even when an earlier step failed (VerilogEval v1 runs the simulator after a failed compile).
    always: bool = False
    # Send stderr into stdout, interleaved as a terminal would show it (VerilogEval v2 logs `&>`).
    merge_stderr: bool = False

    def shell(self) -> str:
        return shlex.join(self.argv)


@dataclass(frozen=True)
class StepResult:
    name: str
    argv: tuple[str, ...]
    returncode: int | None  # None: the step never ran
    stdout: str
    stderr: str
    timed_out: bool
    output_truncated: bool

    @property
    def ran(self) -> bool:
        return self.returncode is not None

    @property
    def killed_by_signal(self) -> int | None:
        rc = self.returncode
        if rc is not None and rc > 128 and rc != TIMEOUT_RC:
            return rc - 128
        return None


@dataclass(frozen=True)
class RunResult:
    steps: tuple[StepResult, ...]
    isolated: bool
    wall_s: float
    killed: bool  # the whole run hit its outer wall-clock limit
    files: Mapping[str, bytes] = field(default_factory=dict)

    def step(self, name: str) -> StepResult:
        for s in self.steps:
            if s.name == name:
                return s
        raise KeyError(f"no step named {name!r}; steps: {[s.name for s in self.steps]}")


@functools.lru_cache(maxsize=64)
def _which_on(name: str, search_path: str | None) -> str | None:
    return shutil.which(name, path=search_path)


def which(name: str) -> str | None:
    """`shutil.which`, remembered per PATH value: every run asks for bwrap and prlimit, and a PATH walk
    costs about 0.4 ms (a large share of a 10 ms simulation's harness time)."""
    return _which_on(name, os.environ.get("PATH"))


def bwrap_path() -> str | None:
    """The bubblewrap binary if present and usable here, else None."""
    path = which("bwrap")
    if path is None or os.environ.get("RTLSMITH_NO_BWRAP"):
        return None
    return path if _bwrap_works(path) else None


_BWRAP_OK: dict[str, bool] = {}


def _bwrap_works(path: str) -> bool:
    if path not in _BWRAP_OK:
        try:
            proc = subprocess.run(
                [path, "--ro-bind", "/", "/", "--unshare-net", "--unshare-pid", "--die-with-parent", "true"],
                capture_output=True,
                timeout=10,
            )
            _BWRAP_OK[path] = proc.returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            _BWRAP_OK[path] = False
    return _BWRAP_OK[path]


# What `bwrap_prefix` replaces with an empty private directory: a tool installed below one of these (a
# virtualenv or a pip prefix under /tmp, as CI often makes them) must be bound back in to be seen.
HIDDEN_DIRS = ("/tmp",)


def _hidden(path: str) -> bool:
    return any(path.startswith(d + "/") for d in HIDDEN_DIRS)


def _within(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory + "/")


def _install_root(path: str) -> str:
    """The directory a tool at `path` is installed in: `<root>` for `<root>/bin/<exe>`, else its directory."""
    if os.path.isdir(path):
        return path
    parent = os.path.dirname(path)
    if os.path.basename(parent) == "bin":
        parent = os.path.dirname(parent)
    return parent


def tool_binds(steps: Sequence[Step], workdir: str) -> list[tuple[str, str]]:
    """(source, destination) pairs to bind read-only so that the steps' tools are visible in the sandbox.

    Each step's executable (found on PATH when it is a bare name) and every absolute path in its command
    line, alone or as `NAME=/path` (VERILATOR_ROOT=..., PYTHON3=...), is resolved, symbolic links
    included; the install root of each that lies in a directory the sandbox hides is bound back, read-only.
    Without this a tool under /tmp cannot start in the sandbox, and the failure would look like the design's.
    """
    roots = _hidden_roots(tuple(s.argv for s in steps), os.environ.get("PATH"))
    # The run's own directory and the directories above it (the temp dir, a scratch dir named in the
    # environment) stay as the sandbox makes them: private and writable.
    kept = [r for r in roots if not (_within(r[1], workdir) or _within(workdir, r[1]))]
    # A root inside another root is already visible.
    return [r for r in kept if not any(_within(r[1], k[1]) and r != k for k in kept)]


@functools.lru_cache(maxsize=256)
def _hidden_roots(argvs: tuple[tuple[str, ...], ...], search_path: str | None) -> list[tuple[str, str]]:
    """(real path, path) of the install roots under a hidden directory of the tools that `argvs` name;
    remembered per command lines, which repeat for every candidate (about 0.1 ms each to work out)."""
    paths: list[str] = []
    for argv in argvs:
        exe_seen = False
        for token in argv:
            value = token.split("=", 1)[1] if "=" in token and not token.startswith("/") else token
            if value.startswith("/"):
                paths.append(value)
            if not exe_seen and "=" not in token and token != "env":
                exe_seen = True
                if not token.startswith("/"):
                    found = _which_on(token, search_path) if "/" not in token else None
                    if found:
                        paths.append(found)
    roots: dict[str, str] = {}
    for path in paths:
        given = os.path.normpath(path)
        if not os.path.exists(given):
            continue
        for candidate in (given, os.path.realpath(given)):
            root = _install_root(candidate)
            if root in HIDDEN_DIRS:
                root = candidate if os.path.isdir(candidate) else os.path.dirname(candidate)
            if _hidden(root):
                roots.setdefault(root, os.path.realpath(root))
    return [(real, root) for root, real in roots.items()]


def bwrap_prefix(bwrap: str, workdir: str, binds: Sequence[tuple[str, str]] = ()) -> list[str]:
    """The bubblewrap command line that confines a run to `workdir`, with `binds` visible read-only."""
    tools = [arg for src, dest in binds for arg in ("--ro-bind", src, dest)]
    return [
        bwrap,
        "--ro-bind", "/", "/",
        "--tmpfs", "/tmp",
        *tools,
        "--bind", workdir, workdir,
        "--proc", "/proc",
        "--dev", "/dev",
        "--unshare-net",
        "--unshare-pid",
        "--unshare-ipc",
        "--die-with-parent",
        "--new-session",
        "--chdir", workdir,
    ]  # fmt: skip


def _script(jobs: Sequence[tuple[str, Sequence[Step]]], limits: Limits) -> str:
    """A POSIX shell script that runs each job's steps in its directory, each under `timeout`.

    Outputs and exit statuses go to files next to the job's own; an empty `.rtlsmith_done` marks a job
    finished (its modification time is the job's end time, with no process started to read a clock).
    """
    # The shell reports a step killed by a signal on the step's own stderr; when that file is at the size
    # limit the report would kill the shell too (SIGXFSZ) and lose every later exit status. A trap (unlike an
    # ignored signal) is not inherited by the tools, which still stop at the limit.
    lines = ["#!/bin/sh", "trap : XFSZ"]
    for directory, steps in jobs:
        lines += [f"cd {shlex.quote(directory)} || exit 1", "ok=1"]
        for i, step in enumerate(steps):
            t = step.timeout_s if step.timeout_s is not None else limits.timeout_s
            out, err, rc = (f"{STEP_PREFIX}{i}.{x}" for x in ("out", "err", "rc"))
            redirect = f">{out} 2>&1" if step.merge_stderr else f">{out} 2>{err}"
            # Shell built-ins only between steps: every extra process costs about a millisecond.
            status = f"rc=$?; echo $rc >{rc}; [ $rc = 0 ] || ok=0"
            run = f"timeout -k 1 {t:g} {step.shell()} </dev/null {redirect}; {status}"
            lines.append(run if step.always else f'if [ "$ok" = 1 ]; then {run}; fi')
        lines.append(f": >{DONE_MARK}")
    return "\n".join(lines) + "\n"


def limit_prefix(limits: Limits) -> list[str]:
    """`prlimit` in front of the run: a memory limit, a file-size limit (which caps a display flood on disk,
    since outputs are files) and no core dumps. A command prefix rather than `preexec_fn`, which is not
    safe when several threads start runs at once."""
    prlimit = which("prlimit")
    if prlimit is None:
        return []
    mem = limits.memory_mb * 1024 * 1024
    return [prlimit, f"--as={mem}", f"--fsize={limits.file_bytes}", "--core=0", "--"]


_CHUNK = 4 * 1024 * 1024


def _read_output(path: Path, cap: int, keep_lines: Sequence[str] = ()) -> tuple[str, bool]:
    """The first `cap` bytes of an output file and whether there was more.

    Past the cap, lines containing any of `keep_lines` are still read back (up to another `cap` bytes),
    after a marker line: a verdict that depends on a line near the end of a long log (a `Mismatches:`
    line after megabytes of debug output) is then the same as the benchmark's, which reads the whole log.
    """
    if not path.exists():
        return "", False
    with path.open("rb") as fh:
        head = fh.read(cap)
        if not fh.read(1):
            return head.decode("utf-8", errors="replace"), False
        if not keep_lines:
            return head.decode("utf-8", errors="replace"), True
        # Cut the head at a line boundary so no line is split between the head and the kept lines.
        cut = head.rfind(b"\n") + 1 or len(head)
        fh.seek(cut)
        needles = [n.encode() for n in keep_lines]
        kept: list[bytes] = []
        kept_bytes = 0
        carry = b""
        while kept_bytes < cap:
            chunk = fh.read(_CHUNK)
            if not chunk:
                lines = [carry] if carry else []
            else:
                block = carry + chunk
                last = block.rfind(b"\n") + 1
                whole, carry = block[:last], block[last:]
                if not any(n in whole for n in needles):
                    continue
                lines = whole.splitlines(keepends=True)
            for line in lines:
                if any(n in line for n in needles):
                    kept.append(line if line.endswith(b"\n") else line + b"\n")
                    kept_bytes += len(line)
            if not chunk:
                break
        total = path.stat().st_size
    marker = (
        f"[rtlsmith: {total - cut} more bytes of output; only the lines that decide the verdict follow]\n"
    )
    text = head[:cut].decode("utf-8", errors="replace")
    if text and not text.endswith("\n"):
        text += "\n"
    return text + marker + b"".join(kept).decode("utf-8", errors="replace"), True


def command_line(steps: Sequence[Step], workdir: str = "$WORK", isolate: bool = True) -> list[list[str]]:
    """The commands a run would execute, for --dry-run and logs."""
    bwrap = bwrap_path() if isolate else None
    prefix = bwrap_prefix(bwrap, workdir, tool_binds(steps, workdir)) if bwrap else []
    return [[*prefix, *s.argv] for s in steps]


@dataclass(frozen=True)
class Job:
    """One candidate's steps and the files they need, for `run_batch`."""

    steps: Sequence[Step]
    files: Mapping[str, str | bytes]
    keep: Sequence[str] = ()


def run_steps(
    steps: Sequence[Step],
    files: Mapping[str, str | bytes],
    limits: Limits,
    *,
    isolate: bool = True,
    keep: Sequence[str] = (),
    workdir_parent: str | None = None,
    keep_lines: Sequence[str] = (),
) -> RunResult:
    """Write `files` into a fresh directory and run `steps` there under `limits`.

    Returns every step's exit status and (capped) output; never raises for anything the untrusted code
    does. `keep` names files to read back from the directory (e.g. a VCD) before it is deleted;
    `keep_lines` are substrings whose lines are read back even past the output cap.
    Raises OSError only if the temporary directory itself cannot be created.
    """
    job = Job(steps, files, keep)
    return run_batch([job], limits, isolate=isolate, workdir_parent=workdir_parent, keep_lines=keep_lines)[0]


def run_batch(
    jobs: Sequence[Job],
    limits: Limits,
    *,
    isolate: bool = True,
    workdir_parent: str | None = None,
    keep_lines: Sequence[str] = (),
) -> list[RunResult]:
    """Run several jobs one after another in one sandbox invocation, each in a directory of its own.

    The result for each job is what `run_steps` would give it; only the sandbox start is shared. The jobs
    are not isolated from each other beyond their directories, so batch only candidates that the static
    screen has passed (it refuses absolute and `..` paths). Each job's `wall_s` is measured from file
    times, to the clock's granularity (a few milliseconds).
    """
    for job in jobs:
        for name in job.files:
            if os.path.isabs(name) or ".." in Path(name).parts:
                raise ValueError(f"sandbox file names must be relative and stay inside the sandbox: {name!r}")
    if not jobs:
        return []
    with tempfile.TemporaryDirectory(prefix="rtlsmith-", dir=workdir_parent) as tmp:
        work = os.path.realpath(tmp)
        dirs = [work] if len(jobs) == 1 else [os.path.join(work, f"job{k}") for k in range(len(jobs))]
        for directory, job in zip(dirs, jobs, strict=True):
            for name, content in job.files.items():
                target = Path(directory, name)
                target.parent.mkdir(parents=True, exist_ok=True)
                if isinstance(content, bytes):
                    target.write_bytes(content)
                else:
                    target.write_text(content)
            Path(directory).mkdir(exist_ok=True)
        # The script is an argument, not a file: a shell reads a script file as it goes, so a design that
        # wrote to it from inside the simulation could append commands to run after the simulator.
        script = _script([(d, j.steps) for d, j in zip(dirs, jobs, strict=True)], limits)
        bwrap = bwrap_path() if isolate else None
        all_steps = [s for j in jobs for s in j.steps]
        argv = [
            *limit_prefix(limits),
            *(bwrap_prefix(bwrap, work, tool_binds(all_steps, work)) if bwrap else []),
            "/bin/sh",
            "-c",
            script,
        ]
        outer = outer_limit(all_steps, limits)
        start = time.monotonic()
        started_at = time.time()
        proc = subprocess.Popen(
            argv,
            cwd=work,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        killed = False
        try:
            killed = not _wait_exit(proc, outer)
        finally:
            _kill_group(proc)
            if killed:
                # `timeout` puts each command in a process group of its own, so a group kill can miss
                # the tool it runs; everything started here shares this session, so kill that too.
                _kill_session(proc.pid)
        wall = time.monotonic() - start
        results: list[RunResult | None] = []
        previous_end = started_at
        for directory, job in zip(dirs, jobs, strict=True):
            done = Path(directory, DONE_MARK)
            if killed and not done.exists() and results and any(r is None or r.killed for r in results):
                results.append(None)  # never started: the batch ran out of time on an earlier job
                continue
            end = done.stat().st_mtime if done.exists() else previous_end
            job_wall = wall if len(jobs) == 1 else max(end - previous_end, 0.0)
            previous_end = end
            job_killed = killed and not done.exists()
            results.append(
                _collect(directory, job, limits, keep_lines, bwrap is not None, job_wall, job_killed)
            )
    # Jobs the batch never reached run again on their own.
    return [
        r if r is not None else run_steps(j.steps, j.files, limits, isolate=isolate, keep=j.keep,
                                          workdir_parent=workdir_parent, keep_lines=keep_lines)
        for r, j in zip(results, jobs, strict=True)
    ]  # fmt: skip


def _collect(
    directory: str,
    job: Job,
    limits: Limits,
    keep_lines: Sequence[str],
    isolated: bool,
    wall: float,
    killed: bool,
) -> RunResult:
    """A job's RunResult from the files its steps left in `directory`."""
    results: list[StepResult] = []
    missing = _first_missing(directory, job.steps)
    for i, step in enumerate(job.steps):
        base = Path(directory, f"{STEP_PREFIX}{i}")
        rc_text = Path(f"{base}.rc").read_text().strip() if Path(f"{base}.rc").exists() else ""
        rc = int(rc_text) if rc_text.lstrip("-").isdigit() else None
        # A write past RLIMIT_FSIZE kills the writer with SIGXFSZ (rc 128+25). Its log is cut short
        # anyway, so it is not searched for decisive lines (tens of MB to scan for nothing).
        fsize_hit = rc == 128 + signal.SIGXFSZ
        wanted = () if fsize_hit else keep_lines
        out, out_trunc = _read_output(Path(f"{base}.out"), limits.output_bytes, wanted)
        err, err_trunc = _read_output(Path(f"{base}.err"), limits.output_bytes, wanted)
        results.append(
            StepResult(
                name=step.name,
                argv=step.argv,
                returncode=rc,
                stdout=out,
                stderr=err,
                timed_out=rc == TIMEOUT_RC or (killed and rc is None and i == missing),
                output_truncated=out_trunc or err_trunc or fsize_hit,
            )
        )
    kept = {k: Path(directory, k).read_bytes() for k in job.keep if Path(directory, k).is_file()}
    return RunResult(steps=tuple(results), isolated=isolated, wall_s=wall, killed=killed, files=kept)


def outer_limit(steps: Sequence[Step], limits: Limits) -> float:
    """The whole run's wall-clock limit: every step's own limit plus slack for `timeout -k 1` and startup."""
    step_total = sum((s.timeout_s if s.timeout_s is not None else limits.timeout_s) for s in steps)
    return step_total + 2.0 * len(steps) + 2.0


def _first_missing(work: str, steps: Sequence[Step]) -> int:
    for i in range(len(steps)):
        if not Path(work, f"{STEP_PREFIX}{i}.rc").exists():
            return i
    return -1


def _wait_exit(proc: subprocess.Popen[bytes], timeout: float) -> bool:
    """Wait up to `timeout` seconds for `proc` to exit; True if it did.

    `Popen.wait(timeout=...)` polls with sleeps that grow to 50 ms, which adds ~15 ms to a 15 ms run;
    a pidfd wakes up the moment the process exits.
    """
    try:
        fd = os.pidfd_open(proc.pid)
    except (AttributeError, OSError):  # not Linux >= 5.3
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
        return True
    try:
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        if not poller.poll(timeout * 1000):
            return False
    finally:
        os.close(fd)
    proc.wait()
    return True


def session_members(sid: int) -> list[int]:
    """Ids of the live processes in session `sid` (read from /proc; empty where there is none)."""
    pids: list[int] = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return pids
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            stat = Path("/proc", entry, "stat").read_text()
        except OSError:
            continue
        # Fields after the command name, which is in parentheses and may itself contain spaces.
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 3 and fields[3] == str(sid) and fields[0] != "Z":
            pids.append(int(entry))
    return pids


def _kill_session(sid: int) -> None:
    for pid in session_members(sid):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill the run's whole process group, whatever state it is in."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)
