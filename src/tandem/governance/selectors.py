"""Reads of the governance app: the party list with its signals, a party's page, and an
initiative's RACI matrix with the problems its rules find, in the reader's language."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from tandem.core.models import Membership, Organization, Side
from tandem.governance import raci, scorecard
from tandem.governance.calendar import Segment, WorkCalendar, clock_seconds
from tandem.governance.models import (
    ClosingDay,
    Contract,
    Contribution,
    EscalationLevel,
    Incident,
    IncidentEvent,
    IncidentEventKind,
    IncidentReview,
    IncidentSegment,
    IncidentStatus,
    Measurement,
    Party,
    PartyContact,
    PartyRating,
    PartyRatingReceipt,
    Priority,
    RaciActivity,
    RaciAssignment,
    RaciColumn,
    SegmentKind,
    Service,
    ServiceLevel,
    ServiceMetric,
    WorkCalendarSettings,
)
from tandem.governance.scorecard import Tally
from tandem.strategy.models import Initiative, KeyResult

RATING_GRACE_DAYS = 21  # a quarter is rated during it and for three weeks after it ends

PARTIES_PER_PAGE = 50


def contract_in_force_ids(org: Organization, on: date | None = None) -> set[int]:
    """The parties with a contract in force on ``on`` (today)."""
    return {c.party_id for c in Contract.objects.for_org(org) if c.in_force(on)}


def party_list(parties: QuerySet[Party]) -> QuerySet[Party]:
    """Parties (already limited to what the reader may see) with their counts, for the list."""
    return parties.annotate(
        contact_count=Count("contacts", distinct=True),
        contract_count=Count("contracts", distinct=True),
        column_count=Count("raci_columns", distinct=True),
    ).order_by(Lower("name"), "pk")


def notice_alerts(org: Organization, parties: QuerySet[Party], on: date | None = None) -> list[Contract]:
    """Contracts of ``parties`` whose notice date is near: the last day to end or renegotiate."""
    rows = Contract.objects.for_org(org).filter(party__in=parties).select_related("party")
    return sorted((c for c in rows if c.notice_alert(on)), key=lambda c: (c.notice_date or on, c.pk))


@dataclass
class PartyPage:
    party: Party
    contacts: list[PartyContact]
    contracts: list[Contract]
    contributions: list[Contribution]
    initiatives: list[tuple[Initiative, list[tuple[str, str]]]]  # (initiative, [(activity, letter)])
    in_force: bool
    services: list[Service] = field(default_factory=list)
    open_incidents: list[Incident] = field(default_factory=list)


def party_page(party: Party) -> PartyPage:
    """Everything the party's page shows: contacts, contracts, contributions and its RACI rows."""
    org = party.organization
    columns = (
        RaciColumn.objects.for_org(org)
        .filter(party=party)
        .select_related("initiative")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=RaciAssignment.objects.for_org(org)
                .select_related("activity")
                .order_by("activity__position"),
            )
        )
        .order_by("initiative__title")
    )
    contracts = list(Contract.objects.for_org(org).filter(party=party))
    return PartyPage(
        party=party,
        contacts=list(
            PartyContact.objects.for_org(org).filter(party=party).select_related("membership__user")
        ),
        contracts=contracts,
        contributions=list(Contribution.objects.for_org(org).filter(party=party).select_related("objective")),
        initiatives=[
            (column.initiative, [(a.activity.name, a.letter) for a in column.assignments.all()])
            for column in columns
        ],
        in_force=any(c.in_force() for c in contracts),
        services=list(Service.objects.for_org(org).filter(party=party)),
        open_incidents=list(
            Incident.objects.for_org(org)
            .filter(party=party)
            .exclude(status=IncidentStatus.RESOLVED)
            .select_related("service")
            .order_by("-raised_at", "-pk")[:20]
        ),
    )


# --- The RACI matrix --------------------------------------------------------------------------


@dataclass
class MatrixColumn:
    column: RaciColumn
    label: str
    side: str
    external: bool


