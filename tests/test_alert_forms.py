"""The alert forms check, before they close, what the alerts service would refuse."""

from __future__ import annotations

import datetime as dt

import pytest

from acct_tui.services import entry_forms
from acct_tui.services.access import from_user
from acct_tui.services.visits import DraftInvalid
from tests import factories as f


def test_the_alert_forms_find_what_the_service_would_refuse_before_closing(db):
    org = f.org()
    me = from_user(org["am1"])
    intent = f.alert(org["a1"], "departure_intent", "red")
    f.activity(org["a1"], "call", dt.datetime(2026, 11, 18, 9), intent_to_leave=True)
    plain = f.alert(org["a2"])
    with pytest.raises(DraftInvalid) as raised:
        entry_forms.resolve_alerts_form(me, [plain.id, intent.id]).submit({"note": "talked to them"})
    assert raised.value.problems == {"note": "Acme Corp: a departure intent is resolved by a visit logged after it (must-visit); log the visit first"}
    with pytest.raises(DraftInvalid) as raised:
        entry_forms.resolve_alerts_form(me, [plain.id]).submit({"note": " "})
    assert raised.value.problems == {"note": "a note is required"}
    assert entry_forms.resolve_alerts_form(me, [plain.id]).submit({"note": " called "}) == "called"
    form = entry_forms.escalate_alerts_form(me, [plain.id])
    assert [field.key for field in form.fields] == ["to", "note"]
    with pytest.raises(DraftInvalid) as raised:
        form.submit({"to": "lena.led", "note": "help"})
    assert raised.value.problems == {"to": "no active user with login 'lena.led': did you mean lena.lead?"}
    assert form.submit({"to": " Lena.Lead ", "note": " help "}) == entry_forms.EscalateRequest("Lena.Lead", "help")
    assert form.submit({"to": "", "note": ""}) == entry_forms.EscalateRequest("")  # the owner's manager
