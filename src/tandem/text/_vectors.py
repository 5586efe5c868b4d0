"""The vector type of tandem.text and its normalisation, shared by the engines and the cache."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


def normalise_rows(vectors: npt.ArrayLike) -> Vectors:
    """A new float32 array, every row scaled to unit length (an all-zero row stays zero)."""
    rows = np.atleast_2d(np.asarray(vectors, dtype=np.float32))  # no copy of a float32 array: one result
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0)
