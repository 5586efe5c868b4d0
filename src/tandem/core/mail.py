"""E-mails from templates, written in the recipient's language (``core.language.language_for``)."""

from __future__ import annotations

from typing import Any

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation


def send_templated(*, to: str, language: str, subject: str, body: str, context: dict[str, Any]) -> None:
    """Render the ``subject`` and ``body`` templates in ``language`` (words, dates and numbers) and
    send them to one address."""
    with translation.override(language):
        subject_text = " ".join(render_to_string(subject, context).split())
        body_text = render_to_string(body, context)
    send_mail(subject_text, body_text, None, [to])
