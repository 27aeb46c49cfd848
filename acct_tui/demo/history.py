"""One account's people and touches: contacts, cases, activities, commitments, visit plans.

A healthy account is touched on its tier's cadence (every gap shorter than
the tier's maximum, the last touch within the target), visited on the visit
cadence, keeps its promises and pays. A troubled account (`plan.mode`) has
exactly the facts its risk rule looks for; a churned one shows trouble
building in the months before `churned_on`. The timeline is generated
backwards from the last touch so that its recency is chosen, not left to chance.
"""

from __future__ import annotations

import datetime as dt

from acct_tui.demo import vocab
from acct_tui.demo.ledger import write_metrics, write_milestones, write_opportunities, write_receivables
from acct_tui.demo.org import AccountPlan
from acct_tui.demo.rng import DemoRandom, Weighted
from acct_tui.models import Account, ActionItem, Activity, CustomerCase, Contact, PlannedVisit

DAY = dt.timedelta(days=1)
OTHER_KINDS = ("call", "email", "meeting", "update")
OTHER_WEIGHTS = (34, 34, 14, 18)
OTHER = Weighted(OTHER_KINDS, OTHER_WEIGHTS)
SENTIMENT_KINDS = frozenset(("visit", "meeting", "call"))
HEALTHY_MOODS, HEALTHY_MOOD_WEIGHTS = (-1, 0, 1, 2), (4, 26, 50, 20)
SOUR_MOODS, SOUR_MOOD_WEIGHTS = (-2, -1, 0), (35, 45, 20)
HEALTHY_MOOD, SOUR_MOOD = Weighted(HEALTHY_MOODS, HEALTHY_MOOD_WEIGHTS), Weighted(SOUR_MOODS, SOUR_MOOD_WEIGHTS)
CONTACTS = {"standard": (2, 4), "key": (3, 5), "strategic": (4, 7)}
CASE_RATE = {"standard": 0.7, "key": 1.4, "strategic": 2.4}
SEVERITIES, SEVERITY_WEIGHTS = ("low", "medium", "high", "critical"), (35, 45, 17, 3)
SEVERITY = Weighted(SEVERITIES, SEVERITY_WEIGHTS)
#: Gaps between touches, as fractions of the tier's target: the widest (plus two
#: days of weekend shift) stays inside every tier's maximum (60/45, 30/21, 21/14).
TOUCH_GAP = (0.75, 1.28)
VISIT_GAP = (0.75, 1.0)
DURATION = {"visit": (45, 120), "call": (5, 40), "meeting": (30, 90)}


def write_account(plan: AccountPlan, ctx) -> None:
    """Append every row of one account to `ctx.sink`."""
    _Account(plan, ctx).write()


def _at(day: dt.date, rng: DemoRandom) -> dt.datetime:
    hour, minute = rng.hour_quarter()  # randint(8, 17), then choice((0, 15, 30, 45))
    return dt.datetime(day.year, day.month, day.day, hour, minute)


def _weekday(day: dt.date) -> dt.date:
    """Weekend touches move back to Friday (only ever earlier, so no gap grows past 2 days)."""
    shift = day.weekday() - 4
    return day - dt.timedelta(days=shift) if shift > 0 else day


class _Account:
    def __init__(self, plan: AccountPlan, ctx) -> None:
        self.plan, self.ctx, self.sink = plan, ctx, ctx.sink
        self.rng = DemoRandom(ctx.seed * 1_000_003 + plan.id)
        self.today = ctx.today
        self.owner = ctx.people[plan.owner_id - 1]
        if plan.status == "prospect":
            self.start, self.horizon = plan.created_on, ctx.today
        else:
            self.start = max(ctx.window_start, plan.contract_start)
            self.horizon = plan.churned_on if plan.status == "churned" else ctx.today
        self.contacts: list[tuple] = []  # (id, name, title, role, added_on, left_on)
        self.cases: list[list] = []  # [opened_at, closed_at, subject, confirmed]

    def write(self) -> None:
        plan, sink, rng = self.plan, self.sink, self.rng
        created = dt.datetime.combine(plan.created_on, dt.time(9, 0))
        sink.add(Account, (
            plan.id, f"ACC-{plan.id:06d}", plan.name, plan.tier, plan.owner_id, plan.industry, plan.local_value,
            plan.currency, plan.status, plan.churned_on, plan.renewal_date, plan.contract_start, None, None,
            created, dt.datetime.combine(self.today, dt.time(7, 0)),
        ))
        self._contacts()
        self._cases()
        self._touches()
        write_milestones(plan, self.ctx, rng, self.start, self.horizon)
        write_metrics(plan, self.ctx, rng)
        write_receivables(plan, self.ctx, rng)
        write_opportunities(plan, self.ctx)

    # -- contacts ----------------------------------------------------------

    def _contacts(self) -> None:
        plan, rng, today = self.plan, self.rng, self.today
        low, high = CONTACTS[plan.tier]
        roles = ["champion", "decision_maker"]
        if plan.tier != "standard" or rng.random() < 0.4:
            roles.append("sponsor")
        roles += ["user"] * max(0, rng.randint(low, high) - len(roles))
        if rng.random() < 0.15:
            roles.append("other")
        domain = "".join(ch for ch in plan.name.split()[0].lower() if ch.isalpha()) + rng.choice((".com", ".vn", ".com.vn"))
        joined = self.start - dt.timedelta(days=rng.randint(0, 90))
        left_role = None
        if plan.mode == "champion_left":
            left_role = "sponsor" if "sponsor" in roles and rng.random() < 0.4 else "champion"
        for role in roles:
            added, left = joined + dt.timedelta(days=rng.randint(0, 20)), None
            if role == left_role:
                left = today - dt.timedelta(days=rng.randint(5, 50))
            elif plan.status == "churned" and role == "champion" and rng.random() < 0.6:
                left = plan.churned_on - dt.timedelta(days=rng.randint(70, 110))
            elif role == "champion" and plan.mode is None and (today - added).days > 400 and rng.random() < 0.2:
                # An old departure, replaced in time: history, not a signal.
                left = today - dt.timedelta(days=rng.randint(150, min(600, (today - added).days - 30)))
                self._contact(role, added, left, domain)
                added, left = left - dt.timedelta(days=rng.randint(0, 20)), None
            elif role == "user" and rng.random() < 0.1 and (today - added).days > 200:
                left = added + dt.timedelta(days=rng.randint(90, (today - added).days - 1))
            self._contact(role, min(added, today - DAY), left, domain)

    def _contact(self, role: str, added: dt.date, left: dt.date | None, domain: str) -> None:
        rng, sink = self.rng, self.sink
        if rng.random() < 0.6:
            given, family = rng.choice(vocab.VN_GIVEN), rng.choice(vocab.VN_FAMILY)
            phone = f"+84 9{rng.randint(0, 9)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
        else:
            given, family = rng.choice(vocab.EN_GIVEN), rng.choice(vocab.EN_FAMILY)
            phone = f"+1 {rng.randint(201, 989)} 555 {rng.randint(1000, 9999)}"
        name, title = f"{given} {family}", rng.choice(vocab.CONTACT_TITLES[role])
        birthday = dt.date(rng.randint(1962, 1998), rng.randint(1, 12), rng.randint(1, 28)) if rng.random() < 0.85 else None
        cid = sink.new_id(Contact)
        sink.add(Contact, (cid, self.plan.id, name, title, f"{given}.{family}@{domain}".lower(), phone, role, birthday, added, left))
        self.contacts.append((cid, name, title, role, added, left))

    def _present(self, day: dt.date) -> list[tuple]:
        return [c for c in self.contacts if c[4] <= day and (c[5] is None or c[5] > day)]

    # -- cases ---------------------------------------------------------------

    def _cases(self) -> None:
        plan, rng, sink = self.plan, self.rng, self.sink
        end = self.horizon if plan.status == "churned" else self.today
        cases: list[tuple] = []  # (opened, closed, severity, escalated)

        def case(days_ago: int, closed_after: float | None, severity: str, escalated: bool) -> None:
            opened = _at(end - dt.timedelta(days=days_ago), rng)
            closed = None if closed_after is None else opened + dt.timedelta(days=closed_after)
            if closed is not None and closed.date() >= self.today:
                closed = dt.datetime.combine(self.today - DAY, dt.time(17, 0))
            cases.append((opened, closed, severity, escalated))

        if plan.status != "prospect":
            span = (end - self.start).days
            for _ in range(int(CASE_RATE[plan.tier] * span / 365 + rng.random())):
                if span > 30:
                    sev = rng.pick(SEVERITY)
                    case(rng.randint(30, span), rng.uniform(0.2, 10), sev, sev in ("high", "critical") and rng.random() < 0.3)
            if plan.status == "active" and rng.random() < 0.15:
                days = rng.randint(1, 12)
                case(days, None if days < 6 else rng.uniform(0.5, 3), rng.choice(("low", "medium")), False)
        if plan.mode == "complaints_piling":
            for i in range(rng.randint(3, 5)):
                case(rng.randint(1, 28), None if i < 2 else rng.uniform(0.5, 2),
                     rng.choice(("high", "critical")) if i == 0 else rng.choice(("medium", "high")), i == 0)
        elif plan.mode == "case_stuck":
            case(rng.randint(18, 45), None, "high", True)
        elif plan.status == "churned":
            for i in range(3):
                case(rng.randint(20, 100), rng.uniform(5, 20), "high" if i == 0 else "medium", i == 0)
        cases.sort(key=lambda c: c[0])
        for opened, closed, severity, escalated in cases:
            present = self._present(opened.date())
            contact = rng.choice(present) if present else None
            subject = rng.choice(vocab.CASE_SUBJECTS)
            sink.add(CustomerCase, (sink.new_id(CustomerCase), plan.id, contact and contact[0], subject, severity, opened, closed, escalated))
            if closed is not None:
                self.cases.append([closed.date(), subject, False])

    # -- touches -------------------------------------------------------------

    def _schedule(self) -> tuple[list[tuple[dt.date, str]], dt.date | None]:
        """The days and kinds of every touch, and the day the client said they may leave."""
        plan, rng, ctx = self.plan, self.rng, self.ctx
        contact = ctx.policy.contact(plan.tier)
        visit = ctx.policy.visit(plan.tier)
        end, start = self.horizon, self.start
        events: list[tuple[dt.date, str]] = []
        intent = None
        if plan.status == "prospect":
            day = end - dt.timedelta(days=rng.randint(1, 10))
            while day >= start:
                events.append((day, rng.choice(("call", "email", "meeting"))))
                day -= dt.timedelta(days=rng.randint(7, 25))
            return events, None
        if plan.status == "churned":
            recency, visit_recency = rng.randint(14, 40), rng.randint(30, 60)
            intent = end - dt.timedelta(days=rng.randint(30, 60))
        elif plan.mode == "gone_quiet":
            recency = contact.max + rng.randint(15, 60)
            visit_recency = recency + rng.randint(0, 40)
        elif plan.mode == "renewal_weak":
            recency = rng.randint(32, min(50, contact.max - 3))
            visit_recency = recency + rng.randint(0, 60)
        else:
            near_renewal = plan.renewal_date is not None and (plan.renewal_date - end).days <= 100
            recency = rng.randint(1, 15 if near_renewal else max(2, int(0.8 * contact.target)))
            visit_recency = rng.randint(1, max(2, int(0.85 * visit.target)))
            if plan.mode == "intent_to_leave":
                intent = _weekday(end - dt.timedelta(days=rng.randint(8, 35)))
                visit_recency = max(visit_recency, (end - intent).days + 1 + rng.randint(0, 20))
        day = end - dt.timedelta(days=recency)
        while day >= start:
            events.append((_weekday(day), rng.pick(OTHER)))
            day -= dt.timedelta(days=max(1, round(rng.uniform(*TOUCH_GAP) * contact.target)))
        day = end - dt.timedelta(days=visit_recency)
        while day >= start:
            events.append((_weekday(day), "visit"))
            day -= dt.timedelta(days=max(1, round(rng.uniform(*VISIT_GAP) * visit.target)))
        if intent is not None:
            intent = _weekday(intent)
            events.append((intent, "intent"))
        events.sort()
        return events, intent

    def _touches(self) -> None:
        plan, rng, sink = self.plan, self.rng, self.sink
        events, intent = self._schedule()
        sour_from = self.horizon - dt.timedelta(days=90) if plan.status == "churned" else None
        rows: list[list] = []
        for day, kind in events:
            rows.append(self._activity(day, kind, sour_from))
            if rng.random() < 0.1 and day + DAY < self.today:
                rows.append(self._note(day + DAY * rng.randint(0, 1)))
        rows.sort(key=lambda r: r[5])
        if plan.mode == "sentiment_sour":
            moods = [-2, -1, -1]
            rng.shuffle(moods)
            rated = [r for r in rows if r[4] in SENTIMENT_KINDS][-3:]
            for row, mood in zip(rated, moods):
                row[10] = mood
                row[9] = rng.choice(vocab.SOUR_OUTCOMES)
        if plan.status == "churned":
            rows.append(self._note(min(self.today - DAY, self.horizon + DAY * rng.randint(1, 5)),
                                   subject="Account lost: did not renew", summary="Client moved to a competitor after repeated service issues."))
        rows.sort(key=lambda r: r[5])
        out = sink.rows[Activity]
        for row_id, row in enumerate(rows, sink.reserve(Activity, len(rows))):
            row[0] = row_id
            # The moments as stored (`str` of a datetime: SQLite's adapter, in Python, costs more).
            stored = row.copy()
            stored[5], stored[17] = str(row[5]), str(row[17])
            if row[14] is not None:
                stored[14] = str(row[14])
            out.append(tuple(stored))
        self._commitments(rows)
        self._visit_plans(rows, intent)

    def _activity(self, day: dt.date, kind: str, sour_from: dt.date | None) -> list:
        plan, rng = self.plan, self.rng
        intent = kind == "intent"
        if intent:
            kind = rng.choice(("meeting", "call"))
        at = _at(day, rng)
        present = self._present(day)
        contact = None
        if present:
            champions = [c for c in present if c[3] == "champion"]
            contact = champions[0] if champions and rng.random() < 0.4 else rng.choice(present)
        sentiment = outcome = summary = attendees = tags = confirmed_by = confirmed_at = None
        subject = rng.choice(vocab.SUBJECTS[kind])
        if kind in SENTIMENT_KINDS and rng.random() < 0.65:
            if sour_from is not None and day >= sour_from:
                sentiment = rng.pick(SOUR_MOOD)
            else:
                sentiment = rng.pick(HEALTHY_MOOD)
        if kind in SENTIMENT_KINDS:
            outcome = rng.choice(vocab.SOUR_OUTCOMES if sentiment is not None and sentiment < 0 else vocab.OUTCOMES)
        who = f"{contact[1]} ({contact[2]})" if contact else "the client"
        if kind in ("visit", "meeting"):
            summary = f"Met {who}. {rng.choice(vocab.OUTCOMES)}."
            attendees = f"{self.owner.name}; {contact[1]}" if contact else self.owner.name
        elif kind == "update":
            summary = vocab.UPDATE_SUMMARY.format(
                phase=rng.choice(vocab.PHASES), done=rng.choice(vocab.DONE), doing=rng.choice(vocab.DOING),
                risk=rng.choice(vocab.RISKS), next=rng.choice(vocab.NEXTS))
        elif kind == "call":
            summary = f"Spoke with {who}."
        if kind == "visit":
            for case in self.cases:
                if not case[2] and case[0] <= day <= case[0] + dt.timedelta(days=10) and contact:
                    case[2] = True
                    subject = f"Visit to close: {case[1]}"
                    confirmed_by, confirmed_at = contact[1], at + dt.timedelta(hours=3)
                    break
        if intent:
            subject, sentiment, tags = "Client says they are reviewing other vendors", -2, "churn-risk"
            outcome = "Sponsor said they will not renew unless service improves"
        duration = rng.randint(*DURATION[kind]) if kind in DURATION else None
        confidential = kind == "visit" and rng.random() < 0.03
        return [0, plan.id, contact and contact[0], plan.owner_id, kind, at, duration, subject, summary, outcome,
                sentiment, attendees, tags, confirmed_by, confirmed_at, intent, confidential,
                at + dt.timedelta(minutes=rng.randint(5, 120))]

    def _note(self, day: dt.date, subject: str | None = None, summary: str | None = None) -> list:
        rng = self.rng
        at = _at(day, rng)
        subject = subject or rng.choice(vocab.SUBJECTS["note"])
        return [0, self.plan.id, None, self.plan.owner_id, "note", at, None, subject, summary or subject + ".",
                None, None, None, None, None, None, False, rng.random() < 0.05, at]

    # -- commitments and visit plans -------------------------------------------

    def _commitments(self, rows: list[list]) -> None:
        plan, rng, sink, today = self.plan, self.rng, self.sink, self.today
        cutoff = self.horizon if plan.status == "churned" else today
        for row in rows:
            kind, at = row[4], row[5]
            chance = 0.4 if kind in ("visit", "meeting") else 0.1 if kind == "call" else 0.0
            if chance == 0.0 or rng.random() >= chance:
                continue
            for _ in range(rng.randint(1, 2)):
                due = at.date() + dt.timedelta(days=rng.randint(5, 21))
                status, done = "open", None
                if due >= cutoff and plan.status == "churned":
                    status = "cancelled"
                elif due < today:
                    roll = rng.random()
                    status = "done" if roll < 0.95 else "cancelled"
                    if roll < 0.87:
                        done = max(at.date(), due - dt.timedelta(days=rng.randint(0, 4)))
                    elif roll < 0.95:
                        done = min(due + dt.timedelta(days=rng.randint(2, 12)), today - DAY)
                sink.add(ActionItem, (sink.new_id(ActionItem), plan.id, row[0], rng.choice(vocab.COMMITMENTS),
                                      plan.owner_id, due, status, done, at))
        if plan.mode == "commitments_late":
            touches = [r for r in rows if r[4] != "note" and r[5].date() < today - dt.timedelta(days=30)]
            source = touches[-1] if touches else None
            for _ in range(rng.randint(2, 3)):
                due = today - dt.timedelta(days=rng.randint(3, 25))
                created = source[5] if source else dt.datetime.combine(due - dt.timedelta(days=14), dt.time(9, 0))
                sink.add(ActionItem, (sink.new_id(ActionItem), plan.id, source and source[0],
                                      rng.choice(vocab.COMMITMENTS), plan.owner_id, due, "open", None, created))

    def _visit_plans(self, rows: list[list], intent: dt.date | None) -> None:
        plan, rng, sink, today = self.plan, self.rng, self.sink, self.today
        policy = self.ctx.policy.visit(plan.tier)

        def add(day, status, activity=None, purpose=None):
            created = dt.datetime.combine(min(day, today) - dt.timedelta(days=14), dt.time(9, 0))
            sink.add(PlannedVisit, (sink.new_id(PlannedVisit), plan.id, plan.owner_id, day,
                                    purpose or rng.choice(vocab.VISIT_PURPOSES), status, activity, created))

        visits = [r for r in rows if r[4] == "visit"]
        for row in visits:
            if rng.random() < 0.5:
                add(row[5].date(), "done", row[0])
        last = visits[-1][5].date() if visits else self.start
        # A plan that fell through long ago, made up by a later visit: history, not a signal.
        span = (last - self.start).days
        if span > 90 and rng.random() < 0.3:
            add(self.start + dt.timedelta(days=rng.randint(30, span - 30)), rng.choice(("missed", "cancelled")))
        if plan.status != "active":
            return
        if plan.tier != "standard" or rng.random() < 0.5:
            due = last + dt.timedelta(days=round(policy.target * 0.9))
            add(due if due > today else today + dt.timedelta(days=rng.randint(3, 20)), "planned")
        if plan.mode == "gone_quiet":
            add(today - dt.timedelta(days=rng.randint(10, 30)), "planned")
        if intent is not None:
            add(today + dt.timedelta(days=rng.randint(2, 9)), "planned", purpose="Retention visit: client may leave")
