"""The two ways the check fails: it could not run, or a statement is not GoogleSQL."""


class CheckError(Exception):
    """The check could not run (compile failed or timed out, manifest missing...)."""


class GoogleSqlError(Exception):
    """The analyzer (or a BigQuery rule it does not enforce) rejected a statement."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
