"""A Gymnasium environment for RTL agents: ``rtlsmith/RTL-v0``.

    import gymnasium as gym
    import rtlsmith.gym  # registers the id

    env = gym.make("rtlsmith/RTL-v0")
    obs, info = env.reset(options={"task": "mux4_w8", "suite": "bundled"})
    obs, reward, terminated, truncated, info = env.step("write\\nmodule TopModule(...); ... endmodule")
    obs, reward, terminated, truncated, info = env.step("submit")

Needs the ``gym`` extra (``pip install 'rtlsmith[gym]'``). See `rtlsmith.gym.env` for the protocol.

Owns: the Gymnasium environment, its action language (`actions`: one text action is one command), its
observations and reward.
May import: `task`, `suites`, `tools`, `agent` (checks), `symbolic` (on use). No click or rich.
"""

from __future__ import annotations

try:
    import gymnasium
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError("rtlsmith.gym needs Gymnasium: pip install 'rtlsmith[gym]' (or gymnasium)") from exc

from rtlsmith.gym.actions import COMMANDS, HELP, ActionError, Command, parse_action
from rtlsmith.gym.env import RTLEnv
from rtlsmith.gym.scorer import Submission

ENV_ID = "rtlsmith/RTL-v0"

if ENV_ID not in gymnasium.registry:
    gymnasium.register(id=ENV_ID, entry_point="rtlsmith.gym.env:RTLEnv")

__all__ = ["COMMANDS", "ENV_ID", "HELP", "ActionError", "Command", "RTLEnv", "Submission", "parse_action"]
