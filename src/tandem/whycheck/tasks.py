"""Background work of the why check: scoring (the model loads in the worker, never in a web
request) and the e-mails to the co-leads (which never quote an answer)."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from django.conf import settings
from django.tasks import task
from django.urls import reverse
from django.utils import translation

from tandem.core import text
from tandem.core.language import language_for
from tandem.core.mail import send_templated
from tandem.core.models import Membership
from tandem.whycheck.models import RoundStatus, WhyAnswer, WhyCheck


def _answer(row: WhyAnswer) -> Any:
    from tandem.whycheck.scoring import Answer, Measure

    measures = tuple(
        Measure(
            name=m["name"],
            target=m.get("target"),
            unit=m.get("unit") or "",
            by=date.fromisoformat(m["by"]) if m.get("by") else None,
        )
        for m in row.measures
    )
    return Answer(why=row.why, measures=measures)


def _plain(value: Any) -> Any:
    """JSON-safe copy of the comparison (dates as ISO strings)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, date):
        return value.isoformat()
    return value


@task()
def score_why_check(*, why_check_id: int) -> str:
    """Compare the two answers of a revealed round and apply the verdict."""
    from tandem.whycheck import scoring, services

    round_ = WhyCheck.objects.unscoped().select_related("initiative").filter(pk=why_check_id).first()
    if round_ is None or round_.scored_at is not None:
        return "skipped"
    answers = {a.side: a for a in WhyAnswer.objects.unscoped().filter(why_check=round_)}
    if set(answers) != {"business", "it"}:
        return "incomplete"
    embedder = text.embedder()
    sides = {"business": _answer(answers["business"]), "it": _answer(answers["it"])}
    with translation.override(settings.LANGUAGE_CODE):
        comparison = scoring.compare(sides["business"], sides["it"], embedder=embedder)
        result = _plain(comparison)
        result["drift"] = _drift(round_, sides, embedder)
    # The explanations in every other language Tandem speaks, so each reader gets their own (the
    # score is the same: only the words differ; the vectors come from the embedding cache).
    result["translations"] = {}
    for language, _name in settings.LANGUAGES:
        if language != settings.LANGUAGE_CODE:
            with translation.override(language):
                translated = scoring.compare(sides["business"], sides["it"], embedder=embedder)
                drift = _drift(round_, sides, embedder)
            result["translations"][language] = {
                "explanation": translated.explanation,
                "issues": [list(pair.issues) for pair in translated.shared],
                "drift": {side: data["explanation"] for side, data in drift.items()},
            }
    services.whycheck_apply_result(
        why_check=round_, score=comparison.score, verdict=comparison.verdict, result=result
    )
    return comparison.verdict


def _drift(round_: WhyCheck, answers: dict[str, Any], embedder: Any) -> dict[str, Any]:
    """How far each answer moved from what the initiative recorded (outcome and measures)."""
    from tandem.whycheck import scoring

    initiative = round_.initiative
    if not initiative.business_outcome.strip():
        return {}
    recorded = [
        scoring.Measure(name=m.name, target=m.target, unit=m.unit, by=m.by_date)
        for m in initiative.success_measures.all()
    ]
    return {
        side: _plain(
            scoring.compare_with_record(answer, initiative.business_outcome, recorded, embedder=embedder)
        )
        for side, answer in answers.items()
    }


@task()
def notify_why_check(*, why_check_id: int, event: str, member_ids: list[int] | None = None) -> int:
    """E-mail the co-leads: a round started (answer by the deadline), found them misaligned, or was
    voided because the co-leads changed (then ``member_ids``: the old and the new ones, still active
    members of the organisation)."""
    round_ = (
        WhyCheck.objects.unscoped()
        .select_related("initiative__business_co_lead__user", "initiative__it_co_lead__user", "organization")
        .filter(pk=why_check_id)
        .first()
    )
    if round_ is None or (event == "started" and round_.status != RoundStatus.OPEN):
        return 0  # nothing to ask for any more: the round was revealed, closed or voided meanwhile
    if member_ids is None:
        leads = [
            m for m in (round_.initiative.business_co_lead, round_.initiative.it_co_lead) if m is not None
        ]
    else:
        leads = list(
            Membership.objects.for_org(round_.organization)
            .filter(pk__in=member_ids, is_active=True)
            .select_related("user")
            .order_by("pk")
        )
    link = settings.SITE_URL + reverse(
        "whycheck:detail", kwargs={"org_slug": round_.organization.slug, "why_check_id": round_.pk}
    )
    context = {"round": round_, "initiative": round_.initiative, "link": link, "event": event}
    for lead in leads:
        send_templated(
            to=lead.user.email,
            language=language_for(lead.user, round_.organization),
            subject="whycheck/email/subject.txt",
            body="whycheck/email/body.txt",
            context=context,
        )
    return len(leads)