@dataclass
class Matrix:
    initiative: Initiative
    activities: list[RaciActivity]
    columns: list[MatrixColumn]
    cells: dict[tuple[int, int], str]  # (activity id, column id) -> letter
    problems: list[raci.Problem] = field(default_factory=list)
    messages: list[tuple[str, str]] = field(default_factory=list)  # (severity, sentence)
    errors_by_activity: dict[int, list[str]] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return raci.is_valid(self.problems)

    def letter(self, activity: RaciActivity, column: RaciColumn) -> str:
        return self.cells.get((activity.pk, column.pk), "")

    @property
    def rows(self) -> list[tuple[RaciActivity, list[tuple[MatrixColumn, str]]]]:
        """Each activity with its cells in column order, and whether the rules refuse the row."""
        return [(a, [(c, self.letter(a, c.column)) for c in self.columns]) for a in self.activities]


def _column_label(column: RaciColumn) -> tuple[str, str, bool]:
    if column.party is not None:
        return column.party.name, column.party.side, column.party.external
    member = cast(Membership, column.membership)  # a column is a party or a person (a constraint)
    return member.user.display_name, member.side, member.side == Side.PARTNER


def matrix(initiative: Initiative, *, only_parties: set[int] | None = None) -> Matrix:
    """The initiative's matrix and its problems. ``only_parties`` (a partner-side reader) keeps the
    columns of those parties alone: another party's column is not theirs to see."""
    org = initiative.organization
    activities = list(RaciActivity.objects.for_org(org).filter(initiative=initiative))
    columns = list(
        RaciColumn.objects.for_org(org)
        .filter(initiative=initiative)
        .select_related("party", "membership__user")
    )
    cells = {
        (a.activity_id, a.column_id): a.letter
        for a in RaciAssignment.objects.for_org(org).filter(activity__initiative=initiative)
    }
    in_force = contract_in_force_ids(org, timezone.localdate())
    shown = []
    for column in columns:
        label, side, external = _column_label(column)
        shown.append(MatrixColumn(column, label, side, external))
    result = Matrix(initiative, activities, shown, cells)
    rule_columns = [
        raci.Column(
            key=c.column.key,
            side=c.side,
            external=c.external,
            contract_in_force=c.column.party_id in in_force if c.column.party_id else True,
        )
        for c in shown
    ]
    keys = {c.column.pk: c.column.key for c in shown}
    result.problems = raci.check(
        [str(a.pk) for a in activities],
        rule_columns,
        {(str(a), keys[c]): letter for (a, c), letter in cells.items() if c in keys},
    )
    names = {str(a.pk): a.name for a in activities}
    labels = {c.column.key: c.label for c in shown}
    for problem in result.problems:
        sentence = problem_sentence(problem, names, labels)
        result.messages.append((problem.severity, sentence))
        if problem.activity is not None:
            result.errors_by_activity.setdefault(int(problem.activity), []).append(sentence)
    if only_parties is not None:
        result.columns = [c for c in shown if c.column.party_id in only_parties]
        kept = {c.column.pk for c in result.columns}
        result.cells = {k: v for k, v in cells.items() if k[1] in kept}
        result.messages, result.errors_by_activity = [], {}
    return result


def problem_sentence(problem: raci.Problem, activities: dict[str, str], columns: dict[str, str]) -> str:
    """One problem of the RACI rules in the reader's language."""
    activity = activities.get(problem.activity or "", "")
    column = columns.get(problem.column or "", "")
    values: dict[str, Any] = {"activity": activity, "column": column, "n": problem.count}
    if problem.code == "no_accountable":
        return _("“%(activity)s” has nobody accountable (A): give it exactly one.") % values
    if problem.code == "several_accountable":
        return _("“%(activity)s” has %(n)s accountable (A): keep exactly one.") % values
    if problem.code == "no_responsible":
        return _("“%(activity)s” has nobody responsible (R): give it at least one.") % values
    if problem.code == "accountable_overload":
        return (
            ngettext(
                "%(column)s is accountable for %(n)s activity: spread the accountability.",
                "%(column)s is accountable for %(n)s activities: spread the accountability.",
                problem.count,
            )
            % values
        )
    if problem.code == "no_business_voice":
        return _("“%(activity)s” has no business-side member or team accountable or consulted.") % values
    if problem.code == "responsible_without_contract":
        return (
            ngettext(
                "%(column)s is responsible for %(n)s activity without a contract in force.",
                "%(column)s is responsible for %(n)s activities without a contract in force.",
                problem.count,
            )
            % values
        )
    return problem.code


# --- The working calendar ---------------------------------------------------------------------


