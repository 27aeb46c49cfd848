"""What full-text search sees of a text, what a search means, and the words in context.

One folding for the index and the query (SQLite calls `fold_parts` from its
triggers, registered as the SQL function `acct_search_fold`; PostgreSQL has
the same rules in SQL, migration 0009):

- accents go: NFKD, then every combining mark dropped ("Sữa" -> "sua"), and
  the Latin letters that do not decompose are spelt out ("đ" -> "d",
  "ł" -> "l", "ø" -> "o", "ß" -> "ss", "æ" -> "ae");
- case goes (`casefold`);
- Chinese and Japanese characters (Han, kana) become one word each, so
  "合同" is searched as the two characters side by side: a word in a
  language written without spaces is a phrase of characters (unigrams with
  adjacency, not a dictionary segmenter: any run of characters is found).

A query (`parse_query`) is words, all of which must be there, in any order:
`"in quotes"` for words side by side, a trailing `*` for a prefix
(`deliv*`). Punctuation inside a word splits it ("e-mail" is "e mail" side
by side).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = ["CJK_RANGES", "fold", "fold_parts", "tokens", "Term", "parse_query", "QueryError", "context", "fts5_query"]

#: Scripts written without spaces between words: every character is a word of its own.
CJK_RANGES = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK = re.compile(f"([{CJK_RANGES}])")
#: A word of folded text: one CJK character, or a run of letters and digits.
_TOKEN = re.compile(f"[{CJK_RANGES}]|[^\\W_]+")

#: Latin letters that NFKD leaves whole: spelt as the letters they are read as.
_SPELT = str.maketrans({
    "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "ß": "ss", "ẞ": "ss",
    "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "þ": "th", "Þ": "th", "ı": "i", "ħ": "h", "Ħ": "h",
    "ŧ": "t", "Ŧ": "t", "ŋ": "n", "Ŋ": "n", "ĸ": "k",
})


def _fold_chars(text: str) -> str:
    """Accents and case gone, nothing added: one output run per input character."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.translate(_SPELT).casefold()


@lru_cache(maxsize=65536)
def _fold_char(char: str) -> str:
    """One character folded (a few characters for "ß", none for a combining mark); cached, as text repeats its letters."""
    return _fold_chars(char)


def fold(text: str | None) -> str:
    """`text` as the index holds it: no accents, no case, CJK characters apart."""
    if not text:
        return ""
    if text.isascii():
        return text.lower()  # the same answer: ASCII has no accents, no CJK, and casefolds to lower case
    return _CJK.sub(r" \1 ", _fold_chars(text))


def fold_parts(*parts: str | None) -> str:
    """Several fields as one folded text (the index's body of a record); None parts left out.

    SQLite calls it for every indexed row (millions in a demo build): ASCII parts, most of
    them, are lowered here, `fold`'s answer without its call."""
    return " ".join([p.lower() if p.isascii() else fold(p) for p in parts if p])


def tokens(text: str) -> list[str]:
    """The words of a text, folded."""
    return _TOKEN.findall(fold(text))


class QueryError(ValueError):
    """A search that cannot be run; the message says why."""


@dataclass(frozen=True)
class Term:
    """One thing a record must hold: words side by side (one word, usually), or a prefix."""

    words: tuple[str, ...]
    prefix: bool = False
    #: As typed (without a prefix's `*`): PostgreSQL folds it with its own function, as it folded the text.
    text: str = field(default="", compare=False)

    def matches(self, word: str) -> bool:
        """Whether one word of a text is (part of) this term: for marking the words in context."""
        if self.prefix and word.startswith(self.words[-1]):
            return True
        return word in self.words


_QUERY_PART = re.compile(r'"([^"]*)"?|(\S+)')


def parse_query(text: str) -> tuple[Term, ...]:
    """The terms of a search: words (all required), `"words side by side"`, `prefix*`."""
    terms: list[Term] = []
    for quoted, bare in _QUERY_PART.findall(text or ""):
        raw = quoted if quoted else bare
        prefix = not quoted and raw.endswith("*")
        words = tuple(tokens(raw))
        if not words:
            continue
        # A prefix needs a word to extend; a CJK character is a whole word already.
        prefix = prefix and not _CJK.fullmatch(words[-1])
        term = Term(words, prefix, raw[:-1] if raw.endswith("*") else raw)
        if term not in terms:
            terms.append(term)
    if not terms:
        raise QueryError("type at least one word to search for (letters or digits)")
    return tuple(terms)


def fts5_query(terms: tuple[Term, ...]) -> str:
    """The terms as an SQLite FTS5 query: each a quoted phrase (words hold only letters and digits)."""
    return " AND ".join(f'"{" ".join(t.words)}"' + ("*" if t.prefix else "") for t in terms)


def context(text: str, terms: tuple[Term, ...], width: int = 90) -> tuple[str, tuple[tuple[int, int], ...]] | None:
    """The matching words of `text` in context: (excerpt, spans of the matches in it), or None without a match.

    The excerpt is one line (newlines and tabs become spaces), at most about
    `width` characters, starting a little before the first match; "…" marks
    text left out. Matching is on folded words, so "cong" marks "Công".
    """
    if not text:
        return None
    line = re.sub(r"\s", " ", text)
    folded: list[str] = []
    origin: list[int] = []  # folded character -> index in `line`
    for i, char in enumerate(line):
        out = _fold_char(char)
        folded.append(out)
        origin.extend([i] * len(out))
    flat = "".join(folded)
    spans = []
    for match in _TOKEN.finditer(flat):
        if any(t.matches(match.group()) for t in terms):
            spans.append((origin[match.start()], origin[match.end() - 1] + 1))
    if not spans:
        return None
    start = 0
    if len(line) > width and spans[0][0] > width // 2:  # a late first match: begin a word or so before it
        start = spans[0][0] - width // 4
        space = line.rfind(" ", 0, start)
        start = space + 1 if space >= 0 and spans[0][0] - space < width // 2 else start
    end = min(len(line), start + width)
    excerpt = line[start:end]
    lead = "…" if start else ""
    tail = "…" if end < len(line) else ""
    shift = len(lead) - start
    marks = tuple((a + shift, min(b, end) + shift) for a, b in spans if a < end)
    return lead + excerpt + tail, marks
