"""Shipped survey text in the reader's language.

The templates that ship with Tandem (``catalog``) are stored as written, in English, and cannot be
changed; their questions, help, choices, criteria, names and answer-scale labels are in the
translation catalogues, so each reader and each respondent sees them in their own language while
the answers stay comparable across languages (one question, one set of figures). Text that people
wrote themselves is shown as written.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from tandem.core.language import catalogued

# ``text`` in the active language when it is shipped text; as written otherwise.
shipped = catalogued

# The size of a difference between IT and the business, in words (the results and their export).
EFFECT_WORDS = {
    "negligible": gettext_lazy("negligible difference"),
    "small": gettext_lazy("small difference"),
    "medium": gettext_lazy("medium difference"),
    "large": gettext_lazy("large difference"),
}
