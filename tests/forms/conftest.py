"""The form run is an agent: its tests share the agent tests' helpers (scripted models, bundled tasks)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "agent"))
