"""Team mode on PostgreSQL: identity from the database role, and row-level security.

These tests connect as real, non-superuser login roles (a superuser would
bypass row-level security). Roles are cluster-wide, so every role they make
is named after the test database (`<db>_minh.pham`) and dropped at the end,
with the database's group role.
"""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlparse

import pytest

from acct_tui import db_sqlite
from acct_tui.cli import main
from acct_tui.db import database
from acct_tui.models import (
    Account,
    ActionItem,
    Activity,
    Alert,
    AuditLog,
    CustomerCase,
    Contact,
    HealthSnapshot,
    MetricSample,
    Milestone,
    Opportunity,
    PlannedVisit,
    Rate,
    Receivable,
    User,
)
from acct_tui.services import access, audit, logins
from tests import factories as f
from tests.conftest import open_backend, require_postgres

psycopg = pytest.importorskip("psycopg")

#: Every table that holds account data, with the policy that guards it.
ACCOUNT_DATA = (
    Account, Contact, Activity, ActionItem, Milestone, PlannedVisit, CustomerCase, MetricSample, Receivable, Alert,
    HealthSnapshot, Opportunity, AuditLog,
)


def _dbname() -> str:
    return urlparse(require_postgres()).path.lstrip("/")


def prefixed(login: str) -> str:
    """A login (and role name) unique to this test database: roles are shared by the whole server."""
    return f"{_dbname()}_{login}"


def role_url(role: str) -> str:
    parsed = urlparse(require_postgres())
    port = f":{parsed.port}" if parsed.port else ""
    return f"postgresql://{role}@{parsed.hostname}{port}{parsed.path}"


def connect_as(role: str):
    """A raw psycopg connection as `role`: no acct-tui code between the test and the rules."""
    return psycopg.connect(role_url(role), autocommit=True)


def ids(conn, table: str) -> set[int]:
    return {row[0] for row in conn.execute(f'SELECT id FROM "{table}"')}


@pytest.fixture(scope="module")
def roles_made():
    """The login roles this module creates; dropped, with the group role, when it is done."""
    made: set[str] = set()
    yield made
    admin = psycopg.connect(require_postgres(), autocommit=True)
    try:
        for role in sorted(made):
            admin.execute(psycopg.sql.SQL("DROP ROLE IF EXISTS {}").format(psycopg.sql.Identifier(role)))
        group = admin.execute("SELECT acct_group_role()").fetchone()[0]
        if admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (group,)).fetchone():
            admin.execute(psycopg.sql.SQL("DROP OWNED BY {}").format(psycopg.sql.Identifier(group)))
            admin.execute(psycopg.sql.SQL("DROP ROLE {}").format(psycopg.sql.Identifier(group)))
    finally:
        admin.close()


@pytest.fixture
def pg(tmp_path):
    url = open_backend("postgres", tmp_path)
    yield url
    if not database.is_closed():
        database.close()


def grant_everyone(made: set[str]) -> None:
    """Give every user of the database a login named after them (prefixed logins only)."""
    for login in [u.login for u in User.select(User.login).where(User.active == True)]:  # noqa: E712
        logins.grant(login)
        made.add(login)


@pytest.fixture
def team(pg, roles_made):
    """The small organisation of tests/factories.org(), one record of each kind on every account, with logins."""
    with database.connection_context():
        org = f.org()
        User.update(login=_dbname() + "_" + User.login).execute()
        for key in ("a1", "a2", "b1", "b2", "s1", "j1", "o1", "l1"):
            acc = org[key]
            owner = User.get_by_id(acc.owner_id)
            contact = f.contact(acc, name=f"Contact of {acc.name}")
            f.activity(acc, subject=f"call at {acc.name}", author=owner)
            f.activity(acc, subject=f"secret at {acc.name}", author=owner, confidential=True)
            f.action_item(acc, title=f"promise to {acc.name}", due_on=dt.date(2026, 12, 1))
            f.milestone(acc, title=f"go-live {acc.name}")
            f.planned_visit(acc, dt.date(2026, 12, 2))
            f.case(acc, dt.datetime(2026, 11, 1), subject=f"case at {acc.name}", contact=contact)
            f.metric(acc, dt.date(2026, 10, 1), "usage", 10.0)
            f.receivable(acc, 100, dt.date(2026, 12, 1))
            f.alert(acc)
            HealthSnapshot.create(account=acc, taken_on=dt.date(2026, 11, 20), score=80, band="green", components={})
            audit.record("system", "update", "account", acc.id, {"note": "scan"})
            deal = Opportunity.create(account=acc, kind="expansion", name=f"seats at {acc.name}", amount=100, currency="USD",
                                      close_date=dt.date(2026, 12, 31), owner=owner)
            audit.record("system", "update", "opportunity", deal.id, {"stage": ["Proposal", "Negotiation"]})
        grant_everyone(roles_made)
        people = {key: User.get_by_id(org[key].id).login for key in ("lead", "am1", "am2", "senior", "junior", "other", "admin")}
    return org, people


