"""Records that can be corrected remember when: `edited_at` on touches, commitments,
milestones and planned visits (null until someone edits one; the timeline says
"edited").

A column, not a table: on PostgreSQL the row-level security policies of 0003
are per table (`FOR ALL`), so the new column is read and written under the
same policy as the rest of its row, and the group's grants (`acct_secure`)
are per table too. On SQLite a nullable column is added in place
(ALTER TABLE ADD COLUMN), so 0009's search triggers stay as they are.
"""

from peewee import DateTimeField

TABLES = ("activity", "action_item", "milestone", "planned_visit")


def up(migrator, db):
    migrator.migrate(*(migrator.add_column(table, "edited_at", DateTimeField(null=True)) for table in TABLES))


def down(migrator, db):
    migrator.migrate(*(migrator.drop_column(table, "edited_at") for table in TABLES))
