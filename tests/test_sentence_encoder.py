"""The numpy sentence encoder gives the published model's results, and refuses files that are not it."""
import zipfile

import numpy as np
import pytest

from bot import sentence_encoder


def test_similarities_match_the_published_examples():
    """The three pairs in sentence-transformers' documentation, with the scores it prints."""
    encoder = sentence_encoder.shared()
    left = encoder.encode(["The cat sits outside", "A man is playing guitar", "The new movie is awesome"])
    right = encoder.encode(["The dog plays in the garden", "A woman watches TV", "The new movie is so great"])
    assert np.allclose((left * right).sum(1), [0.2838, -0.0327, 0.8939], atol=5e-5)


def test_vectors_are_unit_length_and_batching_changes_nothing():
    encoder = sentence_encoder.shared()
    texts = ["how long does an EHC assessment take", "", "school transport", "x " * 400]
    together = encoder.encode(texts)
    alone = np.vstack([encoder.encode([t]) for t in texts])
    assert np.allclose(np.linalg.norm(together[[0, 2, 3]], axis=1), 1.0, atol=1e-5)
    assert np.allclose(together, alone, atol=1e-5)


def test_a_changed_weights_file_is_refused(tmp_path):
    original = sentence_encoder.model_zip()
    tampered = tmp_path / "model.zip"
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(tampered, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "model.safetensors":
                data = data[:-1] + bytes([data[-1] ^ 1])
            target.writestr(item, data)
    with pytest.raises(sentence_encoder.ModelFilesError, match="not the published file"):
        sentence_encoder.SentenceEncoder(tampered)
