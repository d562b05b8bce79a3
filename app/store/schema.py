"""The database schema, as sqlite-utils migrations. Add a new function for every change;
never edit one that has shipped (stations' databases have already applied it)."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("sqinspect")

# Quality records are written once. These triggers make an accidental UPDATE or DELETE (from the
# app or a hand-run SQL session) fail loudly; deliberate tampering that drops them first is
# still caught by `verify` (audit chain + recorded states, and the triggers' presence).
IMMUTABLE_TABLES = ("stations", "inspections", "qa_pairs", "decisions", "reviews", "audit_log")
PROTECTED_TRIGGERS = tuple(
    f"{table}_no_{op}" for table in IMMUTABLE_TABLES for op in ("update", "delete")
) + ("users_no_delete",)


def _protect(db: Database, table: str, op: str) -> None:
    db.execute(
        f"CREATE TRIGGER {table}_no_{op} BEFORE {op.upper()} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} rows are quality records and cannot be changed'); END"
    )


@migrations()
def m001_initial(db: Database) -> None:
    # Plain DDL rather than table.create(): CHECK constraints and AUTOINCREMENT are not in
    # sqlite-utils' public create() arguments, and they are a second line of defence on the data.
    db.executescript(
        """
        CREATE TABLE stations (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL
        );
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE,
            display_name TEXT NOT NULL DEFAULT '',
            role TEXT NOT NULL CHECK (role IN ('inspector', 'qa', 'admin')),
            password_hash TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE inspections (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            station_id INTEGER NOT NULL REFERENCES stations(id),
            operator_id INTEGER NOT NULL REFERENCES users(id),
            serial TEXT,
            lot TEXT,
            source TEXT NOT NULL,
            source_sha256 TEXT NOT NULL,
            image_file TEXT NOT NULL,
            image_sha256 TEXT NOT NULL,
            bundle_name TEXT NOT NULL,
            bundle_sha256 TEXT NOT NULL,
            description TEXT NOT NULL,
            verdict TEXT NOT NULL CHECK (verdict IN ('pass', 'fail')),
            defect_probability REAL NOT NULL CHECK (defect_probability BETWEEN 0 AND 1),
            threshold REAL NOT NULL CHECK (threshold BETWEEN 0 AND 1),
            latency_ms TEXT NOT NULL,
            latency_total_ms REAL
        );
        CREATE INDEX inspections_image_sha256 ON inspections (image_sha256);
        CREATE TABLE qa_pairs (
            id INTEGER PRIMARY KEY,
            inspection_id INTEGER NOT NULL REFERENCES inspections(id),
            position INTEGER NOT NULL,
            question TEXT NOT NULL,
            answer TEXT NOT NULL,
            UNIQUE (inspection_id, position)
        );
        CREATE TABLE decisions (
            id INTEGER PRIMARY KEY,
            inspection_id INTEGER NOT NULL UNIQUE REFERENCES inspections(id),
            user_id INTEGER NOT NULL REFERENCES users(id),
            decision TEXT NOT NULL CHECK (decision IN ('accept', 'reject', 'override')),
            final_verdict TEXT CHECK (final_verdict IN ('pass', 'fail')),
            reason TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            inspection_id INTEGER NOT NULL REFERENCES inspections(id),
            user_id INTEGER NOT NULL REFERENCES users(id),
            action TEXT NOT NULL CHECK (action IN ('confirm', 'override')),
            final_verdict TEXT CHECK (final_verdict IN ('pass', 'fail')),
            reason TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE INDEX reviews_inspection_id ON reviews (inspection_id);
        -- AUTOINCREMENT: sqlite_sequence then remembers the highest id ever written, so deleting
        -- the newest audit rows (which the hash chain alone cannot show) is detectable.
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            user_id INTEGER REFERENCES users(id),
            action TEXT NOT NULL,
            entity TEXT NOT NULL,
            entity_id INTEGER NOT NULL,
            before TEXT,
            after TEXT,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE
        );
        CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
        """
    )
    for table in IMMUTABLE_TABLES:
        _protect(db, table, "update")
        _protect(db, table, "delete")
    _protect(db, "users", "delete")


@migrations()
def m002_qa_view(db: Database) -> None:
    """What the QA view filters and pages on: indexes, and one row per inspection with its
    current outcome (latest review, else the inspector's decision, else the model's verdict)."""
    inspections = db.table("inspections")
    inspections.create_index(["created_at"])
    inspections.create_index(["station_id", "created_at"])
    inspections.create_index(["verdict", "created_at"])
    db.create_view(
        "inspection_status",
        """
        SELECT
            i.*,
            s.name AS station,
            op.username AS operator,
            d.decision AS decision,
            d.final_verdict AS decision_verdict,
            d.reason AS decision_reason,
            du.username AS decided_by,
            d.created_at AS decided_at,
            r.action AS review,
            r.final_verdict AS review_verdict,
            r.reason AS review_reason,
            ru.username AS reviewed_by,
            r.created_at AS reviewed_at,
            (SELECT count(*) FROM reviews WHERE inspection_id = i.id) AS review_count,
            CASE
                WHEN r.id IS NOT NULL THEN r.final_verdict
                WHEN d.id IS NOT NULL THEN d.final_verdict
                ELSE i.verdict
            END AS final_verdict,
            (coalesce(d.decision, '') = 'override' OR EXISTS (
                SELECT 1 FROM reviews WHERE inspection_id = i.id AND action = 'override'
            )) AS disagreement
        FROM inspections i
        JOIN stations s ON s.id = i.station_id
        JOIN users op ON op.id = i.operator_id
        LEFT JOIN decisions d ON d.inspection_id = i.id
        LEFT JOIN users du ON du.id = d.user_id
        LEFT JOIN reviews r ON r.id = (SELECT max(id) FROM reviews WHERE inspection_id = i.id)
        LEFT JOIN users ru ON ru.id = r.user_id
        """,
    )


def migration_names() -> list[str]:
    """Every migration this version of sqinspect knows, in order."""
    return [m.name for m in migrations.pending(Database(memory=True, execute_plugins=False))]