def calendar_settings(org: Organization) -> WorkCalendarSettings:
    """The organisation's working hours: the defaults, unsaved, until an admin changes them."""
    return WorkCalendarSettings.objects.filter(organization=org).first() or WorkCalendarSettings(
        organization=org
    )


def work_calendar(org: Organization) -> WorkCalendar:
    """The calendar escalations and clocks count working time on, closing days included."""
    row = calendar_settings(org)
    return WorkCalendar(
        timezone=row.time_zone,
        weekdays=frozenset(int(d) for d in row.weekdays.split(",") if d.strip().isdigit()),
        day_start=row.day_start,
        day_end=row.day_end,
        country=row.country,
        subdivision=row.subdivision,
        closing_days=frozenset(ClosingDay.objects.for_org(org).values_list("day", flat=True)),
    )


def days_off(org: Organization, *, start: date, days: int = 92) -> list[tuple[date, str]]:
    """The public holidays and closing days on working weekdays from ``start``, with their names
    (a holiday in the reader's language when the holidays package has it)."""
    calendar = work_calendar(org)
    names = dict(ClosingDay.objects.for_org(org).filter(day__gte=start).values_list("day", "name"))
    found = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        if day.weekday() not in calendar.weekdays:
            continue
        holiday = calendar.holiday_name(day, get_language())
        if holiday is not None:
            found.append((day, holiday))
        elif day in calendar.closing_days:
            found.append((day, names.get(day) or _("closing day")))
    return found


# --- Services and their compliance ------------------------------------------------------------

SERVICES_PER_PAGE = 50
INCIDENTS_PER_PAGE = 50
TREND_MONTHS = 12


def service_list(services: QuerySet[Service]) -> QuerySet[Service]:
    """Services (already limited to what the reader may see) with their party and open incidents."""
    return (
        services.select_related("party")
        .annotate(
            open_incidents=Count(
                "incidents", filter=~Q(incidents__status=IncidentStatus.RESOLVED), distinct=True
            ),
            level_count=Count("levels", distinct=True),
        )
        .order_by(Lower("name"), "pk")
    )


def _months(first: date, last: date) -> list[date]:
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return months


def _running(segments: list[IncidentSegment], party_id: int | None = None) -> list[Segment]:
    return [
        Segment(s.started_at, s.ended_at, paused=s.kind == SegmentKind.PAUSED)
        for s in segments
        if party_id is None or s.party_id == party_id
    ]


@dataclass
class IncidentTimes:
    """An incident's working time to acknowledge and to resolve (all parties' clocks together),
    in seconds; None while it has not happened."""

    acknowledge: int | None
    resolve: int | None


def incident_times(
    incident: Incident, segments: list[IncidentSegment], calendar: WorkCalendar
) -> IncidentTimes:
    clock = _running(segments)
    ack = incident.acknowledged_at
    done = incident.resolved_at
    return IncidentTimes(
        acknowledge=clock_seconds(clock, calendar, ack) if ack else None,
        resolve=clock_seconds(clock, calendar, done) if done else None,
    )


def _incident_checks(
    incidents: list[Incident], levels: dict[tuple[int, str], ServiceLevel], calendar: WorkCalendar
) -> dict[tuple[int, date], Tally]:
    """Per (service, month resolved): how many agreed incident times were met."""
    found: dict[tuple[int, date], Tally] = defaultdict(Tally)
    for incident in incidents:
        level = levels.get((cast(int, incident.service_id), incident.priority))
        if level is None or incident.resolved_at is None:
            continue
        times = incident_times(incident, _segments_of(incident), calendar)
        month = timezone.localtime(incident.resolved_at).date().replace(day=1)
        checks = [
            times.acknowledge is not None and times.acknowledge <= level.acknowledge_hours * 3600,
            times.resolve is not None and times.resolve <= level.resolve_hours * 3600,
        ]
        found[(cast(int, incident.service_id), month)] += Tally(sum(checks), len(checks))
    return found


