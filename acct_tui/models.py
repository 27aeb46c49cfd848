"""Peewee models: tables, fields and indexes. No Textual, no business logic.

Every model binds to `acct_tui.db.database`, a proxy that `db.connect(url)`
points at SQLite or PostgreSQL. Enumerated columns are `EnumField`s: a value
outside the vocabulary raises `InvalidValue` before anything reaches SQL.
"""

from __future__ import annotations

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DecimalField,
    DoubleField,
    ForeignKeyField,
    IntegerField,
    Model,
    SmallIntegerField,
    TextField,
)

from acct_tui import enums
from acct_tui.clock import now
from acct_tui.db import database


# The column types (validating fields) live in model_fields; importers and the
# migrations may take them from here.
from acct_tui.model_fields import (  # noqa: E402, F401
    CurrencyField,
    EnumField,
    ExternalId,
    InvalidValue,
    JSONText,
    Money,
    ProbabilityField,
    SentimentField,
    json_default,
    stored_json,
)

class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Team(BaseModel):
    name = CharField(max_length=80, unique=True)


class User(BaseModel):
    login = CharField(max_length=80, unique=True)
    name = CharField(max_length=120)
    email = CharField(max_length=200, null=True)
    role = EnumField(enums.ROLES, default="am")
    team = ForeignKeyField(Team, null=True, backref="members", on_delete="SET NULL")
    manager = ForeignKeyField("self", null=True, backref="reports", on_delete="SET NULL")
    active = BooleanField(default=True)
    created_at = DateTimeField(default=now)


class Account(BaseModel):
    external_id = ExternalId()
    name = CharField(max_length=200, index=True)
    tier = EnumField(enums.TIERS, default="standard", index=True)
    owner = ForeignKeyField(User, null=True, backref="accounts", index=True, on_delete="SET NULL")
    industry = CharField(max_length=80, null=True)
    #: A year's worth, in the account's own `currency`.
    annual_value = Money(default=0)
    currency = CurrencyField(default="USD")
    status = EnumField(enums.ACCOUNT_STATUSES, default="active", index=True)
    churned_on = DateField(null=True)
    renewal_date = DateField(null=True, index=True)
    contract_start = DateField(null=True)
    #: The account's own cadence, in days; None means "as its tier says".
    contact_days = IntegerField(null=True)
    visit_days = IntegerField(null=True)
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)

    class Meta:
        # The book's value per currency read from the index alone (migration 0012); the smallest
        # own cadences (0013).
        indexes = ((("currency", "status", "annual_value"), False), (("contact_days",), False), (("visit_days",), False))

    def save(self, *args, **kwargs):
        self.updated_at = now()
        return super().save(*args, **kwargs)


class Contact(BaseModel):
    external_id = ExternalId()
    account = ForeignKeyField(Account, backref="contacts", on_delete="CASCADE")
    name = CharField(max_length=160)
    title = CharField(max_length=160, null=True)
    email = CharField(max_length=200, null=True)
    phone = CharField(max_length=60, null=True)
    role = EnumField(enums.CONTACT_ROLES, default="user")
    birthday = DateField(null=True)
    #: When the person joined the account's side of the relationship.
    added_on = DateField(null=True)
    left_on = DateField(null=True)


class Activity(BaseModel):
    """A touch (visit, call, email, meeting, update) or a note."""

    external_id = ExternalId()
    account = ForeignKeyField(Account, backref="activities", on_delete="CASCADE")
    contact = ForeignKeyField(Contact, null=True, backref="activities", on_delete="SET NULL")
    author = ForeignKeyField(User, null=True, backref="activities", on_delete="SET NULL")
    kind = EnumField(enums.ACTIVITY_KINDS)
    occurred_at = DateTimeField()
    duration_min = IntegerField(null=True)
    subject = CharField(max_length=300, default="")
    summary = TextField(null=True)
    outcome = TextField(null=True)
    sentiment = SentimentField(null=True)
    attendees = TextField(null=True)
    tags = CharField(max_length=300, null=True)
    #: The customer who signed off a visit that resolved a problem.
    confirmed_by = CharField(max_length=160, null=True)
    confirmed_at = DateTimeField(null=True)
    intent_to_leave = BooleanField(default=False)
    confidential = BooleanField(default=False)
    created_at = DateTimeField(default=now)
    #: When someone last corrected it (migration 0010); None if never.
    edited_at = DateTimeField(null=True)

    class Meta:
        indexes = (
            (("account", "occurred_at"), False),
            (("account", "kind", "occurred_at"), False),
            # Each person's newest touch (the Team pane's quiet days): migration 0006.
            (("author", "kind", "occurred_at"), False),
            # The touches before a day (KPI coverage): migration 0004.
            (("occurred_at", "kind", "account"), False),
        )


