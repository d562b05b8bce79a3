"""`sqinspect db`: the station database: info, verify, export, backup, orphan sweep, users, bench."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from app.errors import SQInspectError

DB_HELP = (
    "database file (default: inspections.db in $SQINSPECT_DATA_DIR, else in the platform's data "
    "folder: $XDG_DATA_HOME/sq-inspect or ~/.local/share/sq-inspect on Linux, "
    "%%LOCALAPPDATA%%\\sq-inspect on Windows)"
)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "db",
        help="the station database: verify, export, backup, users",
        description="The station's inspection database (SQLite, one per station) and its images.",
    )
    actions = parser.add_subparsers(dest="db_command", metavar="ACTION")
    actions.required = True
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", type=Path, metavar="PATH", help=DB_HELP)

    p = actions.add_parser("info", parents=[common], help="where the database and images are; counts")
    p.set_defaults(func=cmd_info)

    p = actions.add_parser(
        "verify", parents=[common],
        help="integrity check, audit chain, rows against the audit log, image hashes",
        description="Exit 0 if everything checks out; otherwise exit 1 with the first problem.",
    )
    p.add_argument("--skip-images", action="store_true", help="do not re-hash the image files")
    p.add_argument("--anchor", metavar="ID:HASH",
                   help="an audit head printed by an earlier verify: fail if that record was rewritten")
    p.set_defaults(func=cmd_verify)

    p = actions.add_parser("export-csv", parents=[common], help="inspections as CSV, one row each")
    p.add_argument("--since", metavar="DATE", help="only inspections from this UTC date or ISO time on")
    p.add_argument("out", metavar="OUT", help="CSV file to write ('-' for standard output)")
    p.set_defaults(func=cmd_export_csv)

    p = actions.add_parser(
        "backup", parents=[common],
        help="consistent copy of the live database (and its images) into a folder",
        description="Safe while the station is writing. Repeating into the same folder copies only "
                    "new images. Check the copy with: sqinspect db verify --db OUT/inspections.db",
    )
    p.add_argument("--no-images", action="store_true", help="copy only the database file")
    p.add_argument("out", type=Path, metavar="OUT", help="backup folder (created if missing)")
    p.set_defaults(func=cmd_backup)

    p = actions.add_parser("sweep", parents=[common],
                           help="remove image files whose inspection never committed (after a crash)")
    p.add_argument("--grace", type=float, default=600.0, metavar="SECONDS",
                   help="leave files younger than this (default: 600)")
    p.set_defaults(func=cmd_sweep)

    p = actions.add_parser(
        "bench", help="inspections stored per second, with 640x480 JPEG images",
        description="Writes to a new temporary database on the disk of the data folder (or --dir), "
                    "never to the station's database, and removes it afterwards.",
    )
    p.add_argument("-n", type=int, default=500, help="inspections to store (default: 500)")
    p.add_argument("--dir", type=Path, help="folder on the disk to measure (default: the data folder)")
    p.add_argument("--arrays", action="store_true",
                   help="hand BGR arrays to the store, so the timing includes JPEG encoding")
    p.set_defaults(func=cmd_bench)

    users = actions.add_parser("users", help="add, list, disable, enable users; change passwords")
    verbs = users.add_subparsers(dest="users_command", metavar="VERB")
    verbs.required = True
    pw = argparse.ArgumentParser(add_help=False)
    pw.add_argument(
        "--password-stdin", action="store_true",
        help="read passwords from standard input, one per line, in the order they would be asked "
             "(the acting user's first, then the new one) instead of prompting",
    )

    p = verbs.add_parser("add", parents=[common, pw], help="add a user (the first one needs no --as)")
    p.add_argument("username")
    p.add_argument("--role", required=True, choices=("inspector", "qa", "admin"))
    p.add_argument("--display-name", default="")
    p.add_argument("--as", dest="as_user", metavar="ADMIN", help="the admin adding the user")
    p.set_defaults(func=cmd_users_add)

    p = verbs.add_parser("list", parents=[common], help="list users")
    p.set_defaults(func=cmd_users_list)

    for verb, text in (("disable", "disable a user (records keep referring to them)"),
                       ("enable", "enable a disabled user")):
        p = verbs.add_parser(verb, parents=[common, pw], help=text)
        p.add_argument("username")
        p.add_argument("--as", dest="as_user", metavar="ADMIN", required=True, help="the admin doing it")
        p.set_defaults(func=cmd_users_set_active, active=verb == "enable")

    p = verbs.add_parser("passwd", parents=[common, pw],
                         help="change a password (your own, or anyone's with --as ADMIN)")
    p.add_argument("username")
    p.add_argument("--as", dest="as_user", metavar="ADMIN", help="an admin setting another user's password")
    p.set_defaults(func=cmd_users_passwd)


def _open(args, *, create: bool = False):
    from app.store import Store

    return Store(args.db, create=create)


class _Passwords:
    """Passwords from prompts, or from stdin lines with --password-stdin (for scripts)."""

    def __init__(self, args):
        self.lines = sys.stdin.read().splitlines() if args.password_stdin else None

    def get(self, prompt: str, *, confirm: bool = False) -> str:
        if self.lines is not None:
            if not self.lines:
                raise SQInspectError(f"--password-stdin: no line left for: {prompt.rstrip(': ')}")
            return self.lines.pop(0)
        password = getpass.getpass(prompt)
        if confirm and getpass.getpass("Repeat: ") != password:
            raise SQInspectError("the passwords do not match")
        return password


def cmd_info(args) -> int:
    with _open(args) as store:
        info = store.info()
    print(f"database: {info['database']}")
    print(f"images:   {info['images']}")
    print(f"schema:   {info['schema']}")
    print("counts:   " + ", ".join(f"{k} {v}" for k, v in info["counts"].items()))
    head = info["audit_head"]
    print(f"audit head: {head['id']}:{head['hash']}" if head else "audit head: (empty)")
    return 0


def cmd_verify(args) -> int:
    anchor = None
    if args.anchor:
        head_id, _, head_hash = args.anchor.partition(":")
        if not head_id.isdigit() or not head_hash:
            raise SQInspectError("--anchor: expected ID:HASH as printed by verify (e.g. 1234:9f2c...)")
        anchor = (int(head_id), head_hash)
    with _open(args) as store:
        report = store.verify(check_images=not args.skip_images, anchor=anchor)
        path = store.path
    counts = ", ".join(f"{v} {k}" for k, v in report["counts"].items())
    head = report["audit_head"]
    print(f"ok: {path}: {counts}")
    if head:
        print(f"audit head: {head['id']}:{head['hash']}")
    return 0


def cmd_export_csv(args) -> int:
    with _open(args) as store:
        n = store.export_csv(args.out, since=args.since)
    if args.out != "-":
        print(f"{n} inspections written to {args.out}", file=sys.stderr)
    return 0


def cmd_backup(args) -> int:
    with _open(args) as store:
        result = store.backup(args.out, with_images=not args.no_images)
    print(f"database copied to {result['database']}; {result['images_copied']} new images copied")
    if result["images_missing"]:
        raise SQInspectError(
            f"{len(result['images_missing'])} images were missing from the live database's folder "
            f"(first: {result['images_missing'][0]}); run: sqinspect db verify"
        )
    return 0


def cmd_sweep(args) -> int:
    with _open(args) as store:
        removed = store.sweep_orphans(args.grace)
    print(f"{len(removed)} orphan files removed")
    return 0


def cmd_bench(args) -> int:
    from app.store import default_data_dir
    from app.store.bench import run

    if args.n < 1:
        raise SQInspectError("-n must be at least 1")
    result = run(args.n, directory=args.dir or default_data_dir(), arrays=args.arrays)
    size = f", JPEG ~{result['mean_jpeg_bytes'] // 1024} KiB" if result["mean_jpeg_bytes"] else ", encoding included"
    print(
        f"{result['inspections']} inspections in {result['seconds']:.2f} s: "
        f"{result['per_second']:.0f} inspections/s (640x480{size}; WAL, synchronous=FULL; "
        f"on {result['directory']})"
    )
    return 0


def cmd_users_add(args) -> int:
    passwords = _Passwords(args)
    with _open(args, create=True) as store:
        if args.as_user is None and store.list_users():
            raise SQInspectError("adding a user needs an admin: pass --as ADMIN")
        if args.as_user is not None:
            store.authenticate(args.as_user, passwords.get(f"Password of {args.as_user}: "))
        new = passwords.get(f"Password for {args.username}: ", confirm=True)
        store.add_user(args.username, args.role, new, actor=args.as_user, display_name=args.display_name)
    print(f"user {args.username} ({args.role}) added")
    return 0


def cmd_users_list(args) -> int:
    with _open(args) as store:
        users = store.list_users()
    print(f"{'USER':<24} {'ROLE':<10} {'ACTIVE':<7} {'CREATED (UTC)':<28} NAME")
    for u in users:
        print(f"{u['username']:<24} {u['role']:<10} {'yes' if u['active'] else 'no':<7} "
              f"{u['created_at']:<28} {u['display_name']}")
    return 0


def cmd_users_set_active(args) -> int:
    passwords = _Passwords(args)
    with _open(args) as store:
        store.authenticate(args.as_user, passwords.get(f"Password of {args.as_user}: "))
        if args.active:
            store.enable_user(args.username, actor=args.as_user)
        else:
            store.disable_user(args.username, actor=args.as_user)
    print(f"user {args.username} {'enabled' if args.active else 'disabled'}")
    return 0


def cmd_users_passwd(args) -> int:
    passwords = _Passwords(args)
    actor = args.as_user or args.username
    with _open(args) as store:
        prompt = f"Current password of {actor}: " if actor == args.username else f"Password of {actor}: "
        current = passwords.get(prompt)
        store.authenticate(actor, current)
        new = passwords.get(f"New password for {args.username}: ", confirm=True)
        store.set_password(args.username, new, actor=actor,
                           old_password=current if actor == args.username else None)
    print(f"password of {args.username} changed")
    return 0
