"""Per-property unsupported: a statement outside the subset is dropped (classed unsupported with its line)
and the rest of the file is checked, instead of the whole file being unsupported.

Only a statement on one line is dropped (it is commented out, so every other line keeps its number); a
reason that is not one statement's (no assert at all, a `##` on a continuation line, a `sequence`
declaration spanning lines) leaves the file as it is, to be classed unsupported as a whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rtlsmith.assertions.properties import PropertyFileError, parse_properties

_STATEMENT = re.compile(r"\b(assert|assume|cover)\b")
MAX_DROPPED = 16


@dataclass(frozen=True)
class Dropped:
    """A statement left out of the check: its line in the file as given, why, and its text."""

    line: int
    reason: str
    text: str

    @property
    def kind(self) -> str:
        m = _STATEMENT.search(self.text)
        return m.group(1) if m else "assert"

    def record(self) -> dict[str, Any]:
        return {"name": f"line {self.line}", "kind": self.kind, "line": self.line, "status": "unsupported",
                "vacuous": False, "message": self.reason, "text": self.text}  # fmt: skip


def drop_unsupported(source: str, limit: int = MAX_DROPPED) -> tuple[str, tuple[Dropped, ...]]:
    """(`source` with its unsupported one-line statements commented out, those statements); `source`
    unchanged and nothing dropped when the file is in the subset or cannot be mended this way."""
    text, dropped = source, list[Dropped]()
    for _ in range(limit + 1):
        try:
            parse_properties(text)
        except PropertyFileError as exc:
            lines = text.split("\n")
            if len(dropped) == limit or not 0 < exc.line <= len(lines):
                return source, ()
            line = lines[exc.line - 1]
            if not _STATEMENT.search(line) or line.lstrip().startswith("//"):
                return source, ()
            dropped.append(Dropped(exc.line, exc.reason, line.strip()))
            lines[exc.line - 1] = "// " + line
            text = "\n".join(lines)
            continue
        return text, tuple(dropped)
    return source, ()
