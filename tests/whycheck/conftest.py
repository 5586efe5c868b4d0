"""Why-check test data: the answers of the two co-leads, a scorer's result, and helpers that answer,
reveal and score a round (the approved initiative and its round are in ``tests/conftest.py``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from tandem.whycheck import services
from tandem.whycheck.models import WhyCheck
from tests.conftest import Personas

BUSINESS_ANSWER: dict[str, Any] = {
    "why": "Customers should settle simple claims in a day instead of waiting two weeks.",
    "measures": [{"name": "Claims settled within one day", "target": 60, "unit": "%", "by": "2027-06-30"}],
}
IT_ANSWER: dict[str, Any] = {
    "why": "Replace the claims mainframe screens before the support contract ends.",
    "measures": [{"name": "Mainframe transactions retired", "target": 100, "unit": "%"}],
}

# What the scorer stores for a misaligned round: one shared measure with differing targets.
RESULT: dict[str, Any] = {
    "score": 0.31,
    "verdict": "misaligned",
    "purpose": 0.2,
    "measures": 0.4,
    "shared": [
        {
            "business": {
                "name": "Claims settled within one day",
                "target": 60.0,
                "unit": "%",
                "by": "2027-06-30",
            },
            "it": {"name": "Claims closed the same day", "target": 40.0, "unit": "%", "by": None},
            "similarity": 0.81,
            "issues": ["targets differ: 60 % vs 40 % (33% apart)"],
            "agreement": 0.6,
        }
    ],
    "only_business": [],
    "only_it": [{"name": "Mainframe transactions retired", "target": 100.0, "unit": "%", "by": None}],
    "explanation": "Misaligned (agreement 0.31). The whys state different purposes (0.20).",
    "details": {
        "themes_only_business": ["customers"],
        "themes_only_it": ["mainframe"],
        "bands": {"aligned_from": 0.63, "misaligned_below": 0.31},
    },
    "drift": {
        "business": {"score": 0.91, "verdict": "aligned", "explanation": "Close to the approved record."},
        "it": {"score": 0.12, "verdict": "misaligned", "explanation": "Far from the approved record."},
    },
}


def answer(p: Personas, r: WhyCheck, who: str, data: dict[str, Any]) -> None:
    services.whycheck_submit_answer(actor=getattr(p, who), why_check=r, **data)


def reveal(p: Personas, r: WhyCheck) -> WhyCheck:
    answer(p, r, "business_lead", BUSINESS_ANSWER)
    answer(p, r, "it_lead", IT_ANSWER)
    r.refresh_from_db()
    return r


def deadline_passed(r: WhyCheck) -> WhyCheck:
    """Move the round's deadline to yesterday: a round with a missing answer closes only then."""
    WhyCheck.objects.for_org(r.organization).filter(pk=r.pk).update(
        deadline=timezone.localdate() - timedelta(days=1)
    )
    r.refresh_from_db()
    return r


def scored(r: WhyCheck, verdict: str, score: float, result: dict[str, Any] | None = None) -> WhyCheck:
    return services.whycheck_apply_result(
        why_check=r,
        score=score,
        verdict=verdict,
        result={**(result or RESULT), "verdict": verdict, "score": score},
    )


def answer_post(data: dict[str, Any]) -> dict[str, str]:
    """The answer form's fields for ``data`` (``{"why", "measures": [...]}``)."""
    post = {"why": data["why"]}
    for i, m in enumerate(data["measures"]):
        for part in ("name", "target", "unit", "by"):
            if m.get(part) is not None:
                post[f"m{i}_{part}"] = str(m[part])
    return post
