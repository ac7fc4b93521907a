"""What identifies a bench run: the settings that decide each sample's outcome, and the id derived from them.

Two invocations with the same identity produce the same results for the same (task, sample) pair, so they
are one run: rerunning the same command resumes it. How many samples, which tasks, how many workers and
which executor are not part of the identity: they choose *which* work is done, not *how* each item is done,
so `--samples 20` after `--samples 10` extends a run instead of starting a new one.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from rtlsmith.errors import UsageError
from rtlsmith.tools.judge import JudgeOptions
from rtlsmith.tools.sandbox import Limits

# An agent's revision enters a run's identity once it is past 1: it is bumped when the agent's behaviour
# changes for the same settings, so a stored run is never resumed with samples made by different behaviour.
# smith 2: a spec's table is a public check (`spec-table`); a self-written testbench answer is cut at 1,024
# tokens. hybrid runs smith, so it follows smith's revision. hybrid 5: between symbolic and smith, the model
# fills a small form (state machine, truth table, counter) where the spec has that structure. hybrid 6: a
# state diagram drawn as text is read into that form without the model. hybrid 7: so is a state table the
# symbolic agent declines (a bus output per state, an output per input column). hybrid 8: the shift-register
# form. smith 5 / hybrid 9: the spec's reset style is read across wrapped lines, and an Icarus "not
# supported" error gets a designer's hint. smith 6 / hybrid 10: a decomposition answer is cut at 768 tokens.
AGENT_REVISIONS: dict[str, int] = {"smith": 6, "hybrid": 10, "oneshot": 2}
DEFAULT_AGENT_FACTORY = "rtlsmith.bench.agents:make_agent"
# AgentConfig fields that say where traces go, not what the agent does: kept out of the identity.
# The seed, mode and isolation are set per sample from the bench's own settings, recorded elsewhere.
_NON_IDENTITY_AGENT_KEYS = frozenset(
    {"runs_dir", "run_id", "write_trace", "seed", "mode", "oracle_feedback", "isolate"}
)


@dataclass(frozen=True)
class JudgeSettings:
    """How the hidden checks are run; part of the identity because limits can change a verdict."""

    simulator: str = "icarus"
    timeout_s: float = 30.0
    memory_mb: int = 4096
    output_bytes: int = 1024 * 1024
    isolate: bool = True

    def options(self) -> JudgeOptions:
        limits = Limits(timeout_s=self.timeout_s, memory_mb=self.memory_mb, output_bytes=self.output_bytes)
        return JudgeOptions(simulator=self.simulator, limits=limits, isolate=self.isolate)

    def record(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class FormalSettings:
    """`bench --formal`: each final design is also checked for equivalence with the task's reference."""

    timeout_s: float = 10.0
    depth: int = 20
    # (task id, input assumption) pairs from --formal-assumptions; a task's own is used otherwise.
    assumptions: tuple[tuple[str, str], ...] = ()

    def assumption(self, task_id: str) -> str | None:
        return dict(self.assumptions).get(task_id)

    def record(self) -> dict[str, Any]:
        """The settings for a run's identity (assumptions only when there are any, so runs without them
        keep the identity they had)."""
        out: dict[str, Any] = {"timeout_s": self.timeout_s, "depth": self.depth}
        if self.assumptions:
            out["assumptions"] = dict(sorted(self.assumptions))
        return out


@dataclass(frozen=True)
class PpaSettings:
    """`bench --ppa`: each passing design (and, once per task, its reference) is synthesised with Yosys and
    its cells, area estimate, logic depth and flip-flops are stored with ratios to the reference's."""

    timeout_s: float = 30.0

    def record(self) -> dict[str, Any]:
        return {"timeout_s": self.timeout_s}


