from dataclasses import replace

from knowledge import detect_municipality


def test_exact_question_ranks_first(searcher):
    result = searcher.search("コンビニで住民票の写しをとれますか？")
    assert result.answered
    assert result.best.entry.id == "national-konbini"


def test_hiragana_only_question_is_found_through_readings(searcher):
    result = searcher.search("じゅうみんひょうを こんびにで とりたい")
    assert result.best.entry.id == "national-konbini"
    assert result.best.lexical > 0.3


def test_unrelated_question_is_not_answered(searcher):
    result = searcher.search("明日の天気は晴れますか")
    assert not result.answered


def test_empty_question_is_not_answered(searcher):
    result = searcher.search("   ")
    assert not result.answered and result.hits == []


def test_named_municipality_excludes_other_municipalities(searcher):
    result = searcher.search("大田区のスマホ講習会", limit=5)
    assert result.named_municipality == "131113"
    assert result.best.entry.id == "ota-smartphone-class"
    assert {h.entry.municipality for h in result.hits} <= {"131113", "national"}


def test_residents_municipality_is_preferred(searcher):
    ota = searcher.search("スマホ講習会", municipality="131113")
    kunitachi = searcher.search("スマホ講習会", municipality="132152")
    assert ota.best.entry.id == "ota-smartphone-class"
    assert kunitachi.best.entry.id == "kunitachi-smartphone-class"


def test_staff_edit_is_live_on_the_next_search(store, searcher, small_entries):
    assert searcher.search("犬の登録").best.entry.id != "national-konbini"
    store.save(replace(small_entries[0], variants=(*small_entries[0].variants, "犬の登録")))
    assert searcher.search("犬の登録").best.entry.id == "national-konbini"


def test_retired_entry_is_no_longer_found(store, searcher):
    store.retire("national-konbini")
    assert all(h.entry.id != "national-konbini" for h in searcher.search("住民票 コンビニ", limit=5).hits)


def test_vectors_are_cached_in_the_database(store, searcher):
    searcher.refresh()
    count = store.db.execute("select count(*) from kb_vector_cache").fetchone()[0]
    assert count >= 5


def test_english_question_is_detected(searcher):
    assert searcher.search("Can I get a residence certificate at a convenience store?").language == "en"


def test_detect_municipality_needs_exactly_one(store):
    places = store.municipalities()
    assert detect_municipality("足立区に住んでいます", places) == "131211"
    assert detect_municipality("I live in Kunitachi", places) == "132152"
    assert detect_municipality("国立病院はどこ", places) is None
    assert detect_municipality("足立区と大田区", places) is None
