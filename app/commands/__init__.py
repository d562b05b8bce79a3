"""Subcommands of `sqinspect`, one module each, found by listing this package.

Each module defines `register(subparsers)`, which adds its parser and sets `func` on it.
Modules for torch-side verbs (train, convert, export, ...) import `models`/`export` only inside
their handler, so `sqinspect` runs on a runtime-only install.
"""

import pkgutil


def command_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
