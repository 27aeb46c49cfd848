"""Text that is safe to store and safe to show: control characters in, never out.

Data comes from CRMs, spreadsheets, pasted text and other people's
terminals. A control character in it can do harm where it is shown: ESC
starts a terminal sequence (`ESC ] 52` writes the clipboard, `ESC ] 0`
retitles the window, `ESC [ 2 J` clears the screen), C1 characters (U+0080 to
U+009F) are the 8-bit forms of the same, and a calendar program rejects
most of them. Two functions, one for each side:

- `clean_text` at input (imports, forms, quick capture, config strings):
  control characters are removed; a field that allows several lines keeps
  newlines and tabs, any other field turns them into spaces.
- `terminal_safe` at output (every Textual cell, every line the CLI prints,
  calendar text): a control character that is still there (data written
  before this rule, or straight into the database) is replaced by a visible
  stand-in, one character for one, so styles laid over the text keep their
  places: `␛` for ESC, the other C0 pictures (U+2400...) for the rest of C0,
  `␡` for DEL, `�` for C1.
"""

from __future__ import annotations

import re

__all__ = ["clean_text", "terminal_safe", "has_control", "has_control_but_lines"]

#: Every C0 control, DEL and every C1 control.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
#: The same, but tab and newline are allowed (a multi-line field).
_CONTROL_BUT_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def has_control(text: str) -> bool:
    """Whether `text` holds any control character (tab and newline included)."""
    return _CONTROL.search(text) is not None


def has_control_but_lines(text: str) -> bool:
    """Whether `text` holds a control character other than tab and newline: one that
    `clean_text` removes in a multi-line field (an import checks a whole row at once)."""
    return _CONTROL_BUT_LINES.search(text) is not None


def clean_text(text: str, multiline: bool = False) -> str:
    """`text` without control characters: what is stored.

    A multi-line field keeps its newlines (CR LF and CR become LF) and tabs;
    a single-line field gets a space for each of them. Everything else in
    C0, DEL and C1 (ESC included) is dropped.
    """
    if not _CONTROL.search(text):
        return text  # the common case: nothing to do
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if multiline:
        return _CONTROL_BUT_LINES.sub("", text)
    return _CONTROL.sub("", text.replace("\n", " ").replace("\t", " "))


def _stand_in(code: int) -> str:
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ ... ␟ (U+241B ␛ for ESC)
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"  # a C1 control


#: One character for one, so spans over the text stay where they were.
_OUTPUT_TABLE = {code: _stand_in(code) for code in [*range(0x20), *range(0x7F, 0xA0)]}
_OUTPUT_TABLE_LINES = {code: repl for code, repl in _OUTPUT_TABLE.items() if code not in (0x09, 0x0A)}


def terminal_safe(text: str, multiline: bool = False) -> str:
    """`text` with every control character replaced by a visible stand-in.

    `multiline` keeps newlines and tabs (a text block); otherwise they are
    shown as `␊` and `␉` like any other control. The result has the same
    length as `text`.
    """
    if not _CONTROL.search(text):
        return text
    return text.translate(_OUTPUT_TABLE_LINES if multiline else _OUTPUT_TABLE)


def noun_for(count: int, noun: str, many: str | None = None) -> str:
    """`noun` as `count` of it reads: account/accounts, opportunity/opportunities, day/days;
    `many` for an irregular plural (person/people)."""
    if count == 1:
        return noun
    if many is not None:
        return many
    if noun.endswith("y") and noun[-2:-1] not in tuple("aeiou"):
        return noun[:-1] + "ies"
    return noun + ("es" if noun.endswith(("s", "x", "ch", "sh")) else "s")


def plural(count: int, noun: str, many: str | None = None) -> str:
    """`1 account`, `2 accounts`, `3 opportunities`, `1,204 people`: the count and its noun."""
    return f"{count:,} {noun_for(count, noun, many)}"


def in_days(days: int) -> str:
    """`today`, `tomorrow`, `in 3 days`: when something comes, `days` from today."""
    return "today" if days == 0 else "tomorrow" if days == 1 else f"in {plural(days, 'day')}"


def days_late(days: int) -> str:
    """`1 day late`, `3 days late`."""
    return f"{plural(days, 'day')} late"
