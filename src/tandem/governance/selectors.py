"""Reads of the governance app: the party list with its signals, a party's page, and an
initiative's RACI matrix with the problems its rules find, in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, cast

from django.db.models import Count, Prefetch, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from tandem.core.models import Membership, Organization, Side
from tandem.governance import raci
from tandem.governance.calendar import WorkCalendar
from tandem.governance.models import (
    ClosingDay,
    Contract,
    Contribution,
    Party,
    PartyContact,
    RaciActivity,
    RaciAssignment,
    RaciColumn,
    WorkCalendarSettings,
)
from tandem.strategy.models import Initiative

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
