"""Quick capture: one line that becomes a visit record. The grammar lives here and only here.

    ACCOUNT KIND [items...] [next: STEP [by DATE]; STEP [by DATE] ...]

for example

    acme visit 45m w/ Lan, Minh +pricing :) agreed a pilot next: send proposal by fri; call Lan by 2026-12-01

- **ACCOUNT**: the words before the first KIND word (at least one word), or a
  "quoted name" when the name itself contains a kind word. The parser only
  returns the text; the visits service matches it to an account (unique
  prefix, else fuzzy) and asks when it is ambiguous.
- **KIND**: `visit` (`v`, `visited`), `call` (`called`, `phone`, `rang`),
  `email` (`mail`, `emailed`), `meeting` (`meet`, `met`, `mtg`),
  `update` (`status`), `note` (`nb`).

After the kind, in any order:

- **duration**: `45m`, `45min`, `1h`, `1h30`, `1h30m` (at most 24 hours).
- **attendees**: `w/ Lan, Minh` (or `w/Lan,Minh`): names separated by commas;
  each name is one word, or a "quoted name"; the list ends at the first name
  not followed by a comma.
- **tags**: `+pricing`, `+renewal` (letters, digits, `-`, `_`).
- **sentiment**: `:D` (+2), `:)` (+1), `:|` (0), `:(` (-1), `:((` (-2).
- **date**: `@yesterday`, `@3d ago`, `@fri` (the latest Friday), `@20/11`,
  `@2026-11-20`, `@20 Nov`; any date `acct_tui.core.dates` reads, as past.
  Without one the capture happened today.
- **flags**: `!leave` (the customer said they intend to leave),
  `!confidential` (or `!conf`: only me and my lead can read it).
- **summary**: every other word, exactly as typed (spacing, commas and
  quotes kept); where an item is taken out between two words, one space.
- **`next:`** ends the line: the rest are commitments separated by `;`, each
  `TITLE [by DATE] [@owner]`: an optional due date (`fri` is the coming
  Friday) and an optional owner's login (default: whoever logs it).

Each of duration, sentiment, date may appear once. A problem raises
`CaptureError` (a `ValueError`) saying what is wrong and at which column.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from acct_tui.core.dates import parse_human_date
from acct_tui.core.text import clean_text

__all__ = ["Capture", "CaptureError", "NextStep", "parse_capture", "parse_step", "parse_duration", "KIND_ALIASES", "SENTIMENTS"]

KIND_ALIASES: dict[str, str] = {
    "visit": "visit", "v": "visit", "visited": "visit",
    "call": "call", "called": "call", "phone": "call", "phoned": "call", "rang": "call",
    "email": "email", "mail": "email", "emailed": "email", "e-mail": "email",
    "meeting": "meeting", "meet": "meeting", "met": "meeting", "mtg": "meeting",
    "update": "update", "status": "update",
    "note": "note", "nb": "note",
}  # fmt: skip
SENTIMENTS: dict[str, int] = {":D": 2, ":-D": 2, ":)": 1, ":-)": 1, ":|": 0, ":-|": 0, ":(": -1, ":-(": -1, ":((": -2, ":-((": -2}
FLAGS = {"!leave": "intent_to_leave", "!confidential": "confidential", "!conf": "confidential"}
MAX_DURATION_MIN = 24 * 60

_DURATION = re.compile(r"(?:(\d{1,4})h(?:(\d{1,3})m?)?|(\d{1,5})(?:m|min|mins))", re.ASCII)
_TAG = re.compile(r"\+([\w-]+)")
_NEXT = re.compile(r"(?:^|\s)next:", re.IGNORECASE)
_BY = re.compile(r"(?:^|\s+)by\s+", re.IGNORECASE)
_OWNER = re.compile(r"(?:^|\s)@([\w.-]+)(?=\s|$)")


class CaptureError(ValueError):
    """A line the grammar cannot read; `position` is the 0-based column of the problem."""

    def __init__(self, message: str, position: int = 0) -> None:
        self.reason = message
        self.position = position
        super().__init__(f"{message} (column {position + 1})")


@dataclass(frozen=True)
class NextStep:
    """A commitment written after `next:`."""

    title: str
    due_on: dt.date | None = None
    #: The login of who owes it; None means whoever logs the capture.
    owner: str | None = None


@dataclass(frozen=True)
class Capture:
    """What a quick-capture line says; the account is still the text typed."""

    account_text: str
    kind: str
    occurred_on: dt.date
    duration_min: int | None = None
    attendees: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    sentiment: int | None = None
    summary: str = ""
    next_steps: tuple[NextStep, ...] = ()
    intent_to_leave: bool = False
    confidential: bool = False


@dataclass(frozen=True)
class _Token:
    """A word (or a "quoted phrase") of the line, with where it is in it."""

    #: The word as typed; a quoted phrase without its quotes, spaces collapsed.
    text: str
    start: int
    #: Just after the token in the line (its closing quote and trailing comma included).
    end: int
    quoted: bool = False
    #: The word ends with a comma (a list of names goes on).
    comma: bool = False

    @property
    def bare(self) -> str:
        """The word without its trailing commas: what the grammar reads."""
        return self.text if self.quoted else self.text.rstrip(",")


def _tokenize(line: str) -> list[_Token]:
    """Split on spaces, keeping "quoted phrases" whole.

    Commas stay in the words (`1,200` is one word); the attendee list splits
    its names itself. A quote that is not closed, or closes on nothing, is a
    plain character except where the account is expected (the first word).
    """
    tokens: list[_Token] = []
    i, n = 0, len(line)
    while i < n:
        if line[i].isspace():
            i += 1
            continue
        start = i
        if line[i] == '"':
            end = line.find('"', i + 1)
            text = line[i + 1 : end].strip() if end >= 0 else ""
            if text:
                i = end + 1
                comma = i < n and line[i] == ","
                if comma:
                    i += 1
                tokens.append(_Token(" ".join(text.split()), start, i, quoted=True, comma=comma))
                continue
            if not tokens:
                raise CaptureError('a quote " is not closed' if end < 0 else 'empty quotes ""', start)
        while i < n and not line[i].isspace():
            i += 1
        word = line[start:i]
        tokens.append(_Token(word, start, i, comma=word.endswith(",")))
    return tokens


def parse_duration(text: str) -> int:
    """Minutes in `45m`, `45min`, `1h`, `1h30`, `1h30m` or a bare `45`; `ValueError` otherwise."""
    cleaned = text.strip().lower().replace(" ", "")
    match = _DURATION.fullmatch(cleaned)
    if cleaned.isascii() and cleaned.isdigit() and len(cleaned) <= 5:
        total, minutes = int(cleaned), None
    elif match:
        hours, minutes, only_minutes = match.groups()
        total = int(only_minutes) if only_minutes else int(hours) * 60 + int(minutes or 0)
    else:
        raise ValueError(f"{text.strip()!r} is not a duration: write 45m, 1h or 1h30")
    if total == 0 or total > MAX_DURATION_MIN or (minutes and int(minutes) >= 60):
        raise ValueError(f"{text.strip()!r} is not a duration between 1m and 24h")
    return total


def parse_capture(line: str, today: dt.date) -> Capture:
    """Read one quick-capture line (see the module docstring); `CaptureError` if it cannot."""
    if not isinstance(line, str):
        raise CaptureError("a quick capture is a line of text")
    line = clean_text(line)  # pasted text may carry control characters; a line has no breaks
    head, steps_text, steps_at = _split_next(line)
    tokens = _tokenize(head)
    if not tokens:
        raise CaptureError("nothing to capture: start with the account, then the kind (e.g. acme call)", 0)

    account_words: list[_Token] = []
    kind: str | None = None
    index = 0
    if tokens[0].quoted:
        account_words.append(tokens[0])
        index = 1
        if index < len(tokens) and tokens[index].bare.lower() in KIND_ALIASES and not tokens[index].quoted:
            kind = KIND_ALIASES[tokens[index].bare.lower()]
            index += 1
    else:
        while index < len(tokens):
            token = tokens[index]
            if account_words and not token.quoted and token.bare.lower() in KIND_ALIASES:
                kind = KIND_ALIASES[token.bare.lower()]
                index += 1
                break
            account_words.append(token)
            index += 1
    if kind is None:
        where = tokens[index].start if index < len(tokens) else len(head.rstrip())
        raise CaptureError("no kind after the account: say visit, call, email, meeting, update or note", where)

    fields: dict = {"attendees": [], "tags": [], "summary": []}
    while index < len(tokens):
        index = _item(tokens, index, fields, today)

    account_text = " ".join(word for word in (t.bare for t in account_words) if word)
    if not account_text:
        raise CaptureError("no account before the kind: start with the account, then the kind (e.g. acme call)", tokens[0].start)
    return Capture(
        account_text=account_text,
        kind=kind,
        occurred_on=fields.get("date", today),
        duration_min=fields.get("duration"),
        attendees=tuple(fields["attendees"]),
        tags=tuple(dict.fromkeys(fields["tags"])),
        sentiment=fields.get("sentiment"),
        summary=_as_typed(head, tokens, fields["summary"]),
        next_steps=_next_steps(steps_text, steps_at, today) if steps_text is not None else (),
        intent_to_leave=fields.get("intent_to_leave", False),
        confidential=fields.get("confidential", False),
    )


def _split_next(line: str) -> tuple[str, str | None, int]:
    match = _NEXT.search(line)
    if match is None:
        return line, None, len(line)
    return line[: match.start()], line[match.end() :], match.end()


def _once(fields: dict, key: str, value, token: _Token, what: str) -> None:
    if key in fields:
        raise CaptureError(f"a second {what} {token.text!r}: give it once", token.start)
    fields[key] = value


def _item(tokens: list[_Token], index: int, fields: dict, today: dt.date) -> int:
    """Consume the item starting at `tokens[index]`; return the index after it.

    A word that is no item is summary: its index goes to `fields["summary"]`.
    """
    token = tokens[index]
    if token.quoted:
        fields["summary"].append(index)
        return index + 1
    text = token.bare
    lower = text.lower()
    if lower.startswith("w/"):
        return _attendees(tokens, index, fields)
    if text in SENTIMENTS:
        _once(fields, "sentiment", SENTIMENTS[text], token, "sentiment")
        return index + 1
    if lower in FLAGS:
        fields[FLAGS[lower]] = True
        return index + 1
    if text.startswith("!") and len(text) > 1 and text[1:].isalpha():
        raise CaptureError(f"unknown flag {text!r}: use !leave or !confidential", token.start)
    if text.startswith("@"):
        return _date(tokens, index, fields, today)
    tag = _TAG.fullmatch(text)
    if tag:
        fields["tags"].append(tag.group(1).lower())
        return index + 1
    if _DURATION.fullmatch(lower):
        try:
            total = parse_duration(lower)
        except ValueError as exc:
            raise CaptureError(str(exc), token.start) from None
        _once(fields, "duration", total, token, "duration")
        return index + 1
    fields["summary"].append(index)
    return index + 1


def _as_typed(line: str, tokens: list[_Token], indexes: list[int]) -> str:
    """The summary words exactly as typed: spacing, commas and quotes kept.

    Words next to each other keep what was between them; where an item was
    taken out from between two words, one space joins them.
    """
    pieces: list[str] = []
    previous: int | None = None
    for index in indexes:
        token = tokens[index]
        if previous is not None:
            pieces.append(line[tokens[previous].end : token.start] if index == previous + 1 else " ")
        pieces.append(line[token.start : token.end])
        previous = index
    return "".join(pieces)


def _attendees(tokens: list[_Token], index: int, fields: dict) -> int:
    """`w/ Lan, Minh` or `w/Lan,Minh`: names until one is not followed by a comma."""
    token = tokens[index]
    before = len(fields["attendees"])
    names = _names(token.text[2:], token)
    fields["attendees"].extend(names)
    expecting = token.comma or not names
    index += 1
    while expecting:
        if index >= len(tokens):
            named = len(fields["attendees"]) > before
            raise CaptureError("a name is missing after the comma" if named else "w/ needs a name after it", token.end)
        token = tokens[index]
        fields["attendees"].extend(_names(token.text, token))
        expecting = token.comma
        index += 1
    return index


def _names(text: str, token: _Token) -> list[str]:
    """The names in one word of an attendee list (`Lan,Minh,`), or a quoted name."""
    if token.quoted:
        return [text]
    return [name for name in text.split(",") if name]


def _date(tokens: list[_Token], index: int, fields: dict, today: dt.date) -> int:
    token = tokens[index]
    first = token.text[1:]
    if "date" in fields:
        raise CaptureError(f"a second date {token.text!r}: give it once", token.start)
    # Dates may be several words ("@3d ago", "@20 Nov 2026"): take the longest that reads.
    error: ValueError | None = None
    for length in (3, 2, 1):
        words = [first.rstrip(",")] + [t.bare for t in tokens[index + 1 : index + length]]
        if len(words) < length or (length == 1 and not first):
            continue
        try:
            fields["date"] = parse_human_date(" ".join(words), today, "past")
            return index + length
        except ValueError as exc:
            if length == 1 or error is None:
                error = exc
    if not first:
        raise CaptureError("@ needs a date right after it, e.g. @yesterday", token.start)
    raise CaptureError(f"date {first!r}: {error}", token.start)


def _next_steps(text: str, offset: int, today: dt.date) -> tuple[NextStep, ...]:
    steps: list[NextStep] = []
    piece_start = offset
    for piece in text.split(";"):
        here, piece_start = piece_start, piece_start + len(piece) + 1
        if piece.strip():
            steps.append(parse_step(piece, today, here))
    if not steps:
        raise CaptureError("next: needs at least one commitment, e.g. next: send proposal by fri", offset)
    return tuple(steps)


def parse_step(piece: str, today: dt.date, offset: int = 0) -> NextStep:
    """One commitment: `TITLE [by DATE] [@owner]` (the owner anywhere); `CaptureError` if unreadable.

    Also what each line of the visit form's next steps is.
    """
    piece = clean_text(piece)
    owners = list(_OWNER.finditer(piece))
    owner = None
    if len(owners) > 1:
        raise CaptureError("a commitment has one owner: give @login once", offset + owners[1].start(1) - 1)
    if owners:
        owner = owners[0].group(1)
        piece = piece[: owners[0].start()] + " " * (owners[0].end() - owners[0].start()) + piece[owners[0].end() :]
    title = " ".join(piece.split())
    if not title:
        raise CaptureError("a commitment needs a title", offset)
    due: dt.date | None = None
    matches = list(_BY.finditer(piece))
    if matches:
        last = matches[-1]
        title = " ".join(piece[: last.start()].split())
        if not title:
            raise CaptureError("a commitment needs a title before 'by'", offset + len(piece) - len(piece.lstrip()))
        try:
            due = parse_human_date(piece[last.end() :], today, "future")
        except ValueError as exc:
            raise CaptureError(f"commitment {title!r}: due date: {exc}", offset + last.end()) from None
    return NextStep(title=title, due_on=due, owner=owner)
