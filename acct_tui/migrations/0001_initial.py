"""The first schema: every table of the domain.

A frozen copy, generated from the models of this release by
`python -m playhouse.migrations ... initial`; later changes are new numbered files.
"""
from peewee import *


def up(migrator, db):
    class Team(Model):
        name = CharField(unique=True, max_length=80)
        class Meta:
            database = db
            table_name = 'team'
    db.create_tables([Team])

    class User(Model):
        login = CharField(unique=True, max_length=80)
        name = CharField(max_length=120)
        email = CharField(null=True, max_length=200)
        role = CharField(max_length=20, default='am')
        team = ForeignKeyField(Team, null=True, on_delete='SET NULL')
        manager = ForeignKeyField('self', null=True, on_delete='SET NULL')
        active = BooleanField(default=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'user'
    db.create_tables([User])

    class Account(Model):
        external_id = CharField(unique=True, null=True, max_length=80)
        name = CharField(index=True, max_length=200)
        tier = CharField(index=True, max_length=20, default='standard')
        owner = ForeignKeyField(User, null=True, on_delete='SET NULL')
        industry = CharField(null=True, max_length=80)
        annual_value = DecimalField(max_digits=16, decimal_places=2, default=0)
        currency = CharField(max_length=3, default='USD')
        status = CharField(index=True, max_length=20, default='active')
        churned_on = DateField(null=True)
        renewal_date = DateField(index=True, null=True)
        contract_start = DateField(null=True)
        contact_days = IntegerField(null=True)
        visit_days = IntegerField(null=True)
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'account'
    db.create_tables([Account])

    class Contact(Model):
        external_id = CharField(unique=True, null=True, max_length=80)
        account = ForeignKeyField(Account, on_delete='CASCADE')
        name = CharField(max_length=160)
        title = CharField(null=True, max_length=160)
        email = CharField(null=True, max_length=200)
        phone = CharField(null=True, max_length=60)
        role = CharField(max_length=20, default='user')
        birthday = DateField(null=True)
        added_on = DateField(null=True)
        left_on = DateField(null=True)
        class Meta:
            database = db
            table_name = 'contact'
    db.create_tables([Contact])

    class Activity(Model):
        external_id = CharField(unique=True, null=True, max_length=80)
        account = ForeignKeyField(Account, on_delete='CASCADE')
        contact = ForeignKeyField(Contact, null=True, on_delete='SET NULL')
        author = ForeignKeyField(User, null=True, on_delete='SET NULL')
        kind = CharField(max_length=20)
        occurred_at = DateTimeField()
        duration_min = IntegerField(null=True)
        subject = CharField(max_length=300, default='')
        summary = TextField(null=True)
        outcome = TextField(null=True)
        sentiment = SmallIntegerField(null=True)
        attendees = TextField(null=True)
        tags = CharField(null=True, max_length=300)
        confirmed_by = CharField(null=True, max_length=160)
        confirmed_at = DateTimeField(null=True)
        intent_to_leave = BooleanField(default=False)
        confidential = BooleanField(default=False)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'activity'
            indexes = ((('account', 'occurred_at'), False), (('account', 'kind', 'occurred_at'), False))
    db.create_tables([Activity])

    class ActionItem(Model):
        external_id = CharField(unique=True, null=True, max_length=80)
        account = ForeignKeyField(Account, on_delete='CASCADE')
        source_activity = ForeignKeyField(Activity, null=True, on_delete='SET NULL')
        title = CharField(max_length=300)
        owner = ForeignKeyField(User, null=True, on_delete='SET NULL')
        due_on = DateField(null=True)
        status = CharField(max_length=20, default='open')
        done_on = DateField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'action_item'
            indexes = ((('account', 'status', 'due_on'), False), (('status', 'due_on'), False))
    db.create_tables([ActionItem])

    class Alert(Model):
        account = ForeignKeyField(Account, on_delete='CASCADE')
        rule = CharField(max_length=40)
        severity = CharField(max_length=20)
        reason = TextField()
        evidence = TextField(default='{}')
        status = CharField(index=True, max_length=20, default='open')
        first_seen = DateTimeField()
        last_seen = DateTimeField()
        snoozed_until = DateTimeField(null=True)
        snooze_reason = TextField(null=True)
        acknowledged_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        acknowledged_at = DateTimeField(null=True)
        resolved_by = CharField(null=True, max_length=80)
        resolved_at = DateTimeField(null=True)
        resolution_note = TextField(null=True)
        escalated_to = ForeignKeyField(User, null=True, on_delete='SET NULL')
        escalated_at = DateTimeField(null=True)
        escalated_by = CharField(null=True, max_length=80)
        class Meta:
            database = db
            table_name = 'alert'
            indexes = ((('account', 'rule', 'status'), False), (('status', 'severity'), False))
    db.create_tables([Alert])
    # At most one live (non-resolved) alert per account and rule; a partial
    # unique index says so in both SQLite and PostgreSQL.
    db.execute_sql(
        'CREATE UNIQUE INDEX "alert_live_account_rule" ON "alert" ("account_id", "rule") '
        "WHERE \"status\" <> 'resolved'"
    )

    class AuditLog(Model):
        actor = CharField(max_length=80)
        action = CharField(max_length=40)
        table = CharField(max_length=40, column_name='table_name')
        row_id = IntegerField(null=True)
        changes = TextField(default='{}')
        at = DateTimeField(index=True)
        class Meta:
            database = db
            table_name = 'audit_log'
            indexes = ((('table', 'row_id'), False),)
    db.create_tables([AuditLog])

    class Case(Model):
        external_id = CharField(unique=True, null=True, max_length=80)
        account = ForeignKeyField(Account, on_delete='CASCADE')
        contact = ForeignKeyField(Contact, null=True, on_delete='SET NULL')
        subject = CharField(max_length=300)
        severity = CharField(max_length=20, default='medium')
        opened_at = DateTimeField()
        closed_at = DateTimeField(null=True)
        escalated = BooleanField(default=False)
        class Meta:
            database = db
            table_name = 'case'
            indexes = ((('account', 'opened_at'), False),)
    db.create_tables([Case])

    class HealthSnapshot(Model):
        account = ForeignKeyField(Account, on_delete='CASCADE')
        taken_on = DateField()
        score = SmallIntegerField()
        band = CharField(max_length=20)
        components = TextField(default=dict)
        class Meta:
            database = db
            table_name = 'health_snapshot'
            indexes = ((('account', 'taken_on'), True),)
    db.create_tables([HealthSnapshot])

    class MetricSample(Model):
        account = ForeignKeyField(Account, on_delete='CASCADE')
        period = DateField()
        metric = CharField(max_length=20)
        value = FloatField()
        class Meta:
            database = db
            table_name = 'metric_sample'
            indexes = ((('account', 'period', 'metric'), True),)
    db.create_tables([MetricSample])

    class Milestone(Model):
        external_id = CharField(unique=True, null=True, max_length=80)
        account = ForeignKeyField(Account, on_delete='CASCADE')
        title = CharField(max_length=300)
        kind = CharField(max_length=20, default='deliverable')
        due_on = DateField()
        status = CharField(max_length=20, default='planned')
        completed_on = DateField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'milestone'
            indexes = ((('account', 'due_on'), False), (('status', 'due_on'), False))
    db.create_tables([Milestone])

    class PlannedVisit(Model):
        external_id = CharField(unique=True, null=True, max_length=80)
        account = ForeignKeyField(Account, on_delete='CASCADE')
        owner = ForeignKeyField(User, null=True, on_delete='SET NULL')
        scheduled_for = DateField()
        purpose = CharField(max_length=300, default='')
        status = CharField(max_length=20, default='planned')
        activity = ForeignKeyField(Activity, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'planned_visit'
            indexes = ((('account', 'scheduled_for'), False), (('status', 'scheduled_for'), False))
    db.create_tables([PlannedVisit])

    class Receivable(Model):
        external_id = CharField(unique=True, null=True, max_length=80)
        account = ForeignKeyField(Account, on_delete='CASCADE')
        amount = DecimalField(max_digits=16, decimal_places=2)
        due_on = DateField()
        paid_on = DateField(null=True)
        class Meta:
            database = db
            table_name = 'receivable'
            indexes = ((('account', 'due_on'), False),)
    db.create_tables([Receivable])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('receivable'))
    migrator.migrate(migrator.drop_table('planned_visit'))
    migrator.migrate(migrator.drop_table('milestone'))
    migrator.migrate(migrator.drop_table('metric_sample'))
    migrator.migrate(migrator.drop_table('health_snapshot'))
    migrator.migrate(migrator.drop_table('case'))
    migrator.migrate(migrator.drop_table('audit_log'))
    migrator.migrate(migrator.drop_table('alert'))
    migrator.migrate(migrator.drop_table('action_item'))
    migrator.migrate(migrator.drop_table('activity'))
    migrator.migrate(migrator.drop_table('contact'))
    migrator.migrate(migrator.drop_table('account'))
    migrator.migrate(migrator.drop_table('user'))
    migrator.migrate(migrator.drop_table('team'))
