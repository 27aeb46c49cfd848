"""Search what was written: touches, cases, commitments and milestones, ranked.

The databases' own full-text engines do the finding and the ranking (the
index is migration 0009's: SQLite FTS5 with BM25, PostgreSQL `tsvector` with
`ts_rank`), one query per kind of record, each restricted by `access` like
every read path (and on PostgreSQL by row-level security too): a
confidential touch, and a commitment made in one, are found only by those
who may read it. The kinds are merged by score, the newest first on ties.

What a query means and how text is folded (accents, case, Chinese) is
`core/search_text.py`; the matching words in context come from there too,
so both databases show the same excerpt.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import SQL, Column, NodeList, Select, Table, fn

from acct_tui.core.search_text import QueryError, Term, context, fts5_query, parse_query, tokens
from acct_tui.db import database
from acct_tui.errors import UsageError
from acct_tui.models import Account, ActionItem, Activity, CustomerCase, Milestone
from acct_tui.services import access
from acct_tui.services.access import Viewer
from acct_tui.services.query import as_datetime, is_postgres, raw_rows

#: Results unless asked otherwise; and the most a search returns.
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
#: The most matches of one kind that are ranked: the newest (most recently recorded) a viewer may read.
CANDIDATES = 1000
#: A viewer who sees fewer than this share of the accounts has their readable records listed first (SQLite).
NARROW_SHARE = 0.05


@dataclass(frozen=True)
class SearchHit:
    """One record that holds the words: what it is, whose, when, and the words in context."""

    #: visit, call, email, meeting, update, note, case, commitment, milestone.
    kind: str
    #: The table it lives in, as the timeline names it (`activity`, `case`, `action_item`, `milestone`).
    source: str
    record_id: int
    account_id: int
    account: str
    at: dt.datetime
    title: str
    #: One line around the first match; `marks` are the matching words' (start, end) in it.
    excerpt: str
    marks: tuple[tuple[int, int], ...]
    score: float


@dataclass(frozen=True)
class _Source:
    model: type
    table: str
    at: object
    texts: tuple


def _sources() -> dict[str, _Source]:
    return {
        "activity": _Source(Activity, "activity", Activity.occurred_at, (Activity.subject, Activity.summary, Activity.outcome)),
        "case": _Source(CustomerCase, "case", CustomerCase.opened_at, (CustomerCase.subject,)),
        "action_item": _Source(ActionItem, "action_item", ActionItem.created_at, (ActionItem.title,)),
        "milestone": _Source(Milestone, "milestone", Milestone.created_at, (Milestone.title,)),
    }


def search(viewer: Viewer, words: str, limit: int = DEFAULT_LIMIT) -> list[SearchHit]:
    """The records `viewer` may read that hold every term of `words`, best first (newest first on ties).

    Raises `UsageError` for a query with no word in it or a limit out of range.
    """
    try:
        terms = parse_query(words)
    except QueryError as exc:
        raise UsageError(str(exc)) from None
    if not 1 <= limit <= MAX_LIMIT:
        raise UsageError(f"the number of results must be from 1 to {MAX_LIMIT}, not {limit}")
    found: list[tuple[float, dt.datetime, str, int, int]] = []
    narrow = _narrow(viewer)
    for name, source in _sources().items():
        for record_id, account_id, at, score in raw_rows(_matches(source, terms, viewer, limit, narrow)):
            found.append((float(score), as_datetime(at), name, record_id, account_id))
    found.sort(key=lambda f: (-f[0], -f[1].timestamp(), f[2], -f[3]))
    return _describe(found[:limit], terms)


def pg_tsquery(terms: tuple[Term, ...]):
    """The terms as a PostgreSQL tsquery, folded by the database's own `acct_search_fold` (migration 0009).

    The text was folded and parsed by PostgreSQL; so is the query, so both
    see the same words whatever its unaccent rules and parser make of them.
    Each term is a phrase (`<->`), a prefix term's last word ends in `:*`;
    `&&` joins the terms.
    """
    parts = []
    for term in terms:
        folded = fn.acct_search_fold(term.text)
        if term.prefix:
            # The fold leaves no tsquery operator (ASCII punctuation became spaces): words, then `:*`.
            words = fn.regexp_replace(fn.btrim(folded), SQL("'\\s+'"), SQL("' <-> '"), SQL("'g'"))
            parts.append(fn.to_tsquery(SQL("'simple'"), NodeList((words, SQL("|| ':*'")))))
        else:
            parts.append(fn.phraseto_tsquery(SQL("'simple'"), folded))
    query = parts[0]
    for part in parts[1:]:
        query = NodeList((query, SQL("&&"), part))
    return NodeList((SQL("("), query, SQL(")")), glue="")


def _matches(source: _Source, terms: tuple[Term, ...], viewer: Viewer, limit: int, narrow: bool):
    """One kind's matching ids, account, time and score (higher is better), best `limit` first.

    Only the newest `CANDIDATES` matches `viewer` may read are ranked (the
    highest ids: the most recently recorded), so a word in half the records
    costs what a rare one does; `narrow` (few visible accounts) lists the
    readable records first and keeps the matches among them.
    """
    model = source.model
    if is_postgres():
        vector = Column(model._meta.table, "search_vector")
        query_text = pg_tsquery(terms)
        # Normalisation 1: divided by 1 + log(length), so a short record that is about it ranks above a long one that mentions it (as BM25).
        score = fn.ts_rank(vector, query_text, 1)
        found = _scoped(model, model.select(model.id, model.account.alias("account_id"), source.at.alias("at"),
                                            score.alias("score")).where(NodeList((vector, SQL("@@"), query_text))), viewer)
        found = found.order_by(model.id.desc()).limit(CANDIDATES)
    else:
        fts = Table(f"search_{source.table}", ("rowid", "rank", "body"))
        match = NodeList((fts.body, SQL("MATCH"), fts5_query(terms)))
        # FTS5's rank is BM25, lower is better: negated, so both databases sort the same way. FTS5 walks its
        # matches by rowid newest first and stops at the limit; BM25 is computed for those only.
        if narrow:
            # `+`: test each match against the readable ids, not one FTS lookup per id (each would recount the word).
            readable = _scoped(model, model.select(model.id), viewer)
            newest = (fts.select(fts.rowid.alias("id"), (fts.rank * -1).alias("score"))
                      .where(match & NodeList((SQL("+"), fts.rowid), glue="").in_(readable))
                      .order_by(fts.rowid.desc()).limit(CANDIDATES).alias("newest"))
            found = (model.select(model.id, model.account.alias("account_id"), source.at.alias("at"), newest.c.score)
                     .join(newest, on=(newest.c.id == model.id)))
        else:
            found = _scoped(model, fts.select(model.id, model.account.alias("account_id"), source.at.alias("at"),
                                              (fts.rank * -1).alias("score"))
                            .join(model, on=(model.id == fts.rowid)).where(match), viewer)
            found = found.order_by(fts.rowid.desc()).limit(CANDIDATES)
    found = found.alias("found")
    return (Select([found], [found.c.id, found.c.account_id, found.c.at, found.c.score])
            .order_by(found.c.score.desc(), found.c.at.desc(), found.c.id.desc()).limit(limit).bind(database))


def _scoped(model, query, viewer: Viewer):
    if model is Activity:
        return access.scope_activities(query, viewer)
    if model is ActionItem:
        return access.scope_commitment_words(query, viewer)
    return access.scope_rows(model, query, viewer)


def _narrow(viewer: Viewer) -> bool:
    """Whether `viewer` sees under `NARROW_SHARE` of the accounts (an account manager, a small team)."""
    if viewer.sees_everything or is_postgres():
        return False
    visible = access.visible_account_ids(viewer).count()
    return visible < NARROW_SHARE * Account.select().count()


def _describe(found, terms: tuple[Term, ...]) -> list[SearchHit]:
    """The hits with their titles and the words in context, in the order found."""
    ids: dict[str, list[int]] = {}
    for _, _, name, record_id, _ in found:
        ids.setdefault(name, []).append(record_id)
    texts: dict[tuple[str, int], tuple[str, str, tuple]] = {}
    if ids.get("activity"):
        rows = Activity.select(Activity.id, Activity.kind, Activity.subject, Activity.summary, Activity.outcome).where(
            Activity.id.in_(ids["activity"]))
        for record_id, kind, subject, summary, outcome in raw_rows(rows):
            # The subject is in the title already: the words in context come from the summary or outcome first.
            texts["activity", record_id] = (kind, f"{kind}: {subject}", (summary, outcome, subject))
    for name, model, label in (("case", CustomerCase, "case"), ("action_item", ActionItem, "commitment"),
                               ("milestone", Milestone, "milestone")):
        if ids.get(name):
            field = model.subject if model is CustomerCase else model.title
            for record_id, text in raw_rows(model.select(model.id, field).where(model.id.in_(ids[name]))):
                texts[name, record_id] = (label, f"{label}: {text}", (text,))
    account_ids = sorted({f[4] for f in found})
    names = dict(raw_rows(Account.select(Account.id, Account.name).where(Account.id.in_(account_ids)))) if account_ids else {}
    hits = []
    for score, at, name, record_id, account_id in found:
        if (name, record_id) not in texts:
            continue  # deleted between the two reads
        kind, title, fields = texts[name, record_id]
        excerpt, marks = _excerpt(fields, terms)
        hits.append(SearchHit(kind, name, record_id, account_id, names.get(account_id, ""), at, title, excerpt, marks, score))
    return hits


def _excerpt(fields, terms: tuple[Term, ...]) -> tuple[str, tuple[tuple[int, int], ...]]:
    best, best_terms = None, 0
    for text in fields:  # the field that holds the most of the terms; the first on a tie
        found = context(text or "", terms)
        if found is None:
            continue
        words = [w for a, b in found[1] for w in tokens(found[0][a:b])]
        held = sum(1 for t in terms if any(t.matches(w) for w in words))
        if held > best_terms:
            best, best_terms = found, held
    if best is not None:
        return best
    # Found through a folding the excerpt does not share (PostgreSQL's unaccent): the start of the text.
    first = " ".join(next((t for t in fields if t), "").split())
    return (first[:90] + "…" if len(first) > 90 else first), ()


def search_rows(viewer: Viewer, words: str, limit: int = DEFAULT_LIMIT) -> list[dict]:
    """The hits as flat rows for the CLI (`acct-tui search`): rank, kind, account, when, title, excerpt."""
    rows = []
    for rank, hit in enumerate(search(viewer, words, limit), 1):
        rows.append({
            "rank": rank, "kind": hit.kind, "source": hit.source, "id": hit.record_id, "account_id": hit.account_id,
            "account": hit.account, "at": hit.at, "title": hit.title, "excerpt": hit.excerpt,
            "matches": [hit.excerpt[a:b] for a, b in hit.marks], "score": hit.score,
        })
    return rows


