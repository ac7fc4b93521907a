"""The verifier's ground: the sandbox that runs every untrusted command (`sandbox`), tool discovery and
versions (`toolchain`), the judge (`judge`: a candidate against a task's hidden checks, as the benchmark's
own harness would decide), verdicts and the failure taxonomy (`verdict`, `rtllm`), the screen for hostile
system tasks (`screen`), tool faults (`faults`), Yosys (`yosys`) and hardware cost (`ppa`).

May import: `task`, `errors`, `hdl`, `simulators` (command lines come from there). No click or rich.
"""
