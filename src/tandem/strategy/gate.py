"""The alignment signals of an initiative and the approval gate, in one place.

The signals are computed in the database by ``selectors.initiative_annotated`` (one query for
any number of initiatives); this module names them and turns an annotated row into answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

# Stable codes of the approval gate, in the order they are reported.
GATE_CODES = [
    "business_outcome",
    "success_measure",
    "business_co_lead",
    "it_co_lead",
    "shared_key_result",
    "end_user_input",
]
# The six elements the strategy app itself defines; other apps append theirs to GATE_CODES.
BASE_GATE_CODES = tuple(GATE_CODES)
GATE_MESSAGES = {
    "business_outcome": _("State the business outcome: why are we doing this?"),
    "success_measure": _("Add at least one success measure with a target."),
    "business_co_lead": _("Name a business co-lead from the business side."),
    "it_co_lead": _("Name an IT co-lead from the IT side."),
    "shared_key_result": _("Link a key result of a shared objective (one owned by business and IT)."),
    "end_user_input": _(
        "Record the end-user input: who was asked, when and what they said, or why nobody was."
    ),
}


@dataclass(frozen=True)
class GateElement:
    """An element another app adds to the approval gate (the why check adds ``why_check``).

    ``annotate(org)`` returns query expressions added to ``selectors.initiative_annotated`` so the
    gate stays one query for any number of initiatives; ``is_missing(row)`` reads them.
    """

    code: str
    message: Any
    annotate: Callable[[Any], dict[str, Any]]
    is_missing: Callable[[Any], bool]


EXTRA_GATE_ELEMENTS: list[GateElement] = []


def register_gate_element(element: GateElement) -> None:
    """Add an element to the approval gate (once; called from an app's ``ready()``)."""
    if element.code in GATE_MESSAGES:
        return
    GATE_CODES.append(element.code)
    GATE_MESSAGES[element.code] = element.message
    EXTRA_GATE_ELEMENTS.append(element)


SIGNALS = [
    ("outcome", _("Outcome stated")),
    ("measurable", _("Success measurable")),
    ("co_led", _("Co-led by both sides")),
    ("shared", _("Serves a shared objective")),
    ("end_users", _("End-user input")),
    ("it_early", _("IT involved early")),
]
SIGNAL_KEYS = [key for key, _label in SIGNALS]


@dataclass(frozen=True)
class Signals:
    outcome: bool
    measurable: bool
    co_led: bool
    shared: bool
    end_users: bool
    it_early: bool

    @property
    def count(self) -> int:
        return sum(self.as_dict().values())

    def as_dict(self) -> dict[str, bool]:
        return {key: bool(getattr(self, key)) for key in SIGNAL_KEYS}


def signals_of(initiative: Any) -> Signals:
    """Signals of an initiative loaded through ``selectors.initiative_annotated``."""
    return Signals(
        outcome=bool(initiative.sig_outcome),
        measurable=bool(initiative.sig_measurable),
        co_led=bool(initiative.sig_business_lead and initiative.sig_it_lead),
        shared=bool(initiative.sig_shared),
        end_users=bool(initiative.sig_end_users),
        it_early=bool(initiative.sig_it_early),
    )


def gate_missing(initiative: Any) -> list[str]:
    """The approval gate's missing elements (stable codes, in order) for an annotated initiative."""
    present = {
        "business_outcome": initiative.sig_outcome,
        "success_measure": initiative.sig_measurable,
        "business_co_lead": initiative.sig_business_lead,
        "it_co_lead": initiative.sig_it_lead,
        "shared_key_result": initiative.sig_shared,
        "end_user_input": initiative.sig_end_users,
    }
    for element in EXTRA_GATE_ELEMENTS:
        present[element.code] = not element.is_missing(initiative)
    return [code for code in GATE_CODES if not present[code]]