def _expected(viewer: access.Viewer, model) -> set[int]:
    """The ids the Python rule (services/access.py) shows this viewer."""
    return {row.id for row in access.scope_rows(model, model.select(model.id), viewer)}


# -- the AM's view through a raw connection --------------------------------------------


def test_an_am_role_reads_only_their_own_rows_from_every_table(team):
    org, people = team
    mine = {org["a1"].id, org["a2"].id}
    with connect_as(people["am1"]) as conn:
        assert ids(conn, "account") == mine
        for table in ("contact", "action_item", "milestone", "planned_visit", "case", "metric_sample", "receivable",
                      "alert", "health_snapshot", "opportunity"):
            accounts = {row[0] for row in conn.execute(f'SELECT DISTINCT account_id FROM "{table}"')}
            assert accounts == mine, table
        # The pulse the database keeps (migration 0011): theirs only.
        pulses = {row[0] for row in conn.execute("SELECT account_id FROM account_pulse")}
        assert pulses and pulses <= mine
        # Their own confidential records, and everyone's ordinary ones, on their accounts.
        rows = conn.execute("SELECT account_id, subject FROM activity").fetchall()
        assert {a for a, _ in rows} == mine and len(rows) == 4
        audited = {row[0] for row in conn.execute("SELECT row_id FROM audit_log WHERE table_name = 'account'")}
        assert audited == mine
        # A stage change is seen by whoever sees the opportunity.
        deals = {row[0] for row in conn.execute("SELECT id FROM opportunity")}
        assert {row[0] for row in conn.execute("SELECT row_id FROM audit_log WHERE table_name = 'opportunity'")} == deals
        assert len(deals) == 2


def test_everyone_reads_the_rates_and_only_an_admin_writes_them(team):
    _, people = team
    with database.connection_context():
        Rate.create(currency="EUR", quote="USD", as_of=dt.date(2026, 11, 1), rate="1.08")
    with connect_as(people["am1"]) as conn:
        assert conn.execute("SELECT currency FROM rate").fetchall() == [("EUR",)]
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("INSERT INTO rate (currency, quote, as_of, rate) VALUES ('VND', 'USD', '2026-11-01', 0.00004)")
        assert conn.execute("UPDATE rate SET rate = 2").rowcount == 0
    with connect_as(people["admin"]) as conn:
        conn.execute("INSERT INTO rate (currency, quote, as_of, rate) VALUES ('VND', 'USD', '2026-11-01', 0.00004)")
        assert conn.execute("DELETE FROM rate").rowcount == 0  # nobody deletes history


def test_another_ams_confidential_record_is_invisible_even_by_id(team):
    org, people = team
    with database.connection_context():
        # The lead wrote a confidential note on am1's own account: am1 may not read it.
        lead = User.get(User.login == people["lead"])
        secret = f.activity(org["a1"], subject="lead's private note", author=lead, confidential=True)
        others = Activity.get((Activity.account == org["b1"].id) & (Activity.confidential == True))  # noqa: E712
    with connect_as(people["am1"]) as conn:
        assert conn.execute("SELECT * FROM activity WHERE id = %s", (secret.id,)).fetchall() == []
        assert conn.execute("SELECT * FROM activity WHERE id = %s", (others.id,)).fetchall() == []
    with connect_as(people["lead"]) as conn:
        assert len(conn.execute("SELECT * FROM activity WHERE id IN (%s, %s)", (secret.id, others.id)).fetchall()) == 2
    with connect_as(people["admin"]) as conn:  # an admin sees every account, not everyone's confidential records
        assert conn.execute("SELECT * FROM activity WHERE id = %s", (others.id,)).fetchall() == []
        assert org["b1"].id in ids(conn, "account")


