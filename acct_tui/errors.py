"""Errors a person can act on. The CLI prints their message as one line."""


class AcctError(Exception):
    """Base for expected failures; `exit_code` is what the CLI exits with (1 unless a subclass says 2)."""

    exit_code = 1


class UsageError(AcctError):
    """Bad arguments, configuration or input: fix the input and retry."""

    exit_code = 2


class DatabaseUnavailable(AcctError):
    """The database URL is wrong, the server is unreachable or the file unwritable."""

    exit_code = 2


class SchemaTooNew(AcctError):
    """The database was upgraded by a newer acct-tui than this one."""

    exit_code = 2


class NotFound(AcctError):
    """A named record (user, account, alert) does not exist or is not visible."""


class Forbidden(AcctError):
    """The acting user may not do this."""


class DatabaseBusy(AcctError):
    """Another writer held the database longer than we wait; nothing was saved."""


class StorageFull(AcctError):
    """The disk (or the database's size limit) is full; the transaction was rolled back."""
