"""Fuzzing: thousands of mangled inputs, and only the documented error ever comes out.

A seeded generator (the same examples on every run, so a failure is
reproducible with its seed) mutates realistic inputs: inserted and deleted
characters (control characters, quotes, separators, non-Latin text),
duplicated and truncated spans, words swapped for boundary values (dates at
the calendar's edges, huge numbers). Each target gets 2,000 examples:

- quick capture: `CaptureError` or a `Capture`; any `today`, edges included;
- the human-date parser: `ValueError` or a date;
- the three CSV importers (own format, Salesforce, HubSpot): mangled headers,
  cells, encodings (BOMs, UTF-16, Latin-1, NUL bytes) and truncation, imported
  with `--commit`: `UsageError` (unusable input) or a report; when the report
  rejects anything, nothing was written (the connection's change counter,
  SQLite's own count of rows written, is unchanged).

Examples are cheap on purpose: the parsers are pure, and the imports run on a
small SQLite database.
"""

from __future__ import annotations

import datetime as dt
import os
import random

import pytest

from acct_tui.core.capture import Capture, CaptureError, parse_capture
from acct_tui.core.dates import parse_human_date
from acct_tui.db import database
from acct_tui.errors import UsageError
from acct_tui.io import importer
from tests import factories as f

#: Per target; ACCT_TUI_FUZZ_EXAMPLES runs more (or fewer) locally.
EXAMPLES = int(os.environ.get("ACCT_TUI_FUZZ_EXAMPLES", "2000"))

#: Characters a mutation inserts: structure, controls, spaces, other scripts, surrogates of trouble.
ALPHABET = (
    list(" ,;:\"'\n\r\t@+!-_/.()#") + ["\x00", "\x1b", "\x07", "\x9b", "\x7f", "\u202e", "\ufeff", "\u00a0"]
    + list("aZ09") + ["é", "ễ", "Đ", "中", "😀", "\u0301"]
)
#: Words a mutation puts in place of another: the edges of what parsers accept.
BOUNDARY_WORDS = [
    "0", "-1", "99999999999999999999", "1e309", "NaN", "9999-12-31", "0001-01-01", "2026-02-30", "31/12/9999",
    "in 999999d", "999999d ago", "next fri", "by", "next:", "w/", ":((", "!conf", "\"", "''", "@", "1h99", "24h1m",
    "true", "maybe", "EURO", "usd", "=cmd|' /C calc'!A0", "-5", "NULL",
]


def mutate(text: str, rng: random.Random, rounds: int | None = None) -> str:
    """A few random edits of `text`."""
    for _ in range(rounds or rng.randint(1, 4)):
        i = rng.randint(0, len(text))
        j = min(len(text), i + rng.randint(0, 12))
        kind = rng.randrange(6)
        if kind == 0:
            text = text[:i] + "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 4))) + text[i:]
        elif kind == 1:
            text = text[:i] + text[j:]
        elif kind == 2:
            text = text[:i] + text[i:j] * rng.randint(2, 4) + text[j:]
        elif kind == 3:
            words = text.split(" ")
            words[rng.randrange(len(words))] = rng.choice(BOUNDARY_WORDS)
            text = " ".join(words)
        elif kind == 4:
            text = text[: rng.randint(0, len(text))]
        else:
            text = text[:i] + text[j:] + text[i:j]
    return text


def any_day(rng: random.Random) -> dt.date:
    edge = rng.random()
    if edge < 0.05:
        return dt.date.min + dt.timedelta(days=rng.randint(0, 10))
    if edge < 0.10:
        return dt.date.max - dt.timedelta(days=rng.randint(0, 10))
    return dt.date(2026, 11, 20) + dt.timedelta(days=rng.randint(-4000, 4000))


# -- pure parsers ----------------------------------------------------------------------------

CAPTURES = [
    "acme visit 45m w/ Lan, Minh +pricing :) agreed a pilot next: send proposal by fri; call Lan by 2026-12-01 @lena.lead",
    '"Visit Co" call @yesterday :( !leave !conf asked about exit next: escalate by in 2w',
    "beta email @20/11 1h30 +renewal +q4 sent the deck",
    "gamma mtg @3d ago w/\"Lan Tran\",Bao :D next: follow up",
    "delta note nb internal only",
]


