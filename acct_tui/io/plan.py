"""Applying an import: resolve references, compare with the database, write.

Importers (own CSV, Salesforce, HubSpot) turn their files into a `Batch` of
`Staged` records: field values plus references written as the other record's
natural key (an external id, a login, a team name). `apply` then walks the
tables in dependency order and, for each staged record:

1. resolves its references against the database and the batch itself (a
   record may point at one created earlier in the same import);
2. finds the existing row by natural key (external id, login, team name, or
   account + period + metric for metrics) and classifies the record as new,
   updated or unchanged by comparing only the fields the source provides:
   a column the source does not have is never touched;
3. with `commit`, writes: one prepared INSERT (`executemany`) for new rows,
   one UPDATE per changed row, nothing for unchanged ones.

A dry run runs steps 1-2 only and writes nothing. A commit runs steps 1-2
outside any transaction (reads only), and only when no row anywhere was
rejected, step 3 in short transactions that are all taken back if one of
them fails (`io.batches`).

External ids that our own export invents for records created in the app
(`acct-<id>`) match, in the database that exported them, the row with that id
when it has no external id yet; the import then stores the id on it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

import peewee
from peewee import BooleanField, DateField, DateTimeField, DecimalField, FloatField, ForeignKeyField

from acct_tui.clock import now
from acct_tui.core.text import plural
from acct_tui.db import database, translate_error
from acct_tui.errors import AcctError, DatabaseBusy, StorageFull
from acct_tui.io.batches import (ROWS_PER_TRANSACTION, Written, as_dicts, has_no_key, insert_rows, last_id, new_ids,
                                 search_indexed_together, select_in)
from acct_tui.io.common import Problem, Report, ReportBuilder
from acct_tui.models import RECORD_MODELS, BaseModel, InvalidValue, MetricSample, Rate, Team, User
from acct_tui.services import audit
from acct_tui.services.query import as_date

#: The natural key other records use to point at a row of each table.
LOOKUP = {Team: "name", User: "login"}
#: Tables whose rows are known by several fields together, not by one natural key.
COMPOSITE_KEYS = {MetricSample: ("account", "period", "metric"), Rate: ("currency", "quote", "as_of")}
OWN_ID = re.compile(r"^acct-(\d+)$")


def lookup_field(model: type[BaseModel]) -> str:
    return LOOKUP.get(model, "external_id")


def key_fields(model: type[BaseModel]) -> tuple[str, ...]:
    return COMPOSITE_KEYS.get(model, (lookup_field(model),))


class _New:
    """The id of a row this import creates but has not written (dry run)."""

    def __repr__(self) -> str:
        return "NEW"


NEW = _New()


class Ref(NamedTuple):
    """A reference to another record by its natural key, and the column it came from.

    A named tuple, not a frozen dataclass: an import makes one per reference cell
    (600,000 for 3,000 accounts), and a frozen dataclass sets each field the slow way."""

    model: type[BaseModel]
    value: str
    column: str


@dataclass
class Staged:
    """A record as a source file describes it, before it meets the database."""

    file: str
    line: int
    values: dict[str, Any]
    refs: dict[str, Ref] = field(default_factory=dict)
    #: The report line it counts under; the file name unless set.
    label: str | None = None

    @property
    def bucket(self) -> str:
        return self.label or self.file


@dataclass
class Batch:
    """Everything an importer parsed, by target table."""

    staged: dict[type[BaseModel], list[Staged]] = field(default_factory=lambda: defaultdict(list))
    #: Tables read a column at a time (`io.columns.Columns`), each staged here only if it must be.
    columns: dict[type[BaseModel], Any] = field(default_factory=dict)

    def add(self, model: type[BaseModel], record: Staged) -> None:
        self.staged[model].append(record)

    def keys(self, model: type[BaseModel]) -> set[str]:
        name = lookup_field(model)
        return {s.values[name] for s in self.staged.get(model, ())}


def apply(batch: Batch, builder: ReportBuilder, commit: bool, actor: str) -> Report:
    """Classify (and with `commit`, write) every staged record; returns the report.

    Everything that reads and decides (references, matching, comparing) runs
    first, outside any transaction; only the writes it planned run, in short
    transactions, so another writer (a scan, a logged call) waits a fraction
    of a second, not the whole import. A rejected row anywhere means nothing
    is written and no transaction is even begun; a transaction that fails has
    the ones before it taken back.
    """
    run = _Run(batch, builder)
    run.plan()
    if not commit or builder.rejected:
        return builder.build(committed=False)
    written = Written()
    try:
        run.write(written)
        totals = builder.build(committed=True).totals()
        with database.atomic():
            audit.record(actor, "import", "import", None, {
                "source": builder.source, "new": totals.new, "updated": totals.updated, "unchanged": totals.unchanged,
            })
    except BaseException as exc:
        kept = 0
        if written:
            try:
                kept = written.take_back()
            except peewee.DatabaseError as again:
                raise AcctError(f"the import failed part way ({_first_line(exc)}) and what it had written could not "
                                f"all be taken back ({_first_line(again)}): check the data, then import again") from exc
        if not isinstance(exc, (InvalidValue, peewee.DatabaseError)):
            raise
        failure = translate_error(exc)
        if isinstance(failure, (StorageFull, DatabaseBusy)):
            raise failure from exc
        # Validation should have caught it, or the data changed since it was checked.
        meanwhile = f" ({plural(kept, 'row')} someone changed meanwhile kept that change)" if kept else ""
        raise AcctError(f"the import was rolled back, nothing applied: {_first_line(exc)}{meanwhile}") from exc
    return builder.build(committed=True)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def fetch(model: type[BaseModel], values) -> dict[str, dict[str, Any]]:
    """Existing rows (as dicts of field values) by natural key, with the `acct-<id>` fallback."""
    name = lookup_field(model)
    fields = model._meta.sorted_fields
    values = list(values)
    found: dict[str, dict[str, Any]] = {}
    for row in as_dicts(model, select_in(model, fields, getattr(model, name), values)):
        found[row[name]] = row
    if name == "external_id" and has_no_key(model):  # only a row without an external id matches `acct-<id>`
        by_id = {int(m.group(1)): v for v in values if v not in found and (m := OWN_ID.match(v))}
        for row in as_dicts(model, select_in(model, fields, model.id, list(by_id))):
            if row["external_id"] is None:
                found[by_id[row["id"]]] = row
    return found


def fetch_ids(model: type[BaseModel], values) -> dict[str, int]:
    """Natural key -> id for existing rows: what references need, without loading whole rows."""
    name = lookup_field(model)
    column = getattr(model, name)
    values = list(values)
    found: dict[str, int] = {k: i for i, k in select_in(model, [model.id, column], column, values)}
    missing = [v for v in values if v not in found and OWN_ID.match(v)] if name == "external_id" else []
    if missing:
        found.update((k, row["id"]) for k, row in fetch(model, missing).items())
    return found


def compare(model, record: Staged, row: dict[str, Any], wanted: dict[str, Any], counts, updates: list) -> None:
    """A record that matches the stored `row`: counted unchanged, or updated with its changed fields queued."""
    fields = model._meta.fields
    changes = {k: v for k, v in wanted.items() if not same(fields[k], row.get(k), v)}
    if changes:
        counts.updated += 1
        updates.append((record, row, changes))
    else:
        counts.unchanged += 1


def same(model_field, old, new) -> bool:
    """Whether a stored value equals what the source says, across both backends' types."""
    if new is NEW:
        return False
    if old is None or new is None:
        return old is None and new is None
    if isinstance(model_field, DecimalField):
        step = Decimal(1).scaleb(-model_field.decimal_places)  # cents for money, finer for rates
        return Decimal(str(old)).quantize(step) == Decimal(str(new)).quantize(step)
    if isinstance(model_field, FloatField):
        return abs(float(old) - float(new)) <= 1e-9 * max(1.0, abs(float(new)))
    if isinstance(model_field, BooleanField):
        return bool(old) == bool(new)
    if isinstance(model_field, DateTimeField):
        return model_field.python_value(old) == new
    return old == new