@dataclass(frozen=True)
class AssertionSettings:
    """`bench --assertions`: per sample, a model writes properties from the public spec and interface;
    Yosys checks them on the task's reference and grades them on mutants of it (the `*.sv` files under
    `mutants_dir/TASK_ID/` where that folder exists, else a bundled task's known bugs, else generated
    ones)."""

    model_spec: str | None = None  # None: the bench's model
    max_steps: int = 20
    timeout_s: float = 60.0
    max_tokens: int = 768
    mutants_dir: str | None = None

    def record(self) -> dict[str, Any]:
        return {"model": self.model_spec, "max_steps": self.max_steps, "timeout_s": self.timeout_s,
                "max_tokens": self.max_tokens, "mutants_dir": self.mutants_dir}  # fmt: skip


@dataclass(frozen=True)
class RouterSettings:
    """`bench --router NAME --tier AGENT[:MODEL] ...`: a router picks, per task, which tier answers."""

    name: str
    tiers: tuple[str, ...]  # "agent" or "agent:model", cheapest first
    model_file: str = ""  # `--router trained`: the model `route eval --save-model` wrote

    def record(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "tiers": list(self.tiers)}
        if self.model_file:  # its content, so a retrained model is a new run
            out["model_file"] = hashlib.sha256(Path(self.model_file).read_bytes()).hexdigest()[:16]
        return out


@dataclass(frozen=True)
class BenchConfig:
    """Everything a worker needs to produce and judge one sample, as plain picklable values."""

    suite_spec: str
    model_spec: str
    agent: str = "oneshot"
    # Stronger models the smith agent escalates to, in order, after `escalate_after` failed repairs on the
    # one before (`model_spec` is the first and cheapest); empty for a single model.
    escalation: tuple[str, ...] = ()
    agent_config: Mapping[str, Any] = field(default_factory=dict)  # AgentConfig fields given on the CLI
    oracle_feedback: bool = False
    seed_base: int = 0
    judge: JudgeSettings = field(default_factory=JudgeSettings)
    judge_cache: bool = True  # identical (task, design) pairs in one worker are simulated once
    # A failure on a task whose own reference fails its testbench is a task error (class I), not the design's.
    check_references: bool = True
    formal: FormalSettings | None = None  # also prove each final design against the task's reference
    ppa: PpaSettings | None = None  # also measure each passing design's hardware cost against the reference
    assertions: AssertionSettings | None = None  # also write, check and grade properties
    traces_dir: str = ".rtlsmith/bench-traces"  # the CLI puts them next to the database
    # "module:function" building the agent in each worker; tests and plugins may substitute their own.
    agent_factory: str = DEFAULT_AGENT_FACTORY
    # `--sample-tasks N --task-seed S`: a seeded subset of the suite, the same N tasks on every machine.
    task_sample: tuple[int, int] | None = None
    router: RouterSettings | None = None  # route each task among tiers (`agent` is then "routed")

    @property
    def mode(self) -> Literal["honest", "oracle"]:
        return "oracle" if self.oracle_feedback else "honest"

    @property
    def model_specs(self) -> tuple[str, ...]:
        """Every model the agent may call, cheapest first."""
        return (self.model_spec, *self.escalation)

    def seed(self, sample_idx: int) -> int:
        """The seed of sample `sample_idx` of any task: the same number for the same index, run after run."""
        return self.seed_base + sample_idx


def model_fingerprint(model_spec: str) -> str | None:
    """A content hash of a file-backed model (a replay samples file), so an edited file is a new run."""
    _, _, rest = model_spec.partition(":")
    for candidate in (rest, model_spec):
        if candidate and Path(candidate).is_file():
            return hashlib.sha256(Path(candidate).read_bytes()).hexdigest()[:16]
    return None


def effective_agent_config(given: Mapping[str, Any]) -> dict[str, Any]:
    """The agent's whole configuration (defaults filled in), so a changed default is a changed identity."""
    try:
        from rtlsmith.agent.config import AgentConfig

        record = AgentConfig(**dict(given)).record()
    except ImportError:
        record = dict(given)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"invalid agent option: {exc}") from exc
    return {k: v for k, v in sorted(record.items()) if k not in _NON_IDENTITY_AGENT_KEYS}


