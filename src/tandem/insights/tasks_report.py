"""Background work of the board report (placeholder until built)."""
