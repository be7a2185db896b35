"""The sentence-transformers folder: config files, licence, notice and the stamp that says what made it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .format import (
    CONVERTER_VERSION,
    MAX_SEQ_LENGTH,
    MIT_LICENSE,
    NOTICE,
    PROMPTS,
    SPECIAL_TOKENS,
    STAMP_NAME,
    UPSTREAM_MODEL,
    E5File,
    E5Header,
    E5Vocab,
)
from .tokenizer import build_tokenizer
from .weights import write_weights

if TYPE_CHECKING:
    pass


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
        for tok in SPECIAL_TOKENS
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
    notice = NOTICE.format(
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


def write_folder(folder: Path, e5: E5File, *, fp16: bool, sha256: str, source_name: str) -> None:
    for rel, text in _text_files(e5, fp16=fp16, sha256=sha256, source_name=source_name).items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (folder / "tokenizer.json").write_text(build_tokenizer(e5.vocab).to_str() + "\n", encoding="utf-8")
    write_weights(folder / "model.safetensors", e5, fp16=fp16)
    shutil.copymode(folder / "config.json", folder / "model.safetensors")  # safetensors writes 0600
    stamp = _stamp(folder, fp16=fp16, sha256=sha256, source_name=source_name)
    (folder / STAMP_NAME).write_text(_json(stamp), encoding="utf-8")
