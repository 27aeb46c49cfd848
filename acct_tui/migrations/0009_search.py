"""Full-text search over what was written: touches, cases, commitments, milestones.

Each searchable table gets an index of its folded text (accents and case
gone, Chinese and Japanese characters one word each: the rules of
`core/search_text.py`), built here for the rows already there and kept
current by the database on every insert, update and delete, whatever
writes them:

| table | text |
|---|---|
| activity | subject, summary, outcome |
| case | subject |
| action_item (commitments) | title |
| milestone | title |

SQLite: an FTS5 table per source (`search_activity`, ...; `unicode61
remove_diacritics 2`, rowid = the record's id) filled by triggers that call
`acct_search_fold`, the Python folding every acct-tui connection registers
(`db_sqlite`); a view `search_<table>_source` holds the recipe, so a bulk
load can drop the triggers and refill the index in one statement
(`demo/writer.search_deferred`).

PostgreSQL: a stored generated column `search_vector` (`to_tsvector('simple',
acct_search_fold(...))`) with a GIN index; `acct_search_fold` uses the
`unaccent` extension when this migration may create it (it is a trusted
extension: a database owner may), else a `translate()` over the Latin
letters with accents. Row-level security applies as to any query of these
tables.
"""

import unicodedata

from peewee import PostgresqlDatabase

#: (table, its searchable columns), as the index sees them.
SOURCES = (
    ("activity", ("subject", "summary", "outcome")),
    ("case", ("subject",)),
    ("action_item", ("title",)),
    ("milestone", ("title",)),
)

#: Han and kana: one word per character (as core/search_text.CJK_RANGES when this was written).
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

SPELT = {"đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ħ": "h", "Ħ": "H",
         "ŧ": "t", "Ŧ": "T", "ı": "i"}


def _q(name: str) -> str:
    return f'"{name}"'


# -- SQLite -------------------------------------------------------------------


def _sqlite_statements(table: str, columns: tuple[str, ...]) -> list[str]:
    fts = f"search_{table}"
    old = ", ".join(f"old.{c}" for c in columns)
    new = ", ".join(f"new.{c}" for c in columns)
    listed = ", ".join(columns)
    return [
        f"CREATE VIEW {fts}_source AS SELECT id, acct_search_fold({listed}) AS body FROM {_q(table)}",
        f"CREATE VIRTUAL TABLE {fts} USING fts5(body, tokenize = 'unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER acct_{fts}_insert AFTER INSERT ON {_q(table)} BEGIN "
        f"INSERT INTO {fts} (rowid, body) VALUES (new.id, acct_search_fold({new})); END",
        f"CREATE TRIGGER acct_{fts}_delete AFTER DELETE ON {_q(table)} BEGIN "
        f"DELETE FROM {fts} WHERE rowid = old.id; END",
        f"CREATE TRIGGER acct_{fts}_update AFTER UPDATE OF id, {listed} ON {_q(table)} BEGIN "
        f"DELETE FROM {fts} WHERE rowid = old.id; "
        f"INSERT INTO {fts} (rowid, body) VALUES (new.id, acct_search_fold({new})); END",
        f"INSERT INTO {fts} (rowid, body) SELECT id, body FROM {fts}_source",
    ]


# -- PostgreSQL ---------------------------------------------------------------


def _translate_pairs() -> tuple[str, str]:
    """Latin letters with accents -> their base letter, for `translate()` without unaccent."""
    source, target = [], []
    for code in list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        base = SPELT.get(char, base)
        if len(base) == 1 and base != char and base.isascii():
            source.append(char)
            target.append(base)
    return "".join(source), "".join(target)


def _unaccent_call(db) -> str:
    """The SQL that removes accents from `t`: the unaccent extension when it can be had."""
    try:
        with db.atomic():  # a savepoint: a refusal must not abort the migration
            db.execute_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
    except Exception:
        pass
    row = db.execute_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'"
    ).fetchone()
    if row:
        schema = row[0].replace('"', '""')
        return f"\"{schema}\".unaccent('\"{schema}\".unaccent'::regdictionary, t)"
    source, target = _translate_pairs()
    return f"translate(t, '{source}', '{target}')"


def _postgres_functions(unaccent: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION acct_search_fold(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT regexp_replace(regexp_replace(lower({unaccent}), '[!-/:-@\\[-`{{-~]+', ' ', 'g'), '([{CJK}])', ' \\1 ', 'g')
$$;
CREATE OR REPLACE FUNCTION acct_search_vector(VARIADIC parts text[]) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT to_tsvector('pg_catalog.simple', acct_search_fold(array_to_string(parts, ' ')))
$$;
"""


def up(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        functions = _postgres_functions(_unaccent_call(db))
        with db.connection().cursor() as cursor:
            cursor.execute(functions)
        for table, columns in SOURCES:
            listed = ", ".join(columns)
            db.execute_sql(
                f"ALTER TABLE {_q(table)} ADD COLUMN search_vector tsvector "
                f"GENERATED ALWAYS AS (acct_search_vector({listed})) STORED"
            )
            db.execute_sql(f"CREATE INDEX {table}_search_vector ON {_q(table)} USING gin (search_vector)")
        return
    for table, columns in SOURCES:
        for statement in _sqlite_statements(table, columns):
            db.execute_sql(statement)


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        for table, _ in SOURCES:
            db.execute_sql(f"ALTER TABLE {_q(table)} DROP COLUMN IF EXISTS search_vector")
        db.execute_sql("DROP FUNCTION IF EXISTS acct_search_vector(text[])")
        db.execute_sql("DROP FUNCTION IF EXISTS acct_search_fold(text)")
        return
    for table, _ in SOURCES:
        fts = f"search_{table}"
        for suffix in ("insert", "delete", "update"):
            db.execute_sql(f"DROP TRIGGER IF EXISTS acct_{fts}_{suffix}")
        db.execute_sql(f"DROP TABLE IF EXISTS {fts}")
        db.execute_sql(f"DROP VIEW IF EXISTS {fts}_source")
