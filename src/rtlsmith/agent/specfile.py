"""A task from a user's spec file: plain text with a `module ...;` header, or TOML as in native suites.

TOML keys (all optional but `description`): `description`, `summary`, `interface`, `tags`, and a `[public]`
table with `testbench` (a file next to the spec) and `vectors`, exactly as in a native suite's task.toml.
There is no hidden part: the agent's own checks are all there is.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from rtlsmith.errors import UsageError
from rtlsmith.hdl import parse_interface
from rtlsmith.task import Interface, PublicChecks, PublicTask, Spec, Vector

_HEADER = re.compile(r"\bmodule\s+[A-Za-z_][A-Za-z0-9_$]*\s*(?:#\s*\(.*?\)\s*)?\(.*?\)\s*;", re.S)


def header_in(text: str) -> str | None:
    """The first `module NAME (...);` header in a text, if any."""
    m = _HEADER.search(text)
    return m.group(0) if m else None


def _interface(text: str, where: str) -> Interface:
    try:
        return parse_interface(text)
    except Exception as exc:  # pyslang or our own SuiteError: either way the header is unusable
        raise UsageError(f"{where}: cannot read the module interface: {exc}") from exc


def load_spec(path: str | Path, interface_file: str | Path | None = None) -> PublicTask:
    """A PublicTask from a spec file; interface from `interface_file`, the TOML or a header in the text."""
    p = Path(path)
    if not p.is_file():
        raise UsageError(f"spec file {str(p)!r} does not exist")
    text = p.read_text()
    meta: dict[str, Any] = {}
    if p.suffix == ".toml":
        try:
            meta = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise UsageError(f"{p}: invalid TOML: {exc}") from exc
        if "description" not in meta:
            raise UsageError(f"{p}: `description` (the spec text) is required")
        description = str(meta["description"]).strip()
    else:
        description = text.strip()
    if interface_file is not None:
        ifc_path = Path(interface_file)
        if not ifc_path.is_file():
            raise UsageError(f"interface file {str(ifc_path)!r} does not exist")
        interface = _interface(ifc_path.read_text(), str(ifc_path))
    elif "interface" in meta:
        interface = _interface(str(meta["interface"]), f"{p} [interface]")
    else:
        header = header_in(description)
        if header is None:
            raise UsageError(
                f"{p}: no interface: put a `module NAME (...);` header in the spec or pass --interface FILE"
            )
        interface = _interface(header, str(p))
    public_meta = meta.get("public", {})
    vectors = tuple(
        Vector(
            tuple((str(k), str(v)) for k, v in dict(vec.get("in", {})).items()),
            tuple((str(k), str(v)) for k, v in dict(vec.get("out", {})).items()),
        )
        for vec in public_meta.get("vectors", [])
    )
    tb_name = public_meta.get("testbench")
    testbench = None
    if tb_name:
        tb_path = p.parent / str(tb_name)
        if not tb_path.is_file():
            raise UsageError(f"{p}: public testbench {str(tb_path)!r} does not exist")
        testbench = tb_path.read_text()
    return PublicTask(
        id=str(meta.get("id", p.stem)),
        suite="spec-file",
        spec=Spec(detailed=description, summary=str(meta.get("summary", "")).strip()),
        interface=interface,
        tags=tuple(str(t) for t in meta.get("tags", [])),
        public=PublicChecks(testbench=testbench, vectors=vectors),
    )
