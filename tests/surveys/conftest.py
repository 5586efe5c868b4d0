"""Survey fixtures: a campaign factory and a way to answer through a personal link.

``make_campaign`` builds a template (every kind of question by default) and opens a campaign on
it today; ``submit`` invites a fresh address with the given side and department and answers
through its token, as a respondent would; ``close`` ends the campaign so results appear.
``closed`` is the partnership pulse the page tests read (hidden partners included), and
``text_campaign`` with ``WordsEmbedder`` gives free text that groups by shared words.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from django.test import Client
from django.utils import timezone

from tandem.core.models import Department, Membership, Side
from tandem.surveys import selectors, services
from tandem.surveys.models import Campaign, Question, SurveyResponse, SurveyTemplate
from tandem.surveys.services import QuestionInput, Recipient
from tests.conftest import Personas

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
    """A personal link (and its token) for a fresh address with that side and department, or for
    ``email``'s link: the token as its person has it (a link already invited is not shown again)."""
    email = email or f"respondent{next(_addresses)}@example.org"
    actor = campaign.created_by
    assert actor is not None
    [(link, token, _delivery)] = services.invitations_create(
        actor=actor,
        campaign=campaign,
        recipients=[Recipient(email=email, side=side, department=department)],
        send_email=False,
    )
    return link, token or selectors.link_token(link)


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


# --- Survey pages: the address, a template of every kind, and a closed campaign with results --------------

ClientFor = Callable[[str], Client]
ORG = "/o/acme/surveys/"

# The kinds of ``ALL_KINDS`` as the editor and the API send them, one with help text.
ALL_KINDS_AS_DICTS: list[dict[str, Any]] = [
    {"kind": "likert", "text": "IT is involved early.", "help_text": "Think of recent projects."},
    {"kind": "score", "text": "How likely are you to recommend IT?"},
    {"kind": "single", "text": "How often do you meet IT?", "choices": ["Weekly", "Monthly", "Rarely"]},
    {"kind": "multiple", "text": "Which channels work?", "choices": ["E-mail", "Chat", "Meetings"]},
    {"kind": "text", "text": "What one change would help most?", "required": False},
]


@pytest.fixture
def threshold3(personas: Personas) -> int:
    services.settings_update(actor=personas.owner, threshold=3)
    return 3


def shipped_template(personas: Personas, key: str) -> SurveyTemplate:
    services.templates_install(personas.org)
    return SurveyTemplate.objects.for_org(personas.org).get(key=key)


@dataclass
class Invited:
    campaign: Campaign
    tokens: dict[str, list[str]]  # side -> tokens


def invite_sides(
    personas: Personas, template: SurveyTemplate, counts: dict[str, int], title: str = "Spring pulse"
) -> Invited:
    """An open campaign on ``template`` with a personal link for ``counts[side]`` people of each side."""
    today = timezone.localdate()
    recipients = [
        services.Recipient(f"{side}{i}@people.test", side) for side, n in counts.items() for i in range(n)
    ]
    campaign = services.campaign_create(
        actor=personas.owner,
        template=template,
        title=title,
        opens_on=today,
        closes_on=today + timedelta(days=14),
        audience="emails",
        recipients=recipients,
        send_email=False,
    )
    links = services.invitations_create(
        actor=personas.owner, campaign=campaign, recipients=recipients, send_email=False
    )
    tokens: dict[str, list[str]] = {side: [] for side in counts}
    for link, token, _delivery in links:
        assert token is not None  # handed out: shown this once
        tokens[link.side].append(token)
    return Invited(campaign, tokens)


def same_answers(questions: Sequence[Question], value: int, note: str = "") -> dict[str, Any]:
    """The same answer to every question; scored ones get ``value``."""
    answers: dict[str, Any] = {}
    for q in questions:
        if q.kind in ("likert", "score"):
            answers[q.field_name] = value
        elif q.kind == "single":
            answers[q.field_name] = q.choices[0]
        elif q.kind == "multiple":
            answers[q.field_name] = q.choices[:2]
        elif note:
            answers[q.field_name] = note
    return answers


@pytest.fixture
def closed(personas: Personas, threshold3: int) -> Campaign:
    """Partnership pulse: four business people answer 4, four IT people answer 2, two partners
    answer 1 and 2 (fewer than the threshold: hidden); then it closes."""
    template = shipped_template(personas, "partnership")
    invited = invite_sides(personas, template, {Side.BUSINESS: 4, Side.IT: 4, Side.PARTNER: 2})
    questions = list(template.questions.all())
    for token in invited.tokens[Side.BUSINESS]:
        services.response_submit(
            token=token, answers=same_answers(questions, 4, "Talk to us before choosing tools.")
        )
    for token in invited.tokens[Side.IT]:
        services.response_submit(token=token, answers=same_answers(questions, 2, "Involve us earlier."))
    for token, value in zip(invited.tokens[Side.PARTNER], (1, 2), strict=True):
        services.response_submit(token=token, answers=same_answers(questions, value))
    return services.campaign_close(actor=personas.owner, campaign=invited.campaign)


def editor_post(name: str, questions: list[dict[str, Any]], **extra: str) -> dict[str, Any]:
    """The template editor's form for a template ``name`` with ``questions``."""
    data: dict[str, Any] = {
        "name": name,
        "description": "",
        "q-TOTAL_FORMS": str(len(questions)),
        "q-INITIAL_FORMS": "0",
        **extra,
    }
    for i, q in enumerate(questions):
        for key, value in q.items():
            data[f"q-{i}-{key}"] = "\n".join(value) if isinstance(value, list) else value
    return data


# --- Free text: a bag-of-words embedder and answers it groups in two themes ---------------------------------

STOP = {"a", "are", "is", "the", "too", "us", "our", "we", "to", "of", "and", "it", "so", "for", "with"}


class WordsEmbedder:
    """Each text is the normalised count of its words (minus a few stop words)."""

    name = "fake-words"
    version = "1"
    dim = 4096

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim))
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z0-9]+", text.lower()):
                if word not in STOP:
                    out[row, zlib.crc32(word.encode()) % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)


SLOW = [
    "Deployments are too slow.",
    "Slow deployments block releases.",
    "Deployments are slow, weeks long.",
    "Slow deployments annoy customers.",
    "Deployments stay slow.",
]
PRIORITIES = [
    "Priorities change every week.",
    "Priorities change too often.",
    "Priorities change without notice.",
    "Our priorities change constantly.",
    "The priorities change each quarter.",
]


TEXT_SURVEY = (QuestionInput("likert", "All fine?"), QuestionInput("text", "What would you change?"))


def text_campaign(personas: Personas, texts: dict[str, Sequence[str]]) -> Campaign:
    campaign = make_campaign(personas.owner, questions=TEXT_SURVEY)
    likert, text = question(campaign, "likert"), question(campaign, "text")
    for side, answers in texts.items():
        for answer in answers:
            submit(campaign, side, None, {likert.field_name: 3, text.field_name: answer})
    return campaign
