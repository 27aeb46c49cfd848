"""One entry point for every import: parse a folder (or a rates file), then dry-run or commit it."""

from __future__ import annotations

from pathlib import Path

from acct_tui.core.currency import DEFAULT_BASE
from acct_tui.errors import UsageError
from acct_tui.io.common import Report, ReportBuilder
from acct_tui.io.plan import Batch, apply


def run(source: str, directory: Path, *, commit: bool = False, actor: str = "operator",
        owner_map: dict[str, str] | None = None, base_currency: str = DEFAULT_BASE) -> Report:
    """Import `directory` as `source` (dir, salesforce, hubspot).

    The database must be connected. Unusable input raises `UsageError`
    before anything is read from or written to the database. A rate or an
    opportunity that names no currency gets `base_currency`.
    """
    builder = ReportBuilder(source=f"{source} {directory}")
    if source == "dir":
        from acct_tui.io import csvdir

        batch = csvdir.parse_dir(directory, builder, base_currency)
    elif source == "salesforce":
        from acct_tui.io import salesforce

        batch = salesforce.parse_dir(directory, builder, owner_map or {}, base_currency)
    elif source == "hubspot":
        from acct_tui.io import hubspot

        batch = hubspot.parse_dir(directory, builder, owner_map or {}, base_currency)
    else:
        raise ValueError(f"unknown import source {source!r}")
    return apply(batch, builder, commit=commit, actor=actor)


def run_rates(path: Path, *, commit: bool = False, actor: str = "operator", base_currency: str = DEFAULT_BASE) -> Report:
    """Import one file of exchange rates in the `rates.csv` format (`acct-tui rates import FILE`)."""
    from acct_tui.io import csvdir

    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    builder = ReportBuilder(source=f"rates {path}")
    batch = Batch()
    csvdir.parse_file(path, csvdir.spec_for("rates.csv"), builder, batch, base_currency)
    return apply(batch, builder, commit=commit, actor=actor)
