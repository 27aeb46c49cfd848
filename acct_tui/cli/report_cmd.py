"""`acct-tui report`: the KPIs of a period, one row per owner, team, tier or the whole book."""

from __future__ import annotations

from acct_tui.cli import format_option
from acct_tui.cli.context import Context
from acct_tui.cli.output import emit, say
from acct_tui.core.kpi import FIGURES, show
from acct_tui.core.periods import parse_period
from acct_tui.errors import UsageError

#: The table's short headers (JSON and CSV use the figures' names).
HEADERS = {
    "accounts": "cust.", "value": "value", "renewals_due": "renew due", "renewed": "renewed", "churned": "churned",
    "renewal_rate": "renew %", "grr": "GRR", "nrr": "NRR", "expansion_won": "exp. won", "coverage": "coverage",
    "visits_planned": "visits plan", "visits_done": "visits done", "visit_plan_rate": "visit %",
    "commitments_due": "commit due", "commitments_on_time": "on time", "on_time_rate": "on time %",
    "cases_opened": "cases", "cases_per_account": "cases /acct", "median_case_days": "median days",
    "escalations": "escal.",
}


def register(sub, common) -> None:
    parser = sub.add_parser("report", parents=[common], help="the KPIs of a period, per owner, team, tier or the whole book")
    parser.add_argument("--period", metavar="PERIOD", default="",
                        help="2026-Q2, 2026-05, 2026 or 2026-04-01..2026-06-30 (default: this quarter)")
    parser.add_argument("--by", choices=("owner", "team", "tier", "book"), default="owner", help="one row per (default: owner)")
    format_option(parser)
    parser.set_defaults(handler=run_report)


def run_report(ctx: Context) -> int:
    from acct_tui import clock
    from acct_tui.core.policy import policy_from_config
    from acct_tui.services import kpi, money

    try:
        period = parse_period(ctx.args.period, clock.today())
    except ValueError as exc:
        raise UsageError(f"--period: {exc}") from None
    viewer = ctx.viewer
    book = money.rate_book(ctx.config.base_currency)
    result = kpi.report(viewer, period, book, by=ctx.args.by, today=clock.today(),
                        policy=policy_from_config(ctx.config.section("cadence")))
    columns = ["group", *FIGURES, "without_rate"]
    if ctx.fmt != "table":
        emit(result.rows, ctx.fmt, columns)
        return 0
    rows = list(result.rows) + ([result.total] if len(result.rows) > 1 else [])
    shown = [{ctx.args.by: r.label if ctx.args.by == "owner" else r.group,
              **{HEADERS[name]: show(name, getattr(r, name)) for name in FIGURES}} for r in rows]
    title = f"KPIs for {period.describe(clock.today())}, {result.base}, as {viewer.login} sees it"
    emit(shown, "table", [ctx.args.by, *HEADERS.values()], title=title)
    for r in rows:
        if r.without_rate:
            say(f"left out of {r.label if ctx.args.by == 'owner' else r.group}: {r.without_rate}")
    return 0