class ActionItem(BaseModel):
    """A commitment: a next step someone owes by a date."""

    external_id = ExternalId()
    account = ForeignKeyField(Account, backref="action_items", on_delete="CASCADE")
    source_activity = ForeignKeyField(Activity, null=True, backref="action_items", on_delete="SET NULL")
    title = CharField(max_length=300)
    owner = ForeignKeyField(User, null=True, backref="action_items", on_delete="SET NULL")
    due_on = DateField(null=True)
    status = EnumField(enums.ACTION_STATUSES, default="open")
    done_on = DateField(null=True)
    created_at = DateTimeField(default=now)
    edited_at = DateTimeField(null=True)

    class Meta:
        indexes = (
            (("account", "status", "due_on"), False),
            (("status", "due_on"), False),
            (("due_on", "status", "done_on", "account"), False),
        )


class Milestone(BaseModel):
    external_id = ExternalId()
    account = ForeignKeyField(Account, backref="milestones", on_delete="CASCADE")
    title = CharField(max_length=300)
    kind = EnumField(enums.MILESTONE_KINDS, default="deliverable")
    due_on = DateField()
    status = EnumField(enums.MILESTONE_STATUSES, default="planned")
    completed_on = DateField(null=True)
    created_at = DateTimeField(default=now)
    edited_at = DateTimeField(null=True)

    class Meta:
        indexes = (
            (("account", "due_on"), False),
            (("status", "due_on"), False),
            (("kind", "due_on", "status", "account"), False),
        )


class PlannedVisit(BaseModel):
    external_id = ExternalId()
    account = ForeignKeyField(Account, backref="planned_visits", on_delete="CASCADE")
    owner = ForeignKeyField(User, null=True, backref="planned_visits", on_delete="SET NULL")
    scheduled_for = DateField()
    purpose = CharField(max_length=300, default="")
    status = EnumField(enums.VISIT_STATUSES, default="planned")
    #: The visit record that fulfilled this plan.
    activity = ForeignKeyField(Activity, null=True, backref="fulfils", on_delete="SET NULL")
    created_at = DateTimeField(default=now)
    edited_at = DateTimeField(null=True)

    class Meta:
        indexes = (
            (("account", "scheduled_for"), False),
            (("status", "scheduled_for"), False),
            (("scheduled_for", "status", "account"), False),
        )


class CustomerCase(BaseModel):
    """A complaint or support ticket (a "case"; named so as not to shadow peewee's `Case`)."""

    external_id = ExternalId()
    account = ForeignKeyField(Account, backref="cases", on_delete="CASCADE")
    contact = ForeignKeyField(Contact, null=True, backref="cases", on_delete="SET NULL")
    subject = CharField(max_length=300)
    severity = EnumField(enums.CASE_SEVERITIES, default="medium")
    opened_at = DateTimeField()
    closed_at = DateTimeField(null=True)
    escalated = BooleanField(default=False)

    class Meta:
        table_name = "case"
        indexes = (
            (("account", "opened_at"), False),
            (("opened_at", "account"), False),
            (("closed_at", "opened_at", "account"), False),
        )


class MetricSample(BaseModel):
    account = ForeignKeyField(Account, backref="metrics", on_delete="CASCADE")
    #: The first day of the month the value belongs to.
    period = DateField()
    metric = EnumField(enums.METRICS)
    value = DoubleField()

    class Meta:
        indexes = ((("account", "period", "metric"), True), (("metric", "period", "account", "value"), False))


class Receivable(BaseModel):
    external_id = ExternalId()
    account = ForeignKeyField(Account, backref="receivables", on_delete="CASCADE")
    amount = Money()
    due_on = DateField()
    paid_on = DateField(null=True)

    class Meta:
        indexes = ((("account", "due_on"), False),)


class Rate(BaseModel):
    """An exchange rate: one `currency` is worth `rate` units of `quote` from `as_of` on."""

    currency = CurrencyField()
    quote = CurrencyField()
    as_of = DateField()
    rate = DecimalField(max_digits=28, decimal_places=12, auto_round=True)

    class Meta:
        indexes = ((("currency", "quote", "as_of"), True),)


