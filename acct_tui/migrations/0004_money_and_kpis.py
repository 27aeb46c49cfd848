"""Money and KPIs: exchange rates, opportunities, and the indexes the period report reads.

A frozen copy, like 0001: the tables as this release creates them. The
indexes let `acct-tui report` read one period's rows by date, from the
index alone, instead of whole tables (revenue by month, renewals and
commitments by due date, planned visits by day, cases by open and close
time, escalations, the touches before a day).
"""
from peewee import *
from playhouse.migrate import make_index_name

#: Team mode on PostgreSQL (after 0003's row-level security): everyone reads the
#: rates, only an admin writes them; the audit trail shows entries about an
#: opportunity to whoever sees it. The opportunity table itself gets the standard
#: account policy from `acct_secure()`, like every table with an account_id.
RLS = r'''
ALTER TABLE rate ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS acct_read ON rate;
CREATE POLICY acct_read ON rate FOR SELECT USING (true);
DROP POLICY IF EXISTS acct_admin ON rate;
CREATE POLICY acct_admin ON rate FOR INSERT WITH CHECK ((SELECT acct_sees_all(current_user)));
DROP POLICY IF EXISTS acct_admin_update ON rate;
CREATE POLICY acct_admin_update ON rate FOR UPDATE
    USING ((SELECT acct_sees_all(current_user))) WITH CHECK ((SELECT acct_sees_all(current_user)));

-- Permissive policies add up: this one lets an entry about an opportunity be
-- read by whoever sees the opportunity, beside 0003's policy for the rest.
DROP POLICY IF EXISTS acct_visible_opportunity ON audit_log;
CREATE POLICY acct_visible_opportunity ON audit_log FOR SELECT USING (
    table_name = 'opportunity' AND EXISTS (SELECT 1 FROM opportunity t WHERE t.id = audit_log.row_id));

SELECT acct_secure();
'''

INDEXES = (
    # Each holds every column its fact reads, so a period's rows are read from the index alone.
    ("metric_sample", ("metric", "period", "account_id", "value")),
    ("milestone", ("kind", "due_on", "status", "account_id")),
    ("action_item", ("due_on", "status", "done_on", "account_id")),
    ("planned_visit", ("scheduled_for", "status", "account_id")),
    ("case", ("opened_at", "account_id")),
    ("case", ("closed_at", "opened_at", "account_id")),
    ("alert", ("escalated_at", "account_id")),
    # Coverage on a day reads only the touches of the weeks before it.
    ("activity", ("occurred_at", "kind", "account_id")),
    # The Portfolio's pipeline column: every open opportunity from the index alone.
    ("opportunity", ("status", "account_id", "currency", "amount", "probability")),
)


def up(migrator, db):
    class Account(Model):
        class Meta:
            database = db
            table_name = 'account'

    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class Rate(Model):
        currency = CharField(max_length=3)
        quote = CharField(max_length=3)
        as_of = DateField()
        rate = DecimalField(max_digits=28, decimal_places=12)
        class Meta:
            database = db
            table_name = 'rate'
            indexes = ((('currency', 'quote', 'as_of'), True),)

    class Opportunity(Model):
        external_id = CharField(unique=True, null=True, max_length=80)
        account = ForeignKeyField(Account, on_delete='CASCADE')
        kind = CharField(max_length=20)
        name = CharField(max_length=300)
        amount = DecimalField(max_digits=16, decimal_places=2, default=0)
        currency = CharField(max_length=3)
        stage = CharField(max_length=80, default='')
        probability = SmallIntegerField(default=0)
        close_date = DateField()
        status = CharField(max_length=20, default='open')
        owner = ForeignKeyField(User, null=True, on_delete='SET NULL')
        created_on = DateField()
        closed_on = DateField(null=True)
        class Meta:
            database = db
            table_name = 'opportunity'
            indexes = ((('account', 'status'), False), (('status', 'closed_on'), False))

    db.create_tables([Rate, Opportunity])
    migrator.migrate(*(migrator.add_index(table, columns, False) for table, columns in INDEXES))
    if isinstance(db, PostgresqlDatabase) and db.execute_sql("SELECT to_regproc('acct_secure') IS NOT NULL").fetchone()[0]:
        with db.connection().cursor() as cursor:
            cursor.execute(RLS)


def down(migrator, db):
    migrator.migrate(*(migrator.drop_index(table, make_index_name(table, columns)) for table, columns in INDEXES))
    migrator.migrate(migrator.drop_table('opportunity'))
    migrator.migrate(migrator.drop_table('rate'))
