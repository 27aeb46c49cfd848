"""The closed vocabularies of the domain, shared by models, rules and screens.

Plain tuples so that `core/` can use them without importing the ORM.
"""

ROLES = ("am", "kam", "senior", "lead", "admin")
TIERS = ("standard", "key", "strategic")
ACCOUNT_STATUSES = ("active", "churned", "prospect")
CONTACT_ROLES = ("champion", "sponsor", "decision_maker", "user", "other")
ACTIVITY_KINDS = ("visit", "call", "email", "meeting", "update", "note")
#: A touch resets the contact clock; a note does not.
TOUCH_KINDS = ("visit", "call", "email", "meeting", "update")
#: Contacts a new owner must meet first; the card and the brief list them.
KEY_CONTACT_ROLES = ("champion", "sponsor", "decision_maker")
#: Contacts whose leaving is a churn signal.
CHAMPION_ROLES = ("champion", "sponsor")
ACTION_STATUSES = ("open", "done", "cancelled")
MILESTONE_KINDS = ("deliverable", "renewal", "qbr", "deadline", "contract")
MILESTONE_STATUSES = ("planned", "done", "missed")
VISIT_STATUSES = ("planned", "done", "missed", "cancelled")
CASE_SEVERITIES = ("low", "medium", "high", "critical")
METRICS = ("revenue", "usage")
SEVERITIES = ("yellow", "red")
ALERT_STATUSES = ("open", "acknowledged", "snoozed", "resolved")
BANDS = ("red", "yellow", "green")
SENTIMENT_RANGE = (-2, 2)

#: Who stands in for "nobody in particular" in audit trails and alert fields.
SYSTEM_ACTOR = "system"
