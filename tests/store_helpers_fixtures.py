"""pytest fixtures for the store tests (imported by each test module that uses them)."""

from __future__ import annotations

import pytest
from store_helpers import new_store, png_bytes

from app.store import Store
from app.store.bench import sample_result


@pytest.fixture(scope="session")
def template_db(tmp_path_factory):
    """A database with its users, made once: scrypt hashing is deliberately slow."""
    path = tmp_path_factory.mktemp("template") / "inspections.db"
    new_store(path).close()
    return path


@pytest.fixture
def store(template_db, tmp_path):
    with Store(template_db) as template:
        template.backup(tmp_path / "station")
    s = Store(tmp_path / "station" / "inspections.db")
    yield s
    s.close()


def record(store: Store, i: int, **overrides) -> int:
    """One inspection with image i; result fields overridden by keyword."""
    kwargs = {k: overrides.pop(k) for k in ("operator", "serial", "lot", "station") if k in overrides}
    kwargs.setdefault("operator", "ins")
    kwargs.setdefault("station", "line-1")
    return store.record_inspection({**sample_result(i), **overrides}, png_bytes(i), **kwargs)