def test_quick_capture_raises_only_capture_error():
    rng = random.Random(8_001)
    parsed = 0
    for n in range(EXAMPLES):
        line = mutate(rng.choice(CAPTURES), rng)
        today = any_day(rng)
        try:
            capture = parse_capture(line, today)
        except CaptureError:
            continue
        except Exception as exc:  # noqa: BLE001 - the point of the test
            pytest.fail(f"example {n}: parse_capture({line!r}, {today}) raised {type(exc).__name__}: {exc}")
        assert isinstance(capture, Capture)
        parsed += 1
    assert 0.1 * EXAMPLES < parsed < 0.95 * EXAMPLES  # the mutations hit both sides


DATES = ["today", "yesterday", "tmr", "3d ago", "in 2w", "+3d", "fri", "last fri", "next monday", "2026-11-20",
         "20/11", "20/11/2026", "20 Nov", "Nov 20, 2026", "20th november 2026", "this sat"]


def test_the_date_parser_raises_only_value_error():
    rng = random.Random(8_002)
    parsed = 0
    for n in range(EXAMPLES):
        text = mutate(rng.choice(DATES), rng, rounds=rng.randint(0, 3))
        today = any_day(rng)
        direction = rng.choice(("past", "future"))
        try:
            day = parse_human_date(text, today, direction)
        except ValueError:
            continue
        except Exception as exc:  # noqa: BLE001
            pytest.fail(f"example {n}: parse_human_date({text!r}, {today}, {direction}) raised {type(exc).__name__}: {exc}")
        assert isinstance(day, dt.date)
        parsed += 1
    assert 0.1 * EXAMPLES < parsed < 0.95 * EXAMPLES


# -- the importers -----------------------------------------------------------------------------

OWN = {
    "users.csv": "login,name,role,team,manager\nlena.lead,Lena Lead,lead,North,\nfuzz.am,Fuzz Am,am,North,lena.lead\n",
    "accounts.csv": ("external_id,name,tier,owner,annual_value,currency,renewal_date,status,contact_days\n"
                     "F-1,Fuzz One,key,fuzz.am,120000.50,EUR,2027-03-01,active,14\n"
                     "F-2,\"Fuzz, Two\",standard,lena.lead,-5,usd,,prospect,\n"),
    "contacts.csv": "external_id,account,name,title,email,role,birthday,left_on\nC-1,F-1,Lan Tran,CTO,lan@x.test,champion,1980-02-29,\n",
    "activities.csv": ("external_id,account,kind,occurred_at,author,subject,summary,sentiment,duration_min,confidential\n"
                       "A-1,F-1,visit,2026-11-02T10:00:00+07:00,fuzz.am,Review,\"two\nlines\",1,45,no\n"
                       "A-2,F-2,call,2026-11-03,lena.lead,Call,,-2,,yes\n"),
    "metrics.csv": "account,period,metric,value\nF-1,2026-10,usage,10.5\nF-1,2026-10,revenue,1000\n",
}
SALESFORCE = {
    "User.csv": "Id,Username,Name,Email,IsActive,ManagerId\n005A,Fuzz.AM@x.test,Fuzz Am,fuzz@x.test,true,\n",
    "Account.csv": ("\ufeffId,IsDeleted,Name,Type,Industry,AnnualRevenue,CurrencyIsoCode,OwnerId\n"
                    "001A,false,Fuzz SF,Customer - Direct,Energy,500000,EUR,005A\n001B,true,Gone,,,,,005A\n"),
    "Contact.csv": "Id,IsDeleted,AccountId,FirstName,LastName,Title,Email,Phone,Birthdate\n003A,false,001A,Lan,Tran,CTO,l@x.test,+1,1980-01-31\n",
    "Task.csv": ("Id,IsDeleted,AccountId,WhoId,WhatId,Subject,ActivityDate,Status,Type,TaskSubtype,Description,OwnerId,CallDurationInSeconds,CreatedDate\n"
                 "00TA,false,001A,003A,,Call about renewal,2026-11-02,Completed,Call,Call,\"said\nmaybe\",005A,600,2026-11-02T10:00:00.000+0000\n"),
    "Case.csv": "Id,IsDeleted,AccountId,ContactId,Subject,Priority,Status,IsEscalated,CreatedDate,ClosedDate\n500A,false,001A,,Broken,High,New,false,2026-11-01T09:00:00.000+0000,\n",
}
HUBSPOT = {
    "companies.csv": "\ufeffRecord ID,Company name,Company owner,Industry,Annual Revenue,Lifecycle Stage\n101,Fuzz HS,Fuzz Am,Energy,500000,Customer\n",
    "contacts.csv": "Record ID,First Name,Last Name,Email,Associated Company IDs\n201,Lan,Tran,lan@x.test,101\n",
    "deals.csv": "Record ID,Deal Name,Deal Stage,Close Date,Deal Type,Associated Company IDs\n301,Renewal,Closed Won,2025-06-30,Existing Business,101\n",
    "tickets.csv": "Record ID,Ticket name,Priority,Create date,Close date,Ticket status,Associated Company IDs\n401,Broken,URGENT,2026-10-01 09:00,,Open,101\n",
    "activities.csv": ("Activity ID,Activity type,Activity date,Subject,Body,Activity assigned to,Associated Company IDs\n"
                       "501,CALL,2026-11-02 15:00,Check-in,\"two\nlines\",Fuzz Am,101\n"),
}
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "latin-1")


