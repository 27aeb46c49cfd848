"""One entry point for every import: parse a folder, then dry-run or commit it."""

from __future__ import annotations

from pathlib import Path

from acct_tui.io.common import Report, ReportBuilder
from acct_tui.io.plan import apply


def run(source: str, directory: Path, *, commit: bool = False, actor: str = "operator",
        owner_map: dict[str, str] | None = None) -> Report:
    """Import `directory` as `source` (dir, salesforce, hubspot).

    The database must be connected. Unusable input raises `UsageError`
    before anything is read from or written to the database.
    """
    builder = ReportBuilder(source=f"{source} {directory}")
    if source == "dir":
        from acct_tui.io import csvdir

        batch = csvdir.parse_dir(directory, builder)
    elif source == "salesforce":
        from acct_tui.io import salesforce

        batch = salesforce.parse_dir(directory, builder, owner_map or {})
    elif source == "hubspot":
        from acct_tui.io import hubspot

        batch = hubspot.parse_dir(directory, builder, owner_map or {})
    else:
        raise ValueError(f"unknown import source {source!r}")
    return apply(batch, builder, commit=commit, actor=actor)
