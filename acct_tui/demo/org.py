"""The demo's organisation: teams, people, and the plan for every account.

Sizes scale with the number of accounts: one team per ~83 accounts, each with
a lead and four account managers (a senior who mentors a junior, a KAM, two
AMs), so the default 250 accounts give 3 teams, 3 leads and 12 managers.
Account values follow a bounded Pareto curve sampled on even quantiles, so the
top 20% of accounts hold about 80% of the value at any size; the tier follows
the value rank. Which accounts go wrong, churn or are still prospects is
decided here, by position, so even a small demo holds every kind.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from acct_tui.demo import vocab

#: The ways an active account goes wrong; each one is built so a risk rule fires.
MODES = (
    "gone_quiet",
    "usage_sliding",
    "revenue_sliding",
    "complaints_piling",
    "case_stuck",
    "champion_left",
    "invoices_overdue",
    "renewal_weak",
    "sentiment_sour",
    "commitments_late",
    "milestones_overdue",
    "intent_to_leave",
)

ACCOUNTS_PER_TEAM = 83.3
#: The roles of a team's four account managers; the senior mentors the last AM.
TEAM_ROLES = ("senior", "kam", "am", "am")
#: Bounded Pareto: smallest and largest annual value, and the shape.
VALUE_LOW, VALUE_HIGH, VALUE_ALPHA = 6_000.0, 2_000_000.0, 0.7
KEY_SHARE = 0.15
TROUBLED_SHARE = 0.15
CHURNED_SHARE = 0.03
PROSPECT_SHARE = 0.01


@dataclass(frozen=True)
class Person:
    id: int
    login: str
    name: str
    role: str
    team_id: int | None
    manager_id: int | None


@dataclass
class AccountPlan:
    """Everything decided about an account before its history is written."""

    id: int
    name: str
    #: The value in USD: what ranks accounts (tier, owner) and sizes usage.
    value: Decimal
    tier: str = "standard"
    owner_id: int = 0
    team_index: int = 0
    industry: str = ""
    currency: str = "USD"
    #: The annual value in `currency`: what the account, its revenue and invoices show.
    local_value: Decimal | None = None
    status: str = "active"
    mode: str | None = None
    #: The red rather than the yellow version of the mode (alternates, first is red).
    harsh: bool = False
    churned_on: dt.date | None = None
    renewal_date: dt.date | None = None
    contract_start: dt.date | None = None
    created_on: dt.date | None = None
    #: Each renewal's anniversary -> the day it was signed (the milestone done, the opportunity won).
    renewals_signed: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Org:
    teams: tuple[str, ...]
    people: tuple[Person, ...]
    accounts: list[AccountPlan]


def team_count(accounts: int) -> int:
    return max(2, round(accounts / ACCOUNTS_PER_TEAM)) if accounts >= 40 else 1


def build_org(accounts: int, rng: random.Random, today: dt.date) -> Org:
    """Teams, people and account plans for `accounts` accounts."""
    n_teams = team_count(accounts)
    teams = tuple(_team_name(i) for i in range(n_teams))
    people = _people(n_teams, rng)
    plans = [AccountPlan(id=i + 1, name="", value=v) for i, v in enumerate(_values(accounts, rng))]
    _name_accounts(plans, rng)
    _assign_owners(plans, people, rng)
    for plan in plans:
        plan.industry = rng.choice(vocab.INDUSTRIES)
        plan.currency = "USD" if rng.random() < 0.85 else rng.choice(("VND", "EUR", "SGD"))
    _assign_fates(plans, n_teams, rng)
    for plan in plans:
        _set_dates(plan, rng, today)
    return Org(teams=teams, people=tuple(people), accounts=plans)


def _team_name(i: int) -> str:
    base = vocab.TEAM_NAMES[i % len(vocab.TEAM_NAMES)]
    return base if i < len(vocab.TEAM_NAMES) else f"{base} {i // len(vocab.TEAM_NAMES) + 1}"


class _Logins:
    """Hands out unique `given.family` logins."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def person(self, rng: random.Random) -> tuple[str, str]:
        if rng.random() < 0.6:
            given, family = rng.choice(vocab.VN_GIVEN), rng.choice(vocab.VN_FAMILY)
        else:
            given, family = rng.choice(vocab.EN_GIVEN), rng.choice(vocab.EN_FAMILY)
        base = f"{given}.{family}".lower()
        login, n = base, 1
        while login in self.taken:
            n += 1
            login = f"{base}{n}"
        self.taken.add(login)
        return login, f"{given} {family}"


def _people(n_teams: int, rng: random.Random) -> list[Person]:
    logins = _Logins()
    people: list[Person] = []

    def add(role: str, team_id: int | None, manager_id: int | None) -> Person:
        login, name = logins.person(rng)
        person = Person(len(people) + 1, login, name, role, team_id, manager_id)
        people.append(person)
        return person

    for t in range(n_teams):
        lead = add("lead", t + 1, None)
        senior = add("senior", t + 1, lead.id)
        add("kam", t + 1, lead.id)
        add("am", t + 1, lead.id)
        add("am", t + 1, senior.id)
    add("admin", None, None)
    return people


def _values(n: int, rng: random.Random) -> list[Decimal]:
    """Pareto values on even quantiles (stable shape at any size), in random order."""
    scale = 1 - (VALUE_LOW / VALUE_HIGH) ** VALUE_ALPHA
    values = []
    for i in range(n):
        u = (i + rng.random()) / n
        raw = VALUE_LOW / (1 - u * scale) ** (1 / VALUE_ALPHA)
        values.append(Decimal(int(round(raw, -2))))
    rng.shuffle(values)
    return values


