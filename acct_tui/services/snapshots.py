"""Health snapshots: the scan stores each account's score once a day (the Portfolio's
health and trend, the card's trend); planned per chunk, written in the scan's transaction."""

from __future__ import annotations

import datetime as dt

from acct_tui.db import database
from acct_tui.models import HealthSnapshot, stored_json


def _todays(chunk: list[int], day: dt.date) -> dict[int, tuple]:
    """The chunk's snapshots of `day`: point look-ups on the (account, day) index,
    which stay fast however many days of snapshots pile up."""
    if not chunk:
        return {}
    # Plain SQL: peewee builds a 1,000-id IN list node by node (2 s of a 100k-account scan, profiled).
    param = database.param
    rows = database.execute_sql(
        f"SELECT account_id, score, band FROM health_snapshot WHERE account_id IN ({', '.join([param] * len(chunk))}) "
        f"AND taken_on = {param}", [*chunk, HealthSnapshot.taken_on.db_value(day)]).fetchall()
    return {aid: (score, band) for aid, score, band in rows}


def plan(chunk: list[int], scores: dict[int, tuple], day: dt.date):
    """Today's snapshot per scored account: insert it, or refresh it if the score moved."""
    stored = _todays(chunk, day)
    inserts, changed = [], []
    for aid in chunk:
        score, band, components = scores.get(aid, (None, None, None))
        if score is None:
            continue
        if aid not in stored:
            inserts.append((aid, day, score, band, stored_json(components)))
        elif stored[aid] != (score, band):
            changed.append((score, band, stored_json(components), aid, day))
    return inserts, changed


def write(planned) -> int:
    """Write a chunk's `planned` snapshots in the scan's transaction; how many snapshots were written."""
    inserts, changed = planned
    param = database.param
    if inserts:
        # ON CONFLICT DO NOTHING (both backends): a concurrent scan's snapshot stands.
        database.cursor().executemany(
            f"INSERT INTO health_snapshot (account_id, taken_on, score, band, components) "
            f"VALUES ({', '.join([param] * 5)}) ON CONFLICT DO NOTHING",
            inserts,
        )
    if changed:
        database.cursor().executemany(
            f"UPDATE health_snapshot SET score = {param}, band = {param}, components = {param} "
            f"WHERE account_id = {param} AND taken_on = {param}",
            changed,
        )
    return len(inserts) + len(changed)
