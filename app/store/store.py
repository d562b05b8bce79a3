"""The inspection store: one SQLite database per station, through sqlite-utils.

Use one Store per thread (a sqlite3 connection belongs to the thread that opened it). Any number
of processes may open the same database: the station writing, the QA view reading and reviewing.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import socket
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from app.store import audit, entities, images, validate
from app.store.errors import (
    InvalidInput,
    NotFound,
    PermissionDenied,
    StorageFull,
    StoreBusy,
    StoreError,
)
from app.store.passwords import check_password, dummy_hash, hash_password
from app.store.paths import default_db_path, images_dir_for
from app.store.schema import migration_names, migrations
from app.store.timestamps import parse_bound, utc_now

log = logging.getLogger(__name__)

ROLES = ("inspector", "qa", "admin")
REVIEWERS = ("qa", "admin")
DECISIONS = ("accept", "reject", "override")
REVIEW_ACTIONS = ("confirm", "override")
VERDICTS = ("pass", "fail")
# What the QA list sorts by -> its inspection_status column.
SORT_KEYS = {"time": "created_at", "id": "id", "station": "station", "serial": "serial", "verdict": "verdict",
             "probability": "defect_probability", "outcome": "final_verdict", "decision": "decision",
             "review": "review", "operator": "operator", "lot": "lot"}
# A writer waits this long for another process's write transaction (they take milliseconds)
# before the user sees "database is busy".
BUSY_TIMEOUT_MS = 10_000
SWEEP_GRACE_S = 600.0


@dataclass
class Page:
    """One page of the QA view: `rows` newest first, `total` matching rows in all pages."""

    rows: list[dict]
    total: int
    limit: int
    offset: int


def _opposite(verdict: str) -> str:
    return "fail" if verdict == "pass" else "pass"


@contextlib.contextmanager
def _errors(path: Path) -> Iterator[None]:
    """SQLite and OS failures the user can act on, as one-line StoreErrors."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        msg = str(exc)
        if "locked" in msg or "busy" in msg:
            raise StoreBusy(
                f"database {path} stayed locked by another process for {BUSY_TIMEOUT_MS // 1000} s; try again"
            ) from exc
        if "full" in msg:
            raise StorageFull(f"cannot write {path}: the disk is full; nothing was recorded") from exc
        if "I/O error" in msg:
            # What SQLite reports for EFBIG and EDQUOT as well as for failing hardware.
            raise StorageFull(
                f"cannot write {path}: disk I/O error (disk full, file size limit or quota, or a failing "
                "disk); nothing was recorded"
            ) from exc
        raise StoreError(f"{path}: {msg}") from exc
    except sqlite3.IntegrityError as exc:
        raise StoreError(f"{path}: refused by the database: {exc}") from exc
    except sqlite3.DatabaseError as exc:  # not a database, malformed image
        raise StoreError(f"{path}: {exc}") from exc
    except OSError as exc:
        where = exc.filename or path
        if exc.errno in (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)):
            raise StorageFull(f"cannot write {where}: {exc.strerror}; nothing was recorded") from exc
        raise StoreError(f"cannot write {where}: {exc.strerror}") from exc


def filter_clause(*, since: object = None, until: object = None, station: str | None = None,
                  verdict: str | None = None, final_verdict: str | None = None,
                  disagreement: bool | None = None, unreviewed: bool = False,
                  text: str | None = None) -> tuple[str, list]:
    """The WHERE clause (" WHERE ...", or "" for no filter) and its parameters over the
    inspection_status view for the QA view's filters; see Store.find_inspections."""
    where, params = [], []
    for bound, op, end in ((since, ">=", False), (until, "<", True)):
        value = parse_bound(bound, "since" if op == ">=" else "until", end_of_day=end)
        if value is not None:
            where.append(f"created_at {op} ?")
            params.append(value)
    if station is not None:
        where.append("station = ?")
        params.append(validate.name(station, "station"))
    if verdict is not None:
        where.append("verdict = ?")
        params.append(validate.choice(verdict, "verdict", VERDICTS))
    if final_verdict is not None:
        where.append("final_verdict = ?")
        params.append(validate.choice(final_verdict, "final_verdict", VERDICTS))
    if disagreement is not None:
        if not isinstance(disagreement, bool):
            raise InvalidInput("disagreement: expected True, False or None")
        where.append("disagreement = ?")
        params.append(int(disagreement))
    if not isinstance(unreviewed, bool):
        raise InvalidInput("unreviewed: expected True or False")
    if unreviewed:
        where.append("review_count = 0")
    if text is not None:
        text = validate.text(text, "text", max_len=validate.MAX_QA_TEXT)
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where.append(
            "(description LIKE ? ESCAPE '\\' OR id IN (SELECT inspection_id FROM qa_pairs "
            "WHERE question LIKE ? ESCAPE '\\' OR answer LIKE ? ESCAPE '\\'))"
        )
        params += [pattern] * 3
    return (" WHERE " + " AND ".join(where) if where else ""), params