def compliance(
    org: Organization,
    services: list[Service],
    first: date,
    last: date,
    *,
    incidents: list[Incident] | None = None,
) -> dict[tuple[int, date], Tally]:
    """Per (service, month) from ``first`` to ``last``: how many agreed targets were met —
    availability, the service's own measures, and incidents resolved that month acknowledged and
    resolved within the agreed working hours. ``incidents`` (with their segments) saves loading
    them again when the caller holds a superset of the ones resolved in the period."""
    by_id = {s.pk: s for s in services}
    tallies: dict[tuple[int, date], Tally] = defaultdict(Tally)
    measurements = (
        Measurement.objects.for_org(org)
        .filter(service_id__in=by_id, period__gte=first.replace(day=1), period__lte=last)
        .select_related("metric")
    )
    for row in measurements:
        service = by_id[row.service_id]
        if row.metric is not None:
            tallies[(row.service_id, row.period)] += Tally(int(row.metric.met(row.value)), 1)
        elif service.availability_target is not None:
            tallies[(row.service_id, row.period)] += Tally(int(row.value >= service.availability_target), 1)
    levels = {
        (lvl.service_id, lvl.priority): lvl
        for lvl in ServiceLevel.objects.for_org(org).filter(service_id__in=by_id)
    }
    if levels:
        start, end = _day_bounds(first.replace(day=1), last)
        if incidents is None:
            incidents = list(
                Incident.objects.for_org(org)
                .filter(service_id__in=by_id, resolved_at__gte=start, resolved_at__lt=end)
                .prefetch_related("segments")
            )
        resolved = [
            i
            for i in incidents
            if i.service_id in by_id and i.resolved_at is not None and start <= i.resolved_at < end
        ]
        for key, tally in _incident_checks(resolved, levels, work_calendar(org)).items():
            tallies[key] += tally
    return tallies


def _day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The instants from the start of ``first`` to the end of ``last``, in the installation's zone."""
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(first, time(0), tzinfo=zone),
        datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone),
    )


@dataclass
class ServicePage:
    service: Service
    levels: list[ServiceLevel]
    metrics: list[ServiceMetric]
    months: list[date]
    # Per month: the availability and each measure's value (None where nothing was measured).
    table: list[tuple[date, Measurement | None, list[Measurement | None], Tally]]
    trend: list[tuple[date, float | None]]
    path: list[EscalationLevel]
    initiatives: list[Initiative]
    key_results: list[KeyResult]
    incidents: list[Incident]


def service_page(service: Service, *, today: date | None = None) -> ServicePage:
    """A service with its levels, measures, the last twelve months' measurements and compliance,
    its escalation path, what depends on it and its latest incidents."""
    org = service.organization
    last = (today or timezone.localdate()).replace(day=1)
    months = _months(date(last.year - 1, last.month, 1), last)[-TREND_MONTHS:]
    metrics = list(service.metrics.all())
    measured = {
        (m.metric_id, m.period): m
        for m in Measurement.objects.for_org(org).filter(service=service, period__gte=months[0])
    }
    tallies = compliance(org, [service], months[0], timezone.localdate() if today is None else today)
    table = [
        (
            month,
            measured.get((None, month)),
            [measured.get((m.pk, month)) for m in metrics],
            tallies.get((service.pk, month), Tally()),
        )
        for month in reversed(months)
    ]
    return ServicePage(
        service=service,
        levels=list(service.levels.all()),
        metrics=metrics,
        months=months,
        table=table,
        trend=[(month, tallies.get((service.pk, month), Tally()).percent) for month in months],
        path=list(
            EscalationLevel.objects.for_org(org)
            .filter(path__service=service)
            .select_related("party", "membership__user")
        ),
        initiatives=list(service.initiatives.all()),
        key_results=list(service.key_results.select_related("objective")),
        incidents=list(service.incidents.select_related("party")[:10]),
    )


def incident_levels(incident: Incident) -> list[EscalationLevel]:
    """The escalation path that applies to an incident: its service's when that has levels, else
    its initiative's."""
    levels = EscalationLevel.objects.for_org(incident.organization).select_related(
        "party", "membership__user"
    )
    if incident.service_id is not None:
        found = list(levels.filter(path__service_id=incident.service_id))
        if found:
            return found
    if incident.initiative_id is not None:
        return list(levels.filter(path__initiative_id=incident.initiative_id))
    return []


def escalation_path(
    org: Organization, *, service: Service | None = None, initiative: Initiative | None = None
) -> list[EscalationLevel]:
    levels = EscalationLevel.objects.for_org(org).select_related("party", "membership__user")
    if service is not None:
        return list(levels.filter(path__service=service))
    return list(levels.filter(path__initiative=initiative))


# --- Incidents --------------------------------------------------------------------------------


