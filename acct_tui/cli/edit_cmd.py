"""`acct-tui edit KIND ID --FIELD VALUE...` and `acct-tui delete KIND ID`: fix what was typed.

KIND is `touch` (a visit record or any other touch), `commitment`,
`milestone` or `plan` (a planned visit); the ids are those `acct-tui search
-f json` and the exports show. An edit fills the record's own form with what
it holds, puts the options given over it and saves it through the same
reading and checks as the app (`services.edits`): a bad value is named and
nothing is written (exit 2). It prints each changed field, old and new. A
delete shows what would go and asks (or `--yes`). Both are audited with the
old values, refused for someone else's record, and rescan the account.
"""

from __future__ import annotations

import sys
from dataclasses import replace

from acct_tui.cli import format_option
from acct_tui.cli.context import Context
from acct_tui.cli.output import emit, say
from acct_tui.enums import ACTIVITY_KINDS, MILESTONE_KINDS
from acct_tui.errors import UsageError
from acct_tui.services import edit_forms, edits

#: The options of each kind: (option, form field, help).
OPTIONS = {
    "touch": (
        ("--date", "date", "when it happened: today, 3d ago, 2026-11-18 (the same day keeps its time)"),
        ("--kind", "kind", f"one of {', '.join(ACTIVITY_KINDS)}"),
        ("--duration", "duration", "45m, 1h30"),
        ("--attendees", "attendees", "names, comma separated"),
        ("--purpose", "purpose", "what it was about (the subject line)"),
        ("--summary", "summary", "what happened"),
        ("--outcome", "outcome", "what was agreed"),
        ("--sentiment", "sentiment", "-2 to 2"),
        ("--confirmed-by", "confirmed_by", "the customer who signed off"),
    ),
    "commitment": (("--title", "title", "what is promised"), ("--due", "due_on", "fri, in 2w, 2026-12-01"),
                   ("--owner", "owner", "who owes it (a login)")),
    "milestone": (("--title", "title", "the milestone"), ("--due", "due_on", "20/12, in 6w"),
                  ("--kind", "kind", f"one of {', '.join(MILESTONE_KINDS)}")),
    "plan": (("--date", "date", "fri, in 2w, 2026-12-01"), ("--purpose", "purpose", "QBR, renewal talk..."),
             ("--owner", "owner", "who goes (a login)")),
}
#: A touch's yes/no fields: --FLAG sets, --no-FLAG clears.
FLAGS = (("intent-to-leave", "intent_to_leave", "the customer said they intend to leave"),
         ("confidential", "confidential", "only its author and their lead may read it"))


def register(sub, common) -> None:
    parser = sub.add_parser(
        "edit", parents=[common], help="correct a touch, commitment, milestone or planned visit",
        description="Correct a record: the options given replace what it holds, checked as in the app's form.",
    )
    kinds = parser.add_subparsers(dest="record", metavar="KIND", required=True)
    for kind, options in OPTIONS.items():
        leaf = kinds.add_parser(kind, parents=[common], help=f"edit a {edits.KINDS[kind].noun}")
        leaf.add_argument("id", type=int, help=f"the {edits.KINDS[kind].noun}'s id")
        for option, dest, text in options:
            leaf.add_argument(option, dest=dest, metavar="TEXT", help=text)
        if kind == "touch":
            for flag, dest, text in FLAGS:
                group = leaf.add_mutually_exclusive_group()
                group.add_argument(f"--{flag}", dest=dest, action="store_true", default=None, help=text)
                group.add_argument(f"--no-{flag}", dest=dest, action="store_false", help=f"not {flag.replace('-', ' ')}")
        format_option(leaf)
        leaf.set_defaults(handler=run_edit, fields=[dest for _option, dest, _text in options]
                          + ([dest for _flag, dest, _text in FLAGS] if kind == "touch" else []))

    parser = sub.add_parser("delete", parents=[common], help="delete a touch, commitment, milestone or planned visit",
                            description="Delete a record (a touch with the commitments made in it), after asking; undo in the app puts it back.")
    parser.add_argument("kind", choices=list(edits.KINDS), help="what kind of record")
    parser.add_argument("id", type=int, help="its id")
    parser.add_argument("-y", "--yes", action="store_true", help="delete without asking (needed when stdin is not a terminal)")
    format_option(parser)
    parser.set_defaults(handler=run_delete)


def run_edit(ctx: Context) -> int:
    given = {dest: getattr(ctx.args, dest) for dest in ctx.args.fields if getattr(ctx.args, dest) is not None}
    if not given:
        names = ", ".join([option for option, _dest, _text in OPTIONS[ctx.args.record]]
                          + ([f"--[no-]{flag}" for flag, _dest, _text in FLAGS] if ctx.args.record == "touch" else []))
        raise UsageError(f"nothing to change: give at least one of {names}")
    viewer, row_id = ctx.viewer, ctx.args.id
    if ctx.args.record == "touch":
        values = edits.touch_values(viewer, row_id)
        changes = edits.edit_touch(viewer, row_id, replace(values, **given))
        account_id = values.account_id
    else:
        form = edit_forms.FORMS[ctx.args.record](viewer, row_id)
        account_id = edits.record(viewer, ctx.args.record, row_id).account_id
        changes = form.submit({**{field.key: field.value for field in form.fields}, **given})
    noun = edits.KINDS[ctx.args.record].noun
    if not changes:
        say(f"{noun} {row_id}: nothing changed")
        return 0
    emit(changes, ctx.fmt, ["field", "old", "new"], title=f"{noun} {row_id} edited")
    ctx.rescan([account_id])
    return 0


def run_delete(ctx: Context) -> int:
    viewer, kind, row_id = ctx.viewer, ctx.args.kind, ctx.args.id
    account_id = edits.record(viewer, kind, row_id).account_id
    what = edits.describe(viewer, kind, row_id)
    if not ctx.args.yes:
        if not sys.stdin.isatty():
            raise UsageError("stdin is not a terminal, so nobody can confirm: add --yes to delete without asking")
        if input(f"Delete {what}? [y/N] ").strip().lower() not in ("y", "yes"):
            print("not deleted")
            return 1
    said = edits.delete(viewer, kind, row_id)
    row = {"kind": kind, "id": row_id, "account_id": account_id, "deleted": said}
    emit([row], ctx.fmt, ["kind", "id", "account_id", "deleted"], title="Deleted")
    ctx.rescan([account_id])
    return 0
