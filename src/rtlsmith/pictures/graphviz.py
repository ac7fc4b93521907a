"""Graphviz's `dot` (Debian `graphviz`): DOT text in, SVG text out."""

from __future__ import annotations

import subprocess

from rtlsmith.errors import RtlsmithError
from rtlsmith.tools.toolchain import require

DOT_TIMEOUT_S = 30.0


def quote(text: str) -> str:
    """A DOT string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def dot_svg(dot: str, timeout_s: float = DOT_TIMEOUT_S) -> str:
    """`dot -Tsvg` of a graph; ToolNotFoundError (saying how to install Graphviz) when `dot` is absent."""
    tool = require("dot")
    try:
        proc = subprocess.run(
            [*tool.prefix, "-Tsvg"], input=dot, capture_output=True, text=True, timeout=timeout_s
        )
    except subprocess.TimeoutExpired as exc:
        raise RtlsmithError(f"Graphviz took longer than {timeout_s:g} s to lay out the graph") from exc
    if proc.returncode != 0:
        raise RtlsmithError(f"Graphviz failed: {proc.stderr.strip()[:500]}")
    return _strip_prolog(proc.stdout)


def _strip_prolog(svg: str) -> str:
    """The `<svg>` element alone (no XML declaration or DOCTYPE), ready to embed in HTML."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg
