"""The one door from the apps to the language tools: the configured embedding engine behind the
shared embedding cache. Engines load once per process, in the worker (never in a web request)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from tandem.text.embedding import CachedEmbedder


def embedder(engine: str = "") -> CachedEmbedder:
    """``engine`` (``TANDEM_TEXT_EMBEDDER`` by default) with the cache under the data directory."""
    from tandem.text.embedding import CachedEmbedder, get_embedder, open_cache  # loads numpy

    cache = open_cache(Path(settings.DATA_DIR) / "embeddings.sqlite3")
    return CachedEmbedder(get_embedder(engine or settings.TEXT_EMBEDDER), cache)
