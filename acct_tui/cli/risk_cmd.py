"""`acct-tui scan | explain | alerts | backtest`: the risk engine from the command line."""

from __future__ import annotations

import argparse
import datetime as dt
import signal
import sys
import threading

from acct_tui import clock
from acct_tui.cli import format_option
from acct_tui.cli.args import iso_date, seconds
from acct_tui.cli.context import Context
from acct_tui.cli.output import dump_json, emit, plain, say
from acct_tui.enums import ALERT_STATUSES

ALERT_COLUMNS = [
    "id", "account_external_id", "account_name", "owner", "rule", "severity", "status", "reason",
    "first_seen", "last_seen", "snoozed_until", "acknowledged_by", "escalated_to",
]


def register(sub, common) -> None:
    parser = sub.add_parser(
        "scan", parents=[common], help="run the risk scan once (or keep running with --watch)",
        description="Evaluate every account's signals and health, open, update and resolve alerts, "
        "escalate red alerts left open, and store today's health snapshots.",
    )
    format_option(parser, choices=("table", "json"))
    parser.add_argument("--watch", action="store_true", help="keep scanning until Ctrl-C or SIGTERM")
    parser.add_argument("--interval", type=seconds, default=None, metavar="SECONDS",
                        help="seconds between scans with --watch (default: the config's scan_interval_minutes)")
    parser.set_defaults(handler=run_scan)

    parser = sub.add_parser("explain", parents=[common], help="why an account scores what it scores")
    parser.add_argument("account", metavar="ACCOUNT", help="an account id, external id or unambiguous name")
    format_option(parser, choices=("table", "json"))
    parser.set_defaults(handler=run_explain)

    parser = sub.add_parser("alerts", parents=[common], help="list the alerts a user may see")
    parser.add_argument("--status", action="append", metavar="STATUS",
                        help=f"{', '.join(ALERT_STATUSES)} or all; repeat or separate with commas (default: all but resolved)")
    parser.add_argument("--rule", help="only this rule id")
    parser.add_argument("--severity", choices=("red", "yellow"), help="only this severity")
    parser.add_argument("--owner", metavar="LOGIN", help="only accounts owned by this login")
    parser.add_argument("--escalated-to-me", action="store_true", help="only alerts escalated to the user")
    format_option(parser)
    parser.set_defaults(handler=run_alerts)

    parser = sub.add_parser(
        "backtest", parents=[common], help="replay the rules over history to see how early churn was flagged",
        description="Replay the rules on the facts as they were at each step from --from to --to. For every "
        "account that churned, report how many days before churn its first red signal would have fired, and "
        "how many accounts that did not churn were red at the same time. Writes nothing.",
    )
    parser.add_argument("--from", dest="start", type=iso_date, required=True, metavar="DATE", help="first day (YYYY-MM-DD)")
    parser.add_argument("--to", dest="end", type=iso_date, required=True, metavar="DATE", help="last day (YYYY-MM-DD)")
    parser.add_argument("--step", type=_step, default=dt.timedelta(days=7), metavar="STEP", help="7d, 2w ... (default 7d)")
    format_option(parser)
    parser.set_defaults(handler=run_backtest)


def _step(text: str) -> dt.timedelta:
    text = text.strip().lower()
    units = {"d": 1, "w": 7}
    if len(text) >= 2 and text[-1] in units and text[:-1].isdigit() and int(text[:-1]) > 0:
        return dt.timedelta(days=int(text[:-1]) * units[text[-1]])
    raise argparse.ArgumentTypeError(f"{text!r} is not a step like 7d or 2w")


# -- scan ---------------------------------------------------------------------


def _summary_line(summary, moment: dt.datetime) -> str:
    if summary.skipped:
        return f"{moment.isoformat()} skipped: another scanner is running"
    red = f", {len(summary.new_red)} new red" if summary.new_red else ""
    return (f"{moment.isoformat()} scanned {summary.accounts} accounts: {summary.opened} opened, {summary.updated} updated, "
            f"{summary.resolved} resolved, {summary.escalated} escalated{red}")


