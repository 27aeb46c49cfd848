"""The demo generator: deterministic, realistically shaped, troubled in every way the rules know.

Every check on trouble reads the raw facts (grouped queries over the tables),
never the generator's own plan: the signals must come from the data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from peewee import fn

from acct_tui import db as dbmod, demo
from acct_tui.cli import main
from acct_tui.core.policy import Policy
from acct_tui.enums import TOUCH_KINDS
from acct_tui.errors import UsageError
from acct_tui.models import (
    ALL_MODELS,
    Account,
    ActionItem,
    Activity,
    CustomerCase,
    Contact,
    MetricSample,
    Milestone,
    Opportunity,
    Receivable,
    Team,
    User,
)
from acct_tui.services import money

TODAY = dt.date(2026, 11, 20)
MOMENT = dt.datetime(2026, 11, 20, 0, 0)


def digest() -> str:
    """A stable fingerprint of every row of every table, in id order."""
    h = hashlib.sha256()
    for model in ALL_MODELS:
        for row in model.select().order_by(model._meta.primary_key).tuples():
            h.update(repr(row).encode())
    return h.hexdigest()


# -- facts, one grouped query each ---------------------------------------------


def _active() -> dict[int, Account]:
    return {a.id: a for a in Account.select().where(Account.status == "active")}


def last_touch() -> dict[int, dt.datetime]:
    q = (Activity.select(Activity.account, fn.MAX(Activity.occurred_at).alias("last"))
         .where(Activity.kind.in_(TOUCH_KINDS)).group_by(Activity.account).tuples())
    return {a: _dt(last) for a, last in q}


def _dt(value) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)


def gone_quiet() -> set[int]:
    policy, touches = Policy(), last_touch()
    return {
        a.id for a in _active().values()
        if a.id not in touches or (MOMENT - touches[a.id]).days > policy.contact(a.tier).max
    }


def sliding(metric: str, drop: float) -> set[int]:
    periods = [dt.date(2026, m, 1) for m in range(5, 11)]  # May..Oct: the 6 complete months before today
    values = defaultdict(dict)
    for account, period, value in (MetricSample.select(MetricSample.account, MetricSample.period, MetricSample.value)
                                   .where(MetricSample.metric == metric, MetricSample.period.in_(periods)).tuples()):
        values[account][period] = value
    found = set()
    for account, by_period in values.items():
        if len(by_period) == 6:
            before = sum(by_period[p] for p in periods[:3]) / 3
            after = sum(by_period[p] for p in periods[3:]) / 3
            if after <= before * (1 - drop):
                found.add(account)
    return found & set(_active())


def complaints_piling() -> set[int]:
    q = (CustomerCase.select(CustomerCase.account).where(CustomerCase.opened_at >= MOMENT - dt.timedelta(days=30))
         .group_by(CustomerCase.account).having(fn.COUNT(CustomerCase.id) >= 3).tuples())
    return {a for (a,) in q} & set(_active())


def cases_stuck() -> set[int]:
    q = CustomerCase.select(CustomerCase.account).where(CustomerCase.closed_at.is_null(), CustomerCase.opened_at < MOMENT - dt.timedelta(days=14)).tuples()
    return {a for (a,) in q} & set(_active())


def escalated_severe_open() -> set[int]:
    q = CustomerCase.select(CustomerCase.account).where(CustomerCase.closed_at.is_null(), CustomerCase.escalated, CustomerCase.severity.in_(("high", "critical"))).tuples()
    return {a for (a,) in q} & set(_active())


def champion_left() -> set[int]:
    left = (Contact.select(Contact.account, Contact.role)
            .where(Contact.role.in_(("champion", "sponsor")), Contact.left_on >= TODAY - dt.timedelta(days=60)).tuples())
    current = set(Contact.select(Contact.account, Contact.role).where(Contact.left_on.is_null()).tuples())
    return {a for a, role in left if (a, role) not in current} & set(_active())


def invoices_overdue(days: int) -> set[int]:
    q = Receivable.select(Receivable.account).where(Receivable.paid_on.is_null(), Receivable.due_on < TODAY - dt.timedelta(days=days)).tuples()
    return {a for (a,) in q} & set(_active())


def renewal_weak() -> set[int]:
    touches = last_touch()
    return {
        a.id for a in _active().values()
        if a.renewal_date and TODAY <= a.renewal_date <= TODAY + dt.timedelta(days=90)
        and (a.id not in touches or (MOMENT - touches[a.id]).days > 30)
    }


def sentiment_sour() -> set[int]:
    moods = defaultdict(list)
    q = (Activity.select(Activity.account, Activity.sentiment).where(Activity.sentiment.is_null(False))
         .order_by(Activity.account, Activity.occurred_at.desc()).tuples())
    for account, sentiment in q:
        if len(moods[account]) < 3:
            moods[account].append(sentiment)
    return {a for a, m in moods.items() if len(m) == 3 and sum(m) / 3 <= -1} & set(_active())


def commitments_late() -> set[int]:
    q = ActionItem.select(ActionItem.account).where(ActionItem.status == "open", ActionItem.due_on < TODAY).tuples()
    return {a for (a,) in q} & set(_active())


def milestones_overdue() -> set[int]:
    q = Milestone.select(Milestone.account).where(Milestone.status == "planned", Milestone.due_on < TODAY).tuples()
    return {a for (a,) in q} & set(_active())


def intent_to_leave() -> set[int]:
    said = dict(Activity.select(Activity.account, fn.MAX(Activity.occurred_at)).where(Activity.intent_to_leave).group_by(Activity.account).tuples())
    visited = dict(Activity.select(Activity.account, fn.MAX(Activity.occurred_at)).where(Activity.kind == "visit").group_by(Activity.account).tuples())
    return {a for a, at in said.items() if a not in visited or _dt(visited[a]) < _dt(at)} & set(_active())


FAILURE_MODES = {
    "gone quiet": gone_quiet,
    "usage sliding >= 20%": lambda: sliding("usage", 0.2),
    "usage sliding >= 40%": lambda: sliding("usage", 0.4),
    "revenue sliding >= 20%": lambda: sliding("revenue", 0.2),
    "complaints piling up": complaints_piling,
    "case open > 14 days": cases_stuck,
    "escalated high/critical case": escalated_severe_open,
    "champion or sponsor left": champion_left,
    "invoice overdue > 30 days": lambda: invoices_overdue(30),
    "invoice overdue > 60 days": lambda: invoices_overdue(60),
    "renewal with weak relationship": renewal_weak,
    "sentiment sour": sentiment_sour,
    "commitments late": commitments_late,
    "milestones overdue": milestones_overdue,
    "intent to leave, no visit since": intent_to_leave,
}


def troubled() -> set[int]:
    return set().union(*(check() for check in FAILURE_MODES.values()))


# -- fixtures ------------------------------------------------------------------


@pytest.fixture(scope="module")
def default_url(tmp_path_factory):
    """The default-size demo (250 accounts, seed 7), built once on SQLite."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    dbmod.open_database(url)
    with dbmod.database.connection_context():
        demo.build(today=TODAY)
    return url


