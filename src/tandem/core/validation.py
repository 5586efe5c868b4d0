"""Input checks shared by every app's services."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from tandem.core.errors import ValidationFailed


def clean_text(value: Any, *, field: str, max_length: int, required: bool = False) -> str:
    """Trimmed text, refused when required and empty, too long, or holding NUL characters
    (which PostgreSQL cannot store: refuse them with a clear error rather than fail later)."""
    text = ("" if value is None else str(value)).strip()
    if "\x00" in text:
        raise ValidationFailed(_("Remove the null characters from this text."), field=field)
    if required and not text:
        raise ValidationFailed(_("This field is required."), field=field)
    if len(text) > max_length:
        raise ValidationFailed(_("Keep it under %(n)s characters.") % {"n": max_length}, field=field)
    return text
