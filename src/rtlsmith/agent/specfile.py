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
from rtlsmith.suites.files import TOML_LIMIT, check_text, read_text, task_file
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


def _vectors(raw: object, where: Path) -> tuple[Vector, ...]:
    if not isinstance(raw, list) or not all(
        isinstance(v, dict) and all(isinstance(v.get(k, {}), dict) for k in ("in", "out")) for v in raw
    ):
        raise UsageError(
            f"{where}: public.vectors must be a list of {{ in = {{...}}, out = {{...}} }} tables"
        )
    return tuple(
        Vector(
            tuple((str(k), str(v)) for k, v in dict(vec.get("in", {})).items()),
            tuple((str(k), str(v)) for k, v in dict(vec.get("out", {})).items()),
        )
        for vec in raw
    )


def load_spec(path: str | Path, interface_file: str | Path | None = None) -> PublicTask:
    """A PublicTask from a spec file; interface from `interface_file`, the TOML or a header in the text."""
    p = Path(path)
    if not p.is_file():
        raise UsageError(f"spec file {str(p)!r} does not exist")
    text = read_text(p, "spec file", limit=TOML_LIMIT, error=UsageError)
    meta: dict[str, Any] = {}
    if p.suffix == ".toml":
        try:
            meta = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise UsageError(f"{p}: invalid TOML: {exc}") from exc
        if "description" not in meta:
            raise UsageError(f"{p}: `description` (the spec text) is required")
        description = check_text(meta["description"], "description", p, required=True, error=UsageError)
        description = description.strip()
    else:
        description = check_text(text, "text", p, error=UsageError).strip()
    if interface_file is not None:
        ifc_path = Path(interface_file)
        if not ifc_path.is_file():
            raise UsageError(f"interface file {str(ifc_path)!r} does not exist")
        ifc_text = read_text(ifc_path, "interface file", limit=TOML_LIMIT, error=UsageError)
        interface = _interface(ifc_text, str(ifc_path))
    elif "interface" in meta:
        ifc_text = check_text(meta["interface"], "interface", p, error=UsageError)
        interface = _interface(ifc_text, f"{p} [interface]")
    else:
        header = header_in(description)
        if header is None:
            raise UsageError(
                f"{p}: no interface: put a `module NAME (...);` header in the spec or pass --interface FILE"
            )
        interface = _interface(header, str(p))
    public_meta = meta.get("public", {})
    if not isinstance(public_meta, dict):
        raise UsageError(f"{p}: [public] must be a table")
    vectors = _vectors(public_meta.get("vectors", []), p)
    tb_name = public_meta.get("testbench")
    testbench = None
    if tb_name is not None:
        tb_path = task_file(p.parent, tb_name, "public.testbench", p, error=UsageError)
        testbench = read_text(tb_path, "public testbench", error=UsageError)
    tags = meta.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise UsageError(f'{p}: `tags` must be a list of strings, e.g. tags = ["sequential"]')
    task_id = meta.get("id", p.stem)
    if not isinstance(task_id, str) or not task_id.strip() or len(task_id) > 128:
        raise UsageError(f"{p}: `id` must be a non-empty string of at most 128 characters, not {task_id!r}")
    return PublicTask(
        id=task_id,
        suite="spec-file",
        spec=Spec(
            detailed=description,
            summary=check_text(meta.get("summary"), "summary", p, error=UsageError).strip(),
        ),
        interface=interface,
        tags=tuple(tags),
        public=PublicChecks(testbench=testbench, vectors=vectors),
    )
