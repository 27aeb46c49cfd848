"""`acct-tui ics`: an iCalendar feed of my planned visits, renewals, milestones, commitments
and courtesy dates.

"My" means: planned visits and open commitments the user owns, and the
renewal dates and planned milestones of the accounts the user owns, and
the birthdays of their current contacts and the contract anniversaries of
those accounts (`services.courtesy`), as yearly recurring events (RRULE),
each kind switched off by the config's `[courtesy]`. A birthday starts in
this year, so the feed never carries anyone's year of birth. The
operator (no `--user`) gets all of them. Everything is also limited to the
accounts the user may see (`services/access.py`).

Events are all-day. Each UID is derived from the table and the row id
(`planned-visit-12@acct-tui`, `renewal-account-5@acct-tui`), never random, so
a calendar that subscribes to the feed updates an event when its date moves
instead of adding a second one.
"""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event

from acct_tui import clock
from acct_tui.core.settings import loaded
from acct_tui.core.text import terminal_safe
from acct_tui.models import Account, ActionItem, Contact, Milestone, PlannedVisit
from acct_tui.services.access import Viewer, confidential_sources, visible_account_ids
from acct_tui.services.courtesy import current_contact, has_anniversary

UID_DOMAIN = "acct-tui"


def uid(kind: str, row_id: int) -> str:
    return f"{kind}-{row_id}@{UID_DOMAIN}"


def _event(uid_: str, day: dt.date, summary: str, description: str, stamp: dt.datetime, category: str,
           rrule: dict | None = None) -> Event:
    event = Event()
    event.add("uid", uid_)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    # A calendar shows text too: control characters from data arrive as visible stand-ins.
    event.add("summary", terminal_safe(summary))
    event.add("categories", [category])
    event.add("transp", "TRANSPARENT")
    if rrule:
        event.add("rrule", rrule)
    if description:
        event.add("description", terminal_safe(description, multiline=True))
    return event


#: How a yearly event recurs; a 29 February falls on the last day of February.
YEARLY = {"freq": "yearly"}
YEARLY_LAST_OF_FEBRUARY = {"freq": "yearly", "bymonth": 2, "bymonthday": -1}


def _yearly(day: dt.date, year: int) -> tuple[dt.date, dict]:
    """The first day of a yearly event in `year`, and its rule."""
    if day.month == 2 and day.day == 29:
        last = dt.date(year, 3, 1) - dt.timedelta(days=1)
        return last, YEARLY_LAST_OF_FEBRUARY
    return day.replace(year=year), YEARLY


def calendar_events(viewer: Viewer) -> list[tuple]:
    """(uid, day, summary, description, category[, rrule]) for every event of the feed, by date."""
    visible = visible_account_ids(viewer)

    def mine(field):
        return True if viewer.is_operator else field == viewer.user_id

    events = []
    visits = (
        PlannedVisit.select(PlannedVisit, Account.name).join(Account)
        .where((PlannedVisit.status == "planned") & PlannedVisit.account.in_(visible) & mine(PlannedVisit.owner))
    )
    for v in visits:
        events.append((uid("planned-visit", v.id), v.scheduled_for, f"Visit: {v.account.name}", v.purpose or "", "visit"))
    milestones = list(
        Milestone.select(Milestone, Account.id, Account.name).join(Account)
        .where((Milestone.status == "planned") & Milestone.account.in_(visible) & mine(Account.owner))
    )
    for m in milestones:
        events.append((uid("milestone", m.id), m.due_on, f"{m.kind.capitalize()}: {m.title} ({m.account.name})", "", "milestone"))
    # A renewal milestone on the renewal date is that renewal: one event, not two.
    renewal_milestones = {(m.account_id, m.due_on) for m in milestones if m.kind == "renewal"}
    renewals = Account.select().where(
        Account.renewal_date.is_null(False) & (Account.status == "active") & Account.id.in_(visible) & mine(Account.owner)
    )
    for a in renewals:
        if (a.id, a.renewal_date) not in renewal_milestones:
            events.append((uid("renewal-account", a.id), a.renewal_date, f"Renewal: {a.name}", f"tier {a.tier}", "renewal"))
    items = (
        ActionItem.select(ActionItem.id, ActionItem.due_on, ActionItem.title, Account.name, ActionItem.source_activity)
        .join(Account)
        .where((ActionItem.status == "open") & ActionItem.due_on.is_null(False)
               & ActionItem.account.in_(visible) & mine(ActionItem.owner))
        .tuples()
    )
    items = list(items)
    # A feed leaves acct-tui for calendar servers and phones: a promise made in a
    # confidential record is named by whose record it is, not by its words.
    secret = confidential_sources(row[-1] for row in items)
    for item_id, due_on, title, account_name, source in items:
        what = f"a commitment from a confidential record by {secret[source]}" if source in secret else title
        events.append((uid("commitment", item_id), due_on, f"Due: {what} ({account_name})", "", "commitment"))
    events.extend(_courtesy_events(visible, mine))
    events.sort(key=lambda e: (e[1], e[0]))
    return events


def _courtesy_events(visible, mine) -> list[tuple]:
    """Birthdays of my accounts' current contacts and my accounts' contract anniversaries, yearly."""
    switched = loaded().courtesy
    today = clock.today()
    events = []
    if switched.birthdays:
        people = (
            Contact.select(Contact.id, Contact.name, Contact.birthday, Account.name).join(Account)
            .where(current_contact(today) & Contact.account.in_(visible) & mine(Account.owner)).tuples()
        )
        for contact_id, name, birthday, account_name in people:
            day, rule = _yearly(birthday, today.year)
            events.append((uid("birthday-contact", contact_id), day, f"Birthday: {name} ({account_name})", "", "courtesy", rule))
    if switched.anniversaries:
        accounts = Account.select(Account.id, Account.name, Account.contract_start).where(
            has_anniversary() & Account.id.in_(visible) & mine(Account.owner)
        ).tuples()
        for account_id, name, start in accounts:
            day, rule = _yearly(start, start.year + 1)  # the first anniversary
            events.append((uid("anniversary-account", account_id), day, f"Contract anniversary: {name} (since {start:%Y})",
                           f"contract started {start.isoformat()}", "courtesy", rule))
    return events


def build_calendar(viewer: Viewer) -> bytes:
    """The feed as iCalendar bytes."""
    cal = Calendar()
    cal.add("prodid", "-//acct-tui//calendar feed//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", terminal_safe(f"acct-tui: {viewer.name}"))
    stamp = clock.now().astimezone(dt.timezone.utc)
    for uid_, day, summary, description, category, *rule in calendar_events(viewer):
        cal.add_component(_event(uid_, day, summary, description, stamp, category, rule[0] if rule else None))
    return cal.to_ical()
