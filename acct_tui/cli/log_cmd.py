"""`acct-tui log "LINE"`: log a touch from the shell in the quick-capture grammar.

The line is parsed (`core.capture`), the account matched among the ones the
user may see, the parse shown, and, once confirmed (or with `--yes`), saved
through `services.visits.log_activity`. Exit codes: 0 saved, 1 no or several
matching accounts / not confirmed, 2 a line or option that cannot be read.
"""

from __future__ import annotations

import sys

from acct_tui import clock
from acct_tui.cli.context import Context
from acct_tui.cli.output import say
from acct_tui.core.capture import CaptureError, parse_capture
from acct_tui.errors import AcctError, NotFound, UsageError
from acct_tui.services import account_lookup, visits
from acct_tui.services.access import Viewer

SENTIMENT_TEXT = {-2: ":(( hostile", -1: ":( sour", 0: ":| neutral", 1: ":) good", 2: ":D delighted"}


class Ambiguous(AcctError):
    """Several accounts match and nobody is there to choose."""

    exit_code = 1


def register(sub, common) -> None:
    parser = sub.add_parser(
        "log",
        parents=[common],
        help="log a touch in one line, e.g. acme visit 45m w/ Lan +pricing :) next: send proposal by fri",
        description="Log a visit, call, email, meeting, update or note in the quick-capture grammar (see README).",
    )
    parser.add_argument("line", nargs="+", help="the capture; quote it so the shell leaves it alone")
    parser.add_argument("-y", "--yes", action="store_true", help="save without asking (needed when stdin is not a terminal)")
    parser.set_defaults(handler=log)


def log(ctx: Context) -> int:
    line = " ".join(ctx.args.line)
    try:
        capture = parse_capture(line, clock.today())
    except CaptureError as exc:
        raise UsageError(f"cannot read the line: {exc}") from None
    viewer = ctx.viewer
    interactive = sys.stdin.isatty()
    account = _choose_account(viewer, capture.account_text, interactive and not ctx.args.yes)
    draft = visits.draft_from_capture(capture, account.id)
    say(describe(account, capture, draft))
    if not ctx.args.yes:
        if not interactive:
            raise UsageError("stdin is not a terminal, so nobody can confirm: add --yes to save without asking")
        if input("Save? [Y/n] ").strip().lower() not in ("", "y", "yes"):
            print("not saved")
            return 1
    activity_id = visits.log_activity(viewer, draft)
    steps = len(draft.next_steps)
    say(f"saved {draft.kind} #{activity_id} for {account.name}" + (f" with {steps} commitment{'s' * (steps != 1)}" if steps else ""))
    ctx.rescan([account.id])
    return 0


def _choose_account(viewer: Viewer, text: str, can_ask: bool) -> account_lookup.AccountHit:
    found = account_lookup.resolve_account(viewer, text)
    if isinstance(found, account_lookup.AccountHit):
        return found
    if not found:
        raise NotFound(f"no account you may see matches {text!r}")
    listing = "\n".join(f"  {i}. {c.name} ({c.tier}, {c.owner or 'no owner'})" for i, c in enumerate(found, 1))
    if not can_ask:
        say(f"{text!r} matches several accounts:\n{listing}", file=sys.stderr)
        raise Ambiguous(f"{text!r} is ambiguous: write more of the name, or \"quote\" the full name")
    say(f"{text!r} matches several accounts:\n{listing}")
    while True:  # a slip of the finger asks again; an empty answer (or end of input) gives up
        try:
            answer = input(f"Which one? [1-{len(found)}, empty to give up] ").strip()
        except EOFError:
            answer = ""
        if not answer:
            raise Ambiguous("no account chosen")
        if answer.isdigit() and 1 <= int(answer) <= len(found):
            return found[int(answer) - 1]
        say(f"{answer!r} is not one of 1 to {len(found)}")


def describe(account: account_lookup.AccountHit, capture, draft: visits.ActivityDraft) -> str:
    """The parse, one fact a line, as shown before saving."""
    lines = [
        f"account     {account.name} ({account.tier}, owner {account.owner or 'nobody'})",
        f"kind        {capture.kind}",
        f"date        {draft.occurred_at:%a %Y-%m-%d %H:%M}",
    ]
    if capture.duration_min:
        lines.append(f"duration    {capture.duration_min} min")
    if capture.attendees:
        lines.append(f"attendees   {', '.join(capture.attendees)}")
    if capture.tags:
        lines.append(f"tags        {' '.join('+' + t for t in capture.tags)}")
    if capture.sentiment is not None:
        lines.append(f"sentiment   {SENTIMENT_TEXT[capture.sentiment]}")
    if capture.summary:
        lines.append(f"summary     {capture.summary}")
    if capture.intent_to_leave:
        lines.append("flags       intent to leave")
    if capture.confidential:
        lines.append("flags       confidential")
    for step in capture.next_steps:
        due = f"by {step.due_on:%a %Y-%m-%d}" if step.due_on else "no due date"
        owner = f", owner {step.owner}" if step.owner else ""
        lines.append(f"commitment  {step.title} ({due}{owner})")
    return "\n".join(lines)
