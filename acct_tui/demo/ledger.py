"""The dated facts of an account's contract: milestones, monthly metrics, invoices.

Each writer takes the account's plan, the shared build context and the
account's own `random.Random`, and appends tuples to the sink.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from acct_tui.core.periods import add_months, month_start
from acct_tui.demo import vocab
from acct_tui.demo.org import AccountPlan, _safe_date
from acct_tui.demo.rng import DemoRandom, Weighted
from acct_tui.models import MetricSample, Milestone, Opportunity, Receivable

DAY = dt.timedelta(days=1)
CENT = Decimal("0.01")

#: Multipliers for the last months before `today` (or churn) per falling metric.
SLIDE_YELLOW = (0.82, 0.72, 0.66)  # mean down ~27%
SLIDE_RED = (0.62, 0.5, 0.4)  # mean down ~49%
CHURN_SLIDE = (0.85, 0.7, 0.55, 0.4)


def renewals(plan: AccountPlan, ctx):
    """(year, anniversary) of each renewal in the history window, up to the renewal date."""
    cs = plan.contract_start
    for year in range(cs.year + 1, plan.renewal_date.year + 1):
        ann = _safe_date(year, cs.month, cs.day)
        if ctx.window_start <= ann <= plan.renewal_date:
            yield year, ann


def _stamp(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 9, 0)


def write_milestones(plan: AccountPlan, ctx, rng: random.Random, start: dt.date, horizon: dt.date) -> None:
    """Contract, renewals, QBRs, deliverables and deadlines, past and upcoming."""
    sink, today, yesterday = ctx.sink, ctx.today, ctx.today - DAY
    rows: list[tuple] = []

    def add(title, kind, due, status, completed=None):
        created = max(plan.created_on, due - dt.timedelta(days=rng.randint(30, 90)))
        rows.append((due, title, kind, status, completed, _stamp(min(created, yesterday))))

    def done(title, kind, due, early=7, late=2):
        completed = min(yesterday, due + dt.timedelta(days=rng.randint(-early, late)))
        add(title, kind, due, "done", completed)
        return completed

    cs = plan.contract_start
    if plan.status == "prospect":
        add("Contract signature", "contract", today + dt.timedelta(days=rng.randint(20, 90)), "planned")
    else:
        if cs >= ctx.window_start:
            add("Contract signed", "contract", cs, "done", cs)
        for year, ann in renewals(plan, ctx):
            title = f"Renewal {year}"
            if plan.status == "churned" and ann == plan.churned_on:
                add(title, "renewal", ann, "missed")
            elif ann < today:
                # The renewal opportunity is won the day the milestone is done.
                plan.renewals_signed[ann] = done(title, "renewal", ann, early=20, late=0)
            else:
                add(title, "renewal", ann, "planned")
        if plan.tier != "standard":
            _qbrs(plan, rng, start, horizon, today, add, done)
        span = (horizon - start).days
        for _ in range(max(0, int(span / 365 * rng.uniform(1, 3)))):
            if span > 60:
                due = start + dt.timedelta(days=rng.randint(30, span - 10))
                done(rng.choice(vocab.DELIVERABLES), "deliverable", due)
        if span > 120 and rng.random() < 0.5:
            done(rng.choice(vocab.DEADLINES), "deadline", start + dt.timedelta(days=rng.randint(30, span - 30)), late=0)
        if plan.status == "active":
            if rng.random() < 0.6:
                add(rng.choice(vocab.DELIVERABLES), "deliverable", today + dt.timedelta(days=rng.randint(10, 120)), "planned")
            if rng.random() < 0.3:
                add(rng.choice(vocab.DEADLINES), "deadline", today + dt.timedelta(days=rng.randint(5, 60)), "planned")
        else:
            add(rng.choice(vocab.DELIVERABLES), "deliverable", horizon - dt.timedelta(days=rng.randint(20, 60)), "missed")
    if plan.mode == "milestones_overdue":
        for _ in range(rng.randint(1, 2)):
            kind = rng.choice(("deliverable", "deadline"))
            title = rng.choice(vocab.DELIVERABLES if kind == "deliverable" else vocab.DEADLINES)
            add(title, kind, today - dt.timedelta(days=rng.randint(4, 40)), "planned")
    rows.sort(key=lambda r: r[0])
    sink.rows[Milestone].extend(
        (row_id, plan.id, title, kind, due, status, completed, created)
        for row_id, (due, title, kind, status, completed, created) in enumerate(rows, sink.reserve(Milestone, len(rows)))
    )


def _qbrs(plan: AccountPlan, rng: random.Random, start: dt.date, horizon: dt.date, today: dt.date, add, done) -> None:
    """A key or strategic account's quarterly business reviews: held each quarter, the next one planned."""
    quarter = dt.date(start.year, (start.month - 1) // 3 * 3 + 1, 1)
    while quarter <= horizon + dt.timedelta(days=92):
        due = quarter + dt.timedelta(days=rng.randint(10, 25))
        label = f"QBR Q{(quarter.month - 1) // 3 + 1} {quarter.year}"
        if start <= due < min(today, horizon):
            done(label, "qbr", due, early=3, late=0)
        elif due >= today and plan.status == "active":
            add(label, "qbr", due, "planned")
            break
        quarter = add_months(quarter, 3)


def write_metrics(plan: AccountPlan, ctx, rng: random.Random) -> None:
    """Monthly revenue and usage for the 24 complete months before today (or churn)."""
    if plan.status == "prospect":
        return
    sink = ctx.sink
    first = month_start(plan.contract_start)
    end = month_start(plan.churned_on) if plan.status == "churned" else month_start(ctx.today)
    periods = [p for p in ctx.periods if first <= p < end]
    if not periods:
        return
    revenue_base = float(plan.local_value) / 12
    usage_base = max(40.0, float(plan.value) / 90)
    growth = rng.uniform(-0.03, 0.12)
    fall: dict[str, tuple[float, ...]] = {}
    if plan.status == "churned":
        fall = {"revenue": CHURN_SLIDE, "usage": CHURN_SLIDE}
    elif plan.mode in ("usage_sliding", "revenue_sliding"):
        fall = {plan.mode.split("_")[0]: SLIDE_RED if plan.harsh else SLIDE_YELLOW}
    n = len(periods)
    revenue_fall, usage_fall = fall.get("revenue", ()), fall.get("usage", ())
    gauss, account, out, text = rng.gauss, plan.id, sink.rows[MetricSample], ctx.period_text
    row_id = sink.reserve(MetricSample, 2 * n)
    for i, period in enumerate(periods):
        months_from_end = (end.year - period.year) * 12 + end.month - period.month  # 1 = last month
        trend = 1 + growth * (i - n) / 12
        # Revenue, then usage: a draw each, in this order.
        factor = revenue_fall[len(revenue_fall) - months_from_end] if months_from_end <= len(revenue_fall) else 1.0
        revenue = round(revenue_base * trend * factor * (1 + gauss(0, 0.03)), 2)
        factor = usage_fall[len(usage_fall) - months_from_end] if months_from_end <= len(usage_fall) else 1.0
        usage = float(round(usage_base * trend * factor * (1 + gauss(0, 0.04))))
        out.append((row_id, account, text[period], "revenue", revenue))
        out.append((row_id + 1, account, text[period], "usage", usage))
        row_id += 2


def write_receivables(plan: AccountPlan, ctx, rng: random.Random) -> None:
    """Invoices monthly (key, strategic) or quarterly (standard), net 30; most paid."""
    if plan.status == "prospect":
        return
    sink, today = ctx.sink, ctx.today
    yesterday = today - DAY
    monthly = plan.tier != "standard"
    amount = (plan.local_value / (12 if monthly else 4)).quantize(CENT)
    period = max(month_start(plan.contract_start), month_start(ctx.window_start))
    last = month_start(plan.churned_on) if plan.status == "churned" else month_start(today)
    invoices = []
    while period <= last:
        if monthly or period.month % 3 == 1:
            invoices.append(period)
        period = add_months(period, 1)
    for index, period in enumerate(invoices):
        due = period + dt.timedelta(days=30)
        paid = None
        if due <= yesterday:
            paid = min(yesterday, max(period + DAY, due + dt.timedelta(days=rng.randint(-12, 6))))
        elif rng.random() < 0.4 and period + dt.timedelta(days=10) < today:
            paid = min(yesterday, period + dt.timedelta(days=rng.randint(5, 20)))
        if plan.mode == "invoices_overdue" and today - dt.timedelta(days=130) <= due <= today - dt.timedelta(days=31):
            paid = None
        if plan.status == "churned" and index == len(invoices) - 1:
            paid = None
        sink.add(Receivable, (sink.new_id(Receivable), plan.id, amount, due, paid))


#: Open opportunities' stages and the probability each carries.
OPEN_STAGES = (("Qualification", 20), ("Proposal", 50), ("Negotiation", 75))
#: How far ahead an upcoming renewal already has an opportunity.
RENEWAL_LEAD_DAYS = 120
#: How many expansion or cross-sell deals an account has, and how often.
EXTRA_DEALS = Weighted((0, 1, 2, 3), (50, 30, 15, 5))


def write_opportunities(plan: AccountPlan, ctx) -> None:
    """Renewals (one per anniversary, as the milestones have them) and some expansion and cross-sell.

    Drawn from the account's own second random stream, so the rest of its
    history is the same with or without them.
    """
    if plan.status == "prospect":
        return
    rng = DemoRandom(ctx.seed * 5_000_011 + plan.id)
    today, yesterday = ctx.today, ctx.today - DAY
    deals: list[tuple] = []  # (kind, name, amount, stage, probability, close, status, closed, created)

    def add(kind, name, amount, close, status, stage=None, probability=None, closed=None):
        created = max(plan.created_on, close - dt.timedelta(days=rng.randint(30, 120)))
        if status == "open":
            stage, probability = stage or rng.choice(OPEN_STAGES)[0], probability
            probability = probability if probability is not None else dict(OPEN_STAGES)[stage]
        elif status == "won":
            stage, probability = "Closed Won", 100
        else:
            stage, probability = "Closed Lost", 0
        deals.append((kind, name, amount, stage, probability, close, status, closed, min(created, yesterday)))

    for year, ann in renewals(plan, ctx):
        title = f"Renewal {year}"
        if plan.status == "churned" and ann == plan.churned_on:
            add("renewal", title, plan.local_value, ann, "lost", closed=ann)
        elif ann < today:
            signed = plan.renewals_signed.get(ann, ann)
            add("renewal", title, plan.local_value, signed, "won", closed=signed)
        elif (ann - today).days <= RENEWAL_LEAD_DAYS and plan.status == "active":
            weak = plan.mode == "renewal_weak"
            add("renewal", title, plan.local_value, ann, "open", stage="Negotiation" if weak else None, probability=35 if weak else None)

    for _ in range(rng.pick(EXTRA_DEALS)):
        kind = "expansion" if rng.random() < 0.65 else "cross_sell"
        name = rng.choice(vocab.EXPANSIONS if kind == "expansion" else vocab.CROSS_SELLS)
        amount = Decimal(f"{float(plan.local_value) * rng.uniform(0.05, 0.3):.3g}").quantize(CENT)
        close = ctx.window_start + dt.timedelta(days=rng.randint(60, (ctx.today - ctx.window_start).days + 90))
        end = plan.churned_on if plan.status == "churned" else today
        if close < plan.contract_start + dt.timedelta(days=60):
            continue
        if close >= end:
            if plan.status != "active":
                continue
            add(kind, name, amount, close, "open")
        else:
            status = "won" if rng.random() < 0.55 else "lost"
            add(kind, name, amount, close, status, closed=close)
    sink = ctx.sink
    for kind, name, amount, stage, probability, close, status, closed, created in sorted(deals, key=lambda d: d[5]):
        deal_id = sink.new_id(Opportunity)
        sink.add(Opportunity, (
            deal_id, f"OPP-{deal_id:07d}", plan.id, kind, name, amount, plan.currency, stage, probability, close,
            status, plan.owner_id, created, closed,
        ))