@pytest.fixture
def default_demo(default_url):
    dbmod.connect(default_url)
    with dbmod.database.connection_context():
        yield


# -- determinism ---------------------------------------------------------------


def test_same_seed_and_today_give_the_same_database_and_another_seed_does_not(db):
    demo.build(accounts=60, seed=1, today=TODAY)
    first = digest()
    demo.build(accounts=60, seed=1, today=TODAY, fresh=True)
    assert digest() == first
    demo.build(accounts=60, seed=2, today=TODAY, fresh=True)
    assert digest() != first


def test_a_database_with_data_is_refused_without_fresh(db):
    demo.build(accounts=5, seed=1, today=TODAY)
    assert not demo.is_empty()
    with pytest.raises(UsageError, match="--fresh"):
        demo.build(accounts=5, seed=1, today=TODAY)


def test_ids_continue_after_the_demo_on_every_backend(db):
    demo.build(accounts=5, seed=1, today=TODAY)
    added = Team.create(name="Late team")
    assert added.id == Team.select(fn.MAX(Team.id)).scalar()
    assert Team.select().count() == 2


def test_history_lives_before_today_and_created_stamps_come_from_today(db):
    demo.build(accounts=60, seed=1, today=TODAY)
    assert Activity.select(fn.MAX(Activity.occurred_at)).scalar() < MOMENT
    assert CustomerCase.select().where(CustomerCase.closed_at >= MOMENT).count() == 0
    assert Account.select(fn.MAX(Account.updated_at)).scalar() <= MOMENT + dt.timedelta(hours=8)
    assert User.select(fn.MAX(User.created_at)).scalar() < MOMENT


# -- shape at the default size ----------------------------------------------------


