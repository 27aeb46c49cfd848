"""Our own CSV format: a folder of up to twelve files, imported and exported alike.

One table of `FileSpec`s drives both directions, so what `export_dir` writes
is exactly what `parse_dir` reads. References hold the other record's
external id (accounts, contacts) or login (users); teams are named in
users.csv and created by name.

Records created in the app have no external id; the export writes
`acct-<id>` for them (see `plan.py` for how an import matches those back).
Text cells a spreadsheet would run as a formula are written with a leading
`'`, which the import removes again, so the round trip is exact.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from acct_tui import enums
from acct_tui.core.currency import DEFAULT_BASE, currency_code
from acct_tui.core.text import clean_text, has_control, has_control_but_lines
from acct_tui.errors import UsageError
from acct_tui.io import common
from acct_tui.io.columns import parse as by_column
from acct_tui.io.common import ReportBuilder
from acct_tui.io.plan import OWN_ID, Batch, Ref, Staged, lookup_field
from acct_tui.models import (
    Account,
    ActionItem,
    Activity,
    BaseModel,
    CustomerCase,
    Contact,
    MetricSample,
    Milestone,
    Opportunity,
    PlannedVisit,
    Rate,
    Receivable,
    Team,
    User,
)
from acct_tui.services.access import Viewer, scope_accounts, scope_activities, visible_account_ids


@dataclass(frozen=True)
class Column:
    """One CSV column: its kind decides how a cell is parsed and written."""

    name: str
    kind: str = "text"  # text, int, decimal, rate, float, bool, date, moment, month, enum, currency, ref
    required: bool = False
    choices: tuple[str, ...] = ()
    target: type[BaseModel] | None = None
    low: int | None = None
    high: int | None = None


@dataclass(frozen=True)
class FileSpec:
    name: str
    model: type[BaseModel]
    columns: tuple[Column, ...]


def _ref(name: str, target, required: bool = False) -> Column:
    return Column(name, "ref", required=required, target=target)


def _enum(name: str, choices, required: bool = False) -> Column:
    return Column(name, "enum", required=required, choices=choices)


_EXT = Column("external_id", required=True)
_ACCOUNT = _ref("account", Account, required=True)

#: The files, in dependency order, with exactly the columns of the format.
FILES: tuple[FileSpec, ...] = (
    FileSpec("users.csv", User, (
        Column("login", required=True), Column("name", required=True), _enum("role", enums.ROLES),
        _ref("team", Team), _ref("manager", User),
    )),
    FileSpec("accounts.csv", Account, (
        _EXT, Column("name", required=True), _enum("tier", enums.TIERS), _ref("owner", User), Column("industry"),
        Column("annual_value", "decimal"), Column("currency", "currency"), Column("renewal_date", "date"),
        Column("contract_start", "date"), _enum("status", enums.ACCOUNT_STATUSES), Column("churned_on", "date"),
        Column("contact_days", "int", low=1, high=3650), Column("visit_days", "int", low=1, high=3650),
    )),
    FileSpec("contacts.csv", Contact, (
        _EXT, _ACCOUNT, Column("name", required=True), Column("title"), Column("email"), Column("phone"),
        _enum("role", enums.CONTACT_ROLES), Column("birthday", "date"), Column("added_on", "date"), Column("left_on", "date"),
    )),
    FileSpec("activities.csv", Activity, (
        _EXT, _ACCOUNT, _ref("contact", Contact), _enum("kind", enums.ACTIVITY_KINDS, required=True),
        Column("occurred_at", "moment", required=True), _ref("author", User), Column("subject"), Column("summary"),
        Column("outcome"), Column("sentiment", "int", low=enums.SENTIMENT_RANGE[0], high=enums.SENTIMENT_RANGE[1]),
        Column("duration_min", "int", low=0, high=100_000), Column("attendees"), Column("confirmed_by"),
        Column("intent_to_leave", "bool"), Column("confidential", "bool"),
    )),
    FileSpec("action_items.csv", ActionItem, (
        _EXT, _ACCOUNT, Column("title", required=True), _ref("owner", User), Column("due_on", "date"),
        _enum("status", enums.ACTION_STATUSES), Column("done_on", "date"),
    )),
    FileSpec("milestones.csv", Milestone, (
        _EXT, _ACCOUNT, Column("title", required=True), _enum("kind", enums.MILESTONE_KINDS),
        Column("due_on", "date", required=True), _enum("status", enums.MILESTONE_STATUSES), Column("completed_on", "date"),
    )),
    FileSpec("planned_visits.csv", PlannedVisit, (
        _EXT, _ACCOUNT, _ref("owner", User), Column("scheduled_for", "date", required=True), Column("purpose"),
        _enum("status", enums.VISIT_STATUSES),
    )),
    FileSpec("cases.csv", CustomerCase, (
        _EXT, _ACCOUNT, Column("subject", required=True), _enum("severity", enums.CASE_SEVERITIES),
        Column("opened_at", "moment", required=True), Column("closed_at", "moment"), Column("escalated", "bool"),
    )),
    FileSpec("metrics.csv", MetricSample, (
        _ACCOUNT, Column("period", "month", required=True), _enum("metric", enums.METRICS, required=True),
        Column("value", "float", required=True),
    )),
    FileSpec("receivables.csv", Receivable, (
        _EXT, _ACCOUNT, Column("amount", "decimal", required=True), Column("due_on", "date", required=True),
        Column("paid_on", "date"),
    )),
    FileSpec("opportunities.csv", Opportunity, (
        _EXT, _ACCOUNT, _enum("kind", enums.OPPORTUNITY_KINDS, required=True), Column("name", required=True),
        Column("amount", "decimal", required=True), Column("currency", "currency", required=True), Column("stage"),
        Column("probability", "int", low=0, high=100), Column("close_date", "date", required=True),
        _enum("status", enums.OPPORTUNITY_STATUSES), _ref("owner", User), Column("created_on", "date"),
        Column("closed_on", "date"),
    )),
    FileSpec("rates.csv", Rate, (
        Column("currency", "currency", required=True), Column("rate", "rate", required=True),
        Column("as_of", "date", required=True), Column("quote", "currency"),
    )),
)
FILE_NAMES = tuple(spec.name for spec in FILES)

_PARSERS = {
    "decimal": common.decimal,
    "rate": common.positive_decimal,
    "currency": currency_code,
    "float": common.number,
    "bool": common.boolean,
    "date": common.date,
    "moment": common.moment,
    "month": common.month,
}


def _default(field) -> Any:
    default = field.default
    return default() if callable(default) else default


def _converter(spec: FileSpec, column: Column, unescape: bool, clean: bool):
    """The function that turns one non-empty, cleaned cell into its value (ValueError: the reason).
    `clean`: the row holds no control character but tabs and newlines (the common case)."""
    if column.kind in ("ref", "text"):
        max_len = None if column.kind == "ref" else getattr(spec.model._meta.fields[column.name], "max_length", None)
        multiline = max_len is None

        def text(value: str):
            if not clean or (not multiline and ("\n" in value or "\t" in value)):
                value = clean_text(value, multiline=multiline)  # else it would return `value` as it is
            if unescape and value[:1] == "'" and common.ESCAPED_FORMULA.match(value):
                value = value[1:]
            if max_len is not None and len(value) > max_len:
                raise ValueError(f"is {len(value)} characters long; at most {max_len} fit")
            return value

        return text
    if column.kind == "enum":
        return common.choice(column.choices)
    if column.kind == "int":
        return common.integer(column.low, column.high)
    return _PARSERS[column.kind]


def _compiled(spec: FileSpec, column: Column, unescape: bool = True, clean: bool = False):
    """How one column's cell goes into `values` (or `refs`), problems on the row; the
    field's facts looked up once per file, not per cell (an import parses millions of cells).

    The same checks in the same order as `common.Row`'s getters: control characters
    out and the cell stripped; a required cell missing; the parser's reason for a bad one;
    an empty cell of a column that cannot be empty takes the field's default. `clean`: for
    rows with no control character but tabs and newlines, which cleaning leaves as they are;
    a text cell of such a row (most cells) is then checked right here, not through a converter."""
    field = spec.model._meta.fields[column.name]
    name, required, is_ref, nullable, target = column.name, column.required, column.kind == "ref", field.null, column.target
    convert = _converter(spec, column, unescape, clean)

    def empty(row: common.Row, values: dict) -> None:
        if required:
            row.bad(name, "is required")
        elif is_ref or nullable:
            values[name] = None
        elif (value := _default(field)) is None:
            row.bad(name, "is required")
        else:
            values[name] = value

    def parse(row: common.Row, values: dict, refs: dict) -> None:
        cell = row.cells.get(name)
        if cell:
            if not clean and has_control(cell):
                cell = clean_text(cell, multiline=True)
            cell = cell.strip()
        if not cell:
            empty(row, values)
            return
        try:
            value = convert(cell)
        except ValueError as exc:
            row.bad(name, str(exc))
            return
        if is_ref:
            refs[name] = Ref(target, value, name)
        else:
            values[name] = value

    if not (clean and column.kind in ("ref", "text")):
        return parse
    # `_converter`'s text function for a clean row, inline: the same steps, the same reasons.
    max_len = None if is_ref else getattr(field, "max_length", None)
    one_line = max_len is not None
    formula = common.ESCAPED_FORMULA.match

    def parse_text(row: common.Row, values: dict, refs: dict) -> None:
        cell = row.cells.get(name)
        if cell:
            cell = cell.strip()
        if not cell:
            empty(row, values)
            return
        if one_line and ("\n" in cell or "\t" in cell):
            cell = clean_text(cell, multiline=False)
        if unescape and cell[:1] == "'" and formula(cell):
            cell = cell[1:]
        if max_len is not None and len(cell) > max_len:
            row.bad(name, f"is {len(cell)} characters long; at most {max_len} fit")
        elif is_ref:
            refs[name] = Ref(target, cell, name)
        else:
            values[name] = cell

    return parse_text


def parse_dir(directory: Path, builder: ReportBuilder, base_currency: str = DEFAULT_BASE) -> Batch:
    """Read every known file in `directory` into a batch; bad rows go to the report.

    A rate without a `quote` is quoted in `base_currency`.
    """
    if not directory.is_dir():
        raise UsageError(f"{directory}: no such directory")
    present = [spec for spec in FILES if (directory / spec.name).is_file()]
    if not present:
        raise UsageError(f"{directory}: none of {', '.join(FILE_NAMES)} found")
    batch = Batch()
    for spec in present:
        parse_file(directory / spec.name, spec, builder, batch, base_currency)
    return batch


def parse_file(path: Path, spec: FileSpec, builder: ReportBuilder, batch: Batch, base_currency: str) -> None:
    """Read one file of the format (`spec` says which) into `batch`."""
    required = [c.name for c in spec.columns if c.required]
    header, lines, cells, clean = common.read_cells(path, required=required)
    label = path.name
    note = common.unknown_columns(label, header, (c.name for c in spec.columns))
    if note:
        builder.note(note)
    columns = [c for c in spec.columns if c.name in header]
    builder.bucket(label)
    if spec.model not in (User, Rate):  # users name teams, a rate may leave its quote out: row by row
        found = by_column(label, spec.model, columns, header, lines, cells, clean,
                          lambda column: _converter(spec, column, True, True), _default)
        if found is not None:
            batch.columns[spec.model] = found
            return
    rows = [common.as_row(label, header, line, row, True, clean) for line, row in zip(lines, cells)]
    parsers = [_compiled(spec, c) for c in columns]
    clean_parsers = [_compiled(spec, c, clean=True) for c in columns]
    teams = batch.keys(Team)
    for row in rows:
        values: dict[str, Any] = {}
        refs: dict[str, Ref] = {}
        for parse in clean_parsers if row.clean or not has_control_but_lines("".join(row.cells.values())) else parsers:
            parse(row, values, refs)
        if row.problems:
            builder.reject(label, row.problems)
            continue
        if spec.model is Rate and not values.get("quote"):
            values["quote"] = base_currency
        batch.add(spec.model, Staged(label, row.line, values, refs))
        team = refs.get("team")
        if spec.model is User and team and team.value not in teams:
            teams.add(team.value)
            batch.add(Team, Staged(label, row.line, {"name": team.value}, label=f"{label} (teams)"))


def spec_for(name: str) -> FileSpec:
    return next(spec for spec in FILES if spec.name == name)


# -- export -------------------------------------------------------------------


def own_key(row_id: int, external_id: str | None) -> str:
    """The external id a record is exported under: its own, else `acct-<id>`."""
    return external_id or f"acct-{row_id}"


def _keys(model: type[BaseModel]) -> dict[int, str]:
    """id -> the natural key other files use to point at it."""
    name = lookup_field(model)
    column = getattr(model, name)
    if name == "external_id":
        return {i: own_key(i, e) for i, e in model.select(model.id, column).tuples()}
    return dict(model.select(model.id, column).tuples())


def _rows(spec: FileSpec, viewer: Viewer):
    model = spec.model
    query = model.select().order_by(model.id)
    if model is Account:
        return scope_accounts(query, viewer)
    if model is Activity:
        return scope_activities(query, viewer)
    if model in (User, Rate):
        return query
    return query.where(model.account.in_(visible_account_ids(viewer)))


def cell(column: Column, value: Any, keys: dict[int, str] | None) -> str:
    """How our format writes one value."""
    if value is None:
        return ""
    if column.kind == "ref":
        return keys.get(value, "") if keys is not None else ""
    if column.kind == "bool":
        return "true" if value else "false"
    if column.kind == "month":
        return value.strftime("%Y-%m")
    if column.kind == "moment":
        return value.isoformat() if isinstance(value, dt.datetime) else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        # A rate keeps every digit it needs and no trailing zeros; money keeps its cents.
        return format(value.normalize() if column.kind == "rate" else value, "f")
    if isinstance(value, float):
        return repr(value)
    text = str(value)
    if column.kind != "text":
        return text
    # A cell that already looks escaped gets one more quote: the import removes exactly one.
    return "'" + text if common.ESCAPED_FORMULA.match(text) else common.escape_formula(text)


def export_dir(directory: Path, viewer: Viewer) -> dict[str, int]:
    """Write every file of the format into `directory`; rows written per file.

    Goes through the access rules: the operator gets everything (what a round
    trip needs), anyone else only the accounts and records they may see.
    """
    directory.mkdir(parents=True, exist_ok=True)
    keys = {m: _keys(m) for m in (Team, User, Account, Contact)}
    written = {}
    for spec in FILES:
        path = directory / spec.name
        count = 0
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow([c.name for c in spec.columns])
            for row in _rows(spec, viewer):
                data = row.__data__
                cells = []
                for column in spec.columns:
                    value = data.get(column.name)
                    if column.name == "external_id":
                        value = own_key(row.id, value)
                    cells.append(cell(column, value, keys.get(column.target)))
                writer.writerow(cells)
                count += 1
        written[spec.name] = count
    return written


__all__ = ["FILES", "FILE_NAMES", "OWN_ID", "export_dir", "parse_dir", "parse_file", "own_key", "spec_for"]