def run_scan(ctx: Context) -> int:
    """One scan, or a scan every interval until interrupted."""
    from acct_tui.services.scan import scan_all

    from acct_tui.services.access import require_scanner

    settings = ctx.settings
    viewer = ctx.viewer  # opens the database and checks --user before any work
    require_scanner(viewer)
    if ctx.args.watch:
        return _watch(ctx, settings)
    moment = clock.now()
    summary = scan_all(moment, settings)
    if ctx.fmt == "json":
        from acct_tui.services.alerts import list_alerts

        data = {k: plain(v) for k, v in vars(summary).items() if k != "new_red"}
        data["new_red"] = list(summary.new_red)
        data["now"] = moment.isoformat()
        data["alerts"] = [
            {"account_external_id": a.account_external_id, "account_name": a.account_name, "rule": a.rule,
             "severity": a.severity, "status": a.status, "reason": a.reason}
            for a in list_alerts(viewer)
        ]
        dump_json(data, sys.stdout)
    else:
        print(_summary_line(summary, moment))
    return 0


def _watch(ctx: Context, settings) -> int:
    """Scan, sleep, repeat; SIGTERM or Ctrl-C ends it after the current scan.

    On PostgreSQL it holds the headless scanner's marker while it runs, so the
    apps do not scan too, and each scan it writes is announced to them
    (`services.scan_watch`).
    """
    from acct_tui.services.scan_watch import on_postgres, watching

    interval = ctx.args.interval or ctx.config.scan_interval_minutes * 60
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()
        # a second Ctrl-C interrupts even a running scan
        signal.signal(signal.SIGINT, signal.default_int_handler)

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        with watching() as marker:  # on PostgreSQL the apps see the marker and leave the scanning to us
            if on_postgres() and not marker.held:
                say("another headless scanner is running: this one scans too, whichever gets the scan lock writes", file=sys.stderr)
            _watch_loop(stop, interval, settings, marker)
    except KeyboardInterrupt:
        pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print("scanner stopped", flush=True)
    return 0


