"""An index on activity (author, kind, occurred_at).

The Team pane's "Quiet" column is each person's newest touch
(`services.touches.last_touch_by_author`): with this index it is a few
index seeks per person instead of a scan of every activity.
"""


def up(migrator, db):
    migrator.migrate(migrator.add_index("activity", ("author_id", "kind", "occurred_at"), False))


def down(migrator, db):
    migrator.migrate(migrator.drop_index("activity", "activity_author_id_kind_occurred_at"))
