"""Runtime failures, as one-line SQInspectErrors (the command line prints the message, no traceback)."""

from __future__ import annotations

from app.errors import SQInspectError


class BundleError(SQInspectError):
    """A bundle is missing, damaged, or of a format this runtime does not read."""

    exit_code = 2


class ImageError(SQInspectError):
    """One image cannot be inspected (unreadable, corrupt, truncated, too large). The batch goes on."""

    exit_code = 1


class ProviderError(SQInspectError):
    """The requested execution provider does not run on this machine."""

    exit_code = 2
