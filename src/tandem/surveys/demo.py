"""The temperature checks of the demo organisation: two quarters of history with a real gap
between the sides, and one survey open now.

Northwind invites its staff (the demo people and a generated roster of colleagues) by e-mail
address. Each shipped "Partnership temperature" and "Alignment maturity" template has run twice,
last quarter and this quarter, with about sixty responses each:

- *Partnership*: last quarter IT rated every statement about 1.2 points lower than the business
  (IT does not feel an equal partner). This quarter the gap narrowed to about half a point, except
  on "IT is involved early", where it widened. The free-text answers move too: last quarter the
  business asked for updates and speed while IT asked to be involved and trusted; this quarter both
  sides talk about one shared priority list.
- *Maturity*: IT rates Partnership and Governance lower, the business rates Skills and Scope and
  architecture lower; this quarter the Partnership and Governance gaps narrowed.
- Three partner responses per campaign, fewer than the anonymity threshold on purpose: the results
  leave that side out. Finance is small, so the results hide some departments.
- *Strategy understanding*: open (opened three days ago, closes in eleven), a handful answered.

The campaigns and links are made through ``tandem.surveys.services`` (no e-mail is queued) and then
moved into the past. The responses are written directly, as the anonymous rows they are: side,
department, date and answers, with no tie to a link; as many links are marked answered as there are
responses of that side and department. The free text of the closed campaigns is grouped by meaning
with the same task the worker runs. The data is deterministic: same day, same demo.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from types import ModuleType
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format

from tandem.core.demo import demo_content
from tandem.core.models import Department, Membership, Organization, Side
from tandem.surveys import catalog, selectors, services
from tandem.surveys.labels import shipped
from tandem.surveys.models import (
    AudienceKind,
    Campaign,
    Question,
    QuestionKind,
    SurveyLink,
    SurveyResponse,
    SurveyTemplate,
)

DOMAIN = "example.com"
PARTNER_DOMAIN = "cloudline.example"

# --- Who is invited: the demo people and a generated roster ----------------------------------------

FIRST_NAMES = (
    "Anna", "Bas", "Chloé", "Daan", "Eva", "Farid", "Greta", "Hugo", "Iris", "Jens", "Karin", "Lars",
    "Maud", "Niels", "Olga", "Pieter", "Rosa", "Sem", "Tess", "Umar", "Vince", "Wendy", "Xander",
    "Yara", "Zoë", "Amir", "Bram", "Carla", "Dirk", "Elif", "Fleur", "Gijs", "Hanna", "Ivo",
    "Jasmijn", "Koen", "Lotte", "Milan", "Noor", "Otto",
)  # fmt: skip
LAST_NAMES = (
    "Jong", "Meijer", "Mulder", "Bos", "Vos", "Peters", "Hendriks", "Dekker", "Brouwer", "Smits",
    "Kramer", "Wouters", "Postma", "Verhoeven", "Kuipers", "Schouten", "Willems", "Hoekstra",
    "Koster", "Prins", "Huisman", "Kok", "Vermeulen", "Maas", "Boer", "Kaya", "Nowak", "Rossi",
    "Yilmaz", "Schmidt",
)  # fmt: skip

# (side, department, colleagues besides the demo people): Finance is small on purpose.
ROSTER_GROUPS: tuple[tuple[str, str, int], ...] = (
    (Side.BUSINESS, "Sales", 14),
    (Side.BUSINESS, "Operations", 11),
    (Side.BUSINESS, "Customer Service", 8),
    (Side.BUSINESS, "Finance", 2),
    (Side.IT, "IT", 33),
    (Side.PARTNER, "", 3),
)


@dataclass(frozen=True)
class Invitee:
    email: str
    side: str
    department: str  # "" for none


def roster(
    people: dict[str, Membership], groups: Sequence[tuple[str, str, int]] | None = None
) -> list[Invitee]:
    """The demo people and their generated colleagues (``groups``: the English ``ROSTER_GROUPS``
    unless given), the same every time."""
    rng = random.Random("tandem-surveys-demo-roster")  # noqa: S311 (demo data, not a secret)
    names = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(names)
    invitees = [
        Invitee(
            member.user.email.lower(),
            member.side,
            member.department.name if member.department is not None else "",
        )
        for member in people.values()
    ]
    for side, department, size in ROSTER_GROUPS if groups is None else groups:
        for _ in range(size):
            first, last = names.pop()
            domain = PARTNER_DOMAIN if side == Side.PARTNER else DOMAIN
            local = f"{first}.{last}".lower().replace("é", "e").replace("ë", "e")
            invitees.append(Invitee(f"{local}@{domain}", side, department))
    return invitees


def _group(invitee: Invitee) -> str:
    return invitee.department or invitee.side


# --- The campaigns ------------------------------------------------------------------------------------------

# The free-text answers, by theme.
THEMES: dict[str, tuple[str, ...]] = {
    "early": (
        "Involve IT before the solution is chosen, not after the contract is signed.",
        "Bring an architect into the first conversation about a new initiative.",
        "Ask IT about the problem, not only about how to build a tool someone already picked.",
        "Let IT join the discovery phase instead of handing over finished requirements.",
        "Invite IT to the kick-off, when risks are still cheap to fix.",
        "Talk to us while the idea is still an idea, not when the vendor demo is over.",
        "Include IT in the business case from day one.",
    ),
    "priorities": (
        "One shared priority list for business and IT, agreed once a quarter.",
        "Stop changing priorities every week: agree what matters most and stick to it.",
        "A clear ranking of projects, so we know what to drop when something urgent comes in.",
        "Let the steering committee decide the order of work, not whoever shouts loudest.",
        "Agree the top five priorities together and publish them for everyone.",
        "Fewer projects at the same time, finished one after another in an agreed order.",
        "Make the trade-offs between projects visible and decide them together.",
    ),
    "tools": (
        "Fewer tools: we use three systems to track the same customer order.",
        "Retire the old planning spreadsheet so everyone works in one place.",
        "Cut the number of applications we have to log in to every day.",
        "One ticketing tool instead of e-mail, chat and spreadsheets.",
        "Stop buying new software before the old one is switched off.",
    ),
    "communication": (
        "Tell us what is happening with our requests without us having to chase it.",
        "Regular short updates from IT in plain language, without jargon.",
        "A monthly meeting where business and IT talk about what is coming.",
        "Explain why a request takes long instead of just saying it is in the backlog.",
        "Talk to each other directly instead of through tickets.",
        "Share the release plan with the teams it affects before it happens.",
    ),
    "speed": (
        "Deliver small improvements faster instead of waiting for big releases.",
        "Shorter lead times for simple changes to reports and screens.",
        "Quicker answers to requests: some wait weeks without a reply.",
        "A fast lane for small changes that take less than a day.",
        "Release more often so fixes reach us sooner.",
    ),
    "constraints": (
        "Understand that keeping the old systems running takes half of our capacity.",
        "Accept that security reviews take time and plan them in from the start.",
        "Budget for maintenance, not only for new features.",
        "See the cost of every exception to our standards before asking for one.",
        "Recognise that every new system also needs people to support it for years.",
    ),
    "trust": (
        "Trust our technical advice when we say a shortcut will cost more later.",
        "Treat IT as a partner at the table, not as an order taker.",
        "Let IT own the technical decisions once the business goal is clear.",
        "Give IT a seat in the management team where strategy is decided.",
        "Judge IT on the outcomes we reach together, not on tickets closed.",
    ),
}

# The strategy as people put it in their own words (the open "Strategy understanding" survey).
STRATEGY_ANSWERS: dict[str, tuple[tuple[str, str], ...]] = {
    Side.BUSINESS: (
        (
            "Win web-shop customers with easy returns and reliable next-day delivery.",
            "Next-day delivery\nEasy returns\nFewer customer calls",
        ),
        (
            "Grow with e-commerce customers by being the most reliable carrier in the Benelux.",
            "Reliable delivery\nGrow e-commerce\nLower cost per parcel",
        ),
        (
            "Keep customers informed so they stop calling us, and get paid faster.",
            "Live tracking\nFaster payment of invoices\nHappier customers",
        ),
        (
            "Be the carrier web shops choose because returns are simple and tracking is live.",
            "Easy returns\nLive tracking\nMore web shops",
        ),
    ),
    Side.IT: (
        (
            "Modernise the event platform and move the core systems to the cloud.",
            "Cloud migration\nEvent platform\nSecurity",
        ),
        (
            "Give customers live tracking and automate the paperwork, like invoices and customs.",
            "Live tracking\nE-invoicing\nCustoms automation",
        ),
        (
            "Reliable delivery for web shops, supported by data everyone can trust.",
            "Reliable delivery\nOne source of data\nFewer systems",
        ),
        (
            "Replace the legacy systems so we can change faster.",
            "Retire legacy\nStandard tools\nFaster releases",
        ),
    ),
}


@dataclass(frozen=True)
class CampaignSpec:
    key: str  # the seed of its random answers
    template: str  # a shipped template's key
    created_by: str  # people key
    opens_days_ago: int
    closes_days_ago: int  # negative: closes in the future
    # Responses per roster group (a department, or "partner").
    turnout: dict[str, int]
    # Partnership: the business's mean per statement and the gap IT - business. Maturity: per
    # criterion, in catalog.MATURITY_CRITERIA order.
    business: tuple[float, ...] = ()
    gaps: tuple[float, ...] = ()
    # How often each theme comes up in the free text, per side.
    themes: dict[str, dict[str, int]] | None = None


PARTNERSHIP_LAST = CampaignSpec(
    key="partnership-last",
    template=catalog.PARTNERSHIP.key,
    created_by="it_admin",
    opens_days_ago=100,
    closes_days_ago=86,
    turnout={"Sales": 11, "Operations": 8, "Customer Service": 6, "Finance": 2, "IT": 29, Side.PARTNER: 3},
    business=(3.7, 3.4, 3.5, 3.6, 3.6, 3.3, 3.4, 3.5, 3.2),
    gaps=(-1.4, -1.3, -1.0, -1.2, -0.9, -1.2, -1.3, -1.1, -1.4),
    themes={
        Side.BUSINESS: {"communication": 4, "speed": 4, "tools": 2, "priorities": 1},
        Side.IT: {"early": 3, "trust": 4, "constraints": 3, "priorities": 1},
        Side.PARTNER: {"early": 1, "communication": 1},
    },
)

PARTNERSHIP_THIS = CampaignSpec(
    key="partnership-this",
    template=catalog.PARTNERSHIP.key,
    created_by="it_admin",
    opens_days_ago=30,
    closes_days_ago=16,
    turnout={"Sales": 12, "Operations": 9, "Customer Service": 6, "Finance": 2, "IT": 28, Side.PARTNER: 3},
    business=(3.8, 3.9, 3.6, 3.7, 3.7, 3.6, 3.6, 3.6, 3.4),
    # Narrower everywhere but "IT is involved early": the business believes it involves IT
    # earlier now, IT does not see it.
    gaps=(-0.5, -1.6, -0.4, -0.5, -0.3, -0.5, -0.6, -0.5, -0.6),
    themes={
        Side.BUSINESS: {"priorities": 4, "tools": 2, "communication": 2, "speed": 1},
        Side.IT: {"early": 5, "priorities": 4, "constraints": 1},
        Side.PARTNER: {"priorities": 1, "early": 1},
    },
)

# Maturity criteria: Communications, Value measurement, Governance, Partnership, Scope and
# architecture, Skills.
MATURITY_LAST = CampaignSpec(
    key="maturity-last",
    template=catalog.MATURITY.key,
    created_by="owner",
    opens_days_ago=98,
    closes_days_ago=84,
    turnout={"Sales": 10, "Operations": 9, "Customer Service": 6, "Finance": 3, "IT": 27, Side.PARTNER: 3},
    business=(2.9, 2.5, 3.1, 3.2, 2.3, 2.2),
    gaps=(-0.2, 0.2, -0.9, -1.1, 0.8, 0.8),
)

MATURITY_THIS = CampaignSpec(
    key="maturity-this",
    template=catalog.MATURITY.key,
    created_by="owner",
    opens_days_ago=28,
    closes_days_ago=14,
    turnout={"Sales": 11, "Operations": 8, "Customer Service": 7, "Finance": 2, "IT": 30, Side.PARTNER: 2},
    business=(3.1, 2.8, 3.2, 3.3, 2.6, 2.3),
    gaps=(-0.1, 0.1, -0.6, -0.7, 0.6, 0.8),
)

CLOSED = (PARTNERSHIP_LAST, MATURITY_LAST, PARTNERSHIP_THIS, MATURITY_THIS)

STRATEGY_OPEN = CampaignSpec(
    key="strategy-open",
    template=catalog.STRATEGY.key,
    created_by="owner",
    opens_days_ago=3,
    closes_days_ago=-11,
    turnout={"Sales": 2, "Operations": 2, "Customer Service": 1, "IT": 3},
)

PARTNER_OFFSET = -0.3  # partners, against the business
RESPONDENT_SD = 0.35  # how much one person's answers lean up or down overall
ANSWER_SD = 0.75
TEXT_SHARE = 0.55  # share of respondents who answer the optional free-text question


# --- Building it ----------------------------------------------------------------------------------------------


def _likert(rng: random.Random, mean: float) -> int:
    return max(1, min(5, round(rng.gauss(mean, ANSWER_SD))))


def _means(spec: CampaignSpec, questions: Sequence[Question], side: str) -> list[float]:
    """The mean each scored question aims at for ``side``."""
    scored = [q for q in questions if q.kind == QuestionKind.LIKERT]
    if spec.template == catalog.MATURITY.key:
        index = {name: i for i, name in enumerate(catalog.MATURITY_CRITERIA)}
        # A fixed lean per attribute so the four attributes of a criterion are not identical.
        lean = [((i * 7) % 5 - 2) / 10 for i in range(len(scored))]
        business = [spec.business[index[q.criterion]] + lean[i] for i, q in enumerate(scored)]
        gaps = [spec.gaps[index[q.criterion]] for q in scored]
    else:
        business, gaps = list(spec.business), list(spec.gaps)
    if side == Side.IT:
        return [b + g for b, g in zip(business, gaps, strict=True)]
    if side == Side.PARTNER:
        return [b + PARTNER_OFFSET for b in business]
    return business


def _text_pool(
    rng: random.Random, spec: CampaignSpec, side: str, themes: dict[str, tuple[str, ...]]
) -> list[str]:
    """The free-text answers ``side`` gives, in the proportions of its themes, shuffled."""
    weights = (spec.themes or {}).get(side, {})
    pool = [text for theme, weight in weights.items() for text in themes[theme][: weight * 2]]
    rng.shuffle(pool)
    return pool


def _answers(
    rng: random.Random,
    spec: CampaignSpec,
    questions: Sequence[Question],
    side: str,
    texts: list[str],
    index: int,
    strategy_answers: dict[str, tuple[tuple[str, str], ...]],
) -> dict[str, Any]:
    """One respondent's answers, keyed by question id as the service stores them."""
    lean = rng.gauss(0, RESPONDENT_SD)
    means = iter(_means(spec, questions, side))
    answers: dict[str, Any] = {}
    for question in questions:
        key = str(question.pk)
        if question.kind == QuestionKind.LIKERT:
            answers[key] = _likert(rng, next(means) + lean)
        elif spec.template == catalog.STRATEGY.key:
            strategy, goals = strategy_answers[side][index % len(strategy_answers[side])]
            answers[key] = strategy if question.position == 0 else goals
        elif texts and rng.random() < TEXT_SHARE:
            answers[key] = texts.pop()
    return answers


