"""The bundle manifest: writing it, and checking a bundle against it (format version, file hashes).

Standard library only (json, hashlib, pathlib): the app's runtime reads bundles with this same
code on a factory PC that has no torch, onnx or numpy-side tooling.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CACHE_DIR = "cache"  # engine/timing caches built on site; not part of the hashed content
GRAPH_NAMES = ("vision", "embedding", "decoder")
REQUIRED_KEYS = (
    "format_version", "model", "precision", "files", "graphs", "num_layers", "num_kv_heads", "head_dim",
    "hidden_size", "vocab_size", "image_seq_length", "special_token_ids", "preprocessing", "templates",
    "generation", "verdict", "provenance",
)


class BundleError(Exception):
    """A bundle does not match its manifest. The message names the file and the problem."""


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def file_entries(folder: Path) -> dict[str, dict]:
    """sha256 and size of every file under `folder` except the manifest and the cache folder."""
    folder = Path(folder)
    entries = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if rel == MANIFEST or rel.split("/")[0] == CACHE_DIR:
            continue
        entries[rel] = {"sha256": sha256_file(path), "size": path.stat().st_size}
    return entries


def write_manifest(folder: Path, manifest: dict) -> Path:
    """Fill in `files` from what is in `folder` now, and write manifest.json."""
    manifest = dict(manifest)
    manifest["format_version"] = FORMAT_VERSION
    manifest["files"] = file_entries(folder)
    path = Path(folder) / MANIFEST
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def read_manifest(folder: Path) -> dict:
    """manifest.json of a bundle, with its format version and required keys checked."""
    path = Path(folder) / MANIFEST
    if not Path(folder).is_dir():
        raise BundleError(f"{folder}: not a folder")
    if not path.is_file():
        raise BundleError(f"{MANIFEST}: missing in {folder}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleError(f"{MANIFEST}: not valid JSON ({exc})") from None
    if not isinstance(manifest, dict):
        raise BundleError(f"{MANIFEST}: not a JSON object")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise BundleError(f"{MANIFEST}: format_version {version!r} is not supported (this reader: {FORMAT_VERSION})")
    missing = [k for k in REQUIRED_KEYS if k not in manifest]
    if missing:
        raise BundleError(f"{MANIFEST}: missing keys {', '.join(missing)}")
    for name in GRAPH_NAMES:
        graph = manifest["graphs"].get(name)
        if not graph or graph.get("file") not in manifest["files"]:
            raise BundleError(f"{MANIFEST}: graph {name!r} is not declared with a listed file")
    return manifest


def check_files(folder: Path, manifest: dict) -> None:
    """Every listed file exists with its size and sha256; raises BundleError naming the first bad one."""
    folder = Path(folder)
    for rel, entry in sorted(manifest["files"].items()):
        path = folder / rel
        if ".." in Path(rel).parts or Path(rel).is_absolute():
            raise BundleError(f"{rel}: path leaves the bundle folder")
        if not path.is_file():
            raise BundleError(f"{rel}: missing")
        size = path.stat().st_size
        if size != entry["size"]:
            raise BundleError(f"{rel}: size {size} bytes, manifest says {entry['size']}")
        digest = sha256_file(path)
        if digest != entry["sha256"]:
            raise BundleError(f"{rel}: sha256 mismatch (file {digest[:12]}..., manifest {entry['sha256'][:12]}...)")


def load_bundle_manifest(folder: Path) -> dict:
    """read_manifest + check_files: the manifest of a bundle whose every file is intact."""
    manifest = read_manifest(folder)
    check_files(folder, manifest)
    return manifest
