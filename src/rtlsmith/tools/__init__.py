"""The verifier's ground: the sandbox that runs every untrusted command (`sandbox`), tool discovery and
versions (`toolchain`), the judge (`judge`: a candidate against a task's hidden checks, as the benchmark's
own harness would decide; it asks the task's benchmark in `rtlsmith.benchmarks` for the plan and the pass
rule), what harnesses are built from (`harness`: `JudgeOptions`, `Plan`, the readings every pass rule
shares), verdicts and the failure taxonomy with VerilogEval's and RTLLM's log rules (`verdict`, `rtllm`),
the screen for hostile system tasks (`screen`), tool faults (`faults`), Yosys (`yosys`) and hardware cost
(`ppa`).

May import: `task`, `errors`, `hdl`, `simulators` (command lines come from there), and `benchmarks` (the
judge alone: the registry that says how a task is judged). No click or rich.
"""