class Opportunity(BaseModel):
    """Business with an account: a renewal, an expansion or a cross-sell, open, won or lost."""

    external_id = ExternalId()
    account = ForeignKeyField(Account, backref="opportunities", on_delete="CASCADE")
    kind = EnumField(enums.OPPORTUNITY_KINDS)
    name = CharField(max_length=300)
    amount = Money(default=0)
    currency = CurrencyField()
    stage = CharField(max_length=80, default="")
    probability = ProbabilityField(default=0)
    close_date = DateField()
    status = EnumField(enums.OPPORTUNITY_STATUSES, default="open")
    owner = ForeignKeyField(User, null=True, backref="opportunities", on_delete="SET NULL")
    created_on = DateField(default=lambda: now().date())
    closed_on = DateField(null=True)

    class Meta:
        indexes = (
            (("account", "status"), False),
            (("status", "closed_on"), False),
            (("status", "account", "currency", "amount", "probability"), False),
        )


class Alert(BaseModel):
    """A signal that has been raised for an account, and what people did about it."""

    account = ForeignKeyField(Account, backref="alerts", on_delete="CASCADE")
    rule = CharField(max_length=40)
    severity = EnumField(enums.SEVERITIES)
    reason = TextField()
    evidence = JSONText(default=dict)
    status = EnumField(enums.ALERT_STATUSES, default="open", index=True)
    first_seen = DateTimeField()
    last_seen = DateTimeField()
    snoozed_until = DateTimeField(null=True)
    snooze_reason = TextField(null=True)
    acknowledged_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    acknowledged_at = DateTimeField(null=True)
    #: A login, or "system" when the condition cleared by itself.
    resolved_by = CharField(max_length=80, null=True)
    resolved_at = DateTimeField(null=True)
    resolution_note = TextField(null=True)
    escalated_to = ForeignKeyField(User, null=True, backref="escalations", on_delete="SET NULL")
    escalated_at = DateTimeField(null=True)
    escalated_by = CharField(max_length=80, null=True)
    #: Set when a person resolves it: the alert stays resolved while the condition
    #: holds at this severity or lower, and reopens when it worsens ...
    resolved_severity = CharField(max_length=20, null=True)
    #: ... or when, after the scan saw it clear (then), it comes back.
    cleared_at = DateTimeField(null=True)
    #: Why the scan reopened a resolved alert.
    reopen_note = TextField(null=True)

    class Meta:
        indexes = ((("account", "rule", "status"), False), (("status", "severity"), False), (("escalated_at", "account"), False))


class HealthSnapshot(BaseModel):
    account = ForeignKeyField(Account, backref="health", on_delete="CASCADE")
    taken_on = DateField()
    score = SmallIntegerField()
    band = EnumField(enums.BANDS)
    components = JSONText(default=dict)

    class Meta:
        indexes = ((("account", "taken_on"), True),)


class AccountPulse(BaseModel):
    """Derived, kept by the database's triggers (migrations 0011, 0013): one row per account, its newest
    touch and visit (whenever dated), its newest health score and the points lost over the week before it."""

    account = ForeignKeyField(Account, primary_key=True, backref="pulse", on_delete="CASCADE")
    last_touch_at = DateTimeField(null=True)
    last_visit_at = DateTimeField(null=True)
    health_score = SmallIntegerField(null=True)
    health_drop = SmallIntegerField(null=True)

    class Meta:
        table_name = "account_pulse"
        indexes = ((("health_score",), False), (("health_drop",), False), (("last_touch_at",), False),
                   (("last_visit_at",), False))


class AuditLog(BaseModel):
    actor = CharField(max_length=80)
    action = CharField(max_length=40)
    table = CharField(max_length=40, column_name="table_name")
    row_id = IntegerField(null=True)
    changes = JSONText(default=dict)
    at = DateTimeField(default=now, index=True)

    class Meta:
        indexes = ((("table", "row_id"), False),)


#: The tables of record, in dependency order: what an import (`io.plan`) and the demo
#: (`demo.writer`) write, each before the tables that point at it.
RECORD_MODELS: tuple[type[BaseModel], ...] = (
    Team,
    User,
    Account,
    Contact,
    Activity,
    ActionItem,
    Milestone,
    PlannedVisit,
    CustomerCase,
    MetricSample,
    Receivable,
    Rate,
    Opportunity,
)
#: Every table, in dependency order (create in this order, drop in reverse): the tables of
#: record, then what the app derives from them and its log.
ALL_MODELS: tuple[type[BaseModel], ...] = RECORD_MODELS + (Alert, HealthSnapshot, AccountPulse, AuditLog)
