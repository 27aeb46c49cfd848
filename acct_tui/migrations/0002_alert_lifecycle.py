"""Alerts remember how a person resolved them, so the scan respects it.

- `resolved_severity`: set when a person resolves an alert; while the
  condition holds at that severity or lower, the alert stays resolved.
- `cleared_at`: when the scan first saw the condition gone after that; if
  it then returns, the alert reopens.
- `reopen_note`: why the scan reopened a resolved alert ("worse than when
  resolved", "came back after clearing").
"""

from peewee import CharField, DateTimeField, TextField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("alert", "resolved_severity", CharField(max_length=20, null=True)),
        migrator.add_column("alert", "cleared_at", DateTimeField(null=True)),
        migrator.add_column("alert", "reopen_note", TextField(null=True)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column("alert", "resolved_severity"),
        migrator.drop_column("alert", "cleared_at"),
        migrator.drop_column("alert", "reopen_note"),
    )
