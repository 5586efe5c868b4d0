"""The board report JSON API (placeholder until built)."""

from ninja import Router

router = Router(tags=["reports"])