class Store:
    """A station's inspection records. `Store()` opens the default database for this machine
    (see app.store.paths), creating and migrating it as needed."""

    def __init__(self, path: str | Path | None = None, *, create: bool = True):
        self.path = Path(path) if path is not None else default_db_path()
        self.images_dir = images_dir_for(self.path)
        if not create and not self.path.is_file():
            raise NotFound(f"no database at {self.path}")
        self.db: Database | None = None
        try:
            with _errors(self.path):
                self.path.parent.mkdir(parents=True, exist_ok=True)
                # No plugins: a quality database gets no SQL functions from whatever is installed.
                self.db = Database(self.path, execute_plugins=False)
                self._configure()
                self._migrate()
        except BaseException:
            if self.db is not None:
                self.db.close()
            raise

    # -- connection -------------------------------------------------------------------------

    def _configure(self) -> None:
        self.db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
        self._enable_wal()
        # synchronous=FULL: in WAL mode NORMAL does not fsync at commit, so a power cut can lose
        # the last committed inspections (the file stays consistent, the records are gone).
        # Decisions are quality records and the station has already shown them as saved, so every
        # commit is fsynced. `sqinspect db bench` measures what this costs.
        self.db.execute("PRAGMA synchronous = FULL")
        self.db.execute("PRAGMA foreign_keys = ON")

    def _enable_wal(self) -> None:
        # Switching a new database to WAL needs an exclusive lock, and SQLite answers "locked" at
        # once, without the busy timeout, when another connection holds a write lock on it (two
        # stations opening a new database at once); so the switch is retried for as long.
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        pause = 0.005
        while True:
            try:
                self.db.enable_wal()
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() + pause > deadline:
                    raise
            time.sleep(pause)
            pause = min(2 * pause, 0.1)

    def _migrate(self) -> None:
        known = migration_names()
        unknown = [m.name for m in migrations.applied(self.db) if m.name not in known]
        if unknown:
            raise StoreError(
                f"{self.path} was written by a newer sqinspect (schema {unknown[-1]}); "
                "upgrade sqinspect on this machine"
            )
        if migrations.pending(self.db):
            # Under the write lock, so two processes opening a new database at once cannot both
            # apply the same migration; apply() re-reads what is pending inside it.
            with self._write():
                migrations.apply(self.db)
            log.info("database %s migrated to %s", self.path, known[-1])

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[None]:
        # BEGIN IMMEDIATE takes the write lock before the first read, so a transaction that reads
        # (the audit chain head) and then writes never meets SQLITE_BUSY_SNAPSHOT, which the busy
        # timeout cannot retry; concurrent writers queue on the busy timeout instead.
        with _errors(self.path):
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield
                self.db.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    self.db.rollback()
                raise

    @contextlib.contextmanager
    def _read(self) -> Iterator[None]:
        """One snapshot for reads that span several queries."""
        with _errors(self.path):
            self.db.execute("BEGIN")
            try:
                yield
            finally:
                with contextlib.suppress(sqlite3.Error):
                    self.db.rollback()

    def _audit(self, user_id: int | None, action: str, entity: str, entity_id: int,
               before: dict | None = None) -> dict:
        after = entities.load(self.db, entity, entity_id)
        audit.append(self.db, at=utc_now(), user_id=user_id, action=action, entity=entity,
                     entity_id=entity_id, before=before, after=after)
        return after

    # -- users ------------------------------------------------------------------------------

    def _user_row(self, username: str) -> dict:
        rows = list(self.db.table("users").rows_where("username = ?", [username]))
        if not rows:
            raise NotFound(f"unknown user {username!r}")
        return rows[0]

    def _acting(self, username: object, roles: tuple[str, ...], what: str) -> dict:
        user = self._user_row(validate.name(username, "user"))
        if not user["active"]:
            raise PermissionDenied(f"user {user['username']!r} is disabled")
        if user["role"] not in roles:
            raise PermissionDenied(
                f"user {user['username']!r} ({user['role']}) may not {what}: needs {' or '.join(roles)}"
            )
        return user

    def _active_admins(self) -> int:
        return self.db.table("users").count_where("role = 'admin' AND active = 1")

    def add_user(self, username: str, role: str, password: str, *, actor: str | None,
                 display_name: str = "") -> int:
        """Add a user. `actor` is the admin doing it; only for the first user of a new database
        may it be None, and that user must be an admin."""
        username = validate.name(username, "username")
        role = validate.choice(role, "role", ROLES)
        password = validate.password(password)
        display_name = validate.text(display_name, "display_name", max_len=validate.MAX_FIELD, required=False)
        if actor is not None:
            validate.name(actor, "actor")
        password_hash = hash_password(password)  # tens of ms: outside the write lock
        with self._write():
            if actor is None:
                if self.db.table("users").count:
                    raise PermissionDenied("only an admin can add users: name the acting admin")
                if role != "admin":
                    raise InvalidInput("the first user of a new database must be an admin")
                actor_id = None
            else:
                actor_id = self._acting(actor, ("admin",), "manage users")["id"]
            if self.db.table("users").count_where("username = ?", [username]):
                raise InvalidInput(f"user {username!r} already exists")
            now = utc_now()
            user_id = self.db.table("users").insert(
                {"username": username, "display_name": display_name, "role": role,
                 "password_hash": password_hash, "active": 1, "created_at": now, "updated_at": now}
            ).last_pk
            self._audit(actor_id, "user.create", "user", user_id)
        log.info("user %s (%s) added by %s", username, role, actor or "(first user)")
        return user_id

    def list_users(self) -> list[dict]:
        """All users without their password hashes, by name."""
        with _errors(self.path):
            return list(self.db.table("users").rows_where(
                order_by="username",
                select="id, username, display_name, role, active, created_at, updated_at",
            ))

    def _set_active(self, username: str, active: int, *, actor: str) -> None:
        username = validate.name(username, "username")
        with self._write():
            admin = self._acting(actor, ("admin",), "manage users")
            user = self._user_row(username)
            if user["active"] == active:
                return
            if not active and user["role"] == "admin" and self._active_admins() <= 1:
                raise PermissionDenied(f"{username!r} is the last active admin and cannot be disabled")
            before = entities.render("user", user)
            self.db.table("users").update(user["id"], {"active": active, "updated_at": utc_now()})
            self._audit(admin["id"], "user.enable" if active else "user.disable", "user", user["id"], before)
        log.info("user %s %s by %s", username, "enabled" if active else "disabled", actor)

    def disable_user(self, username: str, *, actor: str) -> None:
        """Disable a user (admin only). Users are never deleted: records refer to them."""
        self._set_active(username, 0, actor=actor)

    def enable_user(self, username: str, *, actor: str) -> None:
        self._set_active(username, 1, actor=actor)

    def set_password(self, username: str, new_password: str, *, actor: str,
                     old_password: str | None = None) -> None:
        """An admin sets anyone's password; any other user only their own, with the old one."""
        username = validate.name(username, "username")
        new_password = validate.password(new_password, "new password")
        if old_password is not None:
            old_password = validate.password(old_password, "old password")
        new_hash = hash_password(new_password)
        with self._write():
            acting = self._acting(actor, ROLES, "change passwords")
            user = self._user_row(username)
            if acting["role"] != "admin":
                if acting["id"] != user["id"]:
                    raise PermissionDenied("only an admin can change another user's password")
                if old_password is None or not check_password(old_password, user["password_hash"]):
                    raise PermissionDenied("the old password is wrong")
            before = entities.render("user", user)
            self.db.table("users").update(user["id"], {"password_hash": new_hash, "updated_at": utc_now()})
            self._audit(acting["id"], "user.password", "user", user["id"], before)
        log.info("password of %s changed by %s", username, actor)

    def authenticate(self, username: str, password: str) -> dict:
        """The user's id, username, display_name and role if the password is right."""
        if not isinstance(username, str) or not isinstance(password, str):
            raise InvalidInput("user name and password must be text")
        with _errors(self.path):
            rows = list(self.db.table("users").rows_where("username = ?", [username[: validate.MAX_NAME + 1]]))
        user = rows[0] if rows else None
        # Check against a dummy hash for unknown users, so timing does not reveal who exists.
        ok = check_password(password[: validate.MAX_PASSWORD], user["password_hash"] if user else dummy_hash())
        if not (user and ok):
            log.warning("failed login for %r", username[:validate.MAX_NAME])
            raise PermissionDenied("wrong user name or password")
        if not user["active"]:
            raise PermissionDenied(f"user {username!r} is disabled")
        return {k: user[k] for k in ("id", "username", "display_name", "role")}

    # -- inspections ------------------------------------------------------------------------

    def _station_id(self, name: str, user_id: int) -> int:
        rows = list(self.db.table("stations").rows_where("name = ?", [name], select="id"))
        if rows:
            return rows[0]["id"]
        station_id = self.db.table("stations").insert({"name": name, "created_at": utc_now()}).last_pk
        self._audit(user_id, "station.create", "station", station_id)
        return station_id

    @staticmethod
    def default_station() -> str:
        """This machine's host name, the station name when none is given."""
        host = socket.gethostname().split(".")[0]
        return host if validate.NAME_RE.fullmatch(host or "") and len(host) <= validate.MAX_NAME else "station"

    def record_inspection(self, result: dict, image: object, *, operator: str, serial: str | None = None,
                          lot: str | None = None, station: str | None = None) -> int:
        """Store one inspection: the image (JPEG/PNG bytes, or an HxWx3 uint8 BGR array, which is
        encoded as JPEG), then its row, Q/A pairs and audit record in one transaction. Returns the
        inspection id once it is durable on disk."""
        rec = validate.inspection_result(result)
        operator = validate.name(operator, "operator")
        serial = validate.optional_text(serial, "serial", max_len=validate.MAX_FIELD)
        lot = validate.optional_text(lot, "lot", max_len=validate.MAX_FIELD)
        station = validate.name(station if station is not None else self.default_station(), "station")
        data, ext = images.encode(image)
        with _errors(self.path):
            self._acting(operator, ROLES, "record inspections")  # fail before writing the image
        with _errors(self.images_dir):
            # The image is durable before its row commits; a crash in between leaves an orphan
            # file, which sweep_orphans() removes, never a row without its image.
            image_file, image_sha = images.store(self.images_dir, data, ext)
        with self._write():
            user = self._acting(operator, ROLES, "record inspections")
            if not (self.images_dir / image_file).exists():
                # The sweep (which deletes only under this lock) took it as an orphan meanwhile.
                images.write_atomic(self.images_dir / image_file, data)
            latency = rec["latency_ms"]
            inspection_id = self.db.table("inspections").insert({
                "created_at": utc_now(),
                "station_id": self._station_id(station, user["id"]),
                "operator_id": user["id"],
                "serial": serial,
                "lot": lot,
                "source": rec["source"],
                "source_sha256": rec["source_sha256"],
                "image_file": image_file,
                "image_sha256": image_sha,
                "bundle_name": rec["bundle_name"],
                "bundle_sha256": rec["bundle_sha256"],
                "description": rec["description"],
                "verdict": rec["verdict"],
                "defect_probability": rec["defect_probability"],
                "threshold": rec["threshold"],
                "latency_ms": audit.canonical(latency),
                "latency_total_ms": latency.get("total"),
            }).last_pk
            if rec["qa"]:
                self.db.table("qa_pairs").insert_all(
                    {"inspection_id": inspection_id, "position": i, "question": q, "answer": a}
                    for i, (q, a) in enumerate(rec["qa"])
                )
            self._audit(user["id"], "inspection.create", "inspection", inspection_id)
        log.debug("inspection %d stored (%s, %s)", inspection_id, rec["verdict"], image_file)
        return inspection_id

    def _inspection_row(self, inspection_id: int) -> dict:
        rows = list(self.db.table("inspections").rows_where("id = ?", [inspection_id]))
        if not rows:
            raise NotFound(f"no inspection {inspection_id}")
        return rows[0]

    def record_decision(self, inspection_id: int, decision: str, *, actor: str, reason: str | None = None) -> int:
        """The inspector's decision on the model's verdict, once per inspection:
        accept (the verdict stands), override (the opposite verdict; reason required), or
        reject (the inspection itself is unusable, e.g. wrong part or bad image; reason required)."""
        inspection_id = validate.record_id(inspection_id, "inspection_id")
        decision = validate.choice(decision, "decision", DECISIONS)
        reason = validate.optional_text(reason, "reason", max_len=validate.MAX_REASON) or ""
        if decision != "accept" and not reason:
            raise InvalidInput(f"reason: a {decision} needs a reason")
        with self._write():
            user = self._acting(actor, ROLES, "decide")
            inspection = self._inspection_row(inspection_id)
            if self.db.table("decisions").count_where("inspection_id = ?", [inspection_id]):
                raise StoreError(f"inspection {inspection_id} already has a decision; QA can change it by a review")
            final = {"accept": inspection["verdict"], "override": _opposite(inspection["verdict"]),
                     "reject": None}[decision]
            decision_id = self.db.table("decisions").insert({
                "inspection_id": inspection_id, "user_id": user["id"], "decision": decision,
                "final_verdict": final, "reason": reason, "created_at": utc_now(),
            }).last_pk
            self._audit(user["id"], "decision.create", "decision", decision_id)
        return decision_id

    def record_review(self, inspection_id: int, action: str, *, actor: str, reason: str | None = None,
                      final_verdict: str | None = None) -> int:
        """A QA review (qa or admin only, never of one's own decision): confirm the current outcome,
        or override it with a reason. An override flips the current verdict unless final_verdict
        is given (needed when the current outcome is a rejected inspection)."""
        inspection_id = validate.record_id(inspection_id, "inspection_id")
        action = validate.choice(action, "action", REVIEW_ACTIONS)
        reason = validate.optional_text(reason, "reason", max_len=validate.MAX_REASON) or ""
        if final_verdict is not None:
            final_verdict = validate.choice(final_verdict, "final_verdict", VERDICTS)
        if action == "override" and not reason:
            raise InvalidInput("reason: an override needs a reason")
        with self._write():
            user = self._acting(actor, REVIEWERS, "review inspections")
            inspection = self._inspection_row(inspection_id)
            decisions = list(self.db.table("decisions").rows_where("inspection_id = ?", [inspection_id]))
            if decisions and decisions[0]["user_id"] == user["id"]:
                raise PermissionDenied(f"{user['username']!r} made the decision on inspection "
                                       f"{inspection_id} and cannot review it")
            reviews = list(self.db.table("reviews").rows_where(
                "inspection_id = ?", [inspection_id], order_by="id DESC", limit=1))
            if reviews:
                current = reviews[0]["final_verdict"]
            elif decisions:
                current = decisions[0]["final_verdict"]
            else:
                current = inspection["verdict"]
            if action == "confirm":
                if final_verdict is not None and final_verdict != current:
                    raise InvalidInput(f"final_verdict: a confirm keeps the current outcome ({current or 'rejected'})")
                final = current
            else:
                final = final_verdict or (current and _opposite(current))
                if final is None:
                    raise InvalidInput("final_verdict: the inspection was rejected; say pass or fail")
                if final == current:
                    raise InvalidInput(f"final_verdict: {final} is already the outcome; confirm instead")
            review_id = self.db.table("reviews").insert({
                "inspection_id": inspection_id, "user_id": user["id"], "action": action,
                "final_verdict": final, "reason": reason, "created_at": utc_now(),
            }).last_pk
            self._audit(user["id"], "review.create", "review", review_id)
        return review_id

    # -- queries for the QA view ------------------------------------------------------------

    @staticmethod
    def _present(row: dict) -> dict:
        row = dict(row)
        if "latency_ms" in row:
            row["latency_ms"] = json.loads(row["latency_ms"])
        if "disagreement" in row:
            row["disagreement"] = bool(row["disagreement"])
        return row

    def image_path(self, inspection: dict) -> Path:
        return self.images_dir / inspection["image_file"]

    def get_inspection(self, inspection_id: int) -> dict:
        """One inspection as the QA view shows it: the inspection_status row (station, operator,
        decision, latest review, final_verdict, disagreement) plus `qa` (list of question/answer
        dicts), `reviews` (all, oldest first) and `image_path`."""
        inspection_id = validate.record_id(inspection_id, "inspection_id")
        with self._read():
            rows = list(self.db.view("inspection_status").rows_where("id = ?", [inspection_id]))
            if not rows:
                raise NotFound(f"no inspection {inspection_id}")
            row = self._present(rows[0])
            row["qa"] = list(self.db.query(
                "SELECT question, answer FROM qa_pairs WHERE inspection_id = ? ORDER BY position",
                [inspection_id]))
            row["reviews"] = list(self.db.query(
                "SELECT r.id, r.action, r.final_verdict, r.reason, r.created_at, u.username AS reviewed_by "
                "FROM reviews r JOIN users u ON u.id = r.user_id WHERE r.inspection_id = ? ORDER BY r.id",
                [inspection_id]))
        row["image_path"] = str(self.image_path(row))
        return row

    def find_inspections(self, *, since: object = None, until: object = None, station: str | None = None,
                         verdict: str | None = None, final_verdict: str | None = None,
                         disagreement: bool | None = None, unreviewed: bool = False,
                         text: str | None = None, sort: str = "time", descending: bool = True,
                         limit: int = 50, offset: int = 0) -> Page:
        """Inspections for the QA view, newest first (by time, then id) unless `sort` names
        another of SORT_KEYS (ties: by time, then id, in the same direction). since/until: datetimes,
        dates or ISO text, UTC when naive; since is inclusive, until exclusive (a bare date
        includes that whole day). verdict is the model's, final_verdict the current outcome.
        disagreement: the inspector or QA overrode the model (True) or nobody did (False). text:
        substring of a question, an answer or the description (case-insensitive for ASCII)."""
        clause, params = filter_clause(since=since, until=until, station=station, verdict=verdict,
                                       final_verdict=final_verdict, disagreement=disagreement,
                                       unreviewed=unreviewed, text=text)
        column = SORT_KEYS[validate.choice(sort, "sort", tuple(SORT_KEYS))]
        direction = "DESC" if validate.flag(descending, "descending") else "ASC"
        # By time (the default): every filter's index (time, station + time) serves the order, so
        # a page does not sort (and build the view for) all matching rows first. Other keys sort
        # the matching rows.
        order = ", ".join(f"{c} {direction}" for c in dict.fromkeys((column, "created_at", "id")))
        limit = validate.integer(limit, "limit", lo=1, hi=validate.MAX_PAGE)
        offset = validate.integer(offset, "offset")
        with self._read():
            total = self.db.execute(f"SELECT count(*) FROM inspection_status{clause}", params).fetchone()[0]
            rows = [self._present(r) for r in self.db.query(
                f"SELECT * FROM inspection_status{clause} ORDER BY {order} LIMIT ? OFFSET ?",
                [*params, limit, offset])]
        return Page(rows=rows, total=total, limit=limit, offset=offset)

    def list_stations(self) -> list[str]:
        """The names of all stations that have recorded inspections here, by name."""
        with _errors(self.path):
            return [r["name"] for r in self.db.query("SELECT name FROM stations ORDER BY name")]

    def latest_inspection_id(self) -> int:
        """The id of the newest inspection (0 if there is none): a cheap check for new records."""
        with _errors(self.path):
            return self.db.execute("SELECT coalesce(max(id), 0) FROM inspections").fetchone()[0]

    def inspection_history(self, inspection_id: int) -> list[dict]:
        """The audit records of one inspection, oldest first: its creation, the inspector's
        decision and every QA review, each with the acting username and before/after as dicts."""
        inspection_id = validate.record_id(inspection_id, "inspection_id")
        with self._read():
            rows = list(self.db.query(
                "SELECT a.*, u.username FROM audit_log a LEFT JOIN users u ON u.id = a.user_id "
                "WHERE (a.entity = 'inspection' AND a.entity_id = :id) "
                "OR (a.entity = 'decision' AND a.entity_id IN (SELECT id FROM decisions WHERE inspection_id = :id)) "
                "OR (a.entity = 'review' AND a.entity_id IN (SELECT id FROM reviews WHERE inspection_id = :id)) "
                "ORDER BY a.id", {"id": inspection_id}))
        for row in rows:
            for key in ("before", "after"):
                row[key] = None if row[key] is None else json.loads(row[key])
        return rows

    def inspection_stats(self, by: str = "day", *, tz: str = "local", **filters) -> list[dict]:
        """Counts and rates of the inspections that `filters` (as find_inspections takes them,
        without limit/offset) select, one row per day or per station: see app.store.stats."""
        from app.store import stats

        clause, params = filter_clause(**filters)
        with self._read():
            return stats.inspection_stats(self.db, clause, params, by=by, tz=tz)

    def defect_terms(self, *, limit: int = 10, **filters) -> list[dict]:
        """The defect words most often named (not negated) in the answers of the selected
        inspections, most frequent first: see app.store.stats.defect_terms."""
        from app.store import stats

        limit = validate.integer(limit, "limit", lo=1, hi=validate.MAX_PAGE)
        clause, params = filter_clause(**filters)
        with self._read():
            return stats.defect_terms(self.db, clause, params, limit=limit)

    def audit_trail(self, *, entity: str | None = None, entity_id: int | None = None,
                    limit: int = 100, offset: int = 0) -> list[dict]:
        """Audit records, newest first, with the acting username and before/after as dicts."""
        where, params = [], []
        if entity is not None:
            where.append("a.entity = ?")
            params.append(validate.choice(entity, "entity", tuple(entities.TABLES)))
        if entity_id is not None:
            where.append("a.entity_id = ?")
            params.append(validate.record_id(entity_id, "entity_id"))
        limit = validate.integer(limit, "limit", lo=1, hi=validate.MAX_PAGE)
        offset = validate.integer(offset, "offset")
        clause = " WHERE " + " AND ".join(where) if where else ""
        with self._read():
            rows = list(self.db.query(
                "SELECT a.*, u.username FROM audit_log a LEFT JOIN users u ON u.id = a.user_id"
                f"{clause} ORDER BY a.id DESC LIMIT ? OFFSET ?", [*params, limit, offset]))
        for row in rows:
            for key in ("before", "after"):
                row[key] = None if row[key] is None else json.loads(row[key])
        return rows

    # -- maintenance ------------------------------------------------------------------------

    def info(self) -> dict:
        """Where the database and images are, schema, counts and the audit chain head."""
        with self._read():
            head = self.db.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
            counts = {t: self.db.table(t).count for t in ("inspections", "users", "stations", "decisions",
                                                           "reviews", "audit_log")}
            schema = [m.name for m in migrations.applied(self.db)]
        return {"database": str(self.path), "images": str(self.images_dir), "schema": schema[-1],
                "counts": counts, "audit_head": {"id": head[0], "hash": head[1]} if head else None}

    def sweep_orphans(self, grace_s: float = SWEEP_GRACE_S) -> list[Path]:
        """Remove image files whose row never committed (a crash or a failed write between the
        image and its row) and leftover temp files, once older than grace_s (so a writer that is
        between the two steps keeps its file). Returns the removed paths."""
        grace_s = validate.number(grace_s, "grace_s", hi=1e9)
        removed = []
        for path in images.iter_files(self.images_dir):
            if not images.is_stale(path, grace_s):
                continue
            if path.name.startswith(images.TMP_PREFIX):
                path.unlink(missing_ok=True)
                removed.append(path)
                continue
            sha = path.name.split(".")[0]
            if not validate.SHA256_RE.fullmatch(sha):
                log.warning("not an inspection image, left alone: %s", path)
                continue
            with _errors(self.path):
                if self.db.table("inspections").count_where("image_sha256 = ?", [sha]):
                    continue
            # Delete under the write lock: a writer re-checks its image under the same lock.
            with self._write():
                if not self.db.table("inspections").count_where("image_sha256 = ?", [sha]) \
                        and images.is_stale(path, grace_s):
                    path.unlink(missing_ok=True)
                    removed.append(path)
        for path in removed:
            log.warning("removed orphan image file %s", path)
        return removed

    def verify(self, *, check_images: bool = True, anchor: tuple[int, str] | None = None) -> dict:
        """Raise VerificationFailed with the first problem; else return the counts checked and the
        audit head (id, hash). Pass a head noted earlier as `anchor` to detect a rewritten log."""
        from app.store.verify import verify

        if anchor is not None:
            anchor = (validate.record_id(anchor[0], "anchor id"), validate.sha256_hex(anchor[1], "anchor hash"))
        return verify(self, check_images=check_images, anchor=anchor)

    def backup(self, out_dir: str | Path, *, with_images: bool = True) -> dict:
        from app.store.backup import backup

        return backup(self, Path(out_dir), with_images=with_images)

    def export_csv(self, out: object, *, since: object = None, **filters) -> int:
        """Write the inspections that the filters select (as find_inspections takes them, without
        limit/offset; all if none) as CSV to `out`: see app.store.export.export_csv."""
        from app.store.export import export_csv

        return export_csv(self, out, since=since, **filters)
