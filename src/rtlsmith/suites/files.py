"""Reading the files a task names: inside its own directory only, as UTF-8 text, within a size limit."""

from __future__ import annotations

from pathlib import Path

from rtlsmith.errors import RtlsmithError, SuiteError

SOURCE_LIMIT = 8 * 1024 * 1024  # bytes: a task's Verilog file (VerilogEval's largest testbench is ~100 KB)
TOML_LIMIT = 1024 * 1024  # bytes: a task.toml or spec file
TEXT_LIMIT = 256 * 1024  # characters: one spec text (description, summary, block, interface)


def task_file(directory: Path, value: object, field: str, where: str | Path,
              error: type[RtlsmithError] = SuiteError) -> Path:  # fmt: skip
    """The file a path field names, refused unless it is a relative path that stays inside `directory`."""
    if not isinstance(value, str) or not value.strip():
        raise error(f"{where}: `{field}` must be a file name (a string), not {value!r}")
    if "\0" in value:
        raise error(f"{where}: `{field}` contains a NUL character")
    name = Path(value)
    if name.is_absolute() or value.startswith("~"):
        raise error(
            f"{where}: `{field}` = {value!r} is an absolute path; name a file relative to {directory}"
        )
    base = directory.resolve()
    path = (directory / name).resolve()
    if not path.is_relative_to(base):
        raise error(
            f"{where}: `{field}` = {value!r} leads outside the task's directory {directory}; "
            "a task may only name its own files"
        )
    return path


def read_text(path: Path, what: str, *, limit: int | None = None,
              error: type[RtlsmithError] = SuiteError) -> str:  # fmt: skip
    """A file's text, refused with a clear error when it is missing, too large (default: SOURCE_LIMIT),
    binary or not UTF-8."""
    limit = SOURCE_LIMIT if limit is None else limit
    if not path.is_file():
        raise error(f"{what} {path.name} is missing (expected at {path})")
    size = path.stat().st_size
    if size > limit:
        raise error(f"{what} {path} is {size} bytes, over the {limit} byte limit; is it the right file?")
    data = path.read_bytes()
    if b"\0" in data:
        raise error(f"{what} {path} is binary (it contains NUL bytes), not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error(
            f"{what} {path} is not UTF-8 text (line {line}, byte {exc.start}); save it as UTF-8"
        ) from exc


def check_text(value: object, field: str, where: str | Path, *, required: bool = False,
               error: type[RtlsmithError] = SuiteError) -> str:  # fmt: skip
    """A spec text field: a string within TEXT_LIMIT characters ('' when absent and not required)."""
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        if required:
            raise error(f"{where}: `{field}` (a non-empty string) is required")
        raise error(f"{where}: `{field}` must be a string")
    if len(value) > TEXT_LIMIT:
        raise error(
            f"{where}: `{field}` is {len(value)} characters, over the {TEXT_LIMIT} limit for a spec text"
        )
    return value
