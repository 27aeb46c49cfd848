"""acct-tui: a keyboard-driven terminal dashboard for account managers."""

__version__ = "0.1.0"
