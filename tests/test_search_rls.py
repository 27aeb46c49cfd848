"""Search on a team database: row-level security holds even where the Python rule would not be asked."""

from __future__ import annotations

import json

from acct_tui import db as dbmod
from acct_tui.db import database
from acct_tui.services import access, search
from tests.test_rls import pg, role_url, roles_made, run, team  # noqa: F401 - fixtures

__all__ = ["pg", "roles_made", "team"]


def test_an_am_role_finds_only_their_own_records_even_as_the_operator_viewer(team):
    org, people = team
    # `team` gives every account "call at NAME" and "secret at NAME" (confidential).
    dbmod.connect(role_url(people["am1"]))
    try:
        with database.connection_context():
            # The operator's viewer asks SQL for no filter at all: only the database's policies remain.
            hits = search.search(access.OPERATOR, "at")
    finally:
        database.close()
    assert {h.account for h in hits} == {"Acme Corp", "Beta Ltd"}
    assert sorted(h.title for h in hits if h.source == "activity") == [
        "call: call at Acme Corp", "call: call at Beta Ltd", "call: secret at Acme Corp", "call: secret at Beta Ltd"]


def test_the_search_command_as_an_admin_role_hides_confidential_records(team, capsys):
    org, people = team
    code, out, err = run(capsys, "search", "secret", "--db", role_url(people["admin"]), "-f", "json")
    assert code == 0, err
    assert json.loads(out) == []
    code, out, err = run(capsys, "search", "secret", "--db", role_url(people["lead"]), "-f", "json")
    assert code == 0, err
    # The lead of North reads its people's confidential records (minh.pham, an.nguyen, and their own).
    assert {r["account"] for r in json.loads(out)} == {"Acme Corp", "Beta Ltd", "Gamma Inc", "Delta Co", "Theta"}
