"""Bad input to every public function is refused with a clear StoreError, and changes nothing;
values never become SQL text."""

from __future__ import annotations

import pytest
from store_helpers import PASSWORD, png_bytes
from store_helpers_fixtures import record, store, template_db  # noqa: F401 (fixtures)

from app.store import InvalidInput, NotFound, PermissionDenied, StoreError
from app.store.bench import sample_result

HUGE = "x" * 1_000_000


def result(**changes):
    r = sample_result(8)
    r.update(changes)
    return {k: v for k, v in r.items() if v is not ...}


def inspect(**kw):
    args = {"result": result(), "image": png_bytes(1), "operator": "ins"}
    args.update(kw)
    return lambda s: s.record_inspection(args.pop("result"), args.pop("image"), **args)


np = pytest.importorskip("numpy")

BAD = {
    # record_inspection: the result record
    "result is None": (inspect(result=None), InvalidInput, "result: expected a mapping"),
    "result is a list": (inspect(result=[1, 2]), InvalidInput, "expected a mapping"),
    "result lacks keys": (inspect(result={"image": "x"}), InvalidInput, "result: missing image_sha256"),
    "verdict unknown": (inspect(result=result(verdict="maybe")), InvalidInput, "result.verdict"),
    "probability as text": (inspect(result=result(defect_probability="0.5")), InvalidInput, "expected a number"),
    "probability bool": (inspect(result=result(defect_probability=True)), InvalidInput, "expected a number"),
    "probability NaN": (inspect(result=result(defect_probability=float("nan"))), InvalidInput, "outside"),
    "probability > 1": (inspect(result=result(defect_probability=1.5)), InvalidInput, "outside"),
    "threshold < 0": (inspect(result=result(threshold=-0.1)), InvalidInput, "result.threshold"),
    "qa not a list": (inspect(result=result(qa="Q?A!")), InvalidInput, "result.qa: expected a list"),
    "qa item not a dict": (inspect(result=result(qa=[("q", "a")])), InvalidInput, "result.qa[0]"),
    "question missing": (inspect(result=result(qa=[{"answer": "a"}])), InvalidInput, "result.qa[0].question"),
    "question huge": (inspect(result=result(qa=[{"question": HUGE, "answer": "a"}])), InvalidInput, "too long"),
    "too many pairs": (inspect(result=result(qa=[{"question": "q", "answer": "a"}] * 65)), InvalidInput, "at most 64"),
    "description huge": (inspect(result=result(description=HUGE)), InvalidInput, "result.description: too long"),
    "description has NUL": (inspect(result=result(description="a\0b")), InvalidInput, "control characters"),
    "image sha not hex": (inspect(result=result(image_sha256="xyz")), InvalidInput, "result.image_sha256"),
    "bundle without sha": (inspect(result=result(bundle={"name": "b"})), InvalidInput, "result.bundle.sha256"),
    "latency not a dict": (inspect(result=result(latency_ms=[1, 2])), InvalidInput, "result.latency_ms"),
    "latency negative": (inspect(result=result(latency_ms={"total": -1})), InvalidInput, "result.latency_ms.total"),
    "latency stage huge": (inspect(result=result(latency_ms={HUGE: 1})), InvalidInput, "too long"),
    "source path huge": (inspect(result=result(image=HUGE)), InvalidInput, "result.image: too long"),
    # record_inspection: the image and the people and places
    "image None": (inspect(image=None), InvalidInput, "image: expected JPEG/PNG bytes"),
    "image as a path": (inspect(image="/tmp/part.jpg"), InvalidInput, "image: expected"),
    "image bytes not an image": (inspect(image=b"GIF89a..."), InvalidInput, "neither JPEG nor PNG"),
    "image too big": (inspect(image=b"\xff\xd8\xff" + bytes(64 * 1024 * 1024)), InvalidInput, "at most"),
    "array float": (inspect(image=np.zeros((4, 4, 3), np.float32)), InvalidInput, "uint8"),
    "array grey": (inspect(image=np.zeros((4, 4), np.uint8)), InvalidInput, "HxWx3"),
    "array empty": (inspect(image=np.zeros((0, 4, 3), np.uint8)), InvalidInput, "outside"),
    "operator unknown": (inspect(operator="ghost"), NotFound, "unknown user 'ghost'"),
    "operator int": (inspect(operator=7), InvalidInput, "operator: expected a name"),
    "operator injection": (inspect(operator="x' OR '1'='1"), InvalidInput, "not a valid name"),
    "operator huge": (inspect(operator=HUGE), InvalidInput, "not a valid name"),
    "serial huge": (inspect(serial=HUGE), InvalidInput, "serial: too long"),
    "serial newline": (inspect(serial="A\nB"), InvalidInput, "control characters"),
    "lot int": (inspect(lot=5), InvalidInput, "lot: expected text"),
    "station path": (inspect(station="../etc"), InvalidInput, "station"),
    # decisions and reviews
    "decision id text": (lambda s: s.record_decision("1", "accept", actor="ins"), InvalidInput, "expected an integer"),
    "decision id zero": (lambda s: s.record_decision(0, "accept", actor="ins"), InvalidInput, "outside"),
    "decision id bool": (lambda s: s.record_decision(True, "accept", actor="ins"), InvalidInput, "integer"),
    "decision id huge": (lambda s: s.record_decision(10**30, "accept", actor="ins"), InvalidInput, "outside"),
    "decision id unknown": (lambda s: s.record_decision(999, "accept", actor="ins"), NotFound, "no inspection 999"),
    "decision unknown": (lambda s: s.record_decision(1, "ACCEPT", actor="ins"), InvalidInput, "accept, reject"),
    "decision reason huge": (lambda s: s.record_decision(1, "override", actor="ins", reason=HUGE), InvalidInput,
                             "too long"),
    "decision reason int": (lambda s: s.record_decision(1, "override", actor="ins", reason=3), InvalidInput,
                            "reason: expected text"),
    "decision actor unknown": (lambda s: s.record_decision(1, "accept", actor="ghost"), NotFound, "unknown user"),
    "review action unknown": (lambda s: s.record_review(1, "approve", actor="qa"), InvalidInput, "confirm, override"),
    "review verdict unknown": (lambda s: s.record_review(1, "override", actor="qa", reason="r", final_verdict="ok"),
                               InvalidInput, "final_verdict"),
    "review by inspector": (lambda s: s.record_review(1, "confirm", actor="ins"), PermissionDenied, "qa or admin"),
    # users
    "username empty": (lambda s: s.add_user("", "qa", PASSWORD, actor="admin"), InvalidInput, "username"),
    "username with space": (lambda s: s.add_user("bob smith", "qa", PASSWORD, actor="admin"), InvalidInput, "name"),
    "username huge": (lambda s: s.add_user(HUGE, "qa", PASSWORD, actor="admin"), InvalidInput, "not a valid name"),
    "role unknown": (lambda s: s.add_user("bob", "root", PASSWORD, actor="admin"), InvalidInput, "inspector, qa"),
    "password short": (lambda s: s.add_user("bob", "qa", "123", actor="admin"), InvalidInput, "4 to 256"),
    "password huge": (lambda s: s.add_user("bob", "qa", HUGE, actor="admin"), InvalidInput, "4 to 256"),
    "password bytes": (lambda s: s.add_user("bob", "qa", b"1234", actor="admin"), InvalidInput, "expected text"),
    "password newline": (lambda s: s.add_user("bob", "qa", "12\n34", actor="admin"), InvalidInput, "control"),
    "display name huge": (lambda s: s.add_user("bob", "qa", PASSWORD, actor="admin", display_name=HUGE),
                          InvalidInput, "display_name"),
    "add by unknown": (lambda s: s.add_user("bob", "qa", PASSWORD, actor="ghost"), NotFound, "unknown user"),
    "disable unknown": (lambda s: s.disable_user("ghost", actor="admin"), NotFound, "unknown user"),
    "enable by inspector": (lambda s: s.enable_user("qa", actor="ins"), PermissionDenied, "manage users"),
    "passwd unknown": (lambda s: s.set_password("ghost", "pin-9999", actor="admin"), NotFound, "unknown user"),
    "passwd short": (lambda s: s.set_password("ins", "1", actor="admin"), InvalidInput, "new password"),
    "login with None": (lambda s: s.authenticate(None, "x"), InvalidInput, "must be text"),
    "login huge": (lambda s: s.authenticate(HUGE, HUGE), PermissionDenied, "wrong user name or password"),
    # QA-view queries
    "since words": (lambda s: s.find_inspections(since="yesterday"), InvalidInput, "since"),
    "since number": (lambda s: s.find_inspections(since=20250101), InvalidInput, "since"),
    "until bad date": (lambda s: s.find_inspections(until="2025-13-45"), InvalidInput, "until"),
    "station bad": (lambda s: s.find_inspections(station="a b"), InvalidInput, "station"),
    "verdict case": (lambda s: s.find_inspections(verdict="PASS"), InvalidInput, "verdict"),
    "disagreement text": (lambda s: s.find_inspections(disagreement="yes"), InvalidInput, "disagreement"),
    "unreviewed int": (lambda s: s.find_inspections(unreviewed=1), InvalidInput, "unreviewed"),
    "text huge": (lambda s: s.find_inspections(text=HUGE), InvalidInput, "text: too long"),
    "text empty": (lambda s: s.find_inspections(text="  "), InvalidInput, "must not be empty"),
    "limit zero": (lambda s: s.find_inspections(limit=0), InvalidInput, "limit"),
    "limit huge": (lambda s: s.find_inspections(limit=10**6), InvalidInput, "limit"),
    "limit text": (lambda s: s.find_inspections(limit="10; DROP TABLE users"), InvalidInput, "limit"),
    "offset negative": (lambda s: s.find_inspections(offset=-1), InvalidInput, "offset"),
    "get id text": (lambda s: s.get_inspection("1 OR 1=1"), InvalidInput, "inspection_id"),
    "get unknown": (lambda s: s.get_inspection(12345), NotFound, "no inspection 12345"),
    "audit entity unknown": (lambda s: s.audit_trail(entity="inspections"), InvalidInput, "entity"),
    "audit id zero": (lambda s: s.audit_trail(entity_id=0), InvalidInput, "entity_id"),
    # maintenance
    "sweep grace text": (lambda s: s.sweep_orphans("10"), InvalidInput, "grace_s"),
    "sweep grace negative": (lambda s: s.sweep_orphans(-1), InvalidInput, "grace_s"),
    "export since bad": (lambda s: s.export_csv("-", since="last week"), InvalidInput, "since"),
    "verify anchor bad": (lambda s: s.verify(anchor=(1, "nothex")), InvalidInput, "anchor hash"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_is_refused_cleanly(store, case):
    call, error, message = BAD[case]
    record(store, 1)
    head = store.info()["audit_head"]
    files = sorted(store.images_dir.rglob("*"))
    with pytest.raises(error, match=message.replace("(", r"\(").replace("[", r"\[")) as info:
        call(store)
    assert isinstance(info.value, StoreError)
    assert len(str(info.value)) < 300 and "\n" not in str(info.value)  # one readable line
    assert store.info()["audit_head"] == head  # nothing recorded
    assert sorted(store.images_dir.rglob("*")) == files  # no image left behind


def test_values_never_become_sql_text(store):
    """Every value travels as a bound parameter: a tracer sees the SQL text of every statement,
    and none of the marker values may appear in it."""
    statements = []
    hostile = "zz'); DROP TABLE users; --"
    with store.db.tracer(lambda sql, params: statements.append(sql)):
        store.add_user("zzuser", "inspector", "zzpassword", actor="admin", display_name=hostile)
        iid = store.record_inspection(
            result(description=hostile, qa=[{"question": hostile, "answer": "zzanswer"}], image=hostile),
            png_bytes(1), operator="zzuser", serial=hostile, lot="zzlot", station="zzstation")
        store.record_decision(iid, "override", actor="zzuser", reason=hostile)
        store.record_review(iid, "override", actor="qa", reason=hostile)
        store.find_inspections(text=hostile, station="zzstation")
        store.get_inspection(iid)
        store.set_password("zzuser", "zzpassword2", actor="admin")
        store.authenticate("zzuser", "zzpassword2")
        store.disable_user("zzuser", actor="admin")
        store.audit_trail(entity="user", entity_id=5)
    assert len(statements) > 20
    assert not [sql for sql in statements if "zz" in sql.lower()]
    got = store.get_inspection(iid)
    assert got["serial"] == hostile and got["qa"][0]["question"] == hostile
    store.verify()
