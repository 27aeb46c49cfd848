"""The footer (`ui/widgets/footer.py`): rebuilt once for a burst of binding changes, and the same
keys as Textual's footer shows for the bindings in force."""

from __future__ import annotations

from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from acct_tui.ui.widgets.footer import AppFooter
from tests.ui.conftest import settle


def _keys(widgets) -> list[tuple]:
    return [(w.key, w.description, w.action, w._disabled) for w in widgets if isinstance(w, FooterKey)]


def _textuals(footer) -> list[tuple]:
    """The keys Textual's footer builds for the bindings in force now."""
    from textual._context import active_message_pump
    from textual.compose import compose

    token = active_message_pump.set(footer)
    try:
        return _keys(compose(footer))
    finally:
        active_message_pump.reset(token)


async def test_the_footer_is_rebuilt_once_for_a_burst_and_shows_the_bindings_in_force(org, make_app, monkeypatch):
    changes, rebuilds = [], []
    changed, recompose = AppFooter.bindings_changed, Footer.recompose
    monkeypatch.setattr(AppFooter, "bindings_changed", lambda footer, screen: changes.append(1) or changed(footer, screen))

    async def counted(footer):
        rebuilds.append(1)
        await recompose(footer)

    monkeypatch.setattr(Footer, "recompose", counted)
    app = make_app("minh.pham", mode=None)
    async with app.run_test(size=(170, 40)) as pilot:
        await settle(app, pilot)
        footer = app.screen.query_one(AppFooter)
        assert len(changes) >= 3 and 1 <= len(rebuilds) < len(changes)
        shown = _keys(footer.children)
        assert shown and shown == _textuals(footer)  # what Textual's footer builds for them now
        await pilot.press("slash")  # the filter line takes the focus: other bindings
        await settle(app, pilot)
        assert _keys(footer.children) == _textuals(footer) != shown