def test_writes_outside_what_an_am_sees_are_refused(team):
    org, people = team
    with database.connection_context():
        am1 = User.get(User.login == people["am1"])
        am2 = User.get(User.login == people["am2"])
    with connect_as(people["am1"]) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "INSERT INTO activity (account_id, author_id, kind, occurred_at, subject, intent_to_leave, confidential, created_at)"
                " VALUES (%s, %s, 'call', now(), 'planted', false, false, now())",
                (org["b1"].id, am1.id),
            )
        # Another AM's account: not there to update.
        assert conn.execute("UPDATE account SET owner_id = %s WHERE id = %s", (am1.id, org["b1"].id)).rowcount == 0
        # Their own account: giving it away would take it out of their sight, so it is refused.
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("UPDATE account SET owner_id = %s WHERE id = %s", (am2.id, org["a1"].id))
        assert conn.execute("DELETE FROM alert WHERE account_id = %s", (org["b1"].id,)).rowcount == 0
        # Nobody promotes themselves.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE \"user\" SET role = 'admin' WHERE id = %s", (am1.id,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM audit_log")
    with database.connection_context():
        assert Account.get_by_id(org["b1"].id).owner_id == am2.id
        assert Account.get_by_id(org["a1"].id).owner_id == am1.id
        assert User.get_by_id(am1.id).role == "am"
        assert Activity.select().where(Activity.subject == "planted").count() == 0
        assert Alert.select().where(Alert.account == org["b1"].id).count() == 1


def test_a_lead_may_deactivate_their_people_but_not_change_who_they_are(team):
    _, people = team
    with database.connection_context():
        am2 = User.get(User.login == people["am2"])
        other = User.get(User.login == people["other"])
    with connect_as(people["lead"]) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="only an admin"):
            conn.execute("UPDATE \"user\" SET team_id = NULL WHERE id = %s", (am2.id,))
        assert conn.execute("UPDATE \"user\" SET active = false WHERE id = %s", (other.id,)).rowcount == 0
        assert conn.execute("UPDATE \"user\" SET active = false WHERE id = %s", (am2.id,)).rowcount == 1
    with connect_as(people["am2"]) as conn:  # deactivated: the rules show them nothing any more
        assert ids(conn, "account") == set()


# -- one rule, two places ------------------------------------------------------------------


def test_the_sql_rule_and_the_python_rule_agree_for_every_demo_user_on_every_table(pg, roles_made):
    from acct_tui import demo

    with database.connection_context():
        demo.build(accounts=90, seed=3, today=dt.date(2026, 11, 20))
        from acct_tui.services.scan import scan_all

        scan_all(dt.datetime(2026, 11, 20, 9, 0))
        User.update(login=_dbname() + "_" + User.login).execute()
        grant_everyone(roles_made)
        users = list(User.select().where(User.active == True))  # noqa: E712
        assert Activity.select().where(Activity.confidential == True).count() > 0  # noqa: E712
        expected = {u.login: {m: _expected(access.from_user(u), m) for m in ACCOUNT_DATA} for u in users}
    roles_seen = set()
    with psycopg.connect(require_postgres(), autocommit=True) as conn:
        for user in users:
            conn.execute(psycopg.sql.SQL("SET ROLE {}").format(psycopg.sql.Identifier(user.login)))
            for model in ACCOUNT_DATA:
                got = ids(conn, model._meta.table_name)
                assert got == expected[user.login][model], (user.login, user.role, model.__name__)
            roles_seen.add(user.role)
            conn.execute("RESET ROLE")
    assert {"am", "kam", "senior", "lead", "admin"} <= roles_seen


# -- who you are, from the command line -------------------------------------------------


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_an_am_role_lists_their_accounts_without_user_and_may_not_act_as_a_lead(team, capsys):
    org, people = team
    url = role_url(people["am1"])
    code, out, err = run(capsys, "accounts", "--db", url, "-f", "json")
    assert code == 0, err
    assert {r["name"] for r in json.loads(out)} == {"Acme Corp", "Beta Ltd"}
    code, out, err = run(capsys, "accounts", "--db", url, "--user", people["lead"], "-f", "json")
    assert code == 1 and out == ""
    assert err == (f"acct-tui: error: you are {people['am1']} (am) on this database: only an admin may see as "
                   f"someone else (--user {people['lead']})\n")
    code, _, err = run(capsys, "scan", "--db", url)
    assert code == 1 and "the risk scan runs as the database operator" in err


def test_the_config_user_is_refused_like_user(team, capsys, tmp_path):
    _, people = team
    config = tmp_path / "config.toml"
    config.write_text(f'user = "{people["lead"]}"\n')
    code, _, err = run(capsys, "accounts", "--db", role_url(people["am1"]), "--config", config)
    assert code == 1 and "only an admin may see as someone else" in err


