"""Each account's pulse, kept by the database: its newest touch and visit, its newest health and drop.

`account_pulse` holds one row per account that has a touch or a health
snapshot: the newest `occurred_at` of its touches (`enums.TOUCH_KINDS`) and
of its visits, whenever they are dated (a touch logged for a later day
counts too: readers that need "at or before now" check it), and the score of
its newest health snapshot with the points it lost against the newest one
`TREND_DAYS` (7) or more days older (0 when it did not lose any).

Today's first page (`services.today_page`) reads it to bound every account's
urgency in one pass instead of seeking each account's activities and
snapshots. It is derived data: triggers keep it current on every insert,
update and delete of an activity or a snapshot, whatever writes them, and a
bulk load may drop the triggers and rebuild it in one statement
(`demo/writer.pulse_deferred`, `PULSE_REBUILD`).

SQLite: AFTER triggers; an insert folds the new row in (`max`), an update or
delete of the newest row recomputes the account's (a seek per touch kind on
`activity(account_id, kind, occurred_at)`). PostgreSQL: the same in PL/pgSQL,
SECURITY DEFINER so a writer under row-level security keeps the pulse of the
rows it may write; people read the pulse of the accounts they see, and write none.
"""

from peewee import PostgresqlDatabase

TOUCH_KINDS = ("visit", "call", "email", "meeting", "update")  # enums.TOUCH_KINDS when this was written
TREND_DAYS = 7  # services.health.TREND_DAYS when this was written
_KINDS = ", ".join(f"'{kind}'" for kind in TOUCH_KINDS)


def _touch_sql(account: str) -> tuple[str, str]:
    return (f"(SELECT MAX(a.occurred_at) FROM activity a WHERE a.account_id = {account} AND a.kind IN ({_KINDS}))",
            f"(SELECT MAX(a.occurred_at) FROM activity a WHERE a.account_id = {account} AND a.kind = 'visit')")


def _health_sql(account: str, days_before: str) -> tuple[str, str]:
    newest = f"(SELECT h.score FROM health_snapshot h WHERE h.account_id = {account} ORDER BY h.taken_on DESC LIMIT 1)"
    newest_on = f"(SELECT MAX(h.taken_on) FROM health_snapshot h WHERE h.account_id = {account})"
    before = (f"(SELECT o.score FROM health_snapshot o WHERE o.account_id = {account} "
              f"AND o.taken_on <= {days_before.format(newest_on)} ORDER BY o.taken_on DESC LIMIT 1)")
    return newest, f"(SELECT CASE WHEN b > n THEN b - n ELSE 0 END FROM (SELECT {newest} AS n, {before} AS b) AS d)"


def _recompute(account: str, values: dict[str, str]) -> str:
    """An upsert of `account`'s pulse: each column in `values` set to its SQL (one statement)."""
    columns = ", ".join(values)
    return (f"INSERT INTO account_pulse (account_id, {columns}) SELECT id, {', '.join(values.values())} "
            f"FROM account WHERE id = {account} ON CONFLICT (account_id) DO UPDATE SET "
            + ", ".join(f"{column} = excluded.{column}" for column in values))


_SQLITE_DAYS_BEFORE = "date({}, '-%d days')" % TREND_DAYS
_PG_DAYS_BEFORE = "({}) - %d" % TREND_DAYS

TABLE = """
CREATE TABLE account_pulse (
    account_id INTEGER NOT NULL PRIMARY KEY REFERENCES account (id) ON DELETE CASCADE,
    last_touch_at {ts},
    last_visit_at {ts},
    health_score SMALLINT,
    health_drop SMALLINT
)"""


