"""The insights JSON API: the alignment index (placeholder until built)."""

from ninja import Router

router = Router(tags=["insights"])
