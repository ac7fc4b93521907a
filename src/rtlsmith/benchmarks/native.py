"""rtlsmith's own task format (`--suite native:PATH`, or a bare directory) and the suite shipped with it
(`--suite bundled`). Both follow VerilogEval v2's conventions, and their tasks are judged by its harness."""

from __future__ import annotations

from rtlsmith.benchmarks.registry import register
from rtlsmith.benchmarks.verilog_eval_v2 import VerilogEvalV2
from rtlsmith.suites.base import Suite
from rtlsmith.suites.native import load_bundled, load_native


@register
class Bundled(VerilogEvalV2):
    """The bundled suite: native tasks shipped inside rtlsmith (`suites/bundled/`)."""

    name = "bundled"
    aliases = ()
    path = "none"
    data_name = ""
    data_env = ""
    judged_by = VerilogEvalV2.name

    def load(self, path: str) -> Suite:
        return load_bundled()


@register
class Native(VerilogEvalV2):
    """A directory of native tasks (`task.toml`, `ref.sv`, `test.sv` each; see `suites/native.py`)."""

    name = "native"
    aliases = ()
    path = "required"
    data_name = ""
    data_env = ""
    claims_directories = True
    judged_by = VerilogEvalV2.name

    def load(self, path: str) -> Suite:
        return load_native(path)