def incident_list(incidents: QuerySet[Incident], *, status: str = "unresolved") -> QuerySet[Incident]:
    """Incidents (already limited to what the reader may see), latest raised first: those not
    resolved (``unresolved``, the default), ``all``, or those in one status."""
    rows = incidents.select_related("party", "service", "initiative")
    if status == "unresolved":
        rows = rows.exclude(status=IncidentStatus.RESOLVED)
    elif status in IncidentStatus.values:
        rows = rows.filter(status=status)
    return rows.order_by("-raised_at", "-pk")


@dataclass
class PartyClock:
    """One party's clock on an incident: the working time it held it (pauses left out), when it
    first acknowledged it, and how long that took on its own clock."""

    party: Party
    seconds: int
    acknowledged_at: datetime | None
    acknowledge_seconds: int | None
    pauses: list[IncidentSegment]


@dataclass
class IncidentPage:
    incident: Incident
    events: list[IncidentEvent]
    clocks: list[PartyClock]
    times: IncidentTimes
    level: ServiceLevel | None
    path: list[EscalationLevel]
    review: IncidentReview | None


def party_clocks(segments: list[IncidentSegment], calendar: WorkCalendar, now: datetime) -> list[PartyClock]:
    """Each party's own clock on one incident, in the order they first held it."""
    parties: dict[int, Party] = {}
    for segment in segments:
        parties.setdefault(segment.party_id, segment.party)
    clocks = []
    for party_id, party in parties.items():
        own = [s for s in segments if s.party_id == party_id]
        acked = min((s.acknowledged_at for s in own if s.acknowledged_at), default=None)
        clock = _running(own)
        clocks.append(
            PartyClock(
                party=party,
                seconds=clock_seconds(clock, calendar, now),
                acknowledged_at=acked,
                acknowledge_seconds=clock_seconds(clock, calendar, acked) if acked else None,
                pauses=[s for s in own if s.kind == SegmentKind.PAUSED],
            )
        )
    return clocks


def incident_page(incident: Incident, *, now: datetime | None = None) -> IncidentPage:
    """An incident with its timeline, each party's clock, its times against the service level
    and the escalation path that applies."""
    org = incident.organization
    calendar = work_calendar(org)
    segments = list(incident.segments.select_related("party"))
    moment = now or timezone.now()
    level = None
    if incident.service_id is not None:
        level = (
            ServiceLevel.objects.for_org(org)
            .filter(service_id=incident.service_id, priority=incident.priority)
            .first()
        )
    path = incident_levels(incident)
    return IncidentPage(
        incident=incident,
        events=list(incident.events.select_related("actor__user", "party")),
        clocks=party_clocks(segments, calendar, moment),
        times=incident_times(incident, segments, calendar),
        level=level,
        path=path,
        review=IncidentReview.objects.for_org(org)
        .filter(incident=incident)
        .select_related("written_by__user")
        .first(),
    )


def reviews_since(org: Organization, since: datetime) -> list[IncidentReview]:
    """Post-incident reviews written since ``since``: what the weekly review picks up."""
    return list(IncidentReview.objects.for_org(org).filter(written_at__gte=since).select_related("incident"))


# --- Ratings and the party scorecard ----------------------------------------------------------


def parties_to_rate(membership: Membership, quarter: date) -> list[Party]:
    """The parties a business co-lead may rate: those in the RACI matrix of, or running a service
    for, an initiative they co-lead for the business."""
    if membership.side != Side.BUSINESS:
        return []
    org = membership.organization
    led = Initiative.objects.for_org(org).filter(business_co_lead=membership)
    return list(
        Party.objects.for_org(org)
        .filter(is_active=True)
        .filter(Q(raci_columns__initiative__in=led) | Q(services__initiatives__in=led))
        .distinct()
        .order_by(Lower("name"), "pk")
    )


def rated_party_ids(membership: Membership, quarter: date) -> set[int]:
    return set(
        PartyRatingReceipt.objects.for_org(membership.organization)
        .filter(membership=membership, quarter=quarter)
        .values_list("party_id", flat=True)
    )


@dataclass
class ScoreRow:
    """One party's quarter, comparable with the others'."""

    party: Party
    service_levels: Tally
    incidents: dict[str, int]
    mtta_hours: float | None
    mttr_hours: float | None
    escalations: int
    responsiveness: Tally
    escalation_free: Tally
    raci: dict[str, int]
    contributions: int
    rating: float | None  # the mean, only when it may be shown
    rating_note: str  # why no rating is shown ("" when it is)
    score: float | None = None

    @property
    def components(self) -> dict[str, float | None]:
        return {
            "service_levels": self.service_levels.percent,
            "rating": scorecard.rating_percent(self.rating),
            "responsiveness": self.responsiveness.percent,
            "escalation_free": self.escalation_free.percent,
        }


