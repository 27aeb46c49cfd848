"""A realistic, noisy book of accounts over three years, to tune and judge the risk engine.

Not the demo: the demo shows the product; this history tests it. Healthy
accounts carry the noise real books have: a yearly holiday dip in their
market (Tet, Chinese New Year, August in Europe), an account manager on leave
for three weeks, a severe case closed in days, an invoice paid a month late,
a champion replaced in an orderly handover, a month of low usage, touches at
an uneven rhythm and a mixed mood. Churners leave after one of several
precursors (slow fade, champion gone, service pain, neglect, stated intent),
and a few leave with no sign at all (acquired).

`build(seed, variant)` writes the history into the connected database and
returns the truth: each account's story and churn day. Two variants: "dev"
(the defaults were tuned on it) and "holdout" (other proportions, leads and
noise levels, judged only).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from acct_tui.db import database
from acct_tui.models import Account, ActionItem, Activity, Contact, CustomerCase, MetricSample, Receivable, Team, User

TODAY = dt.date(2026, 11, 1)
#: Three years of history, so a year-earlier comparison is possible over the whole backtest.
START = TODAY - dt.timedelta(days=1100)
#: The backtest replays this window.
WINDOW = (TODAY - dt.timedelta(days=450), TODAY)
SIGNS = ("slow_fade", "champion_gone", "service_pain", "neglect", "stated_intent")
STORIES = ("healthy",) + SIGNS + ("acquired",)


@dataclass(frozen=True)
class Variant:
    churn_share: float
    #: Weights of the churn stories (SIGNS, then acquired).
    story_weights: tuple[float, ...]
    #: Days of precursor before churn, per story: (low, high).
    leads: dict
    #: Multiplier on the healthy accounts' noise events' probabilities.
    noise: float
    #: Monthly noise on usage and revenue (a fraction).
    jitter: float


VARIANTS = {
    "dev": Variant(0.18, (1, 1, 1, 1, 1, 0.5),
                   {"slow_fade": (150, 240), "champion_gone": (70, 160), "service_pain": (60, 150),
                    "neglect": (90, 200), "stated_intent": (45, 120)}, 1.0, 0.07),
    "holdout": Variant(0.22, (1.3, 0.8, 1, 0.8, 1.2, 0.6),
                       {"slow_fade": (130, 260), "champion_gone": (60, 180), "service_pain": (55, 170),
                        "neglect": (80, 220), "stated_intent": (40, 140)}, 1.4, 0.09),
}

#: A market's yearly dip: month -> multiplier.
MARKETS = {
    "vn": {1: 0.85, 2: 0.62},   # Tet
    "cn": {2: 0.7},             # Chinese New Year
    "eu": {8: 0.7, 12: 0.9},    # August, Christmas
    "us": {},
}
#: Touch rhythm (days between touches) and visit rhythm by tier.
RHYTHM = {"strategic": (7, 24), "key": (12, 45), "standard": (24, 120)}


@dataclass
class Story:
    account_id: int
    name: str
    tier: str
    story: str
    churned_on: dt.date | None = None
    onset: dt.date | None = None
    events: list = field(default_factory=list)

    @property
    def churner(self) -> bool:
        return self.churned_on is not None

    @property
    def showed_a_sign(self) -> bool:
        return self.story in SIGNS


def _months(start: dt.date, end: dt.date):
    day = dt.date(start.year, start.month, 1)
    while day < dt.date(end.year, end.month, 1):
        yield day
        day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.choice((0, 15, 30, 45))))


def _insert(model, rows: list[dict]) -> None:
    """Bulk insert; every row gets every column (insert_many takes the columns from the first row)."""
    keys = sorted({k for row in rows for k in row})
    rows = [{k: row.get(k) for k in keys} for row in rows]
    for i in range(0, len(rows), 500):
        model.insert_many(rows[i : i + 500]).execute()


def build(seed: int = 1, variant: str = "dev", accounts: int = 300) -> dict[int, Story]:
    """Write the history (into an empty database) and return each account's story by id."""
    rng = random.Random(f"{variant}-{seed}")
    v = VARIANTS[variant]
    stories: dict[int, Story] = {}
    rows: dict[type, list[dict]] = {m: [] for m in (Activity, MetricSample, CustomerCase, Receivable, ActionItem, Contact)}
    with database.atomic():
        team = Team.create(name="Signals")
        created = dt.datetime.combine(START, dt.time(9))
        lead = User.create(login="lead", name="Lead", role="lead", team=team, created_at=created)
        ams = [User.create(login=f"am{i}", name=f"AM {i}", role="am", team=team, manager=lead, created_at=created)
               for i in range(6)]
        # One account manager is away for three weeks: no touches from them then.
        leave_start = TODAY - dt.timedelta(days=rng.randint(120, 300))
        leave = (ams[0].id, leave_start, leave_start + dt.timedelta(days=21))
        for n in range(accounts):
            tier = rng.choices(("strategic", "key", "standard"), (0.12, 0.28, 0.6))[0]
            owner = ams[n % len(ams)]
            story = "healthy"
            if rng.random() < v.churn_share:
                story = rng.choices(SIGNS + ("acquired",), v.story_weights)[0]
            churned_on = None
            if story != "healthy":
                churned_on = WINDOW[0] + dt.timedelta(days=rng.randint(50, (WINDOW[1] - WINDOW[0]).days - 5))
            account = Account.create(
                name=f"{story.title()} {n:03d}", tier=tier, owner=owner, annual_value=rng.randint(5, 200) * 1000,
                status="churned" if churned_on else "active", churned_on=churned_on, created_at=created,
                contract_start=START, renewal_date=TODAY + dt.timedelta(days=rng.randint(100, 400)),
            )
            s = Story(account.id, account.name, tier, story, churned_on)
            if churned_on:
                low, high = v.leads.get(story, (0, 0))
                s.onset = churned_on - dt.timedelta(days=rng.randint(low, high)) if high else churned_on
            stories[account.id] = s
            _account_history(rng, v, s, owner.id, leave, rows)
        for model, items in rows.items():
            _insert(model, items)
    return stories


