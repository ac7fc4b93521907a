"""Properties from the spec, checked formally with Yosys, graded by the bugs they catch.

The `assert` command is `rtlsmith.cli.assertions`; nothing here imports click or rich.
"""

from rtlsmith.assertions.check import PropertyReport, PropertyResult, Status, check_properties
from rtlsmith.assertions.properties import Property, PropertyFile, PropertyFileError, parse_properties

__all__ = [
    "Property",
    "PropertyFile",
    "PropertyFileError",
    "PropertyReport",
    "PropertyResult",
    "Status",
    "check_properties",
    "parse_properties",
]