def identity(config: BenchConfig, suite_name: str, suite_hash: str) -> dict[str, Any]:
    """The settings that decide each sample's outcome, as a JSON-ready dict (stored with the run)."""
    agent_cfg = effective_agent_config(config.agent_config)
    ident: dict[str, Any] = {
        "suite": {"name": suite_name, "hash": suite_hash},
        "model": {"spec": config.model_spec, "fingerprint": model_fingerprint(config.model_spec)},
        "agent": {"name": config.agent, "config": agent_cfg},
        "mode": config.mode,
        "seed_base": config.seed_base,
        "judge": config.judge.record(),
    }
    if config.formal is not None:  # absent without --formal, so such runs keep their identity
        ident["formal"] = config.formal.record()
    if config.ppa is not None:  # absent without --ppa, so such runs keep their identity
        ident["ppa"] = config.ppa.record()
    if config.assertions is not None:  # absent without --assertions, so such runs keep their identity
        ident["assertions"] = config.assertions.record()
    if config.escalation:  # absent for one model, so single-model runs keep their identity
        ident["model"]["escalation"] = [
            {"spec": spec, "fingerprint": model_fingerprint(spec)} for spec in config.escalation
        ]
    if not config.check_references:  # absent by default, so runs made before the check keep their identity
        ident["reference_check"] = False
    if config.task_sample is not None:  # absent for whole-suite runs, so those keep their identity
        ident["tasks"] = {"sample": config.task_sample[0], "seed": config.task_sample[1]}
    if config.router is not None:  # absent unrouted, so such runs keep their identity
        ident["router"] = config.router.record()
        tier_agents = sorted({tier.partition(":")[0] for tier in config.router.tiers})
        ident["agent"]["revisions"] = {a: AGENT_REVISIONS.get(a, 1) for a in tier_agents}
    if config.agent_factory != DEFAULT_AGENT_FACTORY:
        ident["agent"]["factory"] = config.agent_factory
    elif AGENT_REVISIONS.get(config.agent, 1) > 1:
        ident["agent"]["revision"] = AGENT_REVISIONS[config.agent]
    return ident


def identity_hash(ident: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(ident, sort_keys=True, default=str).encode()).hexdigest()[:16]


def default_run_id(ident: Mapping[str, Any], *, legacy: bool = False) -> str:
    """A readable id that is a pure function of the identity: `<suite>-<agent>-<model>-<hash8>`; the
    symbolic agent calls no model, so its model part is `none` (`legacy`: the id such runs had before)."""
    spec = str(ident["model"]["spec"])
    if ident["agent"]["name"] == "symbolic" and not legacy:
        spec = "none"
    model = spec.split(":", 1)
    model_name = Path(model[-1]).stem if len(model) > 1 else model[0]
    stronger = len(ident["model"].get("escalation", ()))
    model_part = f"{model[0]}.{model_name}" + (f".cascade{stronger + 1}" if stronger else "")
    if spec == "none":
        model_part = "none"
    if "router" in ident:  # a routed run names its router and how many tiers it routes among
        model_part = f"{ident['router']['name']}{len(ident['router']['tiers'])}"
    parts = [str(ident["suite"]["name"]), str(ident["agent"]["name"]), model_part]
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", "-".join(parts))[:60]
    return f"{slug}-{identity_hash(ident)[:8]}"


def diff(stored: Mapping[str, Any], current: Mapping[str, Any], prefix: str = "") -> list[str]:
    """Dotted keys whose values differ between two identity dicts, with both values."""
    out: list[str] = []
    for key in sorted(set(stored) | set(current)):
        a, b = stored.get(key), current.get(key)
        name = f"{prefix}{key}"
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            out.extend(diff(a, b, name + "."))
        elif a != b:
            out.append(f"{name}: stored {json.dumps(a, default=str)}, now {json.dumps(b, default=str)}")
    return out
