"""Indexes for the bounds Today's first page reads (`services.today_page`): each an index seek
or an index-only pass instead of a pass over every account.

- the lowest health and the largest drop in `account_pulse` (migration 0011);
- the book's value per currency, its count and its largest value
  (`today_facts.book_value`): `account (currency, status, annual_value)`,
  read without the table's rows (100k accounts: 40 ms -> 13 ms on SQLite).
"""

INDEXES = (
    ("account_pulse_health_score", "account_pulse (health_score)"),
    ("account_pulse_health_drop", "account_pulse (health_drop)"),
    ("account_currency_status_annual_value", "account (currency, status, annual_value)"),
)


def up(migrator, db):
    for name, on in INDEXES:
        db.execute_sql(f"CREATE INDEX IF NOT EXISTS {name} ON {on}")


def down(migrator, db):
    for name, _ in INDEXES:
        db.execute_sql(f"DROP INDEX IF EXISTS {name}")