def _name_accounts(plans: list[AccountPlan], rng: random.Random) -> None:
    seen: dict[str, int] = {}
    for plan in plans:
        name = f"{rng.choice(vocab.COMPANY_HEAD)} {rng.choice(vocab.COMPANY_TRADE)} {rng.choice(vocab.COMPANY_FORM)}"
        count = seen.get(name, 0) + 1
        seen[name] = count
        plan.name = name if count == 1 else f"{name} ({count})"


def _assign_owners(plans: list[AccountPlan], people: list[Person], rng: random.Random) -> None:
    """Strategic accounts to KAMs (3-5 each), the next largest to seniors, the rest to AMs."""
    ranked = sorted(plans, key=lambda p: (-p.value, p.id))
    n = len(ranked)
    kams = [p for p in people if p.role == "kam"]
    seniors = [p for p in people if p.role == "senior"]
    ams = [p for p in people if p.role == "am"]
    kam_sizes = [rng.randint(3, 5) for _ in kams]
    while sum(kam_sizes) > max(1, n // 8):
        kam_sizes[kam_sizes.index(max(kam_sizes))] -= 1
    strategic = sum(kam_sizes)
    am_sizes = [rng.randint(15, 20) for _ in ams]
    cap = int(0.6 * (n - strategic))
    if sum(am_sizes) > cap:
        factor = cap / sum(am_sizes)
        am_sizes = [max(1, int(s * factor)) for s in am_sizes]
    senior_total = n - strategic - sum(am_sizes)
    senior_sizes = [senior_total // len(seniors) + (1 if i < senior_total % len(seniors) else 0) for i in range(len(seniors))]
    key_end = strategic + round(KEY_SHARE * n)
    for rank, plan in enumerate(ranked):
        plan.tier = "strategic" if rank < strategic else "key" if rank < key_end else "standard"
    start = 0
    for group, sizes in ((kams, kam_sizes), (seniors, senior_sizes), (ams, am_sizes)):
        slots = [person for person, size in zip(group, sizes) for _ in range(size)]
        rng.shuffle(slots)
        for plan, person in zip(ranked[start:start + len(slots)], slots):
            plan.owner_id = person.id
            plan.team_index = person.team_id - 1
        start += len(slots)


def _assign_fates(plans: list[AccountPlan], n_teams: int, rng: random.Random) -> None:
    """Pick, per team, the accounts that churned, are prospects, or go wrong.

    The first team (the default viewer's) always gets every trouble mode.
    """
    seen: dict[str, int] = {}
    by_team: list[list[AccountPlan]] = [[] for _ in range(n_teams)]
    for plan in plans:
        by_team[plan.team_index].append(plan)
    for t, members in enumerate(by_team):
        pool = list(members)
        rng.shuffle(pool)
        n = len(members)

        def take(pred) -> AccountPlan | None:
            for i, plan in enumerate(pool):
                if pred(plan):
                    return pool.pop(i)
            return None

        for _ in range(max(1, round(CHURNED_SHARE * n))):
            plan = take(lambda p: p.tier != "strategic")
            if plan:
                plan.status = "churned"
        for _ in range(max(1, round(PROSPECT_SHARE * n))):
            plan = take(lambda p: p.tier == "standard")
            if plan:
                plan.status = "prospect"
        troubled = max(len(MODES) if t == 0 else 0, round(TROUBLED_SHARE * n))
        for j in range(troubled):
            mode = MODES[(j + t) % len(MODES)]
            # A weak relationship before renewal must not also be "gone quiet":
            # only a standard tier's window is longer than the 30-day test.
            plan = take((lambda p: p.tier == "standard") if mode == "renewal_weak" else (lambda p: True))
            if plan:
                plan.mode = mode
                plan.harsh = seen.get(mode, 0) % 2 == 0
                seen[mode] = seen.get(mode, 0) + 1


def _anniversary_after(start: dt.date, day: dt.date) -> dt.date:
    year = day.year
    while True:
        candidate = _safe_date(year, start.month, start.day)
        if candidate > day:
            return candidate
        year += 1


def _safe_date(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(day, 28) if month == 2 else day)


def _set_dates(plan: AccountPlan, rng: random.Random, today: dt.date) -> None:
    if plan.status == "prospect":
        plan.created_on = today - dt.timedelta(days=rng.randint(30, 120))
        return
    if plan.status == "churned":
        plan.churned_on = today - dt.timedelta(days=rng.randint(30, 330))
        years = rng.randint(1, 4)
        plan.contract_start = _safe_date(plan.churned_on.year - years, plan.churned_on.month, plan.churned_on.day)
        plan.renewal_date = plan.churned_on
    elif plan.mode == "renewal_weak":
        plan.renewal_date = today + dt.timedelta(days=rng.randint(20, 80))
        years = rng.randint(2, 4)
        plan.contract_start = _safe_date(plan.renewal_date.year - years, plan.renewal_date.month, plan.renewal_date.day)
    else:
        # Most accounts predate the two-year window; some joined during it.
        back = rng.randint(740, 2400) if rng.random() < 0.75 else rng.randint(90, 720)
        plan.contract_start = today - dt.timedelta(days=back)
        plan.renewal_date = _anniversary_after(plan.contract_start, today)
    plan.created_on = plan.contract_start - dt.timedelta(days=rng.randint(14, 60))
