"""Every account has a pulse row (migration 0011), and the pulse's newest touch and visit are indexed.

Today's first page finds the customers past a target by enough
(`services.today_page`) from the pulse alone: a touch (visit) older than the
most lenient cutoff day, dated after now, or none at all, each an index
range, instead of a pass over every account. "None at all" needs a row for
every account: a trigger adds one with each new account, and this
migration adds the rows the accounts without a touch or a snapshot lack.
The accounts' own cadences (`contact_days`, `visit_days`) are indexed for
their smallest value, the most lenient target.
"""

from peewee import PostgresqlDatabase

INDEXES = (
    ("account_pulse_last_touch_at", "account_pulse (last_touch_at)"),
    ("account_pulse_last_visit_at", "account_pulse (last_visit_at)"),
    ("account_contact_days", "account (contact_days)"),
    ("account_visit_days", "account (visit_days)"),
)
#: Every account's row, for a new database and after a bulk load (`demo/writer.pulse_deferred`).
MISSING_ROWS = "INSERT INTO account_pulse (account_id) SELECT id FROM account WHERE id NOT IN (SELECT account_id FROM account_pulse)"
SQLITE_TRIGGER = ("acct_pulse_account_insert", "CREATE TRIGGER acct_pulse_account_insert AFTER INSERT ON account BEGIN "
                  "INSERT INTO account_pulse (account_id) VALUES (NEW.id) ON CONFLICT (account_id) DO NOTHING; END")
PG_TRIGGER = ("acct_pulse_account", "account")
PG_FUNCTION = """CREATE OR REPLACE FUNCTION acct_pulse_account() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO account_pulse (account_id) VALUES (NEW.id) ON CONFLICT (account_id) DO NOTHING;
    RETURN NULL;
END $$"""


def up(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql(PG_FUNCTION)
        db.execute_sql("CREATE TRIGGER acct_pulse_account AFTER INSERT ON account FOR EACH ROW EXECUTE FUNCTION acct_pulse_account()")
    else:
        db.execute_sql(SQLITE_TRIGGER[1])
    db.execute_sql(MISSING_ROWS)
    for name, on in INDEXES:
        db.execute_sql(f"CREATE INDEX IF NOT EXISTS {name} ON {on}")


def down(migrator, db):
    for name, _ in INDEXES:
        db.execute_sql(f"DROP INDEX IF EXISTS {name}")
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("DROP TRIGGER IF EXISTS acct_pulse_account ON account")
        db.execute_sql("DROP FUNCTION IF EXISTS acct_pulse_account()")
    else:
        db.execute_sql("DROP TRIGGER IF EXISTS acct_pulse_account_insert")
    db.execute_sql("DELETE FROM account_pulse WHERE last_touch_at IS NULL AND health_score IS NULL")
