"""`sqinspect doctor`: the station self-check, one table; exit 0 only when the station can inspect."""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
from pathlib import Path

from app.errors import SQInspectError

EPILOG = """\
Checks, in order: system (OS, Python), settings, onnxruntime, gpu (driver, CUDA, TensorRT; when an
NVIDIA GPU is present), provider tensorrt/cuda/cpu (a test graph really run on each), bundle
(hashes, graphs, smoke generation), camera (opened, one frame read), inspection (that frame
inspected end to end), database (writable, verified, has users), disk (free space), clock.

Status: ok; info (nothing to do); warn (works, but see the hint); fail (the station cannot
inspect until it is fixed). Every warn and fail line is followed by what to do.
Exit status: 0 when no check failed, 1 otherwise, 2 on bad options.
"""

MARK = {"ok": "ok", "info": "info", "warn": "WARN", "fail": "FAIL"}


def register(subparsers) -> None:
    from argparse import RawDescriptionHelpFormatter

    p = subparsers.add_parser(
        "doctor", help="check this station: runtime, GPU, bundle, camera, database, disk, clock",
        description="Checks everything an inspection needs on this machine and prints one table. "
                    "Defaults come from the station settings (`camera`, `bundle`, `data_dir`).",
        epilog=EPILOG, formatter_class=RawDescriptionHelpFormatter,
    )
    p.add_argument("--camera", metavar="SRC", help="camera to check: a device number, video file, image folder "
                                                   "or URL (default: the settings' camera)")
    p.add_argument("--bundle", type=Path, metavar="DIR", help="model bundle to check (default: the settings', "
                                                              "else $SQINSPECT_BUNDLE, else the installed default)")
    p.add_argument("--db", type=Path, metavar="PATH", help="database to check (default: inspections.db in the "
                                                           "settings' data_dir, else the platform's data folder)")
    p.add_argument("--provider", metavar="P", help="require the inspection to run on tensorrt, cuda or cpu "
                                                   "(default: the first that works)")
    p.add_argument("--images", action="store_true", help="also re-hash every stored image (slow on a big database)")
    p.add_argument("--min-free-gb", type=float, default=1.0, metavar="GB",
                   help="fail below this much free disk space for the data folder (default: 1)")
    p.add_argument("--json", action="store_true", help="print the results as one JSON document instead of the table")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines on standard error")
    p.set_defaults(func=run)


def run(args) -> int:
    from app.doctor.checks import Doctor, Options, station_can_inspect

    if args.provider:
        from app.runtime.engine import provider_name
        from app.runtime.errors import ProviderError

        try:
            provider_name(args.provider)
        except ProviderError as exc:
            raise SQInspectError(str(exc)) from None
    if args.min_free_gb < 0:
        raise SQInspectError("--min-free-gb must not be negative")

    def progress(n: int, total: int, name: str) -> None:
        if not args.quiet:
            print(f"[{n}/{total}] checking {name}...", file=sys.stderr, flush=True)

    options = Options(camera=args.camera, bundle=args.bundle, db=args.db, provider=args.provider,
                      check_images=args.images, min_free_gb=args.min_free_gb)
    checks = Doctor(options, progress).run()
    ok = station_can_inspect(checks)
    if args.json:
        from app import __version__

        doc = {"sqinspect": __version__, "station_can_inspect": ok, "checks": [c.to_dict() for c in checks]}
        sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False, default=str) + "\n")
    else:
        sys.stdout.write(render(checks, ok))
    sys.stdout.flush()
    return 0 if ok else 1


def render(checks, ok: bool, width: int | None = None) -> str:
    """The table: CHECK, STATUS, DETAIL; a '-> ' line with what to do under every warn and fail."""
    width = width or max(80, shutil.get_terminal_size((120, 24)).columns)
    name_w = max(len("CHECK"), *(len(c.name) for c in checks))
    status_w = max(len("STATUS"), *(len(m) for m in MARK.values()))
    indent = name_w + status_w + 4
    wrap = textwrap.TextWrapper(width=max(40, width), subsequent_indent=" " * indent, break_long_words=False,
                                break_on_hyphens=False)
    fix_wrap = textwrap.TextWrapper(width=max(40, width), initial_indent=" " * indent + "-> ",
                                    subsequent_indent=" " * (indent + 3), break_long_words=False,
                                    break_on_hyphens=False)
    lines = [f"{'CHECK':<{name_w}}  {'STATUS':<{status_w}}  DETAIL"]
    for c in checks:
        lines.append(wrap.fill(f"{c.name:<{name_w}}  {MARK.get(c.status, c.status):<{status_w}}  {c.detail}"))
        if c.fix and c.status in ("warn", "fail"):
            lines.append(fix_wrap.fill(c.fix))
    failed = sum(1 for c in checks if c.status == "fail")
    warned = sum(1 for c in checks if c.status == "warn")
    lines.append("")
    if ok:
        lines.append("station can inspect" + (f" ({warned} warning{'s' if warned != 1 else ''})" if warned else ""))
    else:
        lines.append(f"station cannot inspect: {failed} check{'s' if failed != 1 else ''} failed (FAIL lines above)")
    return "\n".join(lines) + "\n"
