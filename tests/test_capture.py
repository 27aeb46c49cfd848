"""The quick-capture grammar: examples, errors with columns, and no crash on any text."""

import datetime as dt

import pytest
from hypothesis import given, settings, strategies as st

from acct_tui.core.capture import Capture, CaptureError, NextStep, parse_capture

TODAY = dt.date(2026, 11, 20)  # a Friday


def test_the_readme_example():
    got = parse_capture("acme visit 45m w/ Lan, Minh +pricing :) next: send proposal by fri; call Lan by 2026-12-01", TODAY)
    assert got == Capture(
        account_text="acme",
        kind="visit",
        occurred_on=TODAY,
        duration_min=45,
        attendees=("Lan", "Minh"),
        tags=("pricing",),
        sentiment=1,
        summary="",
        next_steps=(NextStep("send proposal", TODAY), NextStep("call Lan", dt.date(2026, 12, 1))),
    )


@pytest.mark.parametrize(
    "line, field, expected",
    [
        ("acme call", "kind", "call"),
        ("acme phoned", "kind", "call"),
        ("acme mtg", "kind", "meeting"),
        ("acme emailed", "kind", "email"),
        ("acme status", "kind", "update"),
        ("acme nb remember the badge", "kind", "note"),
        ("big corp ltd visit", "account_text", "big corp ltd"),
        ('"Call Center Co" call', "account_text", "Call Center Co"),
        ('"Call Center Co" call', "kind", "call"),
        ("acme call call", "summary", "call"),  # only the first kind word is the kind
        ("acme visit 45m", "duration_min", 45),
        ("acme visit 45min", "duration_min", 45),
        ("acme visit 1h", "duration_min", 60),
        ("acme visit 1h30", "duration_min", 90),
        ("acme visit 1h05m", "duration_min", 65),
        ("acme visit 24h", "duration_min", 1440),
        ("acme visit w/Lan,Minh", "attendees", ("Lan", "Minh")),
        ("acme visit w/ Lan,Minh", "attendees", ("Lan", "Minh")),
        ("acme visit w/ Lan Tran", "attendees", ("Lan",)),
        ("acme visit w/ Lan Tran", "summary", "Tran"),
        ('acme visit w/ "Lan Tran", Minh talked', "attendees", ("Lan Tran", "Minh")),
        ('acme visit w/ "Lan Tran", Minh talked', "summary", "talked"),
        ("acme visit +pricing +Renewal +pricing", "tags", ("pricing", "renewal")),
        ("acme visit :D", "sentiment", 2),
        ("acme visit :)", "sentiment", 1),
        ("acme visit :|", "sentiment", 0),
        ("acme visit :(", "sentiment", -1),
        ("acme visit :((", "sentiment", -2),
        ("acme visit", "sentiment", None),
        ("acme visit", "occurred_on", TODAY),
        ("acme visit @yesterday", "occurred_on", dt.date(2026, 11, 19)),
        ("acme visit @3d ago long chat", "occurred_on", dt.date(2026, 11, 17)),
        ("acme visit @3d ago long chat", "summary", "long chat"),
        ("acme visit @20 Nov", "occurred_on", TODAY),
        ("acme visit @mon", "occurred_on", dt.date(2026, 11, 16)),
        ("acme visit @1/2", "occurred_on", dt.date(2026, 2, 1)),
        ("acme visit !leave", "intent_to_leave", True),
        ("acme visit !conf", "confidential", True),
        ("acme visit they want a discount, soon", "summary", "they want a discount, soon"),
        ("acme visit next: a; b by mon; ; c by in 2w", "next_steps",
         (NextStep("a"), NextStep("b", dt.date(2026, 11, 23)), NextStep("c", dt.date(2026, 12, 4)))),
        ("acme visit next: call by phone by tue", "next_steps", (NextStep("call by phone", dt.date(2026, 11, 24)),)),
        ("acme visit NEXT: x", "next_steps", (NextStep("x"),)),
        ("acme visit next: send deck by fri @lan.tran; ping @minh by 2026-12-01", "next_steps",
         (NextStep("send deck", TODAY, "lan.tran"), NextStep("ping", dt.date(2026, 12, 1), "minh"))),
        ("acme visit next: mail a@b.com", "next_steps", (NextStep("mail a@b.com"),)),
    ],
)
def test_reads(line, field, expected):
    assert getattr(parse_capture(line, TODAY), field) == expected


