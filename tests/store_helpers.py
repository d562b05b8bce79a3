"""Helpers for the store tests, and a small program the reliability tests run as a separate
process: a station writer (killed with SIGKILL), a QA reviewer, a writer under a file-size limit.

    python tests/store_helpers.py writer DB [SECONDS]
    python tests/store_helpers.py reviewer DB SECONDS
    python tests/store_helpers.py fill DB LIMIT_BYTES IMAGE_SIDE
"""

from __future__ import annotations

import random
import struct
import sys
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.store import Store  # noqa: E402
from app.store.bench import sample_result  # noqa: E402

PASSWORD = "pin-1234"
USERS = (("admin", "admin"), ("ins", "inspector"), ("qa", "qa"), ("qa2", "qa"))


def png_bytes(seed: int, side: int = 16) -> bytes:
    """A valid PNG of random pixels (so it does not compress) drawn from seed, made without
    OpenCV so that the helper processes start fast."""
    pixels = random.Random(seed).randbytes(side * side * 3)
    rows = b"".join(b"\x00" + pixels[y * side * 3:(y + 1) * side * 3] for y in range(side))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 1)) + chunk(b"IEND", b""))


def new_store(path: Path) -> Store:
    """A database with one user per role (plus a second QA), all with PASSWORD."""
    store = Store(path)
    store.add_user("admin", "admin", PASSWORD, actor=None)
    for name, role in USERS[1:]:
        store.add_user(name, role, PASSWORD, actor="admin")
    return store


def say(*words: object) -> None:
    print(*words, flush=True)


def writer(db: str, seconds: float | None = None) -> None:
    """Record inspections (and a decision for every third) and report each once it is stored."""
    store = Store(db)
    say("ready")
    end = time.monotonic() + seconds if seconds else None
    i = int(time.time() * 1000) % 1_000_000_000
    while end is None or time.monotonic() < end:
        i += 1
        inspection_id = store.record_inspection(sample_result(i), png_bytes(i), operator="ins",
                                                serial=f"S{i}", lot="L1", station="line-1")
        say("I", inspection_id)
        if i % 3 == 0:
            say("D", store.record_decision(inspection_id, "override", actor="ins", reason="burr at edge"))
    store.close()


def reviewer(db: str, seconds: float) -> None:
    """A QA manager reviewing unreviewed inspections while the station writes."""
    store = Store(db)
    end = time.monotonic() + seconds
    reviewed = 0
    while time.monotonic() < end:
        for row in store.find_inspections(unreviewed=True, limit=20).rows:
            store.record_review(row["id"], "confirm", actor="qa")
            reviewed += 1
    say("reviewed", reviewed)
    store.close()


def fill(db: str, limit: int, side: int) -> None:
    """Record inspections under a file-size limit until the store refuses; report what it said."""
    import resource
    import signal

    store = Store(db)
    # Without this the kernel kills the process (SIGXFSZ) instead of failing the write with EFBIG.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    from app.errors import SQInspectError

    for i in range(100_000):
        try:
            inspection_id = store.record_inspection(sample_result(i), png_bytes(i, side), operator="ins",
                                                    station="line-1")
        except SQInspectError as exc:
            say("ERROR", type(exc).__name__, exc)
            return
        say("STORED", inspection_id)
    say("NEVER FULL")


if __name__ == "__main__":
    mode, db, *rest = sys.argv[1:]
    if mode == "writer":
        writer(db, float(rest[0]) if rest else None)
    elif mode == "reviewer":
        reviewer(db, float(rest[0]))
    elif mode == "fill":
        fill(db, int(rest[0]), int(rest[1]))
    else:
        raise SystemExit(f"unknown mode {mode}")