def test_an_admin_may_see_as_someone_else_and_it_is_audited(team, capsys):
    org, people = team
    code, out, err = run(capsys, "accounts", "--db", role_url(people["admin"]), "--user", people["am2"], "-f", "json")
    assert code == 0, err
    assert {r["name"] for r in json.loads(out)} == {"Gamma Inc", "Delta Co"}
    with database.connection_context():
        entry = AuditLog.get(AuditLog.action == "act_as")
        am2 = User.get(User.login == people["am2"])
    assert (entry.actor, entry.table, entry.row_id, entry.changes) == (people["admin"], "user", am2.id, {"as": people["am2"]})


def test_a_role_that_maps_to_no_active_user_is_refused_naming_it(team, capsys, roles_made):
    _, people = team
    with database.connection_context():
        User.update(active=False).where(User.login == people["other"]).execute()
    for command in ("accounts", "users", "alerts"):
        code, out, err = run(capsys, command, "--db", role_url(people["other"]))
        assert code == 2 and out == ""
        assert err == (f"acct-tui: error: database role {people['other']!r} is not an active acct-tui user: "
                       "the operator grants people with `acct-tui db grant LOGIN`\n")


def test_grant_prints_how_to_connect_and_revoke_takes_the_login_away(team, capsys, tmp_path, roles_made):
    _, people = team
    password = tmp_path / "pw"
    password.write_text("s3cret-enough\n")
    code, out, err = run(capsys, "db", "grant", people["junior"], "--db", require_postgres(), "--password-file", password)
    assert code == 0, err
    assert out.splitlines() == [
        f"updated login {people['junior']} (member of {_dbname()}_acct_users)",
        f"they connect with: acct-tui --db {role_url(people['junior'])}   (with the password from the file)",
    ]
    code, out, err = run(capsys, "db", "revoke", people["junior"], "--db", require_postgres())
    assert (code, out) == (0, f"{people['junior']} can no longer connect\n")
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        connect_as(people["junior"]).close()
    code, _, err = run(capsys, "db", "grant", people["junior"], "--db", role_url(people["lead"]))
    assert code == 1 and "takes the database operator" in err


def test_deactivate_by_the_operator_removes_the_login(team, capsys):
    _, people = team
    code, out, err = run(capsys, "deactivate", people["am2"], "--db", require_postgres(), "--user", people["lead"])
    assert code == 0, err
    assert f"{people['am2']} can no longer connect to the database" in out
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        connect_as(people["am2"]).close()


def test_grant_refuses_an_unknown_login(pg, capsys):
    code, _, err = run(capsys, "db", "grant", prefixed("nobody"), "--db", require_postgres())
    assert code == 1 and "no active acct-tui user" in err


def test_the_migration_runs_again_without_harm_and_does_nothing_on_sqlite(pg, tmp_path):
    import importlib

    migration = importlib.import_module("acct_tui.migrations.0003_row_level_security")
    with database.connection_context(), database.atomic():
        migration.up(None, database.obj)
        policies = database.execute_sql("SELECT count(*) FROM pg_policy WHERE polname LIKE 'acct_%%'").fetchone()[0]
    assert policies == 19 + 5 + 1  # and 0004's: the opportunity table's, its audit entries', the rates' three; 0011's pulse
    sqlite = db_sqlite.SafeSqliteDatabase(str(tmp_path / "x.db"))
    migration.up(None, sqlite)  # nothing to do, nothing written
    assert sqlite.get_tables() == []


def test_a_touch_an_am_logs_moves_the_pulse_they_may_not_write(team):
    """The pulse is the database's: an AM's touch updates it through the trigger, while the AM
    may not write a pulse row themselves."""
    org, people = team
    with database.connection_context():
        am1 = User.get(User.login == people["am1"])
    with connect_as(people["am1"]) as conn:
        conn.execute(
            "INSERT INTO activity (account_id, author_id, kind, occurred_at, subject, intent_to_leave, confidential, created_at)"
            " VALUES (%s, %s, 'call', '2026-11-19 15:00', 'logged', false, false, now())", (org["a2"].id, am1.id))
        assert conn.execute("UPDATE account_pulse SET last_touch_at = now() WHERE account_id = %s", (org["a1"].id,)).rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("INSERT INTO account_pulse (account_id) VALUES (%s)", (org["l1"].id,))
    with database.connection_context():
        (at,) = database.execute_sql("SELECT last_touch_at FROM account_pulse WHERE account_id = %s", (org["a2"].id,)).fetchone()
    assert at == dt.datetime(2026, 11, 19, 15, 0)