def rebuild_sql(postgres: bool) -> list[str]:
    """Statements that fill `account_pulse` anew from the activities and snapshots."""
    score, drop = _health_sql("t.account_id", _PG_DAYS_BEFORE if postgres else _SQLITE_DAYS_BEFORE)
    return [
        "DELETE FROM account_pulse",
        f"""INSERT INTO account_pulse (account_id, last_touch_at, last_visit_at)
            SELECT account_id, MAX(occurred_at), MAX(CASE WHEN kind = 'visit' THEN occurred_at END)
              FROM activity WHERE kind IN ({_KINDS}) GROUP BY account_id""",
        f"""INSERT INTO account_pulse (account_id, health_score, health_drop)
            SELECT t.account_id, {score}, {drop} FROM (SELECT DISTINCT account_id FROM health_snapshot) AS t
            WHERE true ON CONFLICT (account_id) DO UPDATE
              SET health_score = excluded.health_score, health_drop = excluded.health_drop""",
    ]


def _sqlite_triggers() -> list[str]:
    touch, visit = _touch_sql("OLD.account_id")
    recompute_touch = _recompute("OLD.account_id", {"last_touch_at": touch, "last_visit_at": visit}) + ";"
    fold_in = (f"INSERT INTO account_pulse (account_id, last_touch_at, last_visit_at) "
               f"VALUES (NEW.account_id, NEW.occurred_at, CASE WHEN NEW.kind = 'visit' THEN NEW.occurred_at END) "
               f"ON CONFLICT (account_id) DO UPDATE SET "
               f"last_touch_at = CASE WHEN last_touch_at IS NULL OR excluded.last_touch_at > last_touch_at "
               f"THEN excluded.last_touch_at ELSE last_touch_at END, "
               f"last_visit_at = CASE WHEN excluded.last_visit_at IS NOT NULL AND (last_visit_at IS NULL "
               f"OR excluded.last_visit_at > last_visit_at) THEN excluded.last_visit_at ELSE last_visit_at END;")
    score, drop = _health_sql("{0}.account_id", _SQLITE_DAYS_BEFORE)

    def health(row: str) -> str:
        return _recompute(f"{row}.account_id", {"health_score": score.format(row), "health_drop": drop.format(row)}) + ";"

    return [
        f"CREATE TRIGGER acct_pulse_activity_insert AFTER INSERT ON activity WHEN NEW.kind IN ({_KINDS}) BEGIN {fold_in} END",
        # An update or delete of anything but the newest touch leaves the pulse as it is.
        f"CREATE TRIGGER acct_pulse_activity_delete AFTER DELETE ON activity WHEN OLD.kind IN ({_KINDS}) AND "
        f"OLD.occurred_at >= (SELECT last_touch_at FROM account_pulse WHERE account_id = OLD.account_id) "
        f"BEGIN {recompute_touch} END",
        f"CREATE TRIGGER acct_pulse_activity_update AFTER UPDATE OF account_id, kind, occurred_at ON activity "
        f"BEGIN {recompute_touch} {recompute_touch.replace('OLD.', 'NEW.')} END",
        f"CREATE TRIGGER acct_pulse_health_insert AFTER INSERT ON health_snapshot BEGIN {health('NEW')} END",
        f"CREATE TRIGGER acct_pulse_health_update AFTER UPDATE OF account_id, taken_on, score ON health_snapshot "
        f"BEGIN {health('OLD')} {health('NEW')} END",
        f"CREATE TRIGGER acct_pulse_health_delete AFTER DELETE ON health_snapshot BEGIN {health('OLD')} END",
    ]


#: SQLite's trigger names (a bulk load drops and re-creates them).
SQLITE_TRIGGERS = ("acct_pulse_activity_insert", "acct_pulse_activity_delete", "acct_pulse_activity_update",
                   "acct_pulse_health_insert", "acct_pulse_health_update", "acct_pulse_health_delete")


