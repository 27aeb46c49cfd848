"""What every screen does after it wrote something: tell the user, refresh, rescan."""

from __future__ import annotations


def after_write(app, message: str) -> None:
    """Notify, let every screen reload (`app.data_changed`), and start a risk scan."""
    app.notify(message, timeout=4, markup=False)  # the message may name an account
    app.data_changed()
    app.run_scan()
