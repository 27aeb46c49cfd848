"""A login typed by a person: matched whatever its case, and when it names nobody, said so with the closest one."""

import pytest

from acct_tui.cli import main
from acct_tui.errors import NotFound
from acct_tui.services import users
from acct_tui.services.access import from_user
from acct_tui.services.entry_forms import read_record_filter
from acct_tui.services.visits import DraftInvalid
from tests import factories as f


@pytest.fixture
def org(db):
    o = f.org()
    f.alert(o["a1"], "overdue_update", "red")
    return o


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_resolve_login_ignores_case_and_suggests_the_closest(org):
    assert users.resolve_login(" Minh.Pham ").login == "minh.pham"
    with pytest.raises(NotFound, match=r"no active user with login 'minh.phan': did you mean minh.pham\?"):
        users.resolve_login("minh.phan")
    with pytest.raises(NotFound) as info:
        users.resolve_login("zzzzzz")
    assert "did you mean" not in str(info.value)


def test_alerts_owner_filter_names_an_unknown_login(db_url, org, capsys):
    code, out, err = run(capsys, "alerts", "--db", db_url, "--owner", "minh.phm", "-f", "csv")
    assert code == 1 and out == "" and "no owner with login 'minh.phm': did you mean minh.pham?" in err
    code, out, _ = run(capsys, "alerts", "--db", db_url, "--owner", "MINH.PHAM", "-f", "csv")
    assert code == 0 and "Acme Corp" in out


def test_seeing_as_an_unknown_login_suggests_the_closest(db_url, org, capsys):
    code, _, err = run(capsys, "accounts", "--db", db_url, "--user", "lena.lead2")
    assert code == 1 and "no user with login 'lena.lead2': did you mean lena.lead?" in err


def test_the_visit_log_filter_names_an_unknown_author(org):
    values = {"account": "", "kind": "any", "author": "minh", "since": "", "until": "", "sentiment": "any"}
    with pytest.raises(DraftInvalid) as info:
        read_record_filter(from_user(org["lead"]), values)
    assert info.value.problems == {"author": "no user with login 'minh': did you mean minh.pham?"}
    assert read_record_filter(from_user(org["lead"]), {**values, "author": "Minh.Pham"}).author == "minh.pham"


def test_a_commitment_owner_is_matched_whatever_its_case(org):
    import datetime as dt

    from acct_tui.core.capture import parse_capture
    from acct_tui.models import ActionItem
    from acct_tui.services import visits

    me = from_user(org["am1"])
    capture = parse_capture("acme call next: send deck by fri @Lena.Lead", dt.date(2026, 11, 20))
    visits.log_activity(me, visits.draft_from_capture(capture, org["a1"].id))
    assert ActionItem.get().owner_id == org["lead"].id
    capture = parse_capture("acme call next: send deck @lena.led", dt.date(2026, 11, 20))
    with pytest.raises(DraftInvalid) as info:
        visits.log_activity(me, visits.draft_from_capture(capture, org["a1"].id))
    assert info.value.problems == {"next_steps.0": "no active user with login 'lena.led': did you mean lena.lead?"}