def _day_weights(opens_on: date, closes_on: date, today: date) -> tuple[list[date], list[int]]:
    """The days responses come in: most right after the e-mail, more after each reminder."""
    last = min(closes_on, today)
    reminders = set(selectors.reminder_days(opens_on, closes_on))
    days = [opens_on + timedelta(days=d) for d in range((last - opens_on).days + 1)]
    weights = [4 if d - opens_on < timedelta(days=2) else 2 if d in reminders else 1 for d in days]
    return days, weights


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _play(
    org: Organization,
    people: dict[str, Membership],
    invitees: Sequence[Invitee],
    spec: CampaignSpec,
    today: date,
    content: ModuleType,
) -> Campaign:
    template = SurveyTemplate.objects.for_org(org).get(key=spec.template)
    departments = {d.name: d for d in Department.objects.for_org(org)}
    opens_on = today - timedelta(days=spec.opens_days_ago)
    closes_on = today - timedelta(days=spec.closes_days_ago)
    members = {m.user.email.lower() for m in people.values()}
    # Created as if it ran today, then moved to its dates: the service refuses a past closing date.
    campaign = services.campaign_create(
        actor=people[spec.created_by],
        template=template,
        title=f"{shipped(template.name)}, {date_format(opens_on, 'F Y')}",
        opens_on=min(opens_on, today),
        closes_on=max(closes_on, today),
        audience=AudienceKind.ALL,
        recipients=[
            services.Recipient(i.email, i.side, departments.get(i.department))
            for i in invitees
            if i.email not in members
        ],
        send_email=False,
    )
    closed = closes_on < today
    Campaign.objects.for_org(org).filter(pk=campaign.pk).update(
        opens_on=opens_on,
        closes_on=closes_on,
        created_at=_at(opens_on - timedelta(days=2), 11),
        closed_at=_at(closes_on, 18) if closed else None,
    )
    campaign.refresh_from_db()
    rng = random.Random(f"tandem-surveys-demo-{spec.key}")  # noqa: S311 (demo data, not a secret)
    respondents: list[Invitee] = []
    for group, count in spec.turnout.items():
        candidates = [i for i in invitees if _group(i) == group]
        respondents += rng.sample(candidates, min(count, len(candidates)))
    _mark_links(org, campaign, respondents, rng, today)
    questions = list(template.questions.all())
    pools = {side: _text_pool(rng, spec, side, content.THEMES) for side in Side.values}
    days, weights = _day_weights(opens_on, closes_on, today)
    rng.shuffle(respondents)  # answers in no order of the roster
    SurveyResponse.objects.bulk_create(
        SurveyResponse(
            organization=org,
            campaign=campaign,
            side=invitee.side,
            department=departments.get(invitee.department),
            submitted_on=rng.choices(days, weights)[0],
            answers=_answers(
                rng, spec, questions, invitee.side, pools[invitee.side], index, content.STRATEGY_ANSWERS
            ),
        )
        for index, invitee in enumerate(respondents)
    )
    return campaign


