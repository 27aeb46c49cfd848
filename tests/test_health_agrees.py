"""A health shown in several places has one definition: with custom weights in
the config, every place that shows an account's health shows the same one.

The places: the Portfolio (the scan's snapshot), the account card on the
Timeline, `explain` (service and CLI), and the handover briefs (service and
the CLI's preview).
"""

from __future__ import annotations

import datetime as dt
import json

from acct_tui.cli import main
from acct_tui.core.policy import Policy
from acct_tui.core.settings import use
from acct_tui.services import access, handover, health, portfolio
from acct_tui.services.account_card import account_card
from tests import factories as f
from tests.conftest import NOW

#: Sentiment counts far more than by default, engagement far less.
CUSTOM = "[weights]\nsentiment = 80\nengagement = 5\n"


def run(capsys, *argv) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_custom_weights_reach_every_place_that_shows_health(db_url, db, tmp_path, capsys):
    people = f.org()
    acme = people["a1"]
    for days in (3, 2, 1):
        f.activity(acme, "call", NOW - dt.timedelta(days=days), sentiment=-2)
    f.case(acme, NOW - dt.timedelta(days=20), severity="high")
    default = health.explain(access.OPERATOR, acme.id)
    config = tmp_path / "config.toml"
    config.write_text(CUSTOM)
    common = ("--db", db_url, "--config", str(config))

    run(capsys, *common, "scan")  # the Portfolio shows what the scan stored
    shown_by_cli = json.loads(run(capsys, *common, "explain", "Acme Corp", "-f", "json"))
    preview = run(capsys, *common, "--user", "lena.lead", "reassign", "--from", "minh.pham", "--to", "an.nguyen")
    # The CLI installed the config's settings, as the app does at start.
    lead = access.viewer_for("lena.lead")
    explained = health.explain(lead, acme.id)
    assert explained.score != default.score, "the custom weights must change the score, or this test proves nothing"

    book = portfolio.load(lead, Policy(), NOW.date())
    row = book.row(book.position_of(acme.id))
    card = account_card(lead, acme.id)
    brief = next(b for b in handover.preview(lead, "minh.pham", "an.nguyen").briefs if b.id == acme.id)
    shown = {
        "explain": (explained.score, explained.band),
        "explain (CLI)": (shown_by_cli["score"], shown_by_cli["band"]),
        "portfolio": (row.health, row.band),
        "account card": (card.score, card.band),
        "handover brief": (brief.health_score, brief.health_band),
    }
    assert set(shown.values()) == {(explained.score, explained.band)}, shown
    assert f"Health {explained.score} ({explained.band})" in preview
    weights = {c.name: c.weight for c in card.components}
    assert weights["sentiment"] > weights["engagement"]


def test_without_a_config_the_defaults_are_in_force(db):
    people = f.org()
    use(None)
    card = account_card(access.OPERATOR, people["a1"].id)
    assert card.score == health.explain(access.OPERATOR, people["a1"].id).score
