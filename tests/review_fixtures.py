"""A station database of real inspections for the QA review and statistics tests.

The sample parts are inspected once per test process by the product runtime on the default
bundle (a few seconds on two cores); each database records those results over three days at two
stations, with inspector decisions (accept, override, reject, none) and QA reviews, the way a
station and a QA manager would. The store's clock is moved to put the records on their days;
everything else goes through the public Store API.
"""

from __future__ import annotations

import datetime as dt
import functools
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import app.store.store as store_module
from app.runtime import Engine, Pipeline, load_image
from app.runtime.record import for_store, result_record
from app.store import Store
from app.store.timestamps import to_utc_text

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "assets" / "samples"
SEEDS = (0, 1, 2)
PASSWORD = "pin-1234"
# (username, role, display name)
USERS = (("admin", "admin", "Plant Admin"), ("ins1", "inspector", "Aiko Inspector"),
         ("ins2", "inspector", "Ben Inspector"), ("qa", "qa", "Quality Manager"), ("qa2", "qa", "Second QA"))
STATIONS = ("line-1", "line-2")
DAYS = 3


@functools.lru_cache(maxsize=1)
def inspected_samples() -> tuple[tuple[str, dict, bytes], ...]:
    """(image name, result record as the store takes it, image bytes) for every sample part at
    every seed in SEEDS: real output of the runtime."""
    engine = Engine()
    pipeline = Pipeline(engine)
    bundle = engine.bundle.identity()
    out = []
    for seed in SEEDS:
        for path in sorted(SAMPLES.glob("*.png")):
            t0 = time.perf_counter()
            image = load_image(path)
            load_ms = (time.perf_counter() - t0) * 1000
            inspection = pipeline.inspect(image.bgr, seed=seed)
            out.append((path.name, for_store(result_record(image, inspection, bundle, load_ms)), image.storable))
    return tuple(out)


@dataclass
class Scenario:
    """What was recorded, for the tests to check against."""

    path: Path
    ids: list[int] = field(default_factory=list)
    created: dict[int, dt.datetime] = field(default_factory=dict)  # id -> UTC time it was recorded
    station: dict[int, str] = field(default_factory=dict)
    operator: dict[int, str] = field(default_factory=dict)
    decision: dict[int, str] = field(default_factory=dict)  # id -> accept|override|reject
    decided_by: dict[int, str] = field(default_factory=dict)
    reviews: dict[int, list[str]] = field(default_factory=dict)  # id -> review actions by qa2
    result: dict[int, dict] = field(default_factory=dict)  # id -> the result record stored
    image: dict[int, str] = field(default_factory=dict)  # id -> sample image name

    def local_day(self, iid: int) -> dt.date:
        return self.created[iid].astimezone().date()

    def outcome(self, iid: int) -> str | None:
        """The current outcome as the QA view defines it."""
        verdict = self.result[iid]["verdict"]
        flip = {"pass": "fail", "fail": "pass"}
        outcome = {None: verdict, "accept": verdict, "override": flip[verdict], "reject": None}[self.decision.get(iid)]
        for action in self.reviews.get(iid, []):
            if action == "override":
                outcome = flip[outcome] if outcome else None
        return outcome

    def disagreement(self, iid: int) -> bool:
        return self.decision.get(iid) == "override" or "override" in self.reviews.get(iid, [])


class _Clock:
    """Stands in for the store's utc_now: the time set by the builder, a microsecond later on
    every call so that the records keep their order."""

    def __init__(self):
        self.at = dt.datetime.now(dt.timezone.utc)

    def __call__(self) -> str:
        self.at += dt.timedelta(microseconds=1)
        return to_utc_text(self.at)


def when_recorded(i: int, n: int, now: dt.datetime) -> dt.datetime:
    """When record i of n was made: DAYS days with n / DAYS records each, all in the past. Earlier
    days at 09:00 local time and every 7 minutes; the last day (today, or yesterday in the first
    ten minutes after midnight) in the minute before `now`."""
    per_day = n // DAYS
    k, j = divmod(i, per_day)
    last = now.date() if now.time() >= dt.time(0, 10) else now.date() - dt.timedelta(days=1)
    day = last - dt.timedelta(days=DAYS - 1 - k)
    if day == now.date():
        return now - dt.timedelta(seconds=7 * (per_day - j))
    return dt.datetime.combine(day, dt.time(9, 0)).astimezone() + dt.timedelta(minutes=7 * j)


def build_review_db(path: Path) -> Scenario:
    """Record every inspected sample into a new database at `path` (see the module docstring),
    at the times of when_recorded()."""
    scenario = Scenario(path=path)
    results = inspected_samples()
    now = dt.datetime.now().astimezone()
    clock = _Clock()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(store_module, "utc_now", clock)
        with Store(path) as store:
            store.add_user("admin", "admin", PASSWORD, actor=None, display_name="Plant Admin")
            for name, role, display in USERS[1:]:
                store.add_user(name, role, PASSWORD, actor="admin", display_name=display)
            for i, (image_name, result, image) in enumerate(results):
                local = when_recorded(i, len(results), now)
                clock.at = local.astimezone(dt.timezone.utc)
                station = STATIONS[i % 2]
                operator = ("ins1", "ins2")[(i // 2) % 2]
                iid = store.record_inspection(result, image, operator=operator, station=station,
                                              serial=f"SN-{1000 + i}", lot=f"LOT-{local:%m%d}")
                scenario.ids.append(iid)
                scenario.created[iid] = clock.at
                scenario.station[iid] = station
                scenario.operator[iid] = operator
                scenario.result[iid] = result
                scenario.image[iid] = image_name
                kind = i % 6
                if kind in (0, 3):
                    store.record_decision(iid, "accept", actor=operator)
                    scenario.decision[iid], scenario.decided_by[iid] = "accept", operator
                elif kind == 1:
                    store.record_decision(iid, "override", actor=operator, reason=f"checked {image_name} by eye")
                    scenario.decision[iid], scenario.decided_by[iid] = "override", operator
                elif kind == 4 and i < 6:
                    store.record_decision(iid, "reject", actor=operator, reason="part upside down")
                    scenario.decision[iid], scenario.decided_by[iid] = "reject", operator
                elif kind == 5:
                    # The QA manager stood in at the station: they may not review this one.
                    store.record_decision(iid, "accept", actor="qa")
                    scenario.decision[iid], scenario.decided_by[iid] = "accept", "qa"
                if i % 8 == 3:
                    store.record_review(iid, "confirm", actor="qa2")
                    scenario.reviews[iid] = ["confirm"]
                elif i % 8 == 6:
                    store.record_review(iid, "override", actor="qa2", reason="defect under the light table",
                                        final_verdict="fail" if result["verdict"] == "pass" else "pass")
                    scenario.reviews[iid] = ["override"]
    return scenario


def copy_db(src: Path, dst_dir: Path) -> Path:
    """A copy of a database (and its images) to write to, made with the store's own backup."""
    with Store(src, create=False) as store:
        store.backup(dst_dir)
    return dst_dir / src.name


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> Scenario:
    """A new database of real inspections for each test module that imports this fixture."""
    return build_review_db(tmp_path_factory.mktemp("review") / "inspections.db")
