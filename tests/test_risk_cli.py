"""`acct-tui scan | explain | alerts | backtest`."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from acct_tui.cli import main
from acct_tui.models import Alert, AuditLog
from tests import factories as f

NOW = dt.datetime(2026, 11, 20, 10, 0)
ROOT = Path(__file__).resolve().parent.parent


def days(n: float) -> dt.datetime:
    return NOW + dt.timedelta(days=n)


@pytest.fixture
def org(db):
    people = f.org()
    acme, gamma = people["a1"], people["b1"]
    acme.external_id, gamma.external_id = "ACME-1", "GAM-1"
    acme.save(), gamma.save()
    f.activity(acme, "call", days(-30), sentiment=-1)
    f.receivable(gamma, 100, dt.date(2026, 9, 1))
    return people


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_scan_json_has_the_summary_and_the_open_alerts(db_url, org, capsys):
    code, out, _ = run(capsys, "scan", "--db", db_url, "--now", "2026-11-20T10:00", "-f", "json")
    assert code == 0
    data = json.loads(out)
    assert {k: data[k] for k in ("accounts", "opened", "updated", "resolved", "escalated", "skipped")} == {
        "accounts": 8, "opened": 2, "updated": 0, "resolved": 0, "escalated": 0, "skipped": False}
    assert data["now"] == "2026-11-20T10:00:00" and len(data["new_red"]) == 2
    assert sorted(data["alerts"], key=lambda a: a["rule"]) == [
        {"account_external_id": "ACME-1", "account_name": "Acme Corp", "rule": "overdue_update", "severity": "red",
         "status": "open", "reason": "No touch for 30 days; strategic accounts expect one every 14, at most 21"},
        {"account_external_id": "GAM-1", "account_name": "Gamma Inc", "rule": "payment_overdue", "severity": "red",
         "status": "open", "reason": "1 invoice unpaid, the oldest 80 days past due (2026-09-01)"},
    ]
    code, out, _ = run(capsys, "scan", "--db", db_url, "--now", "2026-11-20T10:00")
    assert out.strip() == "2026-11-20T10:00:00 scanned 8 accounts: 0 opened, 0 updated, 0 resolved, 0 escalated"


def test_alerts_are_scoped_by_user_and_filtered(db_url, org, capsys):
    run(capsys, "scan", "--db", db_url)
    code, out, _ = run(capsys, "alerts", "--db", db_url, "--user", "minh.pham", "-f", "json")
    rows = json.loads(out)
    assert code == 0 and [(r["account_name"], r["rule"], r["owner"]) for r in rows] == [("Acme Corp", "overdue_update", "minh.pham")]
    assert set(rows[0]) == {"id", "account_external_id", "account_name", "owner", "rule", "severity", "status", "reason",
                            "first_seen", "last_seen", "snoozed_until", "acknowledged_by", "escalated_to"}
    code, out, _ = run(capsys, "alerts", "--db", db_url, "--user", "lena.lead", "-f", "json")
    assert {r["account_name"] for r in json.loads(out)} == {"Acme Corp", "Gamma Inc"}
    code, out, _ = run(capsys, "alerts", "--db", db_url, "--user", "olga.other", "-f", "json")
    assert json.loads(out) == []
    code, out, _ = run(capsys, "alerts", "--db", db_url, "--status", "resolved", "-f", "json")
    assert json.loads(out) == []
    code, out, _ = run(capsys, "alerts", "--db", db_url, "--status", "open,resolved", "--rule", "payment_overdue", "-f", "csv")
    assert out.splitlines()[0].startswith("id,account_external_id") and "GAM-1" in out and "ACME-1" not in out
    code, _, err = run(capsys, "alerts", "--db", db_url, "--status", "closed")
    assert code == 2 and "'closed' is not one of" in err


def test_explain_prints_components_and_signals(db_url, org, capsys):
    code, out, _ = run(capsys, "explain", "ACME-1", "--db", db_url, "-f", "json")
    assert code == 0
    data = json.loads(out)
    assert data["account_name"] == "Acme Corp" and data["account_external_id"] == "ACME-1"
    assert data["band"] in ("red", "yellow", "green") and 0 <= data["score"] <= 100 and data["trend"] is None
    assert [c["name"] for c in data["components"]] == ["engagement", "sentiment", "cases"]
    assert set(data["components"][0]) == {"name", "value", "weight", "contribution"}
    assert data["no_data"] == ["usage_trend", "revenue_trend", "relationship"]  # commitments, payments: weight 0
    assert [(s["rule"], s["severity"]) for s in data["signals"]] == [("overdue_update", "red")]
    # one red signal: never green
    assert data["band"] != "green"
    if data["cap"] is not None:
        assert data["cap"] == {"at": 75, "by": ["overdue_update"], "uncapped": data["cap"]["uncapped"],
                               "line": "capped at 75: overdue_update"}
    assert data["signals"][0]["evidence"]["days_since"] == 30
    code, out, _ = run(capsys, "explain", "Acme", "--db", db_url)
    assert code == 0 and "Acme Corp (#" in out and "engagement" in out and "No touch for 30 days" in out and "no data" in out


@pytest.mark.parametrize(
    "ref, user, code, message",
    [("Nowhere", None, 1, "no account matches 'Nowhere'"), ("GAM-1", "minh.pham", 1, "no account matches 'GAM-1'"),
     ("e", None, 2, "matches several accounts")],
)
def test_explain_bad_account_is_a_clear_error(db_url, org, capsys, ref, user, code, message):
    argv = ["explain", ref, "--db", db_url] + (["--user", user] if user else [])
    got, out, err = run(capsys, *argv)
    assert got == code and message in err and out == ""


def test_backtest_reports_lead_time_before_churn_and_writes_nothing(db_url, org, capsys):
    beta = org["a2"]  # standard: contact 45 / 60; last touch 2026-06-01 -> red after 2026-07-31
    f.activity(beta, "call", dt.datetime(2026, 6, 1, 10, 0))
    beta.status, beta.churned_on, beta.external_id = "churned", dt.date(2026, 9, 15), "BETA-1"
    beta.save()
    quiet = f.account(org["am1"], "Never red", status="churned", churned_on=dt.date(2026, 8, 20))
    f.activity(quiet, "call", dt.datetime(2026, 8, 10, 10, 0))
    for acc in (org["a1"], org["b1"]):
        f.activity(acc, "call", dt.datetime(2026, 1, 1, 10, 0))
    alerts_before, audit_before = Alert.select().count(), AuditLog.select().count()
    code, out, _ = run(capsys, "backtest", "--db", db_url, "--from", "2026-07-01", "--to", "2026-09-30", "--step", "1w", "-f", "json")
    assert code == 0
    data = json.loads(out)
    rows = {r["account_name"]: r for r in data["accounts"]}
    assert rows["Beta Ltd"]["first_red_on"] == "2026-08-05" and rows["Beta Ltd"]["days_before_churn"] == 41
    assert "overdue_update" in rows["Beta Ltd"]["rules"] and rows["Beta Ltd"]["non_churned_red"] >= 2
    assert rows["Never red"]["first_red_on"] is None and rows["Never red"]["days_before_churn"] is None
    assert (Alert.select().count(), AuditLog.select().count()) == (alerts_before, audit_before)
    code, out, _ = run(capsys, "backtest", "--db", db_url, "--from", "2026-07-01", "--to", "2026-09-30")
    assert "1 of 2 churned accounts went red first, median 41 days before churn" in out
    summary = data["summary"]
    assert (summary["churned"], summary["caught_in_time"], summary["recall"], summary["median_lead_days"]) == (2, 1, 0.5, 41)
    assert 0 <= summary["false_alarm_rate"] <= 1 and summary["lead_days"] == 30 and summary["horizon_days"] == 90
    assert len(summary["auroc_by_step"]) == 14 and set(summary["auroc_by_step"][0]) == {"day", "auroc"}
    assert "recall: 1 of 2 churned accounts red 30+ days ahead (50.0%)" in out and "AUROC of health" in out


@pytest.mark.parametrize(
    "argv, message",
    [(["backtest", "--from", "2026-01-01", "--to", "2026-02-01", "--step", "fortnight"], "not a step"),
     (["backtest", "--from", "01/01/2026", "--to", "2026-02-01"], "not a date"),
     (["scan", "--watch", "--interval", "0"], "must be more than 0")],
)
def test_bad_arguments_exit_2(argv, message, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2 and message in capsys.readouterr().err


def test_backtest_to_before_from(db_url, org, capsys):
    code, _, err = run(capsys, "backtest", "--db", db_url, "--from", "2026-02-01", "--to", "2026-01-01")
    assert code == 2 and "--to must not be before --from" in err


def test_watch_stops_cleanly_on_sigterm(db_url, org, tmp_path):
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "cfg"), XDG_DATA_HOME=str(tmp_path / "data"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "acct_tui", "scan", "--watch", "--interval", "0.2", "--db", db_url, "--now", "2026-11-20T10:00"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    lines = []
    try:
        while len(lines) < 2:  # wait for two scans: the loop is running
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            lines.append(line)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert lines[0].startswith("2026-11-20T10:00:00 scanned 8 accounts: 2 opened")
    assert "0 opened, 0 updated" in lines[1]
    assert out.strip().endswith("scanner stopped") and err == ""


def test_scan_reads_thresholds_from_the_config_and_rejects_bad_ones(db_url, org, tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("[thresholds]\npayment_red_dayz = 10\n")
    code, _, err = run(capsys, "scan", "--db", db_url, "--config", str(bad))
    assert code == 2 and "unknown key 'payment_red_dayz'" in err
    assert Alert.select().count() == 0  # nothing written on a broken config
    good = tmp_path / "good.toml"
    good.write_text("[thresholds]\npayment_yellow_days = 90\npayment_red_days = 120\n")
    code, out, _ = run(capsys, "scan", "--db", db_url, "--config", str(good), "-f", "json")
    assert code == 0 and [a["rule"] for a in json.loads(out)["alerts"]] == ["overdue_update"]  # 80 days late: not yet


def test_scan_of_an_empty_database(db_url, capsys):
    code, out, _ = run(capsys, "scan", "--db", db_url, "-f", "json")
    data = json.loads(out)
    assert code == 0 and data["accounts"] == 0 and data["alerts"] == [] and data["opened"] == 0


def test_explain_says_the_cap_on_its_own_line(db_url, org, capsys):
    """Green components beside an intent to leave: the account is red, and explain says why."""
    acme = org["a1"]
    f.contact(acme, "Lan Tran", "champion")
    for back in (9, 5, 2):
        f.activity(acme, "visit", days(-back), sentiment=2)
    f.activity(acme, "call", days(-1), sentiment=1, intent_to_leave=True)
    code, out, _ = run(capsys, "explain", "ACME-1", "--db", db_url, "-f", "json")
    data = json.loads(out)
    assert (data["score"], data["band"]) == (50, "red")
    assert data["cap"]["line"] == "capped at 50: departure_intent" and data["cap"]["uncapped"] > 75
    code, out, _ = run(capsys, "explain", "ACME-1", "--db", db_url)
    lines = out.splitlines()
    assert "health 50 (red)" in lines[0]
    assert lines[1].startswith("capped at 50: departure_intent (the components alone give ")


@pytest.mark.parametrize(
    "positives, negatives, expected",
    [([10, 20], [80, 90], 1.0), ([80, 90], [10, 20], 0.0), ([50], [50], 0.5), ([10, 60], [50, 70], 0.75),
     ([], [1], None), ([1], [], None)],
)
def test_auroc_by_hand(positives, negatives, expected):
    from acct_tui.services.backtest import auroc

    assert auroc(positives, negatives) == expected
