"""`acct-tui import ...`, `acct-tui export ...` and `acct-tui ics`: data in and out."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

from acct_tui.cli import format_option
from acct_tui.cli.context import Context
from acct_tui.cli.output import emit, say
from acct_tui.errors import Forbidden, UsageError

SOURCES = ("dir", "salesforce", "hubspot")


def register(sub, common) -> None:
    parser = sub.add_parser("import", parents=[common], help="import CSV files (a dry run unless --commit)")
    kinds = parser.add_subparsers(dest="source", metavar="SOURCE", required=True)
    for source, text in (
        ("dir", "our own CSV format (users.csv, accounts.csv, ...)"),
        ("salesforce", "a Salesforce data export folder (Account.csv, Contact.csv, Task.csv, ...)"),
        ("hubspot", "a HubSpot export folder (companies, contacts, activities, tickets, deals)"),
    ):
        p = kinds.add_parser(source, parents=[common], help=text)
        p.add_argument("directory", metavar="DIR", type=Path)
        p.add_argument("--commit", action="store_true", help="apply it, in one transaction (default: dry run)")
        if source != "dir":
            p.add_argument("--owner-map", metavar="FILE", type=Path, help="CSV of Id,login mapping owner ids to users")
        p.set_defaults(handler=run_import, source=source)

    parser = sub.add_parser("export", parents=[common], help="export data (what --user may see)")
    kinds = parser.add_subparsers(dest="what", metavar="WHAT", required=True)
    p = kinds.add_parser("dir", parents=[common], help="our own CSV format, re-importable with `import dir`")
    p.add_argument("directory", metavar="DIR", type=Path)
    p.set_defaults(handler=run_export_dir)
    for crm, files in (("salesforce", "User.csv, Account.csv, Opportunity.csv"), ("hubspot", "companies.csv, deals.csv")):
        p = kinds.add_parser(crm, parents=[common], help=f"accounts and opportunities as {crm} writes them ({files})")
        p.add_argument("directory", metavar="DIR", type=Path)
        p.set_defaults(handler=run_export_dir, crm=crm)
    for what in ("accounts", "activities", "alerts", "cases", "opportunities"):
        p = kinds.add_parser(what, parents=[common], help=f"the {what} the user may see")
        format_option(p, choices=("csv", "json"))
        p.set_defaults(format="csv")
        p.add_argument("-o", "--output", metavar="FILE", type=Path, help="write to FILE (default: stdout)")
        p.set_defaults(handler=run_export, what=what)

    parser = sub.add_parser("ics", parents=[common], help="an iCalendar feed of my visits, renewals, milestones, commitments")
    parser.add_argument("-o", "--output", metavar="FILE", type=Path, help="write to FILE (default: stdout)")
    parser.set_defaults(handler=run_ics)


@contextmanager
def _output(path: Path | None, binary: bool = False):
    if path is None:
        yield sys.stdout.buffer if binary else sys.stdout
        return
    try:
        handle = path.open("wb") if binary else path.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None
    with handle:
        yield handle


def _owner_map(path: Path | None) -> dict[str, str]:
    if path is None:
        return {}
    from acct_tui.io.common import read_csv

    if not path.is_file():
        raise UsageError(f"--owner-map {path}: no such file")
    _, rows = read_csv(path, required=("Id", "login"))
    mapping = {}
    for row in rows:
        source_id, login = row.raw("Id"), row.raw("login")
        if not source_id or not login:
            raise UsageError(f"--owner-map {path.name}:{row.line}: needs both Id and login")
        mapping[source_id] = login
    return mapping


def run_import(ctx: Context) -> int:
    from acct_tui.io import importer

    viewer = ctx.viewer
    if not viewer.sees_everything:
        raise Forbidden(f"{viewer.login} may not import: it takes an admin or the database operator")
    owner_map = _owner_map(getattr(ctx.args, "owner_map", None))
    report = importer.run(ctx.args.source, ctx.args.directory, commit=ctx.args.commit, actor=viewer.actor, owner_map=owner_map,
                          base_currency=ctx.config.base_currency)
    say(report.render())
    if report.committed:
        ctx.rescan()  # an import may touch any account: the whole book
    return report.exit_code


def run_export_dir(ctx: Context) -> int:
    from acct_tui.io.crm_export import EXPORTERS
    from acct_tui.io.csvdir import export_dir

    export_dir = EXPORTERS.get(getattr(ctx.args, "crm", None), export_dir)
    directory: Path = ctx.args.directory
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory}: not a directory")
    viewer = ctx.viewer
    try:
        written = export_dir(directory, viewer)
    except OSError as exc:
        raise UsageError(f"cannot write {directory}: {exc.strerror}") from None
    for name, count in written.items():
        print(f"{name:<20} {count:>7} rows")
    return 0


def run_export(ctx: Context) -> int:
    from acct_tui.io.export import EXPORTERS

    from acct_tui.services.money import rate_book

    rows = EXPORTERS[ctx.args.what](ctx.viewer, rate_book(ctx.config.base_currency))
    with _output(ctx.args.output) as out:
        emit(rows, ctx.fmt, out=out)
    return 0


def run_ics(ctx: Context) -> int:
    from acct_tui.io.ics import build_calendar

    data = build_calendar(ctx.viewer)
    with _output(ctx.args.output, binary=True) as out:
        out.write(data)
    return 0