def mangle_file(text: str, rng: random.Random) -> bytes:
    """A CSV file after a careless tool or a hostile one: header, cells, encoding, truncation."""
    lines = text.split("\n")
    choice = rng.random()
    if choice < 0.2:  # the header: a column renamed, dropped, doubled or moved
        lines[0] = mutate(lines[0], rng, rounds=1)
    elif choice < 0.7:  # a data line's cells
        k = rng.randrange(1, len(lines))
        lines[k] = mutate(lines[k], rng)
    else:
        text = mutate(text, rng)
        lines = text.split("\n")
    data = "\n".join(lines)
    encoding = rng.choice(ENCODINGS) if rng.random() < 0.15 else "utf-8"
    raw = data.encode(encoding, errors="replace")
    if rng.random() < 0.1:
        raw = raw[: rng.randint(0, len(raw))]  # truncated mid-byte, mid-quote, anywhere
    if rng.random() < 0.03:
        raw = raw[:10] + b"\x00\xff\xfe" + raw[10:]
    return raw


class MemoryFile:
    """A file of a `MemoryFolder`: what the importers ask of a path."""

    def __init__(self, folder: "MemoryFolder", name: str):
        self.folder, self.name = folder, name
        self.suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""

    def is_file(self) -> bool:
        return self.name in self.folder.files

    def read_bytes(self) -> bytes:
        return self.folder.files[self.name]

    def __lt__(self, other: "MemoryFile") -> bool:
        return self.name < other.name

    def __str__(self) -> str:
        return f"{self.folder}/{self.name}"


class MemoryFolder:
    """An export folder held in memory: thousands of examples without touching the disk."""

    def __init__(self, name: str):
        self.name, self.files = name, {}

    def is_dir(self) -> bool:
        return True

    def iterdir(self):
        return [MemoryFile(self, name) for name in self.files]

    def __truediv__(self, name: str) -> MemoryFile:
        return MemoryFile(self, name)

    def __str__(self) -> str:
        return self.name


@pytest.fixture
def small_db(sqlite_db):
    """A small database the imports meet: people, an account, a bit of history."""
    org = f.org()
    f.activity(org["a1"], kind="visit")
    return sqlite_db


@pytest.mark.parametrize("source, files, seed", [("dir", OWN, 8_101), ("salesforce", SALESFORCE, 8_102), ("hubspot", HUBSPOT, 8_103)])
def test_importers_raise_only_usage_error_and_write_nothing_when_rejecting(small_db, source, files, seed):
    rng = random.Random(seed)
    folder = MemoryFolder(source)
    connection = database.connection()
    outcomes = {"unusable": 0, "rejected": 0, "clean": 0}
    for n in range(EXAMPLES):
        # The mangled file, sometimes with one intact neighbour (what it refers to, or what refers to it):
        # one or two tables per example keep each example to a few milliseconds.
        target, *others = rng.sample(sorted(files), 2 if rng.random() < 0.5 else 1)
        folder.files = {target: mangle_file(files[target], rng), **{name: files[name].encode("utf-8") for name in others}}
        before = connection.total_changes
        try:
            report = importer.run(source, folder, commit=True, actor="fuzz")
        except UsageError:
            outcomes["unusable"] += 1
            assert connection.total_changes == before, f"example {n}: unusable input wrote something"
            continue
        except Exception as exc:  # noqa: BLE001
            pytest.fail(f"example {n} ({target}): {type(exc).__name__}: {exc}")
        if report.rejected:
            outcomes["rejected"] += 1
            assert not report.committed and connection.total_changes == before, f"example {n}: rejected, yet written"
        else:
            outcomes["clean"] += 1
            assert report.committed
        assert not database.in_transaction()
    assert all(count > EXAMPLES // 50 for count in outcomes.values()), outcomes