class _Run:
    """An import in two steps: `plan` reads and decides, `write` carries the plan out."""

    def __init__(self, batch: Batch, builder: ReportBuilder):
        self.batch = batch
        self.builder = builder
        #: natural key -> id (or NEW) per table, filled as tables are processed.
        self.index: dict[type[BaseModel], dict[str, Any]] = defaultdict(dict)
        #: Per table, in order: the rows to insert and the rows to update.
        self.planned: list[tuple[type[BaseModel], list, list]] = []

    def plan(self) -> None:
        """Resolve, match and classify every record; reads only."""
        from acct_tui.io import columns

        for model in RECORD_MODELS:  # in the order their references need
            cols = self.batch.columns.get(model)
            if cols is not None and not columns.plan(self, model, cols):
                self.batch.staged[model] = cols.to_staged()  # a record to reject: the row path says why
            records = self.batch.staged.get(model)
            if records:
                self.table(model, records)

    def write(self, written: Written) -> None:
        """Insert and update what `plan` decided, table by table, a transaction per
        `ROWS_PER_TRANSACTION` rows; `written` keeps what each committed one did.

        A reference to a row this import creates was NEW when planned; the row
        exists by the time its table's turn comes, so its id is looked up here.
        """
        from acct_tui.io.columns import ColumnInserts

        for model, inserts, updates in self.planned:
            if isinstance(inserts, ColumnInserts):
                inserts.resolve_new(self.index)
            pending = [] if isinstance(inserts, ColumnInserts) else inserts
            for record, values in [*pending, *((record, changes) for record, _, changes in updates)]:
                for name, ref in record.refs.items():
                    if values.get(name) is NEW:
                        values[name] = self.index[ref.model][ref.value]
            step = ROWS_PER_TRANSACTION
            for start in range(0, max(len(inserts), len(updates)), step):
                with database.atomic():
                    done = self.store(model, inserts[start : start + step], updates[start : start + step])
                _remember(written, *done)
            self_refs = _self_refs(model)
            if self_refs:
                with database.atomic():
                    done = self.store_self_refs(model, inserts, updates, self_refs, lookup_field(model))
                written.updated.extend(done)

    def table(self, model: type[BaseModel], records: list[Staged]) -> None:
        simple_key = model not in COMPOSITE_KEYS
        existing: dict[Any, dict[str, Any]] = {}
        if simple_key:
            keys = self.batch.keys(model)
            existing = fetch(model, keys)
            index = self.index[model]
            for key, row in existing.items():
                index[key] = row["id"]
            for key in keys:
                index.setdefault(key, NEW)
        self.prefetch(model, records)

        accepted: list[tuple[Staged, tuple, dict[str, Any]]] = []
        seen: dict[tuple, int] = {}
        names = key_fields(model)
        # A natural key of one plain field (an external id, a login) is the record's own value:
        # no reference to resolve, so no call per part (322,000 records in a large import).
        own = names[0] if len(names) == 1 else None
        resolve, key_part = self.resolve, self.key_part
        for record in records:
            resolved, problems = resolve(record)
            if own is not None and own not in resolved:
                key = (record.values.get(own),)
            else:
                key = tuple([key_part(record, resolved, k) for k in names])
            if not problems and key in seen:
                problems.append(Problem(record.file, record.line, key_fields(model)[0],
                                        f"duplicate of line {seen[key]} ({', '.join(self.key_text(record, model))})"))
            if problems:
                self.builder.reject(record.bucket, problems)
                continue
            seen[key] = record.line
            accepted.append((record, key, resolved))
        if not simple_key:
            existing = self.fetch_composite(model, [k for _, k, _ in accepted])

        inserts: list[tuple[Staged, dict[str, Any]]] = []
        updates: list[tuple[Staged, BaseModel, dict[str, Any]]] = []
        buckets: dict[str, Any] = {}
        for record, key, resolved in accepted:
            wanted = {**record.values, **resolved}
            row = existing.get(key if not simple_key else key[0]) if existing else None
            bucket = record.label or record.file
            counts = buckets.get(bucket) or buckets.setdefault(bucket, self.builder.bucket(bucket))
            if row is None:
                counts.new += 1
                inserts.append((record, wanted))
                continue
            compare(model, record, row, wanted, counts, updates)
        self.planned.append((model, inserts, updates))

    @staticmethod
    def key_part(record: Staged, resolved: dict[str, Any], name: str):
        """One part of a record's natural key; a row not created yet is known by its own key."""
        value = resolved.get(name, record.values.get(name))
        return ("new", record.refs[name].value) if value is NEW else value

    @staticmethod
    def key_text(record: Staged, model: type[BaseModel]) -> list[str]:
        """The natural key as the file wrote it (a reference as its external id)."""
        return [record.refs[k].value if k in record.refs else str(record.values.get(k)) for k in key_fields(model)]

    def prefetch(self, model: type[BaseModel], records: list[Staged]) -> None:
        wanted: dict[type[BaseModel], set[str]] = defaultdict(set)
        for record in records:
            for ref in record.refs.values():
                if ref.value not in self.index[ref.model]:
                    wanted[ref.model].add(ref.value)
        for target, values in wanted.items():
            self.index[target].update(fetch_ids(target, values))

    def resolve(self, record: Staged) -> tuple[dict[str, Any], list[Problem]]:
        resolved: dict[str, Any] = {}
        problems: list[Problem] = []
        for name, ref in record.refs.items():
            target_id = self.index[ref.model].get(ref.value)
            if target_id is None:
                what = ref.model.__name__.lower()
                problems.append(Problem(record.file, record.line, ref.column,
                                        f"no {what} with {lookup_field(ref.model)} {ref.value!r}"))
            else:
                resolved[name] = target_id
        return resolved, problems

    def fetch_composite(self, model: type[BaseModel], keys: list[tuple]) -> dict[tuple, dict[str, Any]]:
        if model is MetricSample:
            return self.fetch_metrics(keys)
        # Rates: a small table, read whole.
        fields = COMPOSITE_KEYS[model]
        dates = {f for f in fields if isinstance(model._meta.fields[f], DateField)}
        return {tuple(as_date(row[f]) if f in dates else row[f] for f in fields): row for row in model.select().dicts()}

    def fetch_metrics(self, keys: list[tuple]) -> dict[tuple, dict[str, Any]]:
        account_ids = sorted({k[0] for k in keys if isinstance(k[0], int)})
        rows = as_dicts(MetricSample, select_in(MetricSample, MetricSample._meta.sorted_fields, MetricSample.account, account_ids))
        return {(row["account"], as_date(row["period"]), row["metric"]): row for row in rows}

    def store(self, model, inserts, updates) -> tuple:
        """Write one part of a table's plan (in the caller's transaction); what it wrote, for `Written`."""
        self_refs = _self_refs(model)
        by_column = getattr(inserts, "data", None)  # `io.columns.ColumnInserts`: a table with no self reference
        # Consecutive rows with the same columns share one statement: file order is kept.
        runs: list[list[dict]] = []
        for record, wanted in inserts if by_column is None else ():
            row = {k: v for k, v in wanted.items() if not (k in self_refs and k in record.refs)} if self_refs else wanted
            if not runs or runs[-1][0].keys() != row.keys():
                runs.append([])
            runs[-1].append(row)
        before = last_id(model) if len(inserts) else None
        with search_indexed_together(model):
            for rows in runs:
                insert_rows(model, rows)
            if by_column is not None and len(inserts):
                insert_rows(model, by_column)
        stamp = {"updated_at": now()} if "updated_at" in model._meta.fields else {}
        changed = []
        for record, row, changes in updates:
            plain = {k: v for k, v in changes.items() if not (k in self_refs and k in record.refs)}
            if plain:
                model.update({**plain, **stamp}).where(model.id == row["id"]).execute()
                wrote = {**plain, **stamp}
                changed.append((model, row["id"], {k: row[k] for k in wrote}, wrote))
        if model in COMPOSITE_KEYS:
            fields = [model._meta.fields[k] for k in COMPOSITE_KEYS[model]]
            keys = list(zip(*(by_column[f.name] for f in fields))) if by_column is not None else \
                [tuple(wanted[f.name] for f in fields) for _, wanted in inserts]
            return (model, None, fields, keys), changed
        name = lookup_field(model)
        keys = by_column[name] if by_column is not None else [wanted[name] for _, wanted in inserts]
        created = new_ids(model, keys, before) or fetch_ids(model, keys)
        self.index[model].update(created)
        return (model, list(created.values()), None, None), changed

    def store_self_refs(self, model, inserts, updates, self_refs, name) -> list[tuple]:
        """Second pass for references within one table (a user's manager): ids exist now.
        Returns what it changed in rows that were there before (old and new values), for `Written`."""
        todo = [(record, None, set(record.refs) & self_refs) for record, _ in inserts]
        todo += [(record, row, set(changes) & set(record.refs) & self_refs) for record, row, changes in updates]
        changed = []
        for record, row, fields in todo:
            if fields:
                target_ids = {f: self.index[model][record.refs[f].value] for f in fields}
                row_id = self.index[model][record.values[name]]
                model.update(target_ids).where(model.id == row_id).execute()
                if row is not None:
                    changed.append((model, row_id, {f: row[f] for f in fields}, target_ids))
        return changed


def _self_refs(model: type[BaseModel]) -> set[str]:
    """Fields of `model` that point at another row of the same table (a user's manager)."""
    return {name for name, f in model._meta.fields.items() if isinstance(f, ForeignKeyField) and f.rel_model is model}


def _remember(written: Written, inserted: tuple, changed: list) -> None:
    model, ids, fields, keys = inserted
    if ids:
        written.inserted.append((model, ids))
    elif keys:
        written.inserted.append((model, fields, keys))
    written.updated.extend(changed)
