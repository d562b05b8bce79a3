"""Failures of the export toolchain that the user can act on (the CLI shows them as one line)."""


class ExportError(Exception):
    """Export, variant or engine build failed; the message names what and why."""


class ParityError(ExportError):
    """An exported graph does not reproduce the PyTorch model within tolerance."""
