"""Writing an export: JSON lines or Parquet, and every file of an export atomically."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rtlsmith.errors import UsageError


def file_format(out: Path) -> str:
    if out.suffix == ".parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError as exc:
            raise UsageError(
                "writing Parquet needs pyarrow: pip install 'rtlsmith[export]' (or name a .jsonl file)"
            ) from exc
        return "parquet"
    return "jsonl"


def write_rows(path: Path, rows: list[dict[str, Any]], fmt: str) -> None:
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(rows), path)
        return
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def write_atomic(files: list[tuple[Path, Callable[[Path], None]]]) -> None:
    """Write each file through a temporary file in its directory; rename them into place only when all are
    complete, so an error leaves no half-written file (and no manifest without its data)."""
    temps: list[tuple[Path, Path]] = []
    try:
        for path, write in files:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            os.close(fd)
            temps.append((Path(name), path))
            write(Path(name))
        for tmp, path in temps:
            os.replace(tmp, path)
    finally:
        for tmp, _path in temps:
            tmp.unlink(missing_ok=True)