def _account_history(rng: random.Random, v: Variant, s: Story, owner: int, leave, rows) -> None:
    end = s.churned_on or TODAY
    onset = s.onset or dt.date.max
    noise = v.noise
    # -- contacts: a champion, sometimes a sponsor; an orderly handover now and then
    champion_since = START - dt.timedelta(days=rng.randint(0, 400))
    champion_left = None
    if s.story == "champion_gone":
        champion_left = onset
    elif rng.random() < 0.12 * noise:
        # Orderly: the successor arrives a little before the old champion leaves.
        champion_left = START + dt.timedelta(days=rng.randint(200, 1050))
        if champion_left < end:
            rows[Contact].append(dict(account=s.account_id, name=f"Successor {s.account_id}", role="champion",
                                      added_on=champion_left - dt.timedelta(days=rng.randint(5, 25))))
            s.events.append(("handover", champion_left))
    rows[Contact].append(dict(account=s.account_id, name=f"Champion {s.account_id}", role="champion",
                              added_on=champion_since, left_on=champion_left if champion_left and champion_left < end else None))
    if s.tier != "standard" and rng.random() < 0.5:
        rows[Contact].append(dict(account=s.account_id, name=f"Sponsor {s.account_id}", role="sponsor",
                                  added_on=champion_since, left_on=champion_left if s.story == "champion_gone" else None))
    rows[Contact].append(dict(account=s.account_id, name=f"User {s.account_id}", role="user"))

    # -- touches and visits
    every, visit_every = RHYTHM[s.tier]
    every = every * rng.uniform(0.7, 1.3)
    day = START + dt.timedelta(days=rng.randint(0, int(every)))
    last_visit = START
    neglected = s.story == "neglect"
    while day < end:
        after = day >= onset
        if neglected and after:
            break
        on_leave = owner == leave[0] and leave[1] <= day < leave[2]
        if not on_leave:
            visit = (day - last_visit).days >= visit_every * rng.uniform(0.6, 0.9)
            kind = "visit" if visit else rng.choices(("call", "email", "meeting"), (0.45, 0.4, 0.15))[0]
            if visit:
                last_visit = day
            mood = (-2, -1, 0, 1, 2)
            weights = (0.01, 0.06, 0.3, 0.43, 0.2)
            if after and s.story in ("slow_fade", "champion_gone", "service_pain", "stated_intent"):
                weights = (0.12, 0.35, 0.35, 0.15, 0.03)
            sentiment = rng.choices(mood, weights)[0] if rng.random() < 0.6 else None
            rows[Activity].append(dict(account=s.account_id, author=owner, kind=kind, occurred_at=_at(day, rng),
                                       subject=f"{kind} with client", sentiment=sentiment, intent_to_leave=False))
        gap = every * rng.uniform(0.5, 1.5)
        if rng.random() < 0.05:
            gap *= 2.2  # a busy month: the account waits
        if after and s.story == "champion_gone":
            gap *= 1.6
        day += dt.timedelta(days=max(1, round(gap)))
    if s.story == "stated_intent":
        rows[Activity].append(dict(account=s.account_id, author=owner, kind="call", occurred_at=_at(onset, rng),
                                   subject="Client says they are reviewing other vendors", sentiment=-1, intent_to_leave=True))
        if rng.random() < 0.5:
            # The must-visit: a visit takes one to four weeks to arrange.
            visit_day = onset + dt.timedelta(days=rng.randint(8, 28))
            if visit_day < end:
                rows[Activity].append(dict(account=s.account_id, author=owner, kind="visit", occurred_at=_at(visit_day, rng),
                                           subject="Visit after the intent to leave", sentiment=-1, intent_to_leave=False))

    # -- usage and revenue: growth, the market's season, noise, and the story
    market = rng.choice(tuple(MARKETS))
    base = rng.uniform(200, 5000)
    growth = rng.uniform(-0.005, 0.02)
    dip_month = rng.choice(list(_months(START, end))) if rng.random() < 0.1 * noise else None
    level = 1.0
    for i, month in enumerate(_months(START, end)):
        if month >= dt.date(end.year, end.month, 1):
            break
        level *= 1 + growth
        factor = level * MARKETS[market].get(month.month, 1.0)
        if month == dip_month:
            factor *= 0.8
        months_in = (month - onset).days / 30.4 if month >= onset else None
        if months_in is not None:
            decline = {"slow_fade": 0.09, "champion_gone": 0.03, "neglect": 0.04, "stated_intent": 0.05,
                       "service_pain": 0.03}.get(s.story, 0)
            factor *= (1 - decline) ** (months_in + 1)
        usage = base * factor * rng.uniform(1 - v.jitter, 1 + v.jitter)
        revenue = base * 3 * factor * rng.uniform(1 - v.jitter / 2, 1 + v.jitter / 2)
        rows[MetricSample].append(dict(account=s.account_id, period=month, metric="usage", value=round(usage, 1)))
        rows[MetricSample].append(dict(account=s.account_id, period=month, metric="revenue", value=round(revenue, 1)))
        # A monthly invoice, paid around its due date; now and then one a month late.
        due = month + dt.timedelta(days=14)
        if due < end:
            late = rng.randint(-5, 8)
            if rng.random() < 0.012 * noise:
                late = rng.randint(28, 40)
                s.events.append(("late_invoice", due))
            paid = due + dt.timedelta(days=late)
            rows[Receivable].append(dict(account=s.account_id, amount=round(revenue, 2), due_on=due,
                                         paid_on=paid if paid < end else None))

    # -- cases: the usual trickle, a severe one closed in days, and service pain
    day = START + dt.timedelta(days=rng.randint(30, 200))
    while day < end:
        severity = rng.choices(("low", "medium", "high"), (0.45, 0.45, 0.1))[0]
        days_open = rng.randint(1, 5) if severity == "high" else rng.randint(1, 12)
        rows[CustomerCase].append(dict(account=s.account_id, subject="Support question", severity=severity,
                                       opened_at=_at(day, rng), closed_at=_at(day + dt.timedelta(days=days_open), rng),
                                       escalated=False))
        day += dt.timedelta(days=rng.randint(60, 240))
    if rng.random() < 0.15 * noise:
        day = START + dt.timedelta(days=rng.randint(100, 1080))
        if day < end:
            rows[CustomerCase].append(dict(account=s.account_id, subject="Outage", severity="critical", opened_at=_at(day, rng),
                                           closed_at=_at(day + dt.timedelta(days=rng.randint(1, 4)), rng), escalated=True))
            s.events.append(("severe_case_closed_fast", day))
    if s.story == "service_pain":
        day = onset
        while day < end:
            severity = rng.choices(("medium", "high", "critical"), (0.5, 0.35, 0.15))[0]
            closed = day + dt.timedelta(days=rng.randint(15, 70))
            rows[CustomerCase].append(dict(account=s.account_id, subject="Recurring failure", severity=severity,
                                           opened_at=_at(day, rng), closed_at=_at(closed, rng) if closed < end else None,
                                           escalated=rng.random() < 0.3))
            day += dt.timedelta(days=rng.randint(7, 25))

    # -- commitments: mostly kept, some a little late
    day = START + dt.timedelta(days=rng.randint(10, 90))
    while day < end:
        if neglected and day >= onset:
            break
        due = day + dt.timedelta(days=14)
        late = 0 if rng.random() < 0.85 else rng.randint(1, 9)
        done = due + dt.timedelta(days=late - rng.randint(0, 5) if not late else late)
        rows[ActionItem].append(dict(account=s.account_id, title="Send the follow-up", owner=owner, due_on=due,
                                     status="done" if done < end else "open", done_on=done if done < end else None,
                                     created_at=_at(day, rng)))
        day += dt.timedelta(days=rng.randint(40, 90))
