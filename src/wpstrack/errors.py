"""The catalogue of errors wpstrack raises.

Every error carries a short code (``[W012]``) so that messages are easy to grep in logs and
to assert on in tests. Domain functions raise these; the CLI maps them to exit codes and the
web layer to HTTP status codes, so neither shell needs to know what went wrong in detail.
"""

from __future__ import annotations


class WpstrackError(Exception):
    """Base class: a failure the user can act on, with a coded message."""

    code = "W000"
    exit_code = 1
    http_status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class ConfigError(WpstrackError):
    """A setting is missing or invalid."""

    code = "W001"
    exit_code = 2


class DatabaseError(WpstrackError):
    """The database cannot be reached or is not at the expected schema version."""

    code = "W002"
    exit_code = 3
    http_status = 503


class NoDatabase(DatabaseError):
    """A command that reads found no wpstrack database where the settings point.

    Reading never creates a database: an empty one made by accident (a command run in
    another folder) looks like lost data. The message says where it looked.
    """

    code = "W005"


class NotFound(WpstrackError):
    """A record named by the user does not exist."""

    code = "W004"
    http_status = 404


class InvalidInput(WpstrackError):
    """User-supplied data (a file, a row, a value) is malformed.

    ``location`` names where: a file, a file and line, a file and row. ``problems`` lists
    every problem found when a whole entry was checked before refusing it.
    """

    code = "W010"
    http_status = 422

    def __init__(
        self, message: str, location: str | None = None, problems: list[str] | None = None
    ) -> None:
        self.location = location
        self.problems = problems or []
        super().__init__(f"{location}: {message}" if location else message)


class Conflict(WpstrackError):
    """The record changed since the caller read it, or would duplicate another."""

    code = "W009"
    http_status = 409


class UnreadableDocument(WpstrackError):
    """A document cannot be read as text (empty, binary, undecodable, too large, unsupported)."""

    code = "W020"


class RequestTooLarge(WpstrackError):
    """A request body is larger than the configured limit; it was not read further."""

    code = "W021"
    http_status = 413


class Unauthenticated(WpstrackError):
    """The request needs a logged-in user or a valid API token, and has neither."""

    code = "W030"
    http_status = 401


class PermissionDenied(WpstrackError):
    """The user is known but their role does not allow this action."""

    code = "W031"
    http_status = 403


class TooManyAttempts(WpstrackError):
    """Too many failed logins for this account or address: wait before trying again.

    ``retry_after`` is how many seconds to wait (the ``Retry-After`` header).
    """

    code = "W032"
    http_status = 429

    def __init__(self, message: str, retry_after: int | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class StaleVersion(Conflict):
    """An edit was based on an older version of the record; nothing was changed.

    ``current_version`` lets the caller reload and show what changed in between.
    """

    def __init__(self, message: str, current_version: int) -> None:
        self.current_version = current_version
        super().__init__(message)


class MissingRate(WpstrackError):
    """An amount cannot be converted: the user's rate table has no rate for its currency and
    year. wpstrack never guesses a rate, so the total is refused rather than understated.

    ``missing`` lists ``(currency, year, contributions)`` for every gap.
    """

    code = "W040"
    http_status = 422

    def __init__(self, message: str, missing: list[tuple[str, int, int]]) -> None:
        self.missing = missing
        super().__init__(message)


class UnreadableBackup(InvalidInput):
    """A backup file is not one, or is damaged or truncated; nothing was restored from it."""

    code = "W050"


class TargetNotEmpty(Conflict):
    """A restore or migration was pointed at a database that already holds rows."""

    code = "W051"


class NewerSchema(DatabaseError):
    """A backup or database is at a schema revision this wpstrack does not handle."""

    code = "W052"
    exit_code = 3


class WorkerLost(WpstrackError):
    """An extraction worker process died (killed, out of memory) during an ingest run."""

    code = "W060"
    exit_code = 4
