"""Quick capture's one line: reading it, and saving the touch it describes.

The grammar is `core.capture`; the screen shows `read_capture`'s parse live
and hands the line to `save_capture` (in a worker) on enter.
"""

from __future__ import annotations

from acct_tui import clock
from acct_tui.core.capture import Capture, CaptureError, parse_capture
from acct_tui.services import account_lookup, visits
from acct_tui.services.access import Viewer
from acct_tui.services.visits import DraftInvalid

NO_MATCH = "no account you may see matches; write more of the name"


def read_capture(line: str) -> Capture:
    """The touch a line describes, dated against today; `CaptureError` (with the position) when it says none."""
    return parse_capture(line, clock.today())


def save_capture(viewer: Viewer, line: str, account_id: int | None = None) -> int | list[account_lookup.AccountHit]:
    """Log the touch `line` describes: the new activity's id, or the candidates when its
    account matches several (save again with the one chosen). `DraftInvalid` on the
    `line` field when it does not parse or matches no account the viewer may see."""
    try:
        capture = read_capture(line)
    except CaptureError as exc:
        raise DraftInvalid({"line": exc.reason}) from None
    if account_id is None:
        found = account_lookup.resolve_account(viewer, capture.account_text)
        if not found:
            raise DraftInvalid({"line": NO_MATCH})
        if not isinstance(found, account_lookup.AccountHit):
            return list(found)
        account_id = found.id
    return visits.log_activity(viewer, visits.draft_from_capture(capture, account_id))
