from dataclasses import replace

from knowledge import KnowledgeStore, open_database
from knowledge.migrations import migrations


def test_migrations_are_named_and_applied_once(db):
    KnowledgeStore(db)
    KnowledgeStore(db)
    applied = [m.name for m in migrations.applied(db)]
    assert applied == [
        "m001_create_entries",
        "m002_create_meta",
        "m003_create_vector_cache",
        "m004_create_municipalities",
    ]


def test_import_is_idempotent_by_id(store, small_entries):
    before = store.version()
    report = store.import_entries(small_entries)
    assert report.added == [] and report.updated == []
    assert len(report.unchanged) == len(small_entries)
    assert store.version() == before


def test_changed_seed_entry_is_updated_and_bumps_the_version(store, small_entries):
    before = store.version()
    changed = replace(small_entries[0], answer="新しい答え")
    report = store.import_entries([changed])
    assert report.updated == [changed.id]
    assert store.get(changed.id).answer == "新しい答え"
    assert store.version() == before + 1


def test_seed_reimport_never_overwrites_a_staff_edit(store, small_entries):
    store.save(replace(small_entries[0], answer="職員が直した答え"))
    report = store.import_entries([replace(small_entries[0], answer="計画の答え")])
    assert report.kept_staff_edits == [small_entries[0].id]
    assert store.get(small_entries[0].id).answer == "職員が直した答え"


def test_retired_entries_are_hidden_but_kept(store, small_entries):
    store.retire(small_entries[0].id)
    assert small_entries[0].id not in [e.id for e in store.entries()]
    assert store.get(small_entries[0].id).retired


def test_stats_count_by_municipality_and_status(store):
    stats = store.stats()
    assert stats["entries"] == 5
    assert stats["by_municipality"]["132152"] == 2
    assert stats["by_status"]["予定"] == 1


def test_file_database_uses_wal(tmp_path):
    db = open_database(tmp_path / "kb.db")
    KnowledgeStore(db)
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_vector_cache_round_trip(store):
    store.cache_vectors("m", {"h1": b"\x00\x01"})
    assert store.cached_vectors("m", ["h1", "h2"]) == {"h1": b"\x00\x01"}
