"""Judge the risk engine on a realistic history it was not tuned on; print each target with PASS/FAIL.

    python scripts/bench_signals.py                      # the held-out history (the judge)
    python scripts/bench_signals.py --variant dev        # the one the defaults were tuned on
    python scripts/bench_signals.py --seed 7 --accounts 500 --step 7

Builds the history (`tests/signal_history.py`) in a fresh SQLite file (or
`--db URL`, which must be empty), replays the rules weekly over its last 450
days with `acct-tui backtest`'s service, then runs one scan on the last day.
The targets (issue 9):

- at least 90% of the churners that showed a sign go red 30 or more days ahead;
- a median lead of at least 60 days;
- at most 3% of the accounts that stayed red at a step, on average;
- every account with an open red alert is yellow or red;
- AUROC of health for churn within 90 days at least 0.85 (mean over the steps).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from acct_tui import clock  # noqa: E402
from acct_tui.db import open_database  # noqa: E402
from acct_tui.models import Account, Alert, HealthSnapshot  # noqa: E402
from acct_tui.services.access import OPERATOR  # noqa: E402
from acct_tui.services.backtest import LEAD_DAYS, backtest  # noqa: E402
from acct_tui.services.scan import scan_all  # noqa: E402
from tests import signal_history  # noqa: E402


def judge(variant: str, seed: int, accounts: int, step_days: int, url: str | None = None) -> dict:
    """Build, replay and measure; the figures and whether each target holds."""
    with tempfile.TemporaryDirectory() as tmp:
        open_database(url or f"sqlite:///{tmp}/signals.db")
        if Account.select().exists():
            raise SystemExit("the database is not empty: give an empty one (or none, for a temporary SQLite file)")
        started = time.perf_counter()
        stories = signal_history.build(seed, variant, accounts)
        built = time.perf_counter() - started
        start, end = signal_history.WINDOW
        clock.pin(dt.datetime.combine(end, dt.time(9)))
        result = backtest(OPERATOR, start, end, dt.timedelta(days=step_days))
        replayed = time.perf_counter() - started - built
        summary = result.summary
        rows = {r.account_id: r for r in result.rows}
        signed = [rows[aid] for aid, s in stories.items() if s.showed_a_sign and aid in rows]
        in_time = [r for r in signed if r.days_before_churn is not None and r.days_before_churn >= LEAD_DAYS]
        scan_all(clock.now())
        today = clock.now().date()
        red_alerted = {aid for (aid,) in Alert.select(Alert.account).where(
            Alert.status.in_(("open", "acknowledged")) & (Alert.severity == "red")).tuples()}
        bands = dict(HealthSnapshot.select(HealthSnapshot.account, HealthSnapshot.band).where(
            HealthSnapshot.taken_on == today).tuples())
        disagree = sorted(aid for aid in red_alerted if bands.get(aid) == "green")
        active = [aid for aid, s in stories.items() if not s.churner]
        spread = {band: sum(1 for aid in active if bands.get(aid) == band) for band in ("red", "yellow", "green")}
        by_story: dict[str, list] = {}
        for aid, s in stories.items():
            if aid in rows:
                by_story.setdefault(s.story, []).append(rows[aid].days_before_churn)
        clock.pin(None)
    recall = len(in_time) / len(signed) if signed else 0.0
    return {
        "variant": variant, "seed": seed, "accounts": len(stories), "steps": len(result.steps),
        "churned": summary.churned, "signed": len(signed), "built_s": built, "replayed_s": replayed,
        "by_story": by_story, "spread": spread,
        "targets": [
            ("churners with a sign red 30+ days ahead", f"{len(in_time)} of {len(signed)} = {recall:.1%}", ">= 90%", recall >= 0.90),
            ("median lead (days)", _num(summary.median_lead_days), ">= 60",
             summary.median_lead_days is not None and summary.median_lead_days >= 60),
            ("healthy accounts red per step, on average", f"{(summary.false_alarm_rate or 0):.2%}", "<= 3%",
             summary.false_alarm_rate is not None and summary.false_alarm_rate <= 0.03),
            ("open red alerts on green accounts", f"{len(disagree)} of {len(red_alerted)}", "0", not disagree),
            ("AUROC of health, churn within 90 days", _num(summary.auroc_mean, 3), ">= 0.85",
             summary.auroc_mean is not None and summary.auroc_mean >= 0.85),
        ],
    }


def _num(value, digits: int = 0) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def report(found: dict) -> bool:
    print(f"history: {found['variant']} (seed {found['seed']}), {found['accounts']} accounts, {found['churned']} churned "
          f"({found['signed']} with a sign), {found['steps']} weekly steps; built in {found['built_s']:.1f} s, "
          f"replayed in {found['replayed_s']:.1f} s")
    for story, leads in sorted(found["by_story"].items()):
        caught = [d for d in leads if d is not None]
        median = f"median lead {statistics.median(caught):.0f} d" if caught else "never red"
        print(f"  {story:<14} {len(leads):>3} churned, {sum(1 for d in caught if d >= LEAD_DAYS):>3} red 30+ days ahead, {median}")
    spread = found["spread"]
    print(f"  accounts still active today by band: {spread['red']} red, {spread['yellow']} yellow, {spread['green']} green")
    width = max(len(t[0]) for t in found["targets"])
    ok = True
    for name, value, target, passed in found["targets"]:
        ok &= passed
        print(f"{'PASS' if passed else 'FAIL'}  {name:<{width}}  {value:>14}  (target {target})")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", choices=tuple(signal_history.VARIANTS), default="holdout")
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--step", type=int, default=7, help="days between replay steps")
    parser.add_argument("--db", default=None, help="an empty database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    found = judge(args.variant, args.seed, args.accounts, args.step, args.db)
    return 0 if report(found) else 1


if __name__ == "__main__":
    sys.exit(main())
