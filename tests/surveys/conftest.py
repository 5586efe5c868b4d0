"""Survey fixtures: a campaign factory and a way to answer through a personal link.

``make_campaign`` builds a template (every kind of question by default) and opens a campaign on
it today; ``submit`` invites a fresh address with the given side and department and answers
through its token, as a respondent would; ``close`` ends the campaign so results appear.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tandem.core.models import Department, Membership
from tandem.surveys import services
from tandem.surveys.models import Campaign, Question, SurveyResponse, SurveyTemplate
from tandem.surveys.services import QuestionInput, Recipient

# One question of every kind, in this order: use ``question(campaign, kind)`` to find them.
ALL_KINDS: tuple[QuestionInput, ...] = (
    QuestionInput("likert", "Priorities are clear to me."),
    QuestionInput("score", "How likely are you to recommend working with the other side?"),
    QuestionInput("single", "How often do you meet the other side?", choices=("Weekly", "Monthly", "Rarely")),
    QuestionInput(
        "multiple", "Which channels do you use?", choices=("E-mail", "Chat", "Meetings"), required=False
    ),
    QuestionInput("text", "What would you change?", required=False),
)

_addresses = itertools.count()


def make_template(
    actor: Membership, questions: Sequence[QuestionInput | Mapping[str, Any]] = ALL_KINDS, name: str = ""
) -> SurveyTemplate:
    return services.template_create(actor=actor, name=name or "Pulse", questions=questions)


def make_campaign(
    actor: Membership,
    *,
    template: SurveyTemplate | None = None,
    questions: Sequence[QuestionInput | Mapping[str, Any]] = ALL_KINDS,
    days: int = 14,
    send_email: bool = False,
    **kwargs: Any,
) -> Campaign:
    """An open campaign (today to ``days`` later) on ``template`` or on a new one with ``questions``.
    Extra keyword arguments go to ``services.campaign_create`` (audience, recipients, ...)."""
    today = timezone.localdate()
    kwargs.setdefault("opens_on", today)
    kwargs.setdefault("closes_on", today + timedelta(days=days))
    return services.campaign_create(
        actor=actor,
        template=template or make_template(actor, questions),
        title=kwargs.pop("title", "Pulse check"),
        send_email=send_email,
        **kwargs,
    )


def questions_of(campaign: Campaign) -> list[Question]:
    return list(campaign.template.questions.all())


def question(campaign: Campaign, kind: str) -> Question:
    """The first question of ``kind`` in the campaign's template."""
    return next(q for q in questions_of(campaign) if q.kind == kind)


def invite(
    campaign: Campaign, side: str, department: Department | None = None, email: str = ""
) -> tuple[Any, str]:
    """A new personal link (and its token) for a fresh address with that side and department."""
    email = email or f"respondent{next(_addresses)}@example.org"
    actor = campaign.created_by
    assert actor is not None
    [(link, token)] = services.invitations_create(
        actor=actor,
        campaign=campaign,
        recipients=[Recipient(email=email, side=side, department=department)],
        send_email=False,
    )
    return link, token


def submit(
    campaign: Campaign, side: str, department: Department | None, answers: Mapping[str, Any]
) -> SurveyResponse:
    """Answer as a new respondent of ``side`` and ``department``; ``answers`` keyed by "q<id>"."""
    _link, token = invite(campaign, side, department)
    return services.response_submit(token=token, answers=answers)


def close(campaign: Campaign) -> Campaign:
    """Close the campaign now (results appear); ``campaign`` itself is updated too."""
    actor = campaign.created_by
    assert actor is not None
    campaign.closed_at = services.campaign_close(actor=actor, campaign=campaign).closed_at
    return campaign


def likert_only(n: int = 1) -> tuple[QuestionInput, ...]:
    return tuple(QuestionInput("likert", f"Statement {i + 1}.") for i in range(n))


@pytest.fixture
def installed(personas: Any) -> None:
    """Acme as Tandem creates an organisation: with its copy of the shipped templates."""
    services.templates_install(personas.org)


@pytest.fixture
def campaign(personas: Any) -> Campaign:
    """An open campaign with one question of every kind, created by the owner, no e-mails."""
    return make_campaign(personas.owner)
