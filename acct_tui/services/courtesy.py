"""Courtesy dates: contacts' birthdays and contract anniversaries, the one definition.

Today lists those within the next 7 days, the timeline shows them in its
upcoming part, and the calendar feed carries them as yearly events; each
kind can be switched off in the config's `[courtesy]` table
(`core.urgency.Courtesy`). A birthday counts for a current contact (not
left) of an active account; an anniversary is the contract start's day, a
year or more on. Matched in SQL on the date's month and day
(`query.month_day`), one query each; a 29 February falls on the 28th in a
year without one.
"""

from __future__ import annotations

import datetime as dt

from peewee import Expression

from acct_tui.core.urgency import COURTESY_WINDOW
from acct_tui.models import Account, Contact
from acct_tui.services.access import Viewer, scope_accounts
from acct_tui.services.query import as_date, ids_in, month_day, raw_rows


def current_contact(today: dt.date) -> Expression:
    """A contact with a birthday on record who has not left, of an active account."""
    return (Contact.birthday.is_null(False) & (Contact.left_on.is_null() | (Contact.left_on > today))
            & (Account.status == "active"))


def has_anniversary() -> Expression:
    """An active account with a contract start on record."""
    return Account.contract_start.is_null(False) & (Account.status == "active")


def courtesy_days(today: dt.date, window: int = COURTESY_WINDOW) -> dict[str, dt.date]:
    """`MM-DD` -> the day it falls on, for today and the `window` days after. A 29 February
    falls on the 28th in a year without one."""
    days: dict[str, dt.date] = {}
    for offset in range(window + 1):
        day = today + dt.timedelta(days=offset)
        days[f"{day:%m-%d}"] = day
        if day.month == 2 and day.day == 28 and (day + dt.timedelta(days=1)).month == 3:
            days["02-29"] = day
    return days


def upcoming_birthdays(viewer: Viewer, today: dt.date, account_id: int | None = None, window: int = COURTESY_WINDOW,
                       accounts: list[int] | None = None):
    """(contact id, account id, name, role, the day) of current contacts of active accounts whose
    birthday falls within `window` days; one query, on the birthday's month and day."""
    days = courtesy_days(today, window)
    query = (
        Contact.select(Contact.id, Contact.account, Contact.name, Contact.role, month_day(Contact.birthday))
        .join(Account, on=(Contact.account == Account.id))
        .where(current_contact(today) & month_day(Contact.birthday).in_(list(days)))
    )
    if account_id is not None:
        query = query.where(Contact.account == account_id)
    if accounts is not None:
        query = query.where(ids_in(Contact.account, accounts))
    return [(cid, aid, name, role, days[md]) for cid, aid, name, role, md in raw_rows(scope_accounts(query, viewer))]


def upcoming_anniversaries(viewer: Viewer, today: dt.date, account_id: int | None = None, window: int = COURTESY_WINDOW,
                           accounts: list[int] | None = None):
    """(account id, name, years, the day) of active accounts whose contract started on this
    month and day at least a year before, within `window` days; one query."""
    days = courtesy_days(today, window)
    query = Account.select(Account.id, Account.name, Account.contract_start, month_day(Account.contract_start)).where(
        has_anniversary() & month_day(Account.contract_start).in_(list(days))
    )
    if account_id is not None:
        query = query.where(Account.id == account_id)
    if accounts is not None:
        query = query.where(ids_in(Account.id, accounts))
    found = []
    for aid, name, start, md in raw_rows(scope_accounts(query, viewer)):
        day, start = days[md], as_date(start)
        if day.year - start.year >= 1:
            found.append((aid, name, day.year - start.year, day))
    return found
