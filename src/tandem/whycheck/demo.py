"""The why checks of the demo organisation: a round in every state, scored by the real scorer.

Northwind's co-leads answer in English and in Dutch (some pairs mixed, as with the international IT
parties). The rounds are written through ``tandem.whycheck.services`` and scored synchronously with
the same task the worker runs, so every verdict, score, explanation, pause and its lifting is the
real one; afterwards the timestamps are moved into the past so the history spans weeks. Which
verdict each round is meant to get is recorded in ``ROUNDS`` (``expect``); the demo tests check that
the scorer agrees. The data is deterministic: same day, same demo.

The rounds (initiatives from ``tandem.strategy.demo``):

- *Live shipment tracking*: three rounds over ten weeks: needs discussion (settled by both), then
  misaligned (IT drifted towards rebuilding the event platform; the initiative paused), then aligned
  (the pause lifted): the score over time.
- *E-invoicing*: misaligned: Finance wants to be paid sooner, IT wants to switch off the print
  server. The initiative, in delivery, is paused and flagged for the next review.
- *Weekly commission statements*: aligned, a Dutch answer against an English one.
- *Dynamic route optimisation*: needs discussion (the same why, different targets and dates); the
  business co-lead recorded a decision, the IT co-lead has not yet.
- *Key-account CRM*: misaligned, then overridden by the owner with a reason.
- *Driver app refresh*: closed after the deadline with only the IT co-lead's answer.
- *Returns labels*: open, only the business co-lead answered.
- *Automated customs declarations*: open, nobody answered yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from tandem.core.demo import demo_content
from tandem.core.models import Membership, Organization, Side
from tandem.strategy.models import Initiative, Transition
from tandem.whycheck import services
from tandem.whycheck.models import RoundStatus, Verdict, WhyAnswer, WhyCheck
from tandem.whycheck.tasks import score_why_check


@dataclass(frozen=True)
class MeasureSpec:
    name: str
    target: float | None
    unit: str
    by_days: int | None  # days from today


@dataclass(frozen=True)
class AnswerSpec:
    why: str
    measures: tuple[MeasureSpec, ...]
    days_ago: int  # when it was submitted
    hour: int = 10


@dataclass(frozen=True)
class RoundSpec:
    initiative: str  # title in tandem.strategy.demo
    started_by: str  # people key
    started_days_ago: int
    deadline_days: int  # after the start
    business: AnswerSpec | None = None
    it: AnswerSpec | None = None
    expect: str = ""  # the verdict the round is meant to get ("" when it is not scored)
    # The decisions that settle "needs discussion": (days ago, note).
    business_decision: tuple[int, str] | None = None
    it_decision: tuple[int, str] | None = None
    closed: tuple[str, int] | None = None  # closed before both answered: (people key, days ago)
    override: tuple[str, int, str] | None = None  # (people key, days ago, reason)


# --- Live shipment tracking: the history ---------------------------------------------------------

TRACKING = "Live shipment tracking for customers"

TRACKING_KICK_OFF = RoundSpec(
    TRACKING,
    started_by="it_lead",
    started_days_ago=72,
    deadline_days=7,
    business=AnswerSpec(
        "Een derde van de telefoontjes naar onze klantenservice gaat over de vraag waar een zending "
        "is. Als ontvangers zelf een betrouwbare aankomsttijd zien, hoeven ze niet meer te bellen en "
        "hebben onze agenten tijd voor echte problemen, zoals schades en klachten.",
        (  # the first two copied from the initiative's plan
            MeasureSpec("'Where is my parcel' calls per 1,000 shipments", 20, "calls", 20),
            MeasureSpec("Recipients opening the tracking link", 70, "%", 20),
            MeasureSpec("Customer satisfaction (CSAT)", 4.4, "/5", 60),
        ),
        days_ago=71,
    ),
    it=AnswerSpec(
        "Customers call us because they cannot see where their parcel is. A live arrival time on a "
        "tracking page, and a text message before the driver arrives, answers that question before "
        "they pick up the phone, so service agents have time for real problems.",
        (
            MeasureSpec("'Where is my parcel' calls per 1,000 shipments", 30, "calls", 290),
            MeasureSpec("Recipients opening the tracking link", 40, "%", 290),
            MeasureSpec("Tracking page availability", 99.5, "%", 120),
        ),
        days_ago=69,
        hour=15,
    ),
    expect=Verdict.PARTIAL,
    business_decision=(
        66,
        "We houden 20 telefoontjes per 1.000 zendingen als doel, maar meten de volledige daling pas "
        "als ook de palletklanten live zijn. Voor de link mikken we op 60%.",
    ),
    it_decision=(
        65,
        "Agreed: 20 calls per 1,000 shipments stays the target, measured after the pallet release; "
        "60% of recipients opening the link is a fair middle.",
    ),
)

TRACKING_DRIFT = RoundSpec(
    TRACKING,
    started_by="it_lead",
    started_days_ago=38,
    deadline_days=7,
    business=AnswerSpec(
        "Klanten bellen nog steeds om te vragen waar hun pakket blijft. We willen dat ze het "
        "antwoord zelf zien, met een aankomstvenster van twee uur en een sms als de chauffeur "
        "eraan komt, zodat er minder gebeld wordt en klanten tevredener zijn.",
        (
            MeasureSpec("Waar-is-mijn-pakket-telefoontjes per 1.000 zendingen", 20, "aantal", 30),
            MeasureSpec("Klanttevredenheid (CSAT)", 4.4, "/5", 60),
        ),
        days_ago=37,
    ),
    it=AnswerSpec(
        "The old message broker that carries the scan events from the handhelds is end of life and "
        "drops events under peak load. We are rebuilding the event platform on Cloudline so that "
        "every scan is stored exactly once and any system can subscribe to it.",
        (
            MeasureSpec("Scan events processed within 5 seconds", 99.5, "%", 45),
            MeasureSpec("Legacy broker queues decommissioned", 100, "%", 90),
        ),
        days_ago=35,
        hour=16,
    ),
    expect=Verdict.MISALIGNED,
)

TRACKING_REALIGNED = RoundSpec(
    TRACKING,
    started_by="it_lead",
    started_days_ago=24,
    deadline_days=7,
    business=AnswerSpec(
        "Ontvangers moeten zelf kunnen zien wanneer hun zending komt: een venster van twee uur en "
        "een sms als de chauffeur er over een half uur is. Dan bellen ze ons niet meer met de vraag "
        "waar hun pakket blijft, en kunnen onze agenten zich richten op schades en klachten.",
        (
            MeasureSpec("Waar-is-mijn-pakket-telefoontjes per 1.000 zendingen", 20, "aantal", 45),
            MeasureSpec("Ontvangers die de track-and-trace-link openen", 70, "%", 45),
        ),
        days_ago=22,
    ),
    it=AnswerSpec(
        "Recipients should see for themselves when their shipment arrives: a two-hour window and a "
        "text message when the driver is thirty minutes away. Then they stop calling us to ask "
        "where their parcel is, and our agents can focus on damage claims and complaints.",
        (
            MeasureSpec("Where-is-my-parcel calls per 1,000 shipments", 20, "calls", 45),
            MeasureSpec("Recipients opening the tracking link", 70, "%", 45),
        ),
        days_ago=21,
        hour=11,
    ),
    expect=Verdict.ALIGNED,
)

# --- One round each --------------------------------------------------------------------------------

E_INVOICING = RoundSpec(
    "E-invoicing for all customers",
    started_by="finance_lead",
    started_days_ago=14,
    deadline_days=7,
    business=AnswerSpec(
        "Klanten betalen ons gemiddeld pas na 52 dagen, en bij grote klanten blijven facturen "
        "hangen omdat hun crediteurenadministratie ze met de hand controleert. Met e-facturen met "
        "de zendingsreferentie op elke regel verwerken ze onze facturen automatisch en betalen ze "
        "sneller.",
        (
            MeasureSpec("Debiteurendagen (DSO)", 45, "dagen", 90),
            MeasureSpec("Aandeel betwiste facturen", 2, "%", 90),
        ),
        days_ago=13,
    ),
    it=AnswerSpec(
        "The invoice print-and-post service runs on an unsupported server and the contract with the "
        "print house ends in March. Sending every invoice through Peppol lets us switch that server "
        "off and stop paying for paper and postage.",
        (
            MeasureSpec("Invoices sent through Peppol", 100, "%", 60),
            MeasureSpec("Print and postage costs", 0, "EUR/month", 60),
        ),
        days_ago=10,
        hour=14,
    ),
    expect=Verdict.MISALIGNED,
)

COMMISSION = RoundSpec(
    "Weekly commission statements for sales reps",
    started_by="business_lead",
    started_days_ago=12,
    deadline_days=7,
    business=AnswerSpec(
        "Onze accountmanagers zien pas aan het eind van het kwartaal wat ze verdiend hebben en "
        "vertrouwen de spreadsheet niet. Als ze elke week hun commissie per getekend contract zien, "
        "sturen ze op marge in plaats van op volume.",
        (
            MeasureSpec("Gemiddelde marge op nieuwe contracten", 11, "%", 180),
            MeasureSpec("Accountmanagers die het weekoverzicht openen", 12, "aantal", 60),
        ),
        days_ago=11,
    ),
    it=AnswerSpec(
        "Sales reps only learn what they earned at the end of the quarter, and they do not trust "
        "the spreadsheet. A weekly statement of the commission on each signed contract lets them "
        "steer on margin rather than on volume.",
        (
            MeasureSpec("Average margin on new contracts", 11, "%", 180),
            MeasureSpec("Reps opening the weekly statement", 12, "reps", 60),
        ),
        days_ago=9,
        hour=13,
    ),
    expect=Verdict.ALIGNED,
)

ROUTES = RoundSpec(
    "Dynamic route optimisation",
    started_by="owner",
    started_days_ago=5,
    deadline_days=7,
    business=AnswerSpec(
        "More deliveries must arrive in the promised window while our trucks drive fewer "
        "kilometres. Today's plan is fixed the evening before; the system should re-plan on live "
        "traffic and order changes so we keep our promise to customers and burn less diesel.",
        (
            MeasureSpec("Deliveries outside the promised window", 5, "%", 180),
            MeasureSpec("Reduction in fuel use per 100 km", 10, "%", 180),
        ),
        days_ago=4,
    ),
    it=AnswerSpec(
        "Planners spend an hour every morning re-planning routes by hand, and the fixed plan "
        "ignores traffic and driver hours. A routing engine that re-plans automatically gives the "
        "planners their mornings back and gets more deliveries there on time, with fewer kilometres. "
        "Both hubs must run on it before that shows, which takes until the end of next year.",
        (
            MeasureSpec("Deliveries outside the promised window", 8, "%", 545),
            MeasureSpec("Reduction in fuel use per 100 km", 4, "%", 545),
            MeasureSpec("Planner hours spent re-planning per day", 1, "hours", 240),
        ),
        days_ago=3,
        hour=16,
    ),
    expect=Verdict.PARTIAL,
    business_decision=(
        2,
        "Rotterdam goes first: at most 5% late there within six months; Venlo follows after its "
        "roll-out. The fuel target stays at 10%, to be reviewed after the first hub.",
    ),
)

CRM = RoundSpec(
    "Key-account CRM",
    started_by="it_admin",
    started_days_ago=12,
    deadline_days=7,
    business=AnswerSpec(
        "Our key-account managers lose track of who talked to whom at our largest customers, and "
        "deals slip when someone is on holiday. One shared view of every contact, offer and "
        "complaint per account should help us grow revenue with the twenty largest shippers.",
        (
            MeasureSpec("Revenue growth from the 20 largest accounts", 8, "%", 365),
            MeasureSpec("Offers followed up within 48 hours", 90, "%", 180),
        ),
        days_ago=11,
    ),
    it=AnswerSpec(
        "De accountspreadsheets en gedeelde Outlook-mappen bevatten persoonsgegevens van "
        "contactpersonen, zonder toegangsbeheer of bewaartermijnen. Voor de privacy-audit moeten "
        "die gegevens naar één systeem met rechten, logging en verwijderregels.",
        (
            MeasureSpec("Gedeelde mappen met klantgegevens uitgezet", 100, "%", 120),
            MeasureSpec("Contactpersonen met een bewaartermijn", 100, "%", 120),
        ),
        days_ago=9,
        hour=15,
    ),
    expect=Verdict.MISALIGNED,
    override=(
        "owner",
        7,
        "Both reasons stand and neither blocks the other: the contact data must leave the "
        "spreadsheets before the privacy audit in any case. Sales and IT write one business outcome "
        "together before the proposal.",
    ),
)

DRIVER_APP = RoundSpec(
    "Driver app refresh",
    started_by="it_admin",
    started_days_ago=30,
    deadline_days=7,
    it=AnswerSpec(
        "Chauffeurs verliezen elke dag tijd met een trage app en een scanknop die met handschoenen "
        "niet te raken is. In laadzones zonder bereik gaan scans verloren, waardoor klanten een "
        "verkeerde status zien. Een snellere app die offline scant lost beide op.",
        (
            MeasureSpec("Opstarttijd van de app", 2, "seconden", 150),
            MeasureSpec("Verloren scans per week", 5, "aantal", 150),
        ),
        days_ago=28,
    ),
    closed=("it_admin", 21),
)

RETURNS = RoundSpec(
    "Returns labels for web-shop customers",
    started_by="business_lead",
    started_days_ago=3,
    deadline_days=7,
    business=AnswerSpec(
        "Webshops kiezen voor een concurrent omdat retourneren bij ons omslachtig is. Met "
        "QR-retourlabels en inleverpunten binnen 2 km laten ze hun klanten zonder printer "
        "retourneren, en winnen wij die webshops.",
        (
            MeasureSpec("Nieuwe webshops gewonnen dankzij retouren", 10, "webshops", 100),
            MeasureSpec("Retouren met een QR-code in plaats van een geprint label", 60, "%", 100),
        ),
        days_ago=2,
    ),
)

CUSTOMS = RoundSpec(
    "Automated customs declarations",
    started_by="it_lead",
    started_days_ago=1,
    deadline_days=7,
)

# In the order they happened on each initiative (a new round needs the previous one revealed).
ROUNDS = (
    TRACKING_KICK_OFF,
    TRACKING_DRIFT,
    TRACKING_REALIGNED,
    E_INVOICING,
    COMMISSION,
    ROUTES,
    CRM,
    DRIVER_APP,
    RETURNS,
    CUSTOMS,
)


def _at(today: date, days_ago: int, hour: int = 10, minute: int = 0) -> datetime:
    """An aware moment ``days_ago`` days before ``today`` at the given local time."""
    return timezone.make_aware(datetime.combine(today - timedelta(days=days_ago), time(hour, minute)))


def _measures(today: date, answer: AnswerSpec) -> list[dict[str, Any]]:
    return [
        {
            "name": m.name,
            "target": m.target,
            "unit": m.unit,
            "by": (today + timedelta(days=m.by_days)).isoformat() if m.by_days is not None else None,
        }
        for m in answer.measures
    ]


class _Clock:
    """Moves what one round wrote (its transitions included) to the moments it happened."""

    def __init__(self, org: Organization, initiative: Initiative) -> None:
        self.org = org
        self.initiative = initiative
        self.last_transition = self._latest_transition_id()
        self.latest: datetime | None = None

    def _latest_transition_id(self) -> int:
        latest = (
            Transition.objects.for_org(self.org).filter(initiative=self.initiative).order_by("-id").first()
        )
        return latest.pk if latest is not None else 0

    def transitions_at(self, moment: datetime) -> None:
        """Date the transitions written since the last call (a pause, its lifting) at ``moment``."""
        moved = Transition.objects.for_org(self.org).filter(
            initiative=self.initiative, pk__gt=self.last_transition
        )
        if moved.update(created_at=moment):
            self.latest = moment
        self.last_transition = self._latest_transition_id()


def _co_leads(initiative: Initiative) -> dict[str, Membership]:
    business, it = initiative.business_co_lead, initiative.it_co_lead
    if business is None or it is None:  # whycheck_start refuses such an initiative first
        raise ValueError(f"{initiative.title} needs both co-leads")
    return {Side.BUSINESS: business, Side.IT: it}


def _play(org: Organization, people: dict[str, Membership], spec: RoundSpec, today: date) -> WhyCheck:
    initiative = Initiative.objects.for_org(org).get(title=spec.initiative)
    clock = _Clock(org, initiative)
    started = _at(today, spec.started_days_ago, 9, 30)
    round_ = services.whycheck_start(
        actor=people[spec.started_by],
        initiative=initiative,
        deadline=today + timedelta(days=spec.deadline_days),
    )
    changes: dict[str, Any] = {
        "created_at": started,
        "deadline": (today - timedelta(days=spec.started_days_ago)) + timedelta(days=spec.deadline_days),
    }
    given = [
        (side, answer)
        for side, answer in ((Side.BUSINESS, spec.business), (Side.IT, spec.it))
        if answer is not None
    ]
    given.sort(key=lambda pair: (-pair[1].days_ago, pair[1].hour))  # in the order they came in
    leads = _co_leads(initiative)
    for side, answer in given:
        services.whycheck_submit_answer(
            actor=leads[side], why_check=round_, why=answer.why, measures=_measures(today, answer)
        )
        moment = _at(today, answer.days_ago, answer.hour)
        WhyAnswer.objects.for_org(org).filter(why_check=round_, side=side).update(
            submitted_at=moment, updated_at=moment
        )
    round_.refresh_from_db()
    if round_.status == RoundStatus.REVEALED:
        revealed = _at(today, given[-1][1].days_ago, given[-1][1].hour)
        score_why_check.call(why_check_id=round_.pk)
        round_.refresh_from_db()
        changes.update(revealed_at=revealed, scored_at=revealed + timedelta(minutes=1))
        clock.transitions_at(revealed + timedelta(minutes=1))
    # Decisions and the override follow only the verdict they were written for: should a new
    # calibration of the scorer judge a round differently, the demo still seeds (and its test says so).
    for side, decision in ((Side.BUSINESS, spec.business_decision), (Side.IT, spec.it_decision)):
        if decision is None or round_.verdict != Verdict.PARTIAL:
            continue
        days_ago, note = decision
        services.whycheck_record_decision(actor=leads[side], why_check=round_, note=note)
        moment = _at(today, days_ago, 17)
        changes[f"{side}_decision_at"] = moment
        clock.transitions_at(moment)
    if spec.closed is not None:
        who, days_ago = spec.closed
        # A round with a missing answer closes only after its deadline: give it its past one first.
        WhyCheck.objects.for_org(org).filter(pk=round_.pk).update(deadline=changes["deadline"])
        services.whycheck_close(actor=people[who], why_check=round_)
        moment = _at(today, days_ago, 9)
        changes.update(revealed_at=moment, closed_at=moment)
    if spec.override is not None and round_.verdict == Verdict.MISALIGNED:
        who, days_ago, reason = spec.override
        services.whycheck_override(actor=people[who], why_check=round_, reason=reason)
        moment = _at(today, days_ago, 12)
        changes["override_at"] = moment
        clock.transitions_at(moment)
    WhyCheck.objects.for_org(org).filter(pk=round_.pk).update(**changes)
    if clock.latest is not None:
        Initiative.objects.for_org(org).filter(pk=initiative.pk).update(updated_at=clock.latest)
    round_.refresh_from_db()
    return round_


def seed(*, org: Organization, people: dict[str, Membership], language: str = "en") -> None:
    """Give the demo organisation why checks in every state (see the module's docstring), in
    ``language`` (the Dutch rounds are in ``demo_nl``)."""
    today = timezone.localdate()
    for spec in demo_content(__name__, language).ROUNDS:
        _play(org, people, spec, today)
