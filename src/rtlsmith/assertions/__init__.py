"""Properties from the spec, checked formally with Yosys, graded by the bugs they catch."""

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
