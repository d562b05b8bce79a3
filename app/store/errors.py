"""Errors the store raises. All are SQInspectError, so the command line prints them as one line."""

from app.errors import SQInspectError


class StoreError(SQInspectError):
    """A store operation the user can act on failed; nothing was written."""


class InvalidInput(StoreError, ValueError):
    """A value handed to the store has the wrong type, range or size."""


class NotFound(StoreError, LookupError):
    """An unknown user, inspection or database."""


class PermissionDenied(StoreError):
    """The acting user's role (or state) does not allow the operation."""


class StorageFull(StoreError):
    """The disk is full or a file-size limit was hit; the database is unchanged."""


class StoreBusy(StoreError):
    """Another process held the database lock for longer than the busy timeout."""


class VerificationFailed(StoreError):
    """`verify` found a problem: corruption, a broken audit chain, an edited row or image."""

    exit_code = 1