def _mark_links(
    org: Organization, campaign: Campaign, respondents: Sequence[Invitee], rng: random.Random, today: date
) -> None:
    """The links as e-mailed: once on the opening day, then reminders to whoever had not answered."""
    links = SurveyLink.objects.for_org(org).filter(campaign=campaign)
    sent = [day for day in selectors.reminder_days(campaign.opens_on, campaign.closes_on) if day < today]
    links.update(sent_count=1, last_sent_on=campaign.opens_on, created_at=campaign.created_at)
    answered = {i.email for i in respondents}
    links.filter(email__in=answered).update(answered=True)
    if sent:
        links.filter(answered=False).update(sent_count=1 + len(sent), last_sent_on=sent[-1])
        # Some who answered did so only after a reminder or two.
        for email in sorted(answered):
            reminders = rng.choice((0, 0, 1, 2))
            if reminders and reminders <= len(sent):
                links.filter(email=email).update(sent_count=1 + reminders, last_sent_on=sent[reminders - 1])


def _analyse(campaign: Campaign) -> None:
    """Group the free text by meaning now, with the worker's task (the demo's queue is emptied)."""
    from tandem.surveys.tasks import analyse_texts  # loads the embedding model

    analyse_texts.call(campaign_id=campaign.pk)


def seed(*, org: Organization, people: dict[str, Membership], language: str = "en") -> None:
    """Give the demo organisation its temperature checks (see the module's docstring), in
    ``language`` (the Dutch free text is in ``demo_nl``); an organisation that has campaigns
    already is left as it is."""
    content = demo_content(__name__, language)
    if Campaign.objects.for_org(org).exists():
        return
    services.templates_install(org)
    today = timezone.localdate()
    invitees = roster(people, content.ROSTER_GROUPS)
    for spec in content.CLOSED:
        campaign = _play(org, people, invitees, spec, today, content)
        if spec.themes:
            _analyse(campaign)
    _play(org, people, invitees, content.STRATEGY_OPEN, today, content)
