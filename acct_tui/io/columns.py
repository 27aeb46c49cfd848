"""A file of our own format a column at a time: parsed, checked, matched and written in whole columns.

The row path (`csvdir.parse_file`, then `plan._Run.table` and `store`) makes a `Row`, two dicts
and a dozen calls per row and per cell: 300,000 rows were seconds of Python. Here each column is
stripped, checked and converted at once (a vocabulary or a date once per distinct cell), each
reference column resolved with one dict lookup per cell, and the rows to insert are handed to
`executemany` as tuples zipped from the columns.

It only takes what it does exactly as the row path would: a file with a cell the row path would
reject or treat specially (a control character, a ragged row, a bad or missing value), or a
record it would reject when planned (a reference to nothing, a duplicate key), goes to the row
path whole, which then does what it always did: the same problems, the same messages, the same
rows. A record that matches a stored row goes through the row path's comparison (`to_staged`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from acct_tui.core.text import clean_text
from acct_tui.io import common
from acct_tui.io.plan import COMPOSITE_KEYS, NEW, Ref, Staged, compare, fetch, fetch_ids, key_fields
from acct_tui.models import BaseModel


@dataclass
class Columns:
    """One file's records by column: `data[name][i]` is record i's value (a reference: the other
    record's natural key, None when empty), `order` the columns as the row path puts them in
    its dicts, with each reference's target table."""

    file: str
    lines: list[int]
    order: list[tuple[str, type[BaseModel] | None]]
    data: dict[str, list]

    def __len__(self) -> int:
        return len(self.lines)

    def record(self, i: int) -> Staged:
        """Record i as the row path stages it: an empty reference is a None value, the others `Ref`s."""
        values: dict[str, Any] = {}
        refs: dict[str, Ref] = {}
        for name, target in self.order:
            value = self.data[name][i]
            if target is None or value is None:
                values[name] = value
            else:
                refs[name] = Ref(target, value, name)
        return Staged(self.file, self.lines[i], values, refs)

    def to_staged(self) -> list[Staged]:
        return [self.record(i) for i in range(len(self.lines))]


def parse(label: str, model: type[BaseModel], columns: list, header: list[str], lines: list[int],
          rows: list[list[str]], clean: bool, convert_for, default_of) -> Columns | None:
    """`rows` (of `common.read_cells`) as `Columns`, or None when the row path must read them.

    `columns`: the spec's columns present in the header, in the spec's order; `convert_for(column)`
    the row path's converter of a non-empty cell; `default_of(field)` a field's default value."""
    width = len(header)
    if not clean or not rows or len(set(header)) != width or set(map(len, rows)) != {width}:
        return None
    data: dict[str, list] = {}
    for column in columns:
        values = _column(model, column, rows, header.index(column.name), convert_for, default_of)
        if values is None:
            return None
        data[column.name] = values
    order = [(c.name, c.target if c.kind == "ref" else None) for c in columns]
    return Columns(label, lines, order, data)


def _column(model, column, rows, at, convert_for, default_of) -> list | None:
    """Column `at`'s values, as the row path's clean-row parsers give them; None if a cell is one it rejects."""
    field = model._meta.fields[column.name]
    values = [cells[at].strip() for cells in rows]
    empty = [i for i, v in enumerate(values) if not v] if "" in values else []
    if empty and column.required:
        return None
    if column.kind in ("text", "ref"):
        max_len = None if column.kind == "ref" else getattr(field, "max_length", None)
        joined = "\x00".join(values)  # a clean file holds no NUL
        if max_len is not None and ("\n" in joined or "\t" in joined):  # one line: tabs and newlines become spaces
            values = [clean_text(v, multiline=False) if "\n" in v or "\t" in v else v for v in values]
        if "\x00'" in "\x00" + joined:  # a cell our export escaped as a formula
            values = [v[1:] if v[:1] == "'" and common.ESCAPED_FORMULA.match(v) else v for v in values]
        if max_len is not None and max(map(len, values)) > max_len:
            return None
    else:
        convert = convert_for(column)
        try:  # once per distinct cell: a vocabulary, a day, a month repeat down a column
            known = {cell: convert(cell) for cell in dict.fromkeys(values) if cell}
        except ValueError:
            return None
        known[""] = None
        values = [known[v] for v in values]
    for i in empty:
        if column.kind == "ref" or field.null:
            values[i] = None
        elif (value := default_of(field)) is None:
            return None
        else:
            values[i] = value
    return values


class ColumnInserts:
    """New rows of one table by column, in file order: `data[name]`, a reference already an id
    (NEW for a row this import creates, looked up when written: `resolve_new`)."""

    def __init__(self, data: dict[str, list], refs: dict[str, tuple[type[BaseModel], list]]):
        self.data = data
        self.refs = refs  # name -> (target table, natural keys)

    def __len__(self) -> int:
        return len(next(iter(self.data.values()))) if self.data else 0

    def __getitem__(self, part: slice) -> ColumnInserts:
        return ColumnInserts({k: v[part] for k, v in self.data.items()},
                             {k: (t, keys[part]) for k, (t, keys) in self.refs.items()})

    def resolve_new(self, index: dict) -> None:
        for name, (target, keys) in self.refs.items():
            ids = self.data[name]
            if NEW in ids:
                found = index[target]
                self.data[name] = [found[k] if i is NEW else i for i, k in zip(ids, keys)]


def plan(run, model: type[BaseModel], cols: Columns) -> bool:
    """Plan `cols` as `run.table` plans records, or False, having counted and planned nothing, when a
    record would be rejected (a reference to nothing, a duplicate key): the row path then reports it."""
    index, n = run.index, len(cols)
    names = key_fields(model)
    simple = model not in COMPOSITE_KEYS
    refs = dict((name, target) for name, target in cols.order if target is not None)
    if simple and (names[0] not in cols.data or names[0] in refs):
        return False
    existing: dict = {}
    if simple:
        keys = cols.data[names[0]]
        existing = fetch(model, set(keys))
        own = index[model]
        for key, row in existing.items():
            own[key] = row["id"]
        own.update(dict.fromkeys(set(keys).difference(own), NEW))
    wanted: dict[type[BaseModel], set[str]] = defaultdict(set)
    for name, target in refs.items():
        known = index[target]
        wanted[target].update(v for v in set(cols.data[name]) if v is not None and v not in known)
    for target, values in wanted.items():
        index[target].update(fetch_ids(target, values))

    resolved: dict[str, list] = {}
    for name, target in refs.items():
        keys_of = cols.data[name]
        ids = list(map(index[target].get, keys_of))
        if ids.count(None) != keys_of.count(None):
            return False  # a reference to nothing: the row path says which
        resolved[name] = ids
    if simple:
        keys = cols.data[names[0]]
        if len(set(keys)) != n:
            return False
    else:
        parts = []
        for name in names:
            if name in resolved:
                ids = resolved[name]
                parts.append([("new", k) if i is NEW else i for i, k in zip(ids, cols.data[name])] if NEW in ids else ids)
            else:
                parts.append(cols.data.get(name) or [None] * n)
        keys = list(zip(*parts))
        if len(set(keys)) != n:
            return False
        existing = run.fetch_composite(model, keys)

    counts = run.builder.bucket(cols.file)
    data = {name: resolved.get(name, values) for name, values in cols.data.items()}
    matched = [i for i, key in enumerate(keys) if key in existing] if existing else []
    updates = []
    if matched:
        for i in matched:
            record = cols.record(i)
            wanted = {**record.values, **{name: data[name][i] for name in record.refs}}
            compare(model, record, existing[keys[i]], wanted, counts, updates)
        keep = sorted(set(range(n)) - set(matched))
        data = {name: [values[i] for i in keep] for name, values in data.items()}
        ref_keys = {name: (target, [cols.data[name][i] for i in keep]) for name, target in refs.items()}
    else:
        ref_keys = {name: (target, cols.data[name]) for name, target in refs.items()}
    inserts = ColumnInserts(data, ref_keys)
    counts.new += len(inserts)
    run.planned.append((model, inserts, updates))
    return True


__all__ = ["ColumnInserts", "Columns", "parse", "plan"]
