"""The rtlsmith/RTL-v0 Gymnasium environment: API conformance, honest rewards, tool output as observations."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

gymnasium = pytest.importorskip(
    "gymnasium", reason="Gymnasium is not installed (pip install 'rtlsmith[gym]')"
)

from gymnasium.utils.env_checker import check_env  # noqa: E402
from gymnasium.vector import SyncVectorEnv  # noqa: E402

from rtlsmith.errors import UsageError  # noqa: E402
from rtlsmith.gym import ENV_ID, ActionError, Command, RTLEnv, parse_action  # noqa: E402
from rtlsmith.suites import load_suite  # noqa: E402
from rtlsmith.task import HiddenChecks, Purpose, Task  # noqa: E402

# Designs written here, from the public spec: a policy never reads the bundled reference.
MUX4_GOOD = """\
module TopModule (
  input [1:0] sel, input en, input [7:0] a, input [7:0] b, input [7:0] c, input [7:0] d,
  output reg [7:0] y
);
  always @(*) begin
    if (!en) y = 8'h00;
    else case (sel) 2'd0: y = a; 2'd1: y = b; 2'd2: y = c; default: y = d; endcase
  end
endmodule
"""
# Passes the five public vectors (they check en = 0 only with sel = 3) but ignores en = 0 for sel = 1.
MUX4_WRONG = MUX4_GOOD.replace("if (!en) y = 8'h00;", "if (!en && sel != 2'd1) y = 8'h00;")
MUX4_SWAPPED = MUX4_GOOD.replace("2'd2: y = c", "2'd2: y = d").replace("default: y = d", "default: y = c")
MUX4_SYNTAX = MUX4_GOOD.replace("y = a;", "y = a")
DECODER_GOOD = """\
module TopModule (input [2:0] a, input en, input active_low, output [7:0] y);
  wire [7:0] hot = en ? (8'd1 << a) : 8'd0;
  assign y = active_low ? ~hot : hot;
endmodule
"""

needs_iverilog = pytest.mark.needs_iverilog


def make(**kwargs: Any) -> RTLEnv:
    env = gymnasium.make(ENV_ID, **kwargs)
    assert isinstance(env.unwrapped, RTLEnv)
    return env  # type: ignore[return-value]


def play(env: Any, actions: list[str], task: str = "mux4_w8") -> list[tuple[str, float, bool, bool, dict]]:
    obs, info = env.reset(options={"task": task, "suite": "bundled"})
    out = [(obs, 0.0, False, False, info)]
    for action in actions:
        out.append(env.step(action))
        if out[-1][2] or out[-1][3]:
            break
    return out


def hidden_lines(task_id: str) -> Iterator[str]:
    """Distinctive lines of the task's hidden testbench and reference (this test is a scorer: it may look)."""
    hidden: HiddenChecks = load_suite("bundled").get(task_id).hidden.unseal(Purpose.SCORING)
    for text in (hidden.testbench, hidden.reference or ""):
        for line in text.splitlines():
            line = line.strip()
            if len(line) > 24 and not line.startswith("//"):
                yield line


# --------------------------------------------------------------------------------------------- conformance


def test_passes_gymnasiums_env_checker() -> None:
    env = make()
    check_env(env.unwrapped)
    env.close()


def test_reset_shows_the_public_task_and_its_checks() -> None:
    env = make()
    obs, info = env.reset(options={"task": "mux4_w8", "suite": "bundled"})
    assert env.observation_space.contains(obs)
    assert "When en is 0, y is 0" in obs  # the spec
    assert "module TopModule (" in obs and "input [1:0] sel" in obs  # the interface
    assert "5 example vector(s)" in obs  # what public checks exist
    assert "submit" in obs and "write" in obs  # the commands
    assert info["task_id"] == "mux4_w8" and info["public_checks"] == "public-vectors"


def test_reset_without_a_task_draws_one_from_the_suite_by_seed() -> None:
    env = make()
    first = env.reset(seed=7)[1]["task_id"]
    assert env.reset(seed=7)[1]["task_id"] == first
    assert first in load_suite("bundled")
    with pytest.raises(UsageError, match="unknown reset option"):
        env.reset(options={"taks": "mux4_w8"})


# ----------------------------------------------------------------------------------------------- episodes


@needs_iverilog
def test_a_correct_design_earns_reward_1_on_submit() -> None:
    steps = play(make(), ["write\n" + MUX4_GOOD, "lint", "test", "submit"])
    (obs_w, *_), (obs_l, *_), (obs_t, *_), (obs_s, reward, terminated, truncated, info) = steps[1:]
    assert obs_w.startswith("write: stored the design")
    assert obs_l.startswith("lint: ok")
    assert obs_t.startswith("test: ok") and "Mismatches: 0 in 5" in obs_t
    assert obs_s.startswith("submit: passed")
    assert (reward, terminated, truncated) == (1.0, True, False)
    assert info["passed"] is True and info["failure_class"] == "."
    assert sum(s[1] for s in steps) == 1.0


@needs_iverilog
def test_a_wrong_design_that_passes_the_public_checks_earns_0() -> None:
    steps = play(make(), ["test\n" + MUX4_WRONG, "submit"])
    obs_t, obs_s = steps[1][0], steps[2][0]
    assert obs_t.startswith("test: ok")  # the public vectors do not catch it ...
    _obs, reward, terminated, _trunc, info = steps[2]
    assert (reward, terminated) == (0.0, True)  # ... the hidden testbench does
    assert obs_s.startswith("submit: failed") and "mismatch" in obs_s
    assert info["passed"] is False and info["failure_class"] == "R"


@needs_iverilog
def test_lint_and_test_observations_carry_the_tool_messages() -> None:
    env = make()
    env.reset(options={"task": "mux4_w8"})
    lint_obs, reward, terminated, _t, info = env.step("lint\n" + MUX4_SYNTAX)
    assert lint_obs.startswith("lint: failed - syntax")
    assert "Syntax errors (pyslang)" in lint_obs and "line 7: expected ';'" in lint_obs
    assert (reward, terminated, info["ok"]) == (0.0, False, False)
    test_obs, *_rest, info = env.step("test\n" + MUX4_SWAPPED)
    assert test_obs.startswith("test: failed - public vectors testbench: fail (Mismatches: 2 in 5)")
    assert "sel=2'd2 en=1" in test_obs and "y=00110011 | y=01000100" in test_obs  # the failing cycle
    assert info["ok"] is False


@needs_iverilog
def test_no_observation_ever_contains_hidden_material() -> None:
    env = make()
    episodes = [
        ["write\n" + MUX4_GOOD, "lint", "test", "submit"],
        ["lint\n" + MUX4_SYNTAX, "test", "submit"],
        ["test\n" + MUX4_SWAPPED, "task", "help", "bogus", '{"cmd": "submit"}'],
        ["submit\nmodule TopModule(input en); endmodule"],
        ["submit"],
    ]
    seen = [obs for actions in episodes for obs, *_ in play(env, actions)]
    assert len(seen) > 12
    secret = list(hidden_lines("mux4_w8"))
    assert secret  # the check below has something to look for
    for obs in seen:
        assert "RefModule" not in obs and "stimulus_gen" not in obs
        assert not [line for line in secret if line in obs]


def test_only_the_scorer_holds_the_hidden_task() -> None:
    env = make().unwrapped
    env.reset(options={"task": "mux4_w8"})
    held = [v for v in vars(env).values() if isinstance(v, Task | HiddenChecks)]
    assert held == []  # the env keeps the PublicTask; the Task lives in the Scorer's private slot
    assert repr(vars(env)["_scorer"]) == "<Scorer (sealed)>"
    assert not hasattr(vars(env)["_scorer"], "task") and not hasattr(vars(env)["_scorer"], "__dict__")


# ----------------------------------------------------------------------------------- budget and shaping


@needs_iverilog
def test_the_step_budget_truncates_with_reward_0_and_then_a_reset_is_needed() -> None:
    env = make(max_steps=3)
    steps = play(env, ["write\n" + MUX4_GOOD, "lint", "test"])
    _obs, reward, terminated, truncated, info = steps[-1]
    assert (reward, terminated, truncated, info["steps_left"]) == (0.0, False, True, 0)
    assert "truncated" in steps[-1][0]
    with pytest.raises(UsageError, match="reset"):
        env.unwrapped.step("submit")


@needs_iverilog
def test_shaping_rewards_public_progress_but_the_return_is_the_verdict() -> None:
    env = make(shaping=0.2)
    steps = play(env, ["write\n" + MUX4_GOOD, "lint", "test", "submit"])
    rewards = [s[1] for s in steps[1:]]
    assert rewards[:3] == pytest.approx([0.0, 0.1, 0.1])  # lint passed, public test passed
    assert sum(rewards) == pytest.approx(1.0)
    wrong = play(env, ["lint\n" + MUX4_WRONG, "test", "submit"])
    assert [s[1] for s in wrong[1:]] == pytest.approx([0.1, 0.1, -0.2])  # return 0: the hidden verdict
    truncated = play(make(shaping=0.2, max_steps=2), ["lint\n" + MUX4_GOOD, "test"])
    assert sum(s[1] for s in truncated) == pytest.approx(0.0) and truncated[-1][3] is True


# ------------------------------------------------------------------------------------------------- vector


@needs_iverilog
def test_the_vector_api_runs_two_tasks_side_by_side() -> None:
    envs = SyncVectorEnv(
        [
            lambda: gymnasium.make(ENV_ID, task="mux4_w8"),
            lambda: gymnasium.make(ENV_ID, task="decoder3to8_en"),
        ]
    )
    obs, info = envs.reset(seed=0)
    assert list(info["task_id"]) == ["mux4_w8", "decoder3to8_en"]
    assert "sel" in obs[0] and "active_low" in obs[1]
    obs, rewards, terminated, truncated, info = envs.step(("lint\n" + MUX4_GOOD, "lint\n" + DECODER_GOOD))
    assert all(o.startswith("lint: ok") for o in obs) and not terminated.any()
    obs, rewards, terminated, truncated, info = envs.step(
        ("submit", "submit\n" + DECODER_GOOD.replace("~", ""))
    )
    assert list(rewards) == [1.0, 0.0] and terminated.all() and not truncated.any()
    envs.close()


# ------------------------------------------------------------------------------------------------ actions


def test_actions_are_a_command_line_or_json() -> None:
    assert parse_action("  lint ") == Command("lint")
    assert parse_action("write\nmodule m; endmodule\n") == Command("write", "module m; endmodule")
    assert parse_action("submit module m;\nendmodule") == Command("submit", "module m;\nendmodule")
    assert parse_action('{"cmd": "write", "code": "module m; endmodule"}') == Command(
        "write", "module m; endmodule"
    )
    for bad, why in [
        ("", "empty"),
        ("compile", "unknown command"),
        ("write", "needs the design"),
        ("{not json", "not valid JSON"),
        ('{"cmd": "lint", "extra": 1}', "unknown JSON field"),
        ("help me", "takes no argument"),
    ]:
        with pytest.raises(ActionError, match=why):
            parse_action(bad)


def test_an_invalid_action_costs_a_step_and_says_why() -> None:
    env = make()
    env.reset(options={"task": "mux4_w8"})
    obs, reward, terminated, truncated, info = env.step("compile everything")
    assert obs.startswith("error: unknown command 'compile'") and "write CODE" in obs
    assert (reward, terminated, truncated, info["command"], info["steps_left"]) == (
        0.0,
        False,
        False,
        "invalid",
        19,
    )
    obs, *_ = env.step("lint")
    assert obs == "lint: no design yet; use write first"