def _pg_functions() -> list[str]:
    touch, visit = _touch_sql("acc")
    score, drop = _health_sql("acc", _PG_DAYS_BEFORE)
    recompute = {"acct_pulse_touch": {"last_touch_at": touch, "last_visit_at": visit},
                 "acct_pulse_health": {"health_score": score, "health_drop": drop}}
    return [
        *(f"""CREATE OR REPLACE FUNCTION {name}(acc integer) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
        BEGIN
            {_recompute("acc", values)};
        END $$""" for name, values in recompute.items()),
        f"""CREATE OR REPLACE FUNCTION acct_pulse_activity() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                IF NEW.kind IN ({_KINDS}) THEN
                    INSERT INTO account_pulse AS p (account_id, last_touch_at, last_visit_at)
                    VALUES (NEW.account_id, NEW.occurred_at, CASE WHEN NEW.kind = 'visit' THEN NEW.occurred_at END)
                    ON CONFLICT (account_id) DO UPDATE
                      SET last_touch_at = GREATEST(p.last_touch_at, excluded.last_touch_at),
                          last_visit_at = GREATEST(p.last_visit_at, excluded.last_visit_at);
                END IF;
                RETURN NULL;
            END IF;
            IF TG_OP = 'UPDATE' AND NEW.account_id IS DISTINCT FROM OLD.account_id THEN
                PERFORM acct_pulse_touch(NEW.account_id);
            END IF;
            IF TG_OP = 'UPDATE' OR OLD.occurred_at >= (SELECT last_touch_at FROM account_pulse WHERE account_id = OLD.account_id) THEN
                PERFORM acct_pulse_touch(OLD.account_id);
            END IF;
            RETURN NULL;
        END $$""",
        """CREATE OR REPLACE FUNCTION acct_pulse_snapshot() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN
                PERFORM acct_pulse_health(OLD.account_id);
            END IF;
            IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.account_id IS DISTINCT FROM OLD.account_id) THEN
                PERFORM acct_pulse_health(NEW.account_id);
            END IF;
            RETURN NULL;
        END $$""",
        "CREATE TRIGGER acct_pulse_activity AFTER INSERT OR DELETE OR UPDATE OF account_id, kind, occurred_at "
        "ON activity FOR EACH ROW EXECUTE FUNCTION acct_pulse_activity()",
        "CREATE TRIGGER acct_pulse_snapshot AFTER INSERT OR DELETE OR UPDATE OF account_id, taken_on, score "
        "ON health_snapshot FOR EACH ROW EXECUTE FUNCTION acct_pulse_snapshot()",
    ]


#: PostgreSQL's triggers, as (name, table): a bulk load disables and enables them.
PG_TRIGGERS = (("acct_pulse_activity", "activity"), ("acct_pulse_snapshot", "health_snapshot"))


#: Read as the account's other rows are; written by the triggers only (a policy for reading and
#: none for writing: `acct_secure` leaves a table with a policy as it is).
PG_POLICY = (
    "ALTER TABLE account_pulse ENABLE ROW LEVEL SECURITY",
    "CREATE POLICY acct_visible ON account_pulse FOR SELECT USING "
    "((SELECT acct_sees_all(current_user)) OR account_id IN (SELECT acct_visible_accounts(current_user)))",
)


def up(migrator, db):
    postgres = isinstance(db, PostgresqlDatabase)
    db.execute_sql(TABLE.format(ts="timestamp" if postgres else "DATETIME"))
    for statement in (*_pg_functions(), *PG_POLICY) if postgres else _sqlite_triggers():
        db.execute_sql(statement)
    for statement in rebuild_sql(postgres):
        db.execute_sql(statement)


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        for name, table in PG_TRIGGERS:
            db.execute_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        for function in ("acct_pulse_activity()", "acct_pulse_snapshot()", "acct_pulse_touch(integer)",
                         "acct_pulse_health(integer)"):
            db.execute_sql(f"DROP FUNCTION IF EXISTS {function}")
    else:
        for name in SQLITE_TRIGGERS:
            db.execute_sql(f"DROP TRIGGER IF EXISTS {name}")
    db.execute_sql("DROP TABLE IF EXISTS account_pulse")
