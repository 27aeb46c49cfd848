"""The risk facts the activity log holds: the last touch and visit, the year's rhythm, the
newest sentiments and any intent to leave, with whose confidential record each came from.

Part of `services.facts.gather`: each `*_query` is one grouped query over the
accounts, each `apply_*` folds its rows into the per-account values. A
confidential record's author is kept as a user id here and named once for all
(`name_confidential_authors`), so a rule can say whose record it was, never its words.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from operator import itemgetter

from peewee import fn

from acct_tui.db import database
from acct_tui.models import Activity, User
from acct_tui.services import touches
from acct_tui.services.query import as_datetime

#: Sentiments older than this are stale: the rule looks at the last few within it.
SENTIMENT_LOOKBACK_DAYS = 365

#: The account's own rhythm is read over this many days of touches.
RHYTHM_DAYS = 365


def activity_query(now: dt.datetime):
    """The last touch and the last visit, and the year's touches: one row per account."""
    return touches.touch_rhythm(now, now - dt.timedelta(days=RHYTHM_DAYS))


def apply_activity(values, rows, now) -> None:
    for aid, at, visit, in_year, first_in_year in rows:
        record = values.get(aid)
        if record is None:
            continue
        record.last_touch = as_datetime(at)
        if visit is not None:
            record.last_visit = as_datetime(visit)
        if in_year:
            record.touches_year = int(in_year)
            record.first_touch_year = as_datetime(first_in_year)


def intent_query(now: dt.datetime):
    """Touches that recorded an intent to leave (a rare flag: few rows), with whose and whether confidential."""
    return Activity.select(Activity.account, Activity.occurred_at, Activity.confidential, Activity.author).where(
        (Activity.intent_to_leave == True) & touches.is_touch() & (Activity.occurred_at <= now)  # noqa: E712
    )


def apply_intent(values, rows, now) -> None:
    for aid, at, confidential, author in rows:
        record = values.get(aid)
        at = as_datetime(at)
        if record is not None and (record.last_intent is None or at > record.last_intent):
            record.last_intent = at
            record.intent_confidential_by = (author or -1) if confidential else None  # -1: nobody on record


def sentiment_query(now: dt.datetime, keep: int, scope=None):
    """The newest few sentiments per account, of confidential and of other records apart, with a window function.

    `scope(column)`, when given, narrows it to some accounts (the condition on `column`). Both kinds are kept `keep` deep so that the newest `keep` overall (the
    rules') and the newest `keep` anyone may read (health's) are both there.
    """
    # No id tie-breaker: ordering by time alone lets SQLite walk the
    # (account, time) index (two touches of one account in the same second
    # are not a case worth a sort of a year of activity).
    rank = fn.ROW_NUMBER().over(partition_by=[Activity.account, Activity.confidential], order_by=[Activity.occurred_at.desc()])
    inner = (
        Activity.select(Activity.account.alias("account_id"), Activity.sentiment.alias("sentiment"),
                        Activity.confidential.alias("confidential"), Activity.author.alias("author_id"),
                        Activity.occurred_at.alias("at"), rank.alias("rn"))
        .where(
            Activity.sentiment.is_null(False)
            & touches.is_touch()
            & (Activity.occurred_at <= now)
            & (Activity.occurred_at > now - dt.timedelta(days=SENTIMENT_LOOKBACK_DAYS))
        )
    )
    if scope is not None:
        inner = inner.where(scope(Activity.account))
    inner = inner.alias("ranked")
    return (
        Activity.select(inner.c.account_id, inner.c.sentiment, inner.c.confidential, inner.c.author_id, inner.c.at)
        .from_(inner)
        .where(inner.c.rn <= keep)
    )


def apply_sentiments(values, rows, now) -> None:
    per_account = defaultdict(list)
    parse = dt.datetime.fromisoformat
    for aid, sentiment, confidential, author, at in rows:
        if aid in values:
            # `as_datetime`, its common case (SQLite's text) first: 300,000 rows at 100k accounts
            at = parse(at) if type(at) is str else as_datetime(at)
            per_account[aid].append((at, int(sentiment), (author or -1) if confidential else None))
    first = itemgetter(0)
    for aid, items in per_account.items():
        # Newest first; up to twice as many as a rule reads: the rules and health each take the first few.
        items.sort(key=first, reverse=True)
        record = values[aid]
        record.recent_sentiments = tuple([sentiment for _, sentiment, _ in items])
        secrets = [secret for _, _, secret in items]
        if any(secrets):
            record.shared_sentiments = tuple([sentiment for _, sentiment, secret in items if secret is None])
            record.sentiment_confidential_by = tuple(secrets)
        else:  # nothing confidential (most accounts): everyone reads the same sentiments
            record.shared_sentiments = record.recent_sentiments


def name_confidential_authors(values: dict) -> None:
    """Author ids of confidential records become logins (one small query, only when there are any)."""
    wanted = {record.intent_confidential_by for record in values.values() if record.intent_confidential_by}
    wanted |= {a for record in values.values() for a in record.sentiment_confidential_by if a}
    if not wanted:
        return
    query = User.select(User.id, User.login).where(User.id.in_(list(wanted))).tuples()
    if database.is_closed():  # a thread of its own (the scan judges spans on one): a connection for this query
        with database.connection_context():
            logins = dict(query)
    else:
        logins = dict(query)
    for record in values.values():
        if record.intent_confidential_by:
            record.intent_confidential_by = logins.get(record.intent_confidential_by, "someone")
        if record.sentiment_confidential_by:
            record.sentiment_confidential_by = tuple(a and logins.get(a, "someone") for a in record.sentiment_confidential_by)
