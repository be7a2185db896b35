"""The real embedder's name keys the cached passage vectors: it must change when the model files do."""

from __future__ import annotations

import os

from knowledge import SentenceTransformerEmbedder


def test_the_name_is_stable_for_the_same_folder_and_changes_with_its_files(tmp_path):
    model = tmp_path / "e5-small-st"
    model.mkdir()
    (model / "model.safetensors").write_bytes(b"weights")
    first = SentenceTransformerEmbedder(model).name
    assert first == SentenceTransformerEmbedder(model).name and first.startswith("st:e5-small-st:")
    (model / "model.safetensors").write_bytes(b"other weights")
    os.utime(model / "model.safetensors", ns=(1, 1))
    assert SentenceTransformerEmbedder(model).name != first
