"""`sqinspect`: the single command-line entry point."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from app import __version__
from app.commands import command_modules
from app.errors import SQInspectError

log = logging.getLogger("sqinspect")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sqinspect",
        description="SQ-Inspect: visual inspection of parts with a self-questioning VLM.",
    )
    parser.add_argument("--version", action="version", version=f"sqinspect {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in command_modules():
        module = importlib.import_module(f"app.commands.{name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose > 1 else logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.func(args) or 0)
    except SQInspectError as exc:
        print(f"sqinspect {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except ModuleNotFoundError as exc:
        # A torch-side verb on a runtime-only install.
        if exc.name and exc.name.split(".")[0] in {"torch", "transformers", "peft", "safetensors", "onnx", "onnxscript"}:
            print(
                f"sqinspect {args.command}: error: this command needs the training extras "
                f"(missing module {exc.name!r}); install with: pip install 'sq-inspect[train]'",
                file=sys.stderr,
            )
            return 3
        raise
    except KeyboardInterrupt:
        print(f"sqinspect {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
