"""Pure language tools used by the apps (no Django imports): sentence embeddings and similarity.

Start with ``tandem.text.embedding``: ``get_embedder``, ``similarity``, ``CachedEmbedder``.
"""