@dataclass
class Scorecard:
    quarter: date
    rows: list[ScoreRow]
    ratings_open: bool
    threshold: int


def _rating_threshold(org: Organization) -> int:
    from tandem.surveys.models import DEFAULT_THRESHOLD, SurveySettings

    row = SurveySettings.objects.filter(organization=org).only("threshold").first()
    return row.threshold if row is not None else DEFAULT_THRESHOLD


def scorecard_rows(
    org: Organization, parties: list[Party], quarter: date, *, today: date | None = None
) -> Scorecard:
    """The quarter's scorecard of ``parties`` (already limited to what the reader may see), best
    score first. A fixed number of queries whatever the number of parties."""
    day = today or timezone.localdate()
    last = scorecard.quarter_end(quarter)
    ids = [p.pk for p in parties]
    ratings_open = day - timedelta(days=RATING_GRACE_DAYS) <= last
    threshold = _rating_threshold(org)
    services = list(Service.objects.for_org(org).filter(party_id__in=ids))
    service_party = {s.pk: s.party_id for s in services}
    loaded = _quarter_incidents(org, ids, list(service_party), quarter, last)
    sla: dict[int, Tally] = defaultdict(Tally)
    for (service_id, _month), tally in compliance(org, services, quarter, last, incidents=loaded).items():
        sla[service_party[service_id]] += tally
    start, end = _day_bounds(quarter, last)
    incidents = [
        i for i in loaded if start <= i.raised_at < end and any(s.party_id in ids for s in _segments_of(i))
    ]
    # The levels of the incidents' services, whoever runs them: a party that held an incident of
    # another party's service answers to that service's level.
    levels = {
        (lvl.service_id, lvl.priority): lvl
        for lvl in ServiceLevel.objects.for_org(org).filter(
            service_id__in={i.service_id for i in incidents if i.service_id is not None}
        )
    }
    facts = _incident_facts(org, incidents, set(ids), levels, work_calendar(org), quarter, last)
    escalations = dict(
        IncidentEvent.objects.for_org(org)
        .filter(kind=IncidentEventKind.ESCALATED, party_id__in=ids, at__gte=start, at__lt=end)
        .values_list("party_id")
        .annotate(n=Count("pk"))
        .values_list("party_id", "n")
    )
    raci_load: dict[int, dict[str, int]] = defaultdict(lambda: {"R": 0, "A": 0, "C": 0, "I": 0})
    for party_id, letter, n in (
        RaciAssignment.objects.for_org(org)
        .filter(column__party_id__in=ids)
        .values_list("column__party_id", "letter")
        .annotate(n=Count("pk"))
        .values_list("column__party_id", "letter", "n")
    ):
        raci_load[party_id][letter] = n
    contributions = dict(
        Contribution.objects.for_org(org)
        .filter(party_id__in=ids)
        .values_list("party_id")
        .annotate(n=Count("pk"))
        .values_list("party_id", "n")
    )
    ratings = {
        row["party_id"]: (row["n"], row["mean"])
        for row in PartyRating.objects.for_org(org)
        .filter(party_id__in=ids, quarter=quarter)
        .values("party_id")
        .annotate(n=Count("pk"), mean=Avg("score"))
    }
    rows = []
    for party in parties:
        n, average = ratings.get(party.pk, (0, None))
        if ratings_open:
            shown, note = None, _("Ratings are still coming in.")
        elif n < threshold:
            shown, note = None, _("Fewer than %(n)s ratings: not shown.") % {"n": threshold}
        else:
            shown, note = float(average), ""
        fact = facts[party.pk]
        row = ScoreRow(
            party=party,
            service_levels=sla.get(party.pk, Tally()),
            incidents=fact.severity,
            mtta_hours=_hours(fact.acknowledge),
            mttr_hours=_hours(fact.resolve),
            escalations=escalations.get(party.pk, 0),
            responsiveness=fact.responsive,
            escalation_free=fact.not_escalated,
            raci=raci_load[party.pk],
            contributions=contributions.get(party.pk, 0),
            rating=shown,
            rating_note=note,
        )
        row.score = scorecard.score(row.components)
        rows.append(row)
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0), r.party.name.casefold(), r.party.pk))
    return Scorecard(quarter=quarter, rows=rows, ratings_open=ratings_open, threshold=threshold)


