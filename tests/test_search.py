"""Search what was written, on SQLite (FTS5) and PostgreSQL (tsvector): results, rank, access, accents, Chinese, freshness."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings, strategies as st

from acct_tui.cli import main
from acct_tui.core.search_text import context, fold, parse_query, tokens, QueryError
from acct_tui.errors import UsageError
from acct_tui.models import ActionItem, Activity, CustomerCase, Milestone
from acct_tui.services import access, search
from tests import factories as f

AT = dt.datetime(2026, 11, 1, 10, 0)


def found(viewer, words, **kw):
    return [(h.source, h.record_id) for h in search.search(viewer, words, **kw)]


@pytest.fixture
def org(db):
    return f.org()


def me(user):
    return access.from_user(user)


# -- what is found, and in what order -----------------------------------------


def test_every_kind_of_record_is_found_by_its_words(org):
    acme = org["a1"]
    touch = f.activity(acme, subject="Quarterly review", summary="They asked about the pelican rollout", at=AT)
    outcome = f.activity(acme, subject="Call", outcome="Agreed the pelican pilot", at=AT - dt.timedelta(days=1))
    case = f.case(acme, AT, subject="Pelican export broken")
    promise = f.action_item(acme, title="Send the pelican quote")
    goal = f.milestone(acme, title="Pelican go-live")
    f.activity(acme, subject="Unrelated chat", at=AT)
    hits = search.search(access.OPERATOR, "pelican")
    assert {(h.source, h.record_id) for h in hits} == {
        ("activity", touch.id), ("activity", outcome.id), ("case", case.id), ("action_item", promise.id), ("milestone", goal.id)}
    by_id = {(h.source, h.record_id): h for h in hits}
    assert by_id["case", case.id].kind == "case" and by_id["case", case.id].title == "case: Pelican export broken"
    assert by_id["action_item", promise.id].kind == "commitment"
    assert by_id["activity", touch.id].kind == "call" and by_id["activity", touch.id].account == "Acme Corp"
    # The words in context: the summary holds the match, and the match is marked.
    hit = by_id["activity", touch.id]
    assert hit.excerpt == "They asked about the pelican rollout"
    assert [hit.excerpt[a:b] for a, b in hit.marks] == ["pelican"]


def test_every_word_must_be_there_and_quotes_keep_words_together(org):
    acme = org["a1"]
    both = f.activity(acme, subject="price increase for next year", at=AT)
    apart = f.activity(acme, subject="increase the discount, price later", at=AT)
    f.activity(acme, subject="price list", at=AT)
    assert set(found(access.OPERATOR, "increase price")) == {("activity", both.id), ("activity", apart.id)}
    assert found(access.OPERATOR, '"price increase"') == [("activity", both.id)]
    assert set(found(access.OPERATOR, "incr*")) == {("activity", both.id), ("activity", apart.id)}


def test_the_better_match_ranks_first_and_the_newest_first_on_ties(org):
    acme = org["a1"]
    old = f.activity(acme, subject="renewal talk", at=AT - dt.timedelta(days=30))
    new = f.activity(acme, subject="renewal talk", at=AT)
    mid = f.activity(acme, subject="renewal talk", at=AT - dt.timedelta(days=3))
    dense = f.activity(acme, subject="renewal renewal renewal", at=AT - dt.timedelta(days=90))
    f.activity(acme, subject="a long note on many other things and also one renewal among them all here", at=AT)
    hits = found(access.OPERATOR, "renewal")
    assert hits[0] == ("activity", dense.id)
    assert hits[1:4] == [("activity", new.id), ("activity", mid.id), ("activity", old.id)]
    assert len(found(access.OPERATOR, "renewal", limit=2)) == 2


def test_a_search_without_a_word_is_one_clear_error(org):
    with pytest.raises(UsageError, match="at least one word"):
        search.search(access.OPERATOR, ' "" - * ')
    with pytest.raises(UsageError, match="from 1 to 500"):
        search.search(access.OPERATOR, "x", limit=0)


# -- accents and Chinese ---------------------------------------------------------


def test_vietnamese_is_found_without_its_accents_and_with_them(org):
    acme = org["a1"]
    vn = f.activity(acme, subject="Gặp Công ty Sữa Đà Nẵng", summary="Đã thống nhất đơn hàng", at=AT)
    f.activity(acme, subject="Cong an phuong", at=AT)
    for query in ("cong ty sua", "CÔNG TY SỮA", "Công ty Sua", "da nang", "đà nẵng", "don hang", "thong nhat"):
        assert found(access.OPERATOR, query) == [("activity", vn.id)], query
    hit = search.search(access.OPERATOR, "da nang")[0]
    assert [hit.excerpt[a:b] for a, b in hit.marks] == ["Đà", "Nẵng"]


def test_other_latin_scripts_fold_too(org):
    acme = org["a1"]
    pl = f.activity(acme, subject="Spotkanie w Łodzi", at=AT)
    de = f.activity(acme, subject="Müller Straße", at=AT)
    fr = f.activity(acme, subject="Réunion à Besançon", at=AT)
    assert found(access.OPERATOR, "lodzi") == [("activity", pl.id)]
    assert found(access.OPERATOR, "muller strasse") == [("activity", de.id)]
    assert found(access.OPERATOR, "reunion besancon") == [("activity", fr.id)]


def test_chinese_is_found_character_by_character_in_order(org):
    acme = org["a1"]
    contract = f.activity(acme, subject="与客户签订合同", summary="续约价格已确认", at=AT)
    other = f.case(acme, AT, subject="合作伙伴投诉")
    assert found(access.OPERATOR, "合同") == [("activity", contract.id)]
    assert found(access.OPERATOR, "续约") == [("activity", contract.id)]
    assert found(access.OPERATOR, "同合") == []  # the characters side by side, in this order
    assert set(found(access.OPERATOR, "合")) == {("activity", contract.id), ("case", other.id)}
    assert found(access.OPERATOR, "签订合同 价格") == [("activity", contract.id)]
    hit = search.search(access.OPERATOR, "续约")[0]
    assert hit.excerpt == "续约价格已确认" and [hit.excerpt[a:b] for a, b in hit.marks] == ["续", "约"]


# -- who finds what ------------------------------------------------------------------


def test_each_person_finds_only_what_they_may_read(org):
    am1, am2, lead, admin, other = org["am1"], org["am2"], org["lead"], org["admin"], org["other"]
    open_note = f.activity(org["a1"], subject="walrus plan", author=am1, at=AT)
    secret = f.activity(org["a1"], subject="walrus secret", author=am1, confidential=True, at=AT)
    promise = f.action_item(org["a1"], title="walrus promise", source_activity=secret)
    theirs = f.activity(org["b1"], subject="walrus elsewhere", author=am2, at=AT)
    far = f.case(org["o1"], AT, subject="walrus case")
    everything = {("activity", open_note.id), ("activity", secret.id), ("action_item", promise.id), ("activity", theirs.id),
                  ("case", far.id)}
    assert set(found(access.OPERATOR, "walrus")) == everything
    assert set(found(me(am1), "walrus")) == {("activity", open_note.id), ("activity", secret.id), ("action_item", promise.id)}
    assert set(found(me(am2), "walrus")) == {("activity", theirs.id)}
    # The lead reads the confidential record of a person they lead, and the promise made in it.
    assert set(found(me(lead), "walrus")) == {("activity", open_note.id), ("activity", secret.id), ("action_item", promise.id),
                                              ("activity", theirs.id)}
    # An admin sees every account but not a confidential record, nor the words of a promise made in it.
    assert set(found(me(admin), "walrus")) == everything - {("activity", secret.id), ("action_item", promise.id)}
    assert found(me(admin), "secret") == [] and found(me(admin), "promise") == []
    assert set(found(me(other), "walrus")) == {("case", far.id)}


@pytest.mark.parametrize("narrow_share", [0.0, 1.0], ids=["walk-matches", "readable-first"])
def test_a_common_word_ranks_the_newest_matches_each_reader_may_read(org, monkeypatch, narrow_share):
    # More matches than are ranked: the newest `CANDIDATES` each reader may read, whichever way SQLite finds them.
    monkeypatch.setattr(search, "CANDIDATES", 4)
    monkeypatch.setattr(search, "NARROW_SHARE", narrow_share)
    am1, am2, admin = me(org["am1"]), me(org["am2"]), me(org["admin"])
    strong_but_old = f.activity(org["a1"], subject="pricing pricing pricing", at=AT - dt.timedelta(days=100))
    mine = [f.activity(org["a1"], subject="pricing talk", at=AT - dt.timedelta(days=9 - i)) for i in range(5)]
    theirs = [f.activity(org["b1"], subject="pricing talk", at=AT - dt.timedelta(days=9 - i)) for i in range(5)]
    their_cases = [f.case(org["b1"], AT - dt.timedelta(days=9 - i), subject="pricing case") for i in range(5)]
    secret = f.activity(org["a1"], subject="pricing secret", author=org["am1"], confidential=True, at=AT)

    def ids(records, source="activity"):
        return [(source, r.id) for r in records]

    # Same score: the newest first. The strong old match is past the bound; others' records take no place in it.
    assert found(am1, "pricing") == ids([secret, *mine[:1:-1]])
    assert set(found(am2, "pricing")) == set(ids(theirs[1:]) + ids(their_cases[1:], "case"))
    # The confidential record is the newest match: an admin may not read it, and it takes no place either.
    assert set(found(admin, "pricing")) == set(ids(theirs[1:]) + ids(their_cases[1:], "case"))
    assert ("activity", strong_but_old.id) not in found(access.OPERATOR, "pricing")
    # With room for every match, the strong old one ranks first.
    monkeypatch.setattr(search, "CANDIDATES", 1000)
    assert found(am1, "pricing")[0] == ("activity", strong_but_old.id)


# -- the index follows every change ---------------------------------------------------


def test_edits_and_deletes_keep_the_index_current(org):
    acme = org["a1"]
    touch = f.activity(acme, subject="otter meeting", at=AT)
    case = f.case(acme, AT, subject="otter case")
    promise = f.action_item(acme, title="otter promise")
    goal = f.milestone(acme, title="otter milestone")
    assert len(found(access.OPERATOR, "otter")) == 4
    Activity.update(subject="beaver meeting", outcome="we agreed").where(Activity.id == touch.id).execute()
    CustomerCase.update(subject="beaver case").where(CustomerCase.id == case.id).execute()
    ActionItem.update(title="beaver promise").where(ActionItem.id == promise.id).execute()
    goal.title = "beaver milestone"
    goal.save()
    assert found(access.OPERATOR, "otter") == []
    assert len(found(access.OPERATOR, "beaver")) == 4
    assert found(access.OPERATOR, "agreed") == [("activity", touch.id)]
    Activity.delete_by_id(touch.id)
    CustomerCase.delete_by_id(case.id)
    assert set(found(access.OPERATOR, "beaver")) == {("action_item", promise.id), ("milestone", goal.id)}
    # Deleting the account takes its records, and their index entries, with it.
    acme.delete_instance(recursive=False)
    assert found(access.OPERATOR, "beaver") == []


def test_a_record_moved_to_another_account_is_found_by_its_new_readers(org):
    touch = f.activity(org["a1"], subject="heron visit", author=org["am1"], at=AT)
    assert found(me(org["am2"]), "heron") == []
    Activity.update(account=org["b1"]).where(Activity.id == touch.id).execute()
    assert found(me(org["am2"]), "heron") == [("activity", touch.id)]
    assert found(me(org["am1"]), "heron") == []


# -- the command -------------------------------------------------------------------------


def test_the_search_command_prints_json_for_the_user_it_runs_as(org, db_url, capsys):
    f.activity(org["a1"], subject="Công ty Sữa visit", author=org["am1"], at=AT)
    f.activity(org["b1"], subject="Công ty Sữa call", author=org["am2"], at=AT)
    code = main(["search", "cong ty sua", "--db", db_url, "--user", "minh.pham", "-f", "json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    rows = json.loads(out.out)
    assert [(r["rank"], r["account"], r["title"], r["matches"]) for r in rows] == [
        (1, "Acme Corp", "call: Công ty Sữa visit", ["Công", "ty", "Sữa"])]
    assert main(["search", "  ", "--db", db_url]) == 2  # a usage error
    assert "at least one word" in capsys.readouterr().err


def test_the_search_table_shows_control_characters_as_stand_ins(org, db_url, capsys):
    f.activity(org["a1"], subject="kestrel \x1b]52;c;evil\x07 note", at=AT)
    assert main(["search", "kestrel", "--db", db_url]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "␛" in out and "kestrel" in out


# -- the folding and the excerpt, as pure functions ---------------------------------------


@pytest.mark.parametrize("text, folded", [
    ("Công ty Sữa", "cong ty sua"),
    ("ĐÀ NẴNG đường", "da nang duong"),
    ("Łódź Øre Straße Æble", "lodz ore strasse aeble"),
    ("签订合同", " 签  订  合  同 "),
    ("", ""),
])
def test_fold(text, folded):
    assert fold(text) == folded


def test_a_query_is_terms_phrases_and_prefixes():
    terms = parse_query('cong  "ty sua" deliv* 合同 e-mail cong')
    assert [(t.words, t.prefix) for t in terms] == [
        (("cong",), False), (("ty", "sua"), False), (("deliv",), True), (("合", "同"), False), (("e", "mail"), False)]
    with pytest.raises(QueryError):
        parse_query("-- ** ''")


def test_a_long_text_is_cut_around_the_first_match():
    text = "word " * 40 + "the walrus appears here " + "tail " * 40
    excerpt, marks = context(text, parse_query("walrus"))
    assert excerpt.startswith("…") and excerpt.endswith("…") and len(excerpt) <= 92
    assert [excerpt[a:b] for a, b in marks] == ["walrus"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60), st.text(min_size=1, max_size=12))
def test_the_excerpt_marks_only_matching_words_for_any_text(text, word):
    try:
        terms = parse_query(word)
    except QueryError:
        return
    got = context(text, terms)
    if got is None:
        return
    excerpt, marks = got
    for a, b in marks:
        assert 0 <= a < b <= len(excerpt)
        assert any(t.matches(w) for t in terms for w in tokens(excerpt[a:b]))


def test_a_bulk_load_fills_the_index_once_and_keeps_it_current_after(db):
    from acct_tui import demo

    demo.build(accounts=20, seed=3, today=dt.date(2026, 11, 20))
    subject = Activity.select(Activity.subject).order_by(Activity.id).first().subject
    word = tokens(subject)[0]
    expected = {a.id for a in Activity.select(Activity.id, Activity.subject, Activity.summary, Activity.outcome)
                if word in tokens(" ".join(filter(None, (a.subject, a.summary, a.outcome))))}
    assert {i for s, i in found(access.OPERATOR, word, limit=500) if s == "activity"} == expected
    new = f.activity(Activity.select().first().account, subject="zebra after the load", at=AT)
    assert found(access.OPERATOR, "zebra") == [("activity", new.id)]


def test_punctuation_splits_words_the_same_way_on_both_databases(org):
    acme = org["a1"]
    mail = f.activity(acme, subject="Wrote to lan@acme.vn about v2.0", summary="see https://acme.vn/pricing-2027 and e-mail", at=AT)
    assert found(access.OPERATOR, "lan@acme.vn") == [("activity", mail.id)]
    assert found(access.OPERATOR, "acme") == [("activity", mail.id)]
    assert found(access.OPERATOR, "v2.0") == [("activity", mail.id)]
    assert found(access.OPERATOR, "pricing 2027") == [("activity", mail.id)]
    assert found(access.OPERATOR, "email") == []  # "e-mail" is two words
    assert found(access.OPERATOR, "e-mail") == [("activity", mail.id)]
    assert found(access.OPERATOR, "pric*") == [("activity", mail.id)]
    assert found(access.OPERATOR, "acme.v*") == [("activity", mail.id)]


def test_other_scripts_are_found_in_either_case(org):
    ru = f.activity(org["a1"], subject="Йогурт и молоко", at=AT)
    gr = f.activity(org["a1"], subject="Συνάντηση", at=AT)
    assert found(access.OPERATOR, "йогурт") == [("activity", ru.id)]
    assert found(access.OPERATOR, "МОЛОКО") == [("activity", ru.id)]
    assert found(access.OPERATOR, "Συνάντηση") == [("activity", gr.id)]
