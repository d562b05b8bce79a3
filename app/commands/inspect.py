"""`sqinspect inspect PATH...`: headless inspection of images or folders -> one JSON document
(and, with --db/--record, the station database)."""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

from app.errors import SQInspectError

log = logging.getLogger(__name__)

EPILOG = """\
Output: one JSON document with "bundle", "provider", "questions", "seed", "n_images", "n_failed"
and "results", one entry per image: image, image_sha256, description, qa (question/answer),
verdict (pass/fail), defect_probability, threshold, latency_ms (per stage and total),
questions_sampled, bundle; or image and error (a one-line reason) for an image that failed.
Exit status 1 if any image failed, 2 if nothing could run (no bundle, bad options).

Recording (--db PATH or --record) stores every successful inspection with its image under
--operator, who must be an active user (any role) of that existing database. A new database's
first user must be an admin; e.g.:
  sqinspect db users add admin --role admin [--db PATH]
  sqinspect db users add alice --role inspector --as admin [--db PATH]
"""


def register(subparsers) -> None:
    from argparse import RawDescriptionHelpFormatter

    p = subparsers.add_parser(
        "inspect", help="inspect images or folders with a model bundle; JSON out, optionally into the database",
        description="Runs the full self-questioning inspection (description, K self-questions and answers, "
                    "verdict) on each image. A bad image is reported and the batch goes on.",
        epilog=EPILOG, formatter_class=RawDescriptionHelpFormatter,
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="image files or folders (searched recursively)")
    p.add_argument("--bundle", type=Path, metavar="DIR",
                   help="model bundle (default: $SQINSPECT_BUNDLE, else assets/bundles/default-int8, default-fp32)")
    p.add_argument("--json", default="-", metavar="FILE", help="write the JSON document here ('-': standard output, the default)")
    p.add_argument("--questions", type=int, metavar="K", help="self-questions per image (default: the bundle's)")
    p.add_argument("--seed", type=int, default=0, help="seed of the question sampling; same seed, same output (default 0)")
    p.add_argument("--provider", metavar="P", help="tensorrt, cuda or cpu (default: the first that really runs, in that order)")
    p.add_argument("--threads", type=int, metavar="N", help="ONNX Runtime intra-op threads (default: $SQINSPECT_THREADS or 1)")
    db = p.add_mutually_exclusive_group()
    db.add_argument("--db", type=Path, metavar="PATH", help="record each successful inspection in this database")
    db.add_argument("--record", action="store_true", help="record into the station's default database (see `sqinspect db info`)")
    p.add_argument("--operator", metavar="USER", help="the user the records are made under (required with --db/--record)")
    p.add_argument("--serial", help="part serial number to record")
    p.add_argument("--lot", help="lot to record")
    p.add_argument("--station", help="station name to record (default: this machine's host name)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines on standard error")
    p.set_defaults(func=run)


def _open_store(args):
    """The store and a checked operator, before any image is inspected (fail fast)."""
    if not (args.db or args.record):
        if args.operator or args.serial or args.lot or args.station:
            raise SQInspectError("--operator/--serial/--lot/--station are recorded only with --db PATH or --record")
        return None
    if not args.operator:
        raise SQInspectError("recording needs --operator USER (an active user of the database; "
                             "add one with `sqinspect db users add NAME --role inspector`)")
    from app.store import NotFound, Store

    try:
        store = Store(args.db, create=False) if args.db else Store(create=False)
    except NotFound as exc:
        raise SQInspectError(f"{exc}; create it by adding its first user: "
                             "`sqinspect db users add NAME --role admin" + (f" --db {args.db}`" if args.db else "`")) from None
    users = {u["username"]: u for u in store.list_users()}
    user = users.get(args.operator)
    if user is None or not user["active"]:
        store.close()
        state = "is disabled" if user else "is not a user"
        raise SQInspectError(f"--operator {args.operator!r} {state} in {store.path}; add one with "
                             f"`sqinspect db users add {args.operator} --role inspector --as ADMIN --db {store.path}`")
    return store


def _write_json(doc: dict, target: str) -> None:
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if target == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    out = Path(target)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run(args) -> int:
    import cv2

    from app.runtime.engine import Engine
    from app.runtime.images import IMAGE_SUFFIXES, folder_images
    from app.runtime.pipeline import Pipeline

    if args.questions is not None and not 0 <= args.questions <= 64:
        raise SQInspectError("--questions must be between 0 and 64")
    if args.threads is not None and args.threads < 1:
        raise SQInspectError("--threads must be at least 1")
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)  # our one-line reasons say it all

    # Inputs first: a folder without images is an entry of its own, not silence.
    items: list[tuple[str, str | None]] = []
    for raw in args.paths:
        p = Path(raw)
        if p.is_dir():
            found = folder_images(p)
            items += [(str(f), None) for f in found] or [(raw, f"no image files ({', '.join(IMAGE_SUFFIXES)}) in this folder")]
        else:
            items.append((raw, None))

    store = _open_store(args)
    try:
        engine = Engine(args.bundle, provider=args.provider, threads=args.threads)
        pipeline = Pipeline(engine, num_questions=args.questions)
        info = engine.describe()
        bundle = engine.bundle.identity()
        results = []
        for n, (path, problem) in enumerate(items, 1):
            entry = _inspect_one(path, problem, pipeline, bundle, args, store)
            results.append(entry)
            if not args.quiet:
                if "verdict" in entry:
                    line = (f"{entry['verdict']} p={entry['defect_probability']:.3f} "
                            f"{entry['latency_ms']['total']:.0f} ms")
                    if "error" in entry:
                        line += f"; {entry['error']}"
                else:
                    line = f"error: {entry['error']}"
                print(f"[{n}/{len(items)}] {path}: {line}", file=sys.stderr, flush=True)
    finally:
        if store is not None:
            store.close()
    failed = sum(1 for r in results if "error" in r)
    doc = {
        "sqinspect": _version(), "bundle": info["bundle"], "provider": info["provider"],
        "providers_not_used": info["providers_not_used"], "threads": info["threads"],
        "questions": pipeline.num_questions, "seed": args.seed, "n_images": len(results), "n_failed": failed,
        "results": results,
    }
    _write_json(doc, args.json)
    return 1 if failed else 0


def _inspect_one(path: str, problem: str | None, pipeline, bundle: dict, args, store) -> dict:
    from app.runtime.errors import ImageError
    from app.runtime.images import load_image
    from app.runtime.record import for_store, result_record

    if problem:
        return {"image": path, "error": problem}
    t0 = time.perf_counter()
    try:
        image = load_image(path)
    except ImageError as exc:
        return {"image": path, "error": str(exc).removeprefix(f"{path}: ")}
    load_ms = (time.perf_counter() - t0) * 1000
    try:
        inspection = pipeline.inspect(image.bgr, seed=args.seed)
    except Exception as exc:  # one image's failure must not end the batch
        log.debug("inspection of %s failed", path, exc_info=True)
        return {"image": path, "image_sha256": image.sha256,
                "error": f"inference failed: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"}
    entry = result_record(image, inspection, bundle, load_ms)
    if store is not None:
        from app.store import StoreError

        try:
            entry["inspection_id"] = store.record_inspection(
                for_store(entry), image.storable, operator=args.operator, serial=args.serial, lot=args.lot,
                station=args.station)
        except StoreError as exc:
            entry["error"] = f"not recorded in the database: {exc}"
    return entry


def _version() -> str:
    from app import __version__

    return __version__
