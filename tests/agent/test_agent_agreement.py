"""Selection by agreement: with nothing public to test against, the largest group of alike designs wins."""

from __future__ import annotations

import dataclasses

from agent_helpers import bundled, fenced, needs_iverilog, reference_design, steps_of

from rtlsmith.agent import AgentConfig, agreement, run_agent
from rtlsmith.agent.prompts import DESIGN_STOP
from rtlsmith.llm import ScriptedModel
from rtlsmith.task import PublicChecks, PublicTask
from rtlsmith.tools.sandbox import Limits

TASK = "counter_updown_load"


def _no_checks(public: PublicTask) -> PublicTask:
    return dataclasses.replace(public, public=PublicChecks())


def _wrong(ref: str) -> str:
    return ref.replace("q + 8'd1", "q + 8'd2", 1)


@needs_iverilog
def test_candidates_that_behave_alike_group_together() -> None:
    task = bundled(TASK)
    ref = reference_design(task)
    ifc = task.public.interface
    same = agreement.compare(ref, ref.replace("8'd1", "8'b1"), ifc, limits=Limits(), isolate=False)
    differ = agreement.compare(ref, _wrong(ref), ifc, limits=Limits(), isolate=False)
    assert same.same and not differ.same and "q" in differ.differing
    groups = agreement.clusters([_wrong(ref), ref, ref], ifc, limits=Limits(), isolate=False)
    assert groups == [[0], [1, 2]] and agreement.choose(groups) == 1
    assert agreement.choose([[0], [1]]) == 0  # a tie keeps the greedy draft


@needs_iverilog
def test_a_signature_is_the_behaviour_not_the_text() -> None:
    task = bundled(TASK)
    ref = reference_design(task)
    ifc = task.public.interface

    def sign(code: str) -> agreement.Signature:
        return agreement.signature(code, ifc, limits=Limits(), isolate=False)

    first, rewritten, wrong = sign(ref), sign(ref.replace("8'd1", "8'b1")), sign(_wrong(ref))
    assert first.digest is not None and len(first.digest) == 16 and first.samples > 200
    assert rewritten.digest == first.digest and wrong.digest not in (None, first.digest)
    assert agreement.signature(ref, ifc, limits=Limits(), isolate=False, seed=2).digest != first.digest
    broken = sign(ref.replace("endmodule", "endmodul"))
    assert broken.digest is None and "does not compile" in broken.error


@needs_iverilog
def test_smith_keeps_the_majority_design_when_a_task_has_no_checks(config: AgentConfig) -> None:
    task = bundled(TASK)
    ref = reference_design(task)
    model = ScriptedModel([fenced(_wrong(ref)), fenced(ref), fenced(ref)])
    cfg = dataclasses.replace(config, no_checks="agreement", candidates=3, retry_temperature=0.7)
    result = run_agent("smith", _no_checks(task.public), model, cfg)
    assert result.final_code.strip() == ref.strip()
    assert result.checks == "agreement" and result.stop_reason == "no_checks" and not result.passed_public
    assert [c.temperature for c in model.calls] == [0.0, 0.7, 0.7]
    assert model.calls[1].seed != model.calls[2].seed
    assert all(c.stop == (DESIGN_STOP,) for c in model.calls)  # each design answer ends with its code block
    agree = next(s for s in steps_of(result.trace_path) if s["state"] == "AGREE")
    assert "groups of sizes [2, 1]" in agree["note"] and agree["next"] == "GIVE_UP"


@needs_iverilog
def test_candidates_that_do_not_compile_take_no_part(config: AgentConfig) -> None:
    task = bundled(TASK)
    ref = reference_design(task)
    broken = ref.replace("endmodule", "endmodul")
    model = ScriptedModel([fenced(ref), fenced(broken), fenced(broken)])
    cfg = dataclasses.replace(config, no_checks="agreement", candidates=3)
    result = run_agent("smith", _no_checks(task.public), model, cfg)
    assert result.final_code.strip() == ref.strip()