def _watch_loop(stop: threading.Event, interval: float, settings, marker) -> None:
    from acct_tui.errors import AcctError
    from acct_tui.services.scan import scan_all

    while not stop.is_set():
        moment = clock.now()
        try:
            marker.take()  # again, if a server restart took it
            print(_summary_line(scan_all(moment, settings), moment), flush=True)
        except AcctError as exc:  # a server restart should not end a team server's scanner
            say(f"{moment.isoformat()} scan failed: {exc}", file=sys.stderr)
        except Exception as exc:  # noqa: BLE001 - e.g. a dropped connection; try again next round
            say(f"{moment.isoformat()} scan failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        stop.wait(interval)


# -- explain ------------------------------------------------------------------


def run_explain(ctx: Context) -> int:
    """Components, weights, contributions and the open signals of one account."""
    from acct_tui.core.settings import DEFAULT_WEIGHTS
    from acct_tui.services.account_lookup import find_account
    from acct_tui.services.accounts import account_rows
    from acct_tui.services.health import explain

    hit = find_account(ctx.viewer, ctx.args.account)
    account = account_rows([hit.id])[hit.id]
    result = explain(ctx.viewer, account.id, clock.now(), ctx.settings)
    have = {c.name for c in result.components}
    # Components left out by a weight of 0 are not "no data": they do not count at all.
    weights = ctx.settings.weights
    missing = [name for name in DEFAULT_WEIGHTS if name not in have and weights.get(name, 0) > 0]
    if ctx.fmt == "json":
        data = {
            "account_id": result.account_id, "account_external_id": account.external_id, "account_name": result.account_name,
            "score": result.score, "band": result.band, "trend": result.trend,
            "cap": None if result.cap is None else {
                "at": result.cap.limit, "by": list(result.cap.rules), "uncapped": result.cap.uncapped,
                "line": result.cap.line(),
            },
            "components": [vars(c) for c in result.components],
            "no_data": missing if result.score is not None else [],
            "signals": [vars(s) for s in result.signals],
        }
        dump_json(data, sys.stdout, default=plain)
        return 0
    if result.score is None:
        say(f"{result.account_name} (#{result.account_id}): no health score (account is {account.status} or has no data)")
    else:
        trend = "" if result.trend is None else f", {result.trend:+d} against a week or more ago"
        say(f"{result.account_name} (#{result.account_id}): health {result.score} ({result.band}){trend}")
        if result.cap is not None:
            say(f"{result.cap.line()} (the components alone give {result.cap.uncapped}; "
                f"{_cap_words(result.cap)})")
        rows = [{"component": c.name, "value": f"{c.value:.1f}", "weight": f"{c.weight:.0%}", "contribution": f"{c.contribution:.1f}"}
                for c in result.components]
        rows += [{"component": name, "value": "no data", "weight": "-", "contribution": "-"} for name in missing]
        emit(rows, "table", ["component", "value", "weight", "contribution"], title="Health components")
    if result.signals:
        rows = [{"rule": s.rule, "severity": s.severity, "reason": s.reason,
                 "evidence": ", ".join(f"{k}={v}" for k, v in s.evidence.items() if v is not None)} for s in result.signals]
        emit(rows, "table", ["rule", "severity", "reason", "evidence"], title="Open signals")
    else:
        print("no signals")
    return 0


def _cap_words(cap) -> str:
    """Why the cap, in the words a lead would say to the account manager."""
    from acct_tui.core.health import RED_BAND_RULES

    if any(rule in RED_BAND_RULES for rule in cap.rules):
        return "the client has said they may leave and nobody has visited since, so the account is red whatever else looks fine"
    if len(cap.rules) >= 2:
        return f"{len(cap.rules)} red signals at once put the account in the red band"
    return "a red signal keeps the account out of green until it is dealt with"


# -- alerts -------------------------------------------------------------------


def _statuses(values: list[str] | None) -> tuple[str, ...]:
    from acct_tui.errors import UsageError
    from acct_tui.services.alerts import ACTIVE_STATUSES

    if not values:
        return ACTIVE_STATUSES
    wanted = [v.strip() for value in values for v in value.split(",") if v.strip()]
    if "all" in wanted:
        return ALERT_STATUSES
    bad = [v for v in wanted if v not in ALERT_STATUSES]
    if bad:
        raise UsageError(f"--status: {bad[0]!r} is not one of {', '.join(ALERT_STATUSES)}, all")
    return tuple(wanted)


def run_alerts(ctx: Context) -> int:
    from acct_tui.services.alerts import list_alerts
    from acct_tui.services.users import resolve_login

    viewer = ctx.viewer
    # A login that names nobody is said so, never an empty list that looks like "no alerts".
    owner = resolve_login(ctx.args.owner, active_only=False, what="owner").login if ctx.args.owner else None
    rows = list_alerts(viewer, statuses=_statuses(ctx.args.status), rule=ctx.args.rule,
                       severity=ctx.args.severity, owner=owner, escalated_to_me=ctx.args.escalated_to_me)
    emit(rows, ctx.fmt, ALERT_COLUMNS, title=f"Alerts visible to {ctx.viewer.login}")
    return 0


# -- backtest -----------------------------------------------------------------


def run_backtest(ctx: Context) -> int:
    from acct_tui.errors import UsageError
    from acct_tui.services.backtest import HORIZON_DAYS, LEAD_DAYS, backtest

    if ctx.args.end < ctx.args.start:
        raise UsageError("--to must not be before --from")
    result = backtest(ctx.viewer, ctx.args.start, ctx.args.end, ctx.args.step, ctx.settings)
    columns = ["account_external_id", "account_name", "churned_on", "first_red_on", "days_before_churn", "rules", "non_churned_red"]
    if ctx.fmt == "json":
        # The summary object beside the per-account rows.
        rows = [{c: getattr(r, c) for c in columns} for r in result.rows]
        summary = vars(result.summary) | {"lead_days": LEAD_DAYS, "horizon_days": HORIZON_DAYS, "steps": len(result.steps),
                                          "accounts": result.accounts}
        summary["auroc_by_step"] = [{"day": day, "auroc": value} for day, value in result.summary.auroc_by_step]
        dump_json({"summary": summary, "accounts": rows}, sys.stdout, default=plain)
        return 0
    emit(result.rows, ctx.fmt, columns, title=f"Backtest {ctx.args.start} to {ctx.args.end}, {len(result.steps)} steps")
    if ctx.fmt == "table":
        print(result.summary_line())
        for line in result.figures_lines():
            print(line)
    return 0