def test_default_size_people(default_demo):
    roles = Counter(u.role for u in User.select())
    assert Team.select().count() == 3
    assert roles["lead"] == 3 and roles["admin"] == 1
    managers = [u for u in User.select() if u.role in ("am", "kam", "senior")]
    assert len(managers) == 12
    assert {u.role for u in managers} == {"am", "kam", "senior"}
    for am in managers:
        assert am.manager is not None and am.manager.role in ("lead", "senior")
        assert am.team_id == am.manager.team_id
    assert any(u.manager.role == "senior" for u in managers)
    assert 230 <= Account.select().count() <= 270
    assert demo.default_viewer_login() == User.get(User.role == "lead", User.team == 1).login


def test_default_size_portfolios(default_demo):
    sizes = dict(Account.select(Account.owner, fn.COUNT(Account.id)).group_by(Account.owner).tuples())
    for user in User.select().where(User.role == "am"):
        assert 15 <= sizes[user.id] <= 20, user.login
    for user in User.select().where(User.role == "kam"):
        tiers = {a.tier for a in Account.select().where(Account.owner == user)}
        assert 3 <= sizes[user.id] <= 5 and tiers == {"strategic"}, user.login
    for user in User.select().where(User.role == "senior"):
        assert Account.select().where(Account.owner == user, Account.tier == "key").count() > 0