@pytest.mark.parametrize(
    "line, message, column",
    [
        ("", "nothing to capture", 1),
        ("acme", "no kind after the account", 5),
        ("visit", "no kind after the account", 6),
        ('"acme', "quote", 1),
        ('"" call', "empty quotes", 1),
        ("acme visit 0m", "not a duration", 12),
        ("acme visit 25h", "not a duration", 12),
        ("acme visit 1h75", "not a duration", 12),
        ("acme visit 1h 2h", "a second duration", 15),
        ("acme visit :) :(", "a second sentiment", 15),
        ("acme visit w/", "w/ needs a name", 14),
        ("acme visit w/ Lan,", "a name is missing after the comma", 19),
        ("acme visit @", "@ needs a date", 12),
        ("acme visit @someday", "date 'someday'", 12),
        ("acme visit @31/02", "day 31 does not exist", 12),
        ("acme visit @mon @tue", "a second date", 17),
        ("acme visit !urgent", "unknown flag", 12),
        ("acme visit next:", "at least one commitment", 17),
        ("acme visit next: ;", "at least one commitment", 17),
        ("acme visit next: by fri", "needs a title before 'by'", 18),
        ("acme visit next: send it by blah", "due date", 29),
        ("acme visit next: x @a @b", "one owner", 23),
        ("acme visit next: @a", "needs a title", 17),
    ],
)
def test_errors_say_what_and_where(line, message, column):
    with pytest.raises(CaptureError) as info:
        parse_capture(line, TODAY)
    assert message in info.value.reason
    assert info.value.position + 1 == column
    assert f"(column {column})" in str(info.value)


def test_capture_error_is_a_value_error():
    assert issubclass(CaptureError, ValueError)


_WORDS = st.sampled_from(
    ["acme", "visit", "call", "w/", "w/Lan,", "Lan,", "Minh", ",", "+tag", "+", ":)", ":((", "@", "@fri", "@3d", "ago",
     "next:", ";", "by", "fri", "45m", "1h30", "!leave", "!x", '"', '"big co"', "0m", "99999h", "@31/02"]
)


@settings(max_examples=300)
@given(st.text(max_size=80))
def test_any_text_parses_or_gets_a_capture_error(line):
    _parses_or_capture_error(line)


@settings(max_examples=500)
@given(st.lists(_WORDS, max_size=14).map(" ".join))
def test_grammar_shaped_text_parses_or_gets_a_capture_error(line):
    _parses_or_capture_error(line)


def _parses_or_capture_error(line: str) -> None:
    try:
        got = parse_capture(line, TODAY)
    except CaptureError as exc:
        assert exc.reason and 0 <= exc.position <= len(line)
    else:
        assert got.account_text and got.kind


@pytest.mark.parametrize(
    "summary",
    [
        'prices: 1,200 vs 1,500 "quoted,text" done',
        '=HYPERLINK("http://x","click")',
        "two  spaces,and,commas , here",
        'he said "maybe  later" and left',
        'an "unclosed quote',
        'empty "" quotes',
        "call back, they said",  # a kind word in the summary is a word
    ],
)
def test_the_summary_is_kept_as_typed(summary):
    assert parse_capture(f"cobalt agri call {summary}", TODAY).summary == summary


def test_items_between_words_are_taken_out_and_the_rest_kept():
    got = parse_capture('acme call prices:  1,200 +pricing vs 1,500 :) "quoted,text"  done', TODAY)
    assert (got.summary, got.tags, got.sentiment) == ('prices:  1,200 vs 1,500 "quoted,text"  done', ("pricing",), 1)


def _is_item(word: str) -> bool:
    """Whether a word is grammar after the kind (an item, a flag, a date, `next:`)."""
    import acct_tui.core.capture as grammar

    bare = word.rstrip(",")
    lower = bare.lower()
    return (
        lower.startswith("w/")
        or bare in grammar.SENTIMENTS
        or (bare.startswith("!") and (lower in grammar.FLAGS or bare[1:].isalpha()))
        or bare.startswith("@")
        or grammar._TAG.fullmatch(bare) is not None
        or grammar._DURATION.fullmatch(lower) is not None
        or "next:" in word.lower()
    )


_SUMMARY_WORD = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zs", "Zl", "Zp"), blacklist_characters="\u0085\u1680\u180e"),
    min_size=1,
    max_size=12,
).filter(lambda word: not word.isspace() and word.split() == [word] and not _is_item(word))


@settings(max_examples=400)
@given(st.lists(st.tuples(_SUMMARY_WORD, st.sampled_from([" ", "  ", "   "])), min_size=1, max_size=10))
def test_any_summary_without_grammar_is_kept_exactly(words):
    """For any summary that holds no grammar, the saved summary is what was typed."""
    summary = "".join(word + gap for word, gap in words).rstrip(" ")
    assert parse_capture(f"acme call {summary}", TODAY).summary == summary


@pytest.mark.parametrize("text, minutes", [("45", 45), ("45m", 45), (" 1h 30 ", 90), ("2h", 120), ("1440", 1440), ("90min", 90)])
def test_parse_duration(text, minutes):
    from acct_tui.core.capture import parse_duration

    assert parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["", "0", "1441", "abc", "1h60", "-5", "٤٥"])
def test_parse_duration_rejects(text):
    from acct_tui.core.capture import parse_duration

    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)