def _hours(seconds: list[int]) -> float | None:
    average = scorecard.mean(seconds)
    return None if average is None else average / 3600


def _quarter_incidents(
    org: Organization, ids: list[int], service_ids: list[int], first: date, last: date
) -> list[Incident]:
    """In one load, with their segments: the incidents raised in the quarter that any of the
    parties held (their facts), and those of the parties' services resolved in it (compliance).
    Segments come in one query, their parties from one list: a quarter holds thousands."""
    start, end = _day_bounds(first, last)
    chosen = Incident.objects.for_org(org).filter(
        Q(raised_at__gte=start, raised_at__lt=end, segments__party_id__in=ids)
        | Q(service_id__in=service_ids, resolved_at__gte=start, resolved_at__lt=end)
    )
    incidents = list(chosen.distinct())
    by_id = {i.pk: i for i in incidents}
    parties = {p.pk: p for p in Party.objects.for_org(org)}
    for incident in incidents:
        incident.loaded_segments = []  # type: ignore[attr-defined]
    segments = IncidentSegment.objects.for_org(org).filter(incident_id__in=chosen.values("pk"))
    for segment in segments.order_by("started_at", "pk"):
        IncidentSegment.party.field.set_cached_value(segment, parties[segment.party_id])
        by_id[segment.incident_id].loaded_segments.append(segment)  # type: ignore[attr-defined]
    return incidents


def _segments_of(incident: Incident) -> list[IncidentSegment]:
    """An incident's segments: as loaded with it when they were, else from the database."""
    loaded = getattr(incident, "loaded_segments", None)
    return loaded if loaded is not None else list(incident.segments.all())


@dataclass
class _Facts:
    severity: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Priority.values, 0))
    acknowledge: list[int] = field(default_factory=list)
    resolve: list[int] = field(default_factory=list)
    responsive: Tally = field(default_factory=Tally)
    not_escalated: Tally = field(default_factory=Tally)


def _incident_facts(
    org: Organization,
    incidents: list[Incident],
    ids: set[int],
    levels: dict[tuple[int, str], ServiceLevel],
    calendar: WorkCalendar,
    first: date,
    last: date,
) -> dict[int, _Facts]:
    """Per party, from its own clock segments: incidents by severity, times to acknowledge and to
    resolve, acknowledgements in time, and incidents held without an escalation."""
    facts: dict[int, _Facts] = defaultdict(_Facts)
    now = timezone.now()
    escalated = _escalated_holders(org, incidents)
    for incident in incidents:
        segments = _segments_of(incident)
        for clock in party_clocks(segments, calendar, now):
            party_id = clock.party.pk
            if party_id not in ids:
                continue
            fact = facts[party_id]
            fact.severity[incident.priority] = fact.severity.get(incident.priority, 0) + 1
            fact.not_escalated += Tally(int(party_id not in escalated.get(incident.pk, set())), 1)
            if clock.acknowledge_seconds is not None:
                fact.acknowledge.append(clock.acknowledge_seconds)
                level = levels.get((incident.service_id, incident.priority)) if incident.service_id else None
                if level is not None:
                    fact.responsive += Tally(
                        int(clock.acknowledge_seconds <= level.acknowledge_hours * 3600), 1
                    )
            if incident.resolved_at is not None and incident.party_id == party_id:
                fact.resolve.append(clock.seconds)
    return facts


def _escalated_holders(org: Organization, incidents: list[Incident]) -> dict[int, set[int]]:
    """Per incident, the parties that held it when it escalated."""
    found: dict[int, set[int]] = defaultdict(set)
    rows = (
        IncidentEvent.objects.for_org(org)
        .filter(incident_id__in=[i.pk for i in incidents], kind=IncidentEventKind.ESCALATED)
        .values_list("incident_id", "party_id")
    )
    for incident_id, party_id in rows:
        if party_id is not None:
            found[incident_id].add(party_id)
    return found


def default_quarter(today: date | None = None) -> date:
    """The quarter a scorecard opens on: the last one that has ended."""
    return scorecard.previous_quarter(scorecard.quarter_of(today or timezone.localdate()))