def test_value_follows_pareto_and_tiers_follow_value(default_demo):
    # Values are in each account's own currency: compared in dollars, at the demo's rates.
    book = money.rate_book("USD")
    usd = {a.id: book.convert(a.annual_value, a.currency, TODAY) for a in Account.select()}
    accounts = sorted(Account.select(), key=lambda a: usd[a.id], reverse=True)
    total = sum(usd.values())
    top = sum(usd[a.id] for a in accounts[: len(accounts) // 5])
    assert Decimal("0.7") <= top / total <= Decimal("0.9")
    rank = {"strategic": 0, "key": 1, "standard": 2}
    for bigger, smaller in zip(accounts, accounts[1:]):
        # Converting back rounds: values within 1% of each other may swap.
        assert rank[bigger.tier] <= rank[smaller.tier] or usd[smaller.id] > usd[bigger.id] * Decimal("0.99")
    currencies = Counter(a.currency for a in accounts)
    assert currencies["USD"] / len(accounts) > 0.7
    assert set(currencies) == {"USD", "EUR", "SGD", "VND"}
    assert all(book.rate(code, TODAY) is not None for code in currencies)
    dong = next(a for a in accounts if a.currency == "VND")
    assert dong.annual_value > 100_000_000  # tens of thousands of dollars are hundreds of millions of dong


def test_opportunities_renew_expand_and_cross_sell_in_the_accounts_currency(default_demo):
    kinds = Counter((o.kind, o.status) for o in Opportunity.select())
    assert {k for k, _ in kinds} == {"renewal", "expansion", "cross_sell"}
    assert {s for _, s in kinds} == {"open", "won", "lost"}
    for opp in Opportunity.select().join(Account):
        assert opp.currency == opp.account.currency and opp.owner_id == opp.account.owner_id
        assert (opp.closed_on is None) == (opp.status == "open")
        assert opp.created_on <= (opp.closed_on or opp.close_date)
        assert (opp.status, opp.probability) != ("won", 0) and 0 <= opp.probability <= 100
        if opp.status == "open":
            assert opp.account.status == "active"
        else:
            assert opp.closed_on == opp.close_date  # a CRM closes an opportunity on its close date
    # A renewal is won the day its milestone is done: the timeline tells one story.
    signed = {(m.account_id, m.completed_on) for m in Milestone.select().where((Milestone.kind == "renewal") & (Milestone.status == "done"))}
    won = [(o.account_id, o.closed_on) for o in Opportunity.select().where((Opportunity.kind == "renewal") & (Opportunity.status == "won"))]
    assert won and all(deal in signed for deal in won)


def test_history_is_rich(default_demo):
    kinds = Counter(k for (k,) in Activity.select(Activity.kind).tuples())
    assert set(kinds) == {"visit", "call", "email", "meeting", "update", "note"}
    assert Activity.select().where(Activity.confirmed_by.is_null(False)).count() > 0
    assert 0 < Activity.select().where(Activity.confidential).count() < Activity.select().count() * 0.05
    statuses = Counter(s for (s,) in ActionItem.select(ActionItem.status).tuples())
    assert statuses["done"] > 5 * (statuses["open"] + statuses["cancelled"])
    late = ActionItem.select().where(ActionItem.done_on > ActionItem.due_on).count()
    assert 0 < late < statuses["done"] * 0.2
    assert {k for (k,) in Milestone.select(Milestone.kind).distinct().tuples()} == {"deliverable", "renewal", "qbr", "deadline", "contract"}
    periods = MetricSample.select(MetricSample.period).distinct().count()
    assert periods == 24
    roles = {r for (r,) in Contact.select(Contact.role).distinct().tuples()}
    assert {"champion", "sponsor", "decision_maker", "user"} <= roles
    paid = Receivable.select().where(Receivable.paid_on.is_null(False)).count()
    assert paid > 0.85 * Receivable.select().count()


def test_most_active_accounts_are_healthy_and_touched_on_cadence(default_demo):
    active = _active()
    quiet = gone_quiet()
    assert len(quiet) / len(active) < 0.1
    bad = troubled()
    assert 0.05 < len(bad) / len(active) < 0.3


@pytest.mark.parametrize("mode", sorted(FAILURE_MODES))
def test_every_failure_mode_shows_in_the_default_demo(default_demo, mode):
    assert FAILURE_MODES[mode](), f"no active account is {mode}"


def test_churned_accounts_show_trouble_before_they_left(default_demo):
    churned = list(Account.select().where(Account.status == "churned"))
    assert len(churned) >= 3
    for account in churned:
        assert TODAY - dt.timedelta(days=365) <= account.churned_on < TODAY
        before = _dt(account.churned_on.isoformat() + "T00:00:00")
        warning = Activity.select().where(
            Activity.account == account, Activity.intent_to_leave, Activity.occurred_at < before
        ).count()
        sour = Activity.select().where(
            Activity.account == account, Activity.sentiment < 0,
            Activity.occurred_at.between(before - dt.timedelta(days=120), before),
        ).count()
        cases = CustomerCase.select().where(CustomerCase.account == account, CustomerCase.opened_at.between(before - dt.timedelta(days=120), before)).count()
        assert warning and sour and cases >= 3, account.name
        assert not MetricSample.select().where(MetricSample.account == account, MetricSample.period >= account.churned_on).exists()
    assert Account.select().where(Account.status == "prospect").count() >= 2


# -- the small demo the UI tests use -------------------------------------------


def test_the_small_demo_holds_every_failure_mode_in_the_default_viewers_team(db):
    # One build checked for every mode (a build per mode cost half a minute of the suite); the
    # message names each mode that is missing.
    demo.build(accounts=60, seed=1, today=TODAY)
    lead = User.get(User.login == demo.default_viewer_login())
    team_accounts = {a for (a,) in Account.select(Account.id).join(User, on=Account.owner == User.id).where(User.team == lead.team).tuples()}
    missing = [mode for mode, check in sorted(FAILURE_MODES.items()) if not check() & team_accounts]
    assert not missing, f"no account of {lead.login}'s team is {missing}"
    assert Account.select().where(Account.status == "churned").count() >= 2
    assert Account.select().where(Account.status == "prospect").count() >= 2


# -- the command -----------------------------------------------------------------


def test_demo_command_builds_reuses_and_rebuilds_identically(db_url, capsys):
    argv = ["demo", "--no-open", "--db", db_url, "--accounts", "60", "--seed", "3", "--today", "2026-11-20"]
    assert main(argv) == 0
    assert "60 accounts" in capsys.readouterr().out
    with dbmod.database.connection_context():
        first = digest()
    assert main(argv) == 0
    assert "reusing" in capsys.readouterr().out
    assert main(argv + ["--fresh"]) == 0
    assert "60 accounts" in capsys.readouterr().out
    with dbmod.database.connection_context():
        assert digest() == first


def test_demo_command_replays_a_month_of_scans(db_url, capsys):
    from acct_tui.models import Alert, HealthSnapshot

    assert main(["demo", "--no-open", "--db", db_url, "--accounts", "60", "--seed", "1", "--today", "2026-11-20"]) == 0
    out = capsys.readouterr().out
    assert "5 weekly scans replayed" in out
    with dbmod.database.connection_context():
        days = {s.taken_on for s in HealthSnapshot.select(HealthSnapshot.taken_on).distinct()}
        assert days == {dt.date(2026, 11, 20) - dt.timedelta(weeks=w) for w in range(5)}
        live = Alert.select().where(Alert.status != "resolved")
        assert live.count() > 0
        # a red alert four weeks old and never acknowledged has gone up to a lead
        assert live.where(Alert.escalated_to.is_null(False)).count() > 0


def test_the_build_leaves_every_index_in_place(db):
    before = {model: {ix.name for ix in db.get_indexes(model._meta.table_name)} for model in ALL_MODELS}
    demo.build(accounts=5, seed=2, today=TODAY)
    after = {model: {ix.name for ix in db.get_indexes(model._meta.table_name)} for model in ALL_MODELS}
    assert after == before


def test_a_duplicate_in_a_bulk_load_still_fails_it_and_the_other_indexes_come_back(db):
    """SQLite builds the unique indexes after the load too: one that a duplicate breaks is an error, not a
    quiet loss of the guarantee, and every other index is still built (PostgreSQL keeps them through the load)."""
    import peewee

    from acct_tui.demo.writer import indexes_deferred

    before = {ix.name for model in ALL_MODELS for ix in db.get_indexes(model._meta.table_name)}
    Team.create(name="North")
    with pytest.raises(peewee.IntegrityError):
        with indexes_deferred(db.obj):
            db.execute_sql('INSERT INTO "team" ("name") VALUES (%s)' % db.param, ("North",))
    after = {ix.name for model in ALL_MODELS for ix in db.get_indexes(model._meta.table_name)}
    postgres = isinstance(db.obj, peewee.PostgresqlDatabase)
    assert after == (before if postgres else before - {"team_name"})


def test_the_demo_shows_a_believable_spread_that_agrees_with_its_alerts(tmp_path, capsys):
    """Some red, some yellow, most green; no account with an open red alert is green, and a
    departure intent is red (the issue's "green beside intends to leave")."""
    from acct_tui.models import Alert, HealthSnapshot

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert main(["demo", "--no-open", "--db", url, "--today", "2026-11-20"]) == 0
    capsys.readouterr()
    with dbmod.database.connection_context():
        bands = dict(HealthSnapshot.select(HealthSnapshot.account, HealthSnapshot.band)
                     .where(HealthSnapshot.taken_on == TODAY).tuples())
        spread = Counter(bands.values())
        assert spread["red"] >= 3 and spread["yellow"] >= 10 and spread["green"] > len(bands) * 0.7, spread
        live = Alert.select(Alert.account, Alert.rule).where(Alert.status.in_(("open", "acknowledged")) & (Alert.severity == "red"))
        assert live.count() > 0
        assert all(bands[account] != "green" for account, _ in live.tuples())
        assert all(bands[account] == "red" for account, rule in live.tuples() if rule == "departure_intent")


def test_demo_random_draws_what_random_random_draws():
    """The demo's faster randint and choice must not change a seed's demo: the same numbers, in the same order."""
    import random

    from acct_tui.demo.rng import DemoRandom

    ours, theirs = DemoRandom(11), random.Random(11)
    spans = [(0, 0), (1, 2), (-5, 5), (8, 17), (0, 2**40), (3, 1000)]
    seqs = ["a", "ab", tuple(range(7)), list(range(1000))]
    for i in range(20_000):
        a, b = spans[i % len(spans)]
        assert ours.randint(a, b) == theirs.randint(a, b)
        seq = seqs[i % len(seqs)]
        assert ours.choice(seq) == theirs.choice(seq)
        assert ours.random() == theirs.random()
    with pytest.raises(ValueError):
        ours.randint(3, 1)
    with pytest.raises(IndexError):
        ours.choice([])


def test_demo_random_picks_and_times_draw_what_choices_and_randint_draw():
    """`pick` (a weighted choice) and `hour_quarter` (a touch's time) take the same numbers as the
    `choices` and `randint`/`choice` calls they stand for, so the demo stays byte for byte the same."""
    import random

    from acct_tui.demo.rng import DemoRandom, Weighted

    ours, theirs = DemoRandom(5), random.Random(5)
    tables = [((-1, 0, 1, 2), (4, 26, 50, 20)), (("a", "b", "c"), (35, 45, 20)), ((0, 1, 2, 3), (50, 30, 15, 5)), (("x",), (1,))]
    weighted = [Weighted(population, weights) for population, weights in tables]
    drawn = Counter()
    for i in range(20_000):
        (population, weights), table = tables[i % len(tables)], weighted[i % len(tables)]
        value = ours.pick(table)
        assert value == theirs.choices(population, weights)[0]
        drawn[i % len(tables), value] += 1
        assert ours.hour_quarter() == (theirs.randint(8, 17), theirs.choice((0, 15, 30, 45)))
    assert len(drawn) == sum(len(population) for population, _ in tables)  # every value of every table came up
