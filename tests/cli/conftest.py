"""The command tests reuse the helpers of the domain tests they grew out of (tests/agent/agent_helpers.py,
tests/llm/llm_helpers.py, ...): those folders are put on the import path here, so `tests/cli` runs alone."""

import sys
from pathlib import Path

for _folder in ("agent", "assertions", "llm", "pictures"):
    _path = str(Path(__file__).resolve().parents[1] / _folder)
    if _path not in sys.path:
        sys.path.insert(0, _path)

from llm_helpers import fake_server, llama_server  # noqa: E402  (fixtures of tests/cli/test_cli_models.py)

__all__ = ["fake_server", "llama_server"]
