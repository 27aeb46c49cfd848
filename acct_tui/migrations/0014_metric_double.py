"""A metric sample's value is a double on PostgreSQL too, as it always was on SQLite.

peewee's `FloatField` is `REAL`: 8 bytes on SQLite, 4 on PostgreSQL, where a
revenue month of 12,345,678.91 was kept as 12,345,679 and the same data
judged a little differently on the two databases. Values stored before this
migration keep the digits they had; new ones keep all of theirs.
"""

from peewee import PostgresqlDatabase


def up(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("ALTER TABLE metric_sample ALTER COLUMN value TYPE double precision")


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("ALTER TABLE metric_sample ALTER COLUMN value TYPE real")
