"""The `acct-tui` command.

Each subcommand lives in a module of this package with a `register(sub,
common)` function that adds its parser and sets `handler`. Handlers take a
`Context` and return an exit code. Expected failures are `AcctError`s, printed
as one line; argparse prints usage and exits 2 on wrong arguments.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from acct_tui import __version__, clock, db
from acct_tui.cli.context import Context
from acct_tui.cli.output import FORMATS, say
from acct_tui.errors import AcctError, UsageError

#: Subcommand modules, in the order `--help` lists them.
COMMAND_MODULES = (
    "acct_tui.cli.app_cmd",
    "acct_tui.cli.demo_cmd",
    "acct_tui.cli.db_cmd",
    "acct_tui.cli.listing",
    "acct_tui.cli.today_cmd",
    "acct_tui.cli.log_cmd",
    "acct_tui.cli.edit_cmd",
    "acct_tui.cli.risk_cmd",
    "acct_tui.cli.io_cmd",
    "acct_tui.cli.money_cmd",
    "acct_tui.cli.report_cmd",
    "acct_tui.cli.handover_cmd",
    "acct_tui.cli.search_cmd",
)
#: The module of each subcommand (tests/test_cli.py checks it against what each registers):
#: a command line naming one imports that module alone, not all thirteen and the services
#: they import (a tenth of a second before the app's first paint).
COMMANDS = {
    "app": "app_cmd", "demo": "demo_cmd", "db": "db_cmd", "users": "listing", "accounts": "listing", "team": "listing",
    "next": "today_cmd", "log": "log_cmd", "edit": "edit_cmd", "delete": "edit_cmd", "scan": "risk_cmd",
    "explain": "risk_cmd", "alerts": "risk_cmd", "backtest": "risk_cmd", "import": "io_cmd", "export": "io_cmd",
    "ics": "io_cmd", "rates": "money_cmd", "report": "report_cmd", "reassign": "handover_cmd",
    "deactivate": "handover_cmd", "search": "search_cmd",
}
#: Global options that take a value (`--db URL`): the word after one is not a command.
VALUED = ("--db", "--user", "--config", "--now")


def _common_options(suppress: bool) -> argparse.ArgumentParser:
    """Options every command takes, before or after the subcommand name."""
    default = argparse.SUPPRESS if suppress else None
    parser = argparse.ArgumentParser(add_help=False)
    group = parser.add_argument_group("global options")
    group.add_argument("--db", metavar="URL", default=default, help="database URL (sqlite:///PATH or postgresql://...)")
    group.add_argument("--user", metavar="LOGIN", default=default, help="act as this user (default: config, else the operator)")
    group.add_argument("--config", metavar="PATH", default=default, help="config file (TOML)")
    group.add_argument("--now", metavar="ISO", default=default, help="pin the clock (YYYY-MM-DD or ISO datetime)")
    return parser


def format_option(parser: argparse.ArgumentParser, choices=FORMATS) -> None:
    parser.add_argument("-f", "--format", choices=choices, default="table", help="output format (default: table)")


def _modules_for(argv: list[str] | None) -> tuple[str, ...]:
    """The subcommand modules a command line needs: the named command's (no command: the app),
    or every one (for `--help`, or a word that is no command, which argparse then names)."""
    if argv is None:
        return COMMAND_MODULES
    words = iter(argv)
    for word in words:
        if word in ("-h", "--help"):
            return COMMAND_MODULES
        if word in VALUED:
            next(words, None)
        elif not word.startswith("-"):
            module = COMMANDS.get(word)
            return COMMAND_MODULES if module is None else (f"acct_tui.cli.{module}",)
    return ("acct_tui.cli.app_cmd",)


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser for `argv` (None: every command, as `--help` lists them)."""
    parser = argparse.ArgumentParser(
        prog="acct-tui",
        description="A keyboard-driven dashboard for account managers and their team leads.",
        parents=[_common_options(suppress=False)],
    )
    parser.add_argument("--version", action="version", version=f"acct-tui {__version__}")
    parser.set_defaults(handler=None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = _common_options(suppress=True)
    for name in _modules_for(argv):
        importlib.import_module(name).register(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    try:
        moment = getattr(args, "now", None)
        if moment:
            try:
                clock.pin(clock.parse_pin(moment))
            except ValueError as exc:
                parser.error(f"--now: {exc}")
        else:
            try:
                clock.pin_from_env()
            except ValueError as exc:
                raise UsageError(f"ACCT_TUI_NOW: {exc}") from None
        handler = args.handler
        if handler is None:
            from acct_tui.cli.app_cmd import run_app

            handler = run_app
        return handler(Context(args)) or 0
    except AcctError as exc:
        return _fail(exc)
    except KeyboardInterrupt:
        print("acct-tui: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        # A database that fails under us (a full disk, a lock held too long, a
        # refused row) is one line; anything else is a bug and keeps its traceback.
        failure = db.translate_error(exc)
        if failure is None:
            raise
        return _fail(failure)


def _fail(exc: AcctError) -> int:
    say(f"acct-tui: error: {exc}", file=sys.stderr)
    return exc.exit_code
