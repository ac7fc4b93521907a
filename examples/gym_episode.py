"""One episode of the rtlsmith/RTL-v0 Gymnasium environment, driven by a scripted policy or by a model.

    python examples/gym_episode.py                                  # scripted: a known-good mux4_w8 design
    python examples/gym_episode.py --model embedded:smollm2         # a model designs (need not pass)
    python examples/gym_episode.py --model openai:NAME --task alu8 --attempts 3

The scripted policy writes a design written here from the public spec (it never reads the bundled reference);
the model policy asks the model for a design, lints and tests it, feeds the observations back for up to
`--attempts` designs, then submits. Every action and observation is printed.
"""

from __future__ import annotations

import argparse

import gymnasium

import rtlsmith.gym
from rtlsmith.llm import extract_verilog, get_model, system, user

MUX4_W8 = """\
module TopModule (
  input [1:0] sel, input en, input [7:0] a, input [7:0] b, input [7:0] c, input [7:0] d,
  output reg [7:0] y
);
  always @(*) begin
    if (!en) y = 8'h00;
    else case (sel) 2'd0: y = a; 2'd1: y = b; 2'd2: y = c; default: y = d; endcase
  end
endmodule"""


def show(action: str, obs: str, reward: float) -> None:
    first, _, rest = action.partition("\n")
    more = f"  [+{len(rest.splitlines())} lines of code]" if rest else ""
    print(f"\n>>> {first}{more}\n{obs}\n(reward {reward:g})")


def scripted(env: gymnasium.Env[str, str], task: str) -> float:
    if task != "mux4_w8":
        raise SystemExit("the scripted policy knows a design for mux4_w8 only; use --model for other tasks")
    total = 0.0
    for action in ("write\n" + MUX4_W8, "lint", "test", "submit"):
        obs, reward, terminated, truncated, _info = env.step(action)
        show(action, obs, reward)
        total += reward
        if terminated or truncated:
            break
    return total


def model_policy(
    env: gymnasium.Env[str, str], task_obs: str, spec: str, attempts: int, max_tokens: int
) -> float:
    model = get_model(spec)
    messages = [
        system("You are a hardware engineer. Answer with one complete Verilog module in a ```verilog block."),
        user(task_obs.split("\nCommands (")[0] + "\nWrite the module."),
    ]
    total = 0.0
    for attempt in range(attempts):
        [completion] = model.generate(messages, max_tokens=max_tokens, temperature=0.0, seed=attempt)
        code = extract_verilog(completion.text, module_name="TopModule") or completion.text
        feedback = []
        for action in ("write\n" + code, "lint", "test"):
            obs, reward, _terminated, truncated, _info = env.step(action)
            show(action, obs, reward)
            total += reward
            feedback.append(obs)
            if truncated:
                return total
            if obs.startswith(("lint: failed", "test: failed")):
                break
        if feedback[-1].startswith("test: ok"):
            break
        messages += [user("\n".join(feedback[1:]) + "\nFix the module and answer with the whole module.")]
    obs, reward, _terminated, _truncated, _info = env.step("submit")
    show("submit", obs, reward)
    return total + reward


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--task", default="mux4_w8", help="a task id of the suite (default mux4_w8)")
    parser.add_argument("--suite", default="bundled", help="a suite spec, as for `rtlsmith bench --suite`")
    parser.add_argument("--model", default="", help="a model spec (embedded:smollm2, openai:NAME, ...)")
    parser.add_argument("--attempts", type=int, default=2, help="designs the model policy may write")
    parser.add_argument("--max-tokens", type=int, default=512)
    parser.add_argument("--max-steps", type=int, default=20)
    args = parser.parse_args()
    env = gymnasium.make(rtlsmith.gym.ENV_ID, max_steps=args.max_steps)
    obs, _info = env.reset(options={"task": args.task, "suite": args.suite})
    print(obs)
    if args.model:
        total = model_policy(env, obs, args.model, args.attempts, args.max_tokens)
    else:
        total = scripted(env, args.task)
    print(f"\nepisode return: {total:g}")
    env.close()


if __name__ == "__main__":
    main()
