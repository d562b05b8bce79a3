"""The one exception type that the command line turns into a one-line message and an exit code."""


class SQInspectError(Exception):
    """A failure the user can act on. Its message is shown as one line; no traceback."""

    exit_code = 2

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code
