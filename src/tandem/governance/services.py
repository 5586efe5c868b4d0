"""Writes of the governance app: parties, their contacts, contracts and contributions, and the
RACI matrices of initiatives. Every write checks its input, stays inside the actor's organisation
and lands in the audit log; the pages and the API call these same functions."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tandem.core.access import refuse
from tandem.core.audit import audit_record
from tandem.core.errors import Conflict, ValidationFailed
from tandem.core.models import Membership, Organization, Role, Side
from tandem.core.services import UNCHANGED, Unchanged
from tandem.core.validation import check_date, clean_text
from tandem.governance import raci
from tandem.governance.calendar import WorkCalendar, supported_countries, supported_subdivisions
from tandem.governance.models import (
    Channel,
    ClosingDay,
    Contract,
    Contribution,
    EscalationLevel,
    EscalationPath,
    Incident,
    IncidentEvent,
    IncidentEventKind,
    IncidentReview,
    IncidentSegment,
    IncidentStatus,
    Measurement,
    Party,
    PartyContact,
    PartyKind,
    PartyRating,
    PartyRatingReceipt,
    Priority,
    RaciActivity,
    RaciAssignment,
    RaciColumn,
    Renewal,
    SegmentKind,
    Service,
    ServiceLevel,
    ServiceMetric,
    TemplateActivity,
    WorkCalendarSettings,
)
from tandem.governance.scorecard import quarter_of
from tandem.strategy.models import Initiative, KeyResult, Objective

# The starting template of a RACI matrix when the organisation has not written its own: written
# into the matrix in the language of the person who starts it, and theirs to edit from then on.
DEFAULT_ACTIVITIES = (
    gettext_noop("Requirements"),
    gettext_noop("Design"),
    gettext_noop("Build"),
    gettext_noop("Test"),
    gettext_noop("Deploy"),
    gettext_noop("Run"),
    gettext_noop("Support"),
    gettext_noop("Change approval"),
)
MAX_ACTIVITIES = 40
MAX_COLUMNS = 30


def _audit(
    actor: Membership, action: str, *, target: Any = None, summary: str = "", data: Any = None
) -> None:
    audit_record(
        action=action,
        actor=actor.user,
        organization=actor.organization,
        target=target,
        summary=summary,
        data=data,
    )


# --- Parties ----------------------------------------------------------------------------------


def _party_side(kind: str, side: str) -> str:
    """An external party is on the partner side; an internal team on the business or IT side."""
    if kind not in PartyKind.values:
        raise ValidationFailed(_("Choose what kind of party this is."), field="kind")
    if kind != PartyKind.INTERNAL:
        return Side.PARTNER
    if side not in (Side.BUSINESS, Side.IT):
        raise ValidationFailed(
            _("Say whether this internal team is on the business or the IT side."), field="side"
        )
    return side


def _website(value: Any) -> str:
    text = clean_text(value, field="website", max_length=200)
    if text:
        try:
            URLValidator(schemes=["http", "https"])(text)
        except ValidationError:
            raise ValidationFailed(
                _("Enter a web address that starts with https://."), field="website"
            ) from None
    return text


def _unique_name(org: Organization, name: str, *, exclude: int | None = None) -> None:
    others = Party.objects.for_org(org).filter(name__iexact=name)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if others.exists():
        raise ValidationFailed(
            _("There is already a party called “%(name)s”.") % {"name": name}, field="name"
        )


def party_create(
    *, actor: Membership, name: str, kind: str, side: str = "", description: str = "", website: str = ""
) -> Party:
    """A new party of the actor's organisation."""
    clean_name = clean_text(name, field="name", max_length=120, required=True)
    party = Party(
        organization=actor.organization,
        name=clean_name,
        kind=kind,
        side=_party_side(kind, side),
        description=clean_text(description, field="description", max_length=2000),
        website=_website(website),
    )
    _unique_name(actor.organization, clean_name)
    with transaction.atomic():
        party.save()
        _audit(actor, "governance.party_created", target=party, summary=party.name, data={"kind": kind})
    return party


def party_update(
    *,
    actor: Membership,
    party: Party,
    name: str | Unchanged = UNCHANGED,
    kind: str | Unchanged = UNCHANGED,
    side: str | Unchanged = UNCHANGED,
    description: str | Unchanged = UNCHANGED,
    website: str | Unchanged = UNCHANGED,
    is_active: bool | Unchanged = UNCHANGED,
) -> Party:
    """Change a party; only the fields given change."""
    changes: dict[str, list[Any]] = {}
    new: dict[str, Any] = {}
    if not isinstance(name, Unchanged):
        new["name"] = clean_text(name, field="name", max_length=120, required=True)
        _unique_name(party.organization, new["name"], exclude=party.pk)
    if not isinstance(kind, Unchanged) or not isinstance(side, Unchanged):
        new_kind = party.kind if isinstance(kind, Unchanged) else kind
        new_side = party.side if isinstance(side, Unchanged) else side
        new["kind"], new["side"] = new_kind, _party_side(new_kind, new_side)
    if not isinstance(description, Unchanged):
        new["description"] = clean_text(description, field="description", max_length=2000)
    if not isinstance(website, Unchanged):
        new["website"] = _website(website)
    if not isinstance(is_active, Unchanged):
        new["is_active"] = bool(is_active)
    for key, value in new.items():
        if getattr(party, key) != value:
            changes[key] = [getattr(party, key), value]
            setattr(party, key, value)
    if changes:
        with transaction.atomic():
            party.save()
            _audit(
                actor,
                "governance.party_updated",
                target=party,
                summary=party.name,
                data={"changed": sorted(changes)},
            )
    return party


def contact_add(
    *,
    actor: Membership,
    party: Party,
    membership: Membership | None = None,
    name: str = "",
    email: str = "",
    role: str = "",
) -> PartyContact:
    """A person of ``party``: a member of the organisation, or an external e-mail address.

    A member on the partner side is a contact of external parties only, and sees those parties'
    work from then on; an internal member may be a contact of any party (the team lead, say).
    """
    address = clean_text(email, field="email", max_length=254).lower()
    if membership is None and not address:
        raise ValidationFailed(_("Choose a member or give an e-mail address."), field="email")
    if membership is not None:
        if membership.organization_id != party.organization_id or not membership.is_active:
            raise ValidationFailed(_("Choose an active member of this organisation."), field="membership")
        if membership.role == Role.PARTNER and not party.external:
            raise ValidationFailed(
                _("A member on the partner side can only be a contact of an external party."),
                field="membership",
            )
        address = ""
    else:
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationFailed(_("Enter a valid e-mail address."), field="email") from None
    contact = PartyContact(
        organization=party.organization,
        party=party,
        membership=membership,
        name=clean_text(name, field="name", max_length=120),
        email=address,
        role=clean_text(role, field="role", max_length=120),
    )
    try:
        with transaction.atomic():
            contact.save()
            _audit(actor, "governance.contact_added", target=party, summary=party.name)
    except IntegrityError:
        raise Conflict(_("This person is already a contact of %(party)s.") % {"party": party.name}) from None
    return contact


def contact_remove(*, actor: Membership, party: Party, contact_id: int) -> None:
    """Remove a contact; a partner-side member who was one no longer sees the party's work."""
    with transaction.atomic():
        deleted, _rows = (
            PartyContact.objects.for_org(party.organization).filter(party=party, pk=contact_id).delete()
        )
        if deleted:
            _audit(actor, "governance.contact_removed", target=party, summary=party.name)


# --- Contracts --------------------------------------------------------------------------------


def _money(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value).replace(" ", ""))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("Enter an amount such as 125000 or 125000.50."), field="value") from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
        raise ValidationFailed(_("Enter an amount from 0 up to 999,999,999,999.99."), field="value")
    return amount.quantize(Decimal("0.01"))


def _currency(value: Any, amount: Decimal | None) -> str:
    code = clean_text(value, field="currency", max_length=3).upper()
    if code and (len(code) != 3 or not code.isalpha()):
        raise ValidationFailed(_("Enter a three-letter currency code such as EUR."), field="currency")
    if amount is not None and not code:
        raise ValidationFailed(_("Say in which currency the value is."), field="currency")
    return code


def _whole(value: Any, field: str, *, most: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationFailed(_("Enter a whole number."), field=field) from None
    if not 0 <= number <= most:
        raise ValidationFailed(_("Enter a number from 0 to %(most)s.") % {"most": most}, field=field)
    return number


def _contract_fields(data: dict[str, Any], contract: Contract) -> None:  # noqa: C901 (one check per field of a partial update)
    if "title" in data:
        contract.title = clean_text(data["title"], field="title", max_length=200, required=True)
    if "reference" in data:
        contract.reference = clean_text(data["reference"], field="reference", max_length=80)
    if "starts_on" in data:
        contract.starts_on = check_date(data["starts_on"], field="starts_on", within="any", required=True)  # type: ignore[assignment]
    if "ends_on" in data:
        contract.ends_on = check_date(data["ends_on"], field="ends_on", within="any")
    if "value" in data or "currency" in data:
        value = _money(data.get("value", contract.value))
        contract.value, contract.currency = value, _currency(data.get("currency", contract.currency), value)
    if "notice_days" in data:
        contract.notice_days = _whole(data["notice_days"], "notice_days", most=3650)
    if "alert_days" in data:
        contract.alert_days = _whole(data["alert_days"], "alert_days", most=365)
    if "renewal" in data:
        if data["renewal"] not in Renewal.values:
            raise ValidationFailed(_("Choose how the contract renews."), field="renewal")
        contract.renewal = data["renewal"]
    if contract.ends_on is not None and contract.ends_on < contract.starts_on:
        raise ValidationFailed(_("The end cannot be before the start."), field="ends_on")


def contract_add(*, actor: Membership, party: Party, **fields: Any) -> Contract:
    """A contract with ``party``: title and start required; end, value, notice and renewal optional."""
    contract = Contract(organization=party.organization, party=party)
    _contract_fields({"title": "", "starts_on": None, **fields}, contract)
    with transaction.atomic():
        contract.save()
        _audit(actor, "governance.contract_added", target=party, summary=contract.title)
    return contract


def contract_update(*, actor: Membership, contract: Contract, **fields: Any) -> Contract:
    """Change a contract; only the fields given change."""
    _contract_fields(fields, contract)
    with transaction.atomic():
        contract.save()
        _audit(actor, "governance.contract_updated", target=contract.party, summary=contract.title)
    return contract


def contract_remove(*, actor: Membership, contract: Contract) -> None:
    with transaction.atomic():
        party, title = contract.party, contract.title
        contract.delete()
        _audit(actor, "governance.contract_removed", target=party, summary=title)


# --- Contributions to shared objectives -------------------------------------------------------


def contribution_set(
    *, actor: Membership, party: Party, objective: Objective, contribution: str
) -> Contribution:
    """Record (or reword) how ``party`` contributes to a shared objective, in a sentence."""
    if objective.organization_id != party.organization_id:
        raise ValidationFailed(_("Choose an objective of this organisation."), field="objective")
    words = clean_text(contribution, field="contribution", max_length=300, required=True)
    with transaction.atomic():
        row, _created = Contribution.objects.for_org(party.organization).update_or_create(
            party=party,
            objective=objective,
            defaults={"organization": party.organization, "contribution": words},
        )
        _audit(actor, "governance.contribution_set", target=party, summary=objective.title)
    return row


def contribution_remove(*, actor: Membership, party: Party, contribution_id: int) -> None:
    with transaction.atomic():
        deleted, _rows = (
            Contribution.objects.for_org(party.organization).filter(party=party, pk=contribution_id).delete()
        )
        if deleted:
            _audit(actor, "governance.contribution_removed", target=party, summary=party.name)


# --- RACI -------------------------------------------------------------------------------------


def _activity_name(value: Any) -> str:
    return clean_text(value, field="name", max_length=120, required=True)


def template_set(*, actor: Membership, names: Sequence[str]) -> list[TemplateActivity]:
    """Replace the organisation's starting RACI template by ``names``, in this order."""
    clean = [_activity_name(name) for name in names if str(name).strip()]
    if len({name.lower() for name in clean}) != len(clean):
        raise ValidationFailed(_("Each activity can be in the template only once."), field="names")
    if len(clean) > MAX_ACTIVITIES:
        raise ValidationFailed(
            _("A template holds at most %(n)s activities.") % {"n": MAX_ACTIVITIES}, field="names"
        )
    org = actor.organization
    with transaction.atomic():
        TemplateActivity.objects.for_org(org).delete()
        rows = TemplateActivity.objects.bulk_create(
            TemplateActivity(organization=org, name=name, position=i) for i, name in enumerate(clean)
        )
        _audit(actor, "governance.raci_template_changed", data={"activities": len(rows)})
    return rows


def template_names(org: Any) -> list[str]:
    """The organisation's starting activities; the default eight in the active language when it
    wrote none."""
    names = list(TemplateActivity.objects.for_org(org).values_list("name", flat=True))
    return names or [_(name) for name in DEFAULT_ACTIVITIES]


def _raci_changed(actor: Membership, initiative: Initiative, what: str) -> None:
    _audit(
        actor, "governance.raci_changed", target=initiative, summary=initiative.title, data={"change": what}
    )


def matrix_start(*, actor: Membership, initiative: Initiative) -> list[RaciActivity]:
    """Give an initiative without activities the organisation's starting template."""
    org = initiative.organization
    if RaciActivity.objects.for_org(org).filter(initiative=initiative).exists():
        raise Conflict(_("This matrix already has activities."))
    with transaction.atomic():
        rows = RaciActivity.objects.bulk_create(
            RaciActivity(organization=org, initiative=initiative, name=name, position=i)
            for i, name in enumerate(template_names(org))
        )
        _raci_changed(actor, initiative, "started")
    return rows


def _next_position(queryset: Any) -> int:
    highest = queryset.aggregate(top=Max("position"))["top"]
    return 0 if highest is None else highest + 1


def activity_add(*, actor: Membership, initiative: Initiative, name: str) -> RaciActivity:
    clean = _activity_name(name)
    activities = RaciActivity.objects.for_org(initiative.organization).filter(initiative=initiative)
    if activities.count() >= MAX_ACTIVITIES:
        raise Conflict(_("A matrix holds at most %(n)s activities.") % {"n": MAX_ACTIVITIES})
    if activities.filter(name__iexact=clean).exists():
        raise ValidationFailed(
            _("This matrix already has the activity “%(name)s”.") % {"name": clean}, field="name"
        )
    with transaction.atomic():
        activity = RaciActivity.objects.create(
            organization=initiative.organization,
            initiative=initiative,
            name=clean,
            position=_next_position(activities),
        )
        _raci_changed(actor, initiative, "activity added")
    return activity


def activity_rename(*, actor: Membership, activity: RaciActivity, name: str) -> RaciActivity:
    clean = _activity_name(name)
    siblings = RaciActivity.objects.for_org(activity.organization).filter(
        initiative_id=activity.initiative_id
    )
    if siblings.exclude(pk=activity.pk).filter(name__iexact=clean).exists():
        raise ValidationFailed(
            _("This matrix already has the activity “%(name)s”.") % {"name": clean}, field="name"
        )
    with transaction.atomic():
        activity.name = clean
        activity.save(update_fields=["name"])
        _raci_changed(actor, activity.initiative, "activity renamed")
    return activity


def activity_remove(*, actor: Membership, activity: RaciActivity) -> None:
    with transaction.atomic():
        initiative = activity.initiative
        activity.delete()
        _raci_changed(actor, initiative, "activity removed")


def _reorder(rows: list[Any], pk: int, offset: int) -> bool:
    """Move the row ``pk`` one place up (-1) or down (+1) among ``rows`` (in their order) and save
    the positions that changed; False when it is already at that end."""
    index = next(i for i, row in enumerate(rows) if row.pk == pk)
    target = index + (1 if offset > 0 else -1)
    if not 0 <= target < len(rows):
        return False
    rows[index], rows[target] = rows[target], rows[index]
    for position, row in enumerate(rows):
        if row.position != position:
            row.position = position
            row.save(update_fields=["position"])
    return True


def activity_move(*, actor: Membership, activity: RaciActivity, offset: int) -> None:
    """Move an activity up (-1) or down (+1) in its matrix."""
    siblings = list(
        RaciActivity.objects.for_org(activity.organization).filter(initiative_id=activity.initiative_id)
    )
    with transaction.atomic():
        if _reorder(siblings, activity.pk, offset):
            _raci_changed(actor, activity.initiative, "activity moved")


def column_add(
    *,
    actor: Membership,
    initiative: Initiative,
    party: Party | None = None,
    membership: Membership | None = None,
) -> RaciColumn:
    """A party or a person as a new column of the matrix."""
    org = initiative.organization
    if (party is None) == (membership is None):
        raise ValidationFailed(_("Choose a party or a person."), field="column")
    if party is not None and (party.organization_id != org.pk or not party.is_active):
        raise ValidationFailed(_("Choose an active party of this organisation."), field="party")
    if membership is not None and (membership.organization_id != org.pk or not membership.is_active):
        raise ValidationFailed(_("Choose an active member of this organisation."), field="membership")
    columns = RaciColumn.objects.for_org(org).filter(initiative=initiative)
    if columns.count() >= MAX_COLUMNS:
        raise Conflict(_("A matrix holds at most %(n)s columns.") % {"n": MAX_COLUMNS})
    try:
        with transaction.atomic():
            column = RaciColumn.objects.create(
                organization=org,
                initiative=initiative,
                party=party,
                membership=membership,
                position=_next_position(columns),
            )
            _raci_changed(actor, initiative, "column added")
    except IntegrityError:
        raise Conflict(_("That column is already in the matrix.")) from None
    return column


def column_remove(*, actor: Membership, column: RaciColumn) -> None:
    with transaction.atomic():
        initiative = column.initiative
        column.delete()
        _raci_changed(actor, initiative, "column removed")


def cell_set(*, actor: Membership, activity: RaciActivity, column: RaciColumn, letter: str) -> str | None:
    """Set one cell to R, A, C or I (case and spaces ignored), or empty it with ""."""
    if activity.initiative_id != column.initiative_id:
        raise ValidationFailed(_("That cell is not in this matrix."), field="cell")
    try:
        value = raci.parse_letter(letter)
    except ValueError:
        raise ValidationFailed(_("Enter R, A, C or I, or leave the cell empty."), field="letter") from None
    org = activity.organization
    with transaction.atomic():
        if value is None:
            RaciAssignment.objects.for_org(org).filter(activity=activity, column=column).delete()
        else:
            RaciAssignment.objects.for_org(org).update_or_create(
                activity=activity, column=column, defaults={"organization": org, "letter": value}
            )
        _raci_changed(actor, activity.initiative, "cell")
    return value


def _only_own_columns(org: Organization, cells: Mapping[tuple[int, int], str], own: set[int]) -> None:
    """A partner sets cells of their own party's column only: any other is not found to them."""
    if any(column_id not in own for _activity, column_id in cells):
        raise refuse("not this party's column", org=org)


def cells_set(
    *,
    actor: Membership,
    initiative: Initiative,
    cells: Mapping[tuple[int, int], str],
    only_columns: set[int] | None = None,
) -> int:
    """Save a whole matrix at once (the editor's form): every cell is checked first, then all are
    written, so a bad letter saves nothing. With ``only_columns`` (a partner's own column), a cell
    of any other column is refused as not found. Returns how many cells changed."""
    org = initiative.organization
    activities = set(
        RaciActivity.objects.for_org(org).filter(initiative=initiative).values_list("pk", flat=True)
    )
    columns = set(RaciColumn.objects.for_org(org).filter(initiative=initiative).values_list("pk", flat=True))
    if only_columns is not None:
        _only_own_columns(org, cells, only_columns)
        columns &= only_columns
    wanted: dict[tuple[int, int], str | None] = {}
    for (activity_id, column_id), text in cells.items():
        if activity_id not in activities or column_id not in columns:
            raise ValidationFailed(_("That cell is not in this matrix."), field="cell")
        try:
            wanted[(activity_id, column_id)] = raci.parse_letter(text)
        except ValueError:
            raise ValidationFailed(
                _("Enter R, A, C or I, or leave the cell empty."), field=f"cell-{activity_id}-{column_id}"
            ) from None
    existing = {
        (a.activity_id, a.column_id): a
        for a in RaciAssignment.objects.for_org(org).filter(activity__initiative=initiative)
    }
    changed = 0
    with transaction.atomic():
        for key, letter in wanted.items():
            row = existing.get(key)
            if letter is None and row is not None:
                row.delete()
            elif letter is not None and row is None:
                RaciAssignment.objects.create(
                    organization=org, activity_id=key[0], column_id=key[1], letter=letter
                )
            elif letter is not None and row is not None and row.letter != letter:
                row.letter = letter
                row.save(update_fields=["letter"])
            else:
                continue
            changed += 1
        if changed:
            _raci_changed(actor, initiative, "cells")
    return changed


# --- The working calendar ---------------------------------------------------------------------


def _calendar_checked(
    *, time_zone: str, weekdays: Sequence[int], day_start: time, day_end: time, country: str, subdivision: str
) -> WorkCalendar:
    """The calendar the fields make, each refusal named by its field and in the reader's language."""
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValidationFailed(_("Choose a time zone such as Europe/Amsterdam."), field="time_zone") from None
    days = sorted(set(weekdays))
    if not days or any(day not in range(7) for day in days):
        raise ValidationFailed(_("Choose at least one working day."), field="weekdays")
    if not isinstance(day_start, time) or not isinstance(day_end, time) or day_end <= day_start:
        raise ValidationFailed(_("The working day must end after it starts."), field="day_end")
    code = (country or "").strip().upper()
    if code and code not in supported_countries():
        raise ValidationFailed(_("Choose a country Tandem knows the public holidays of."), field="country")
    region = (subdivision or "").strip()
    if region and (not code or region.casefold() not in {s.casefold() for s in supported_subdivisions(code)}):
        raise ValidationFailed(
            _("Choose a region of the country, or leave it empty for the national holidays."),
            field="subdivision",
        )
    try:
        return WorkCalendar(
            timezone=time_zone,
            weekdays=frozenset(days),
            day_start=day_start.replace(microsecond=0),
            day_end=day_end.replace(microsecond=0),
            country=code,
            subdivision=region,
        )
    except ValueError:
        raise ValidationFailed(
            _("These working hours cannot be used; check each field."), field="time_zone"
        ) from None


def calendar_update(
    *,
    actor: Membership,
    time_zone: str,
    weekdays: Sequence[int],
    day_start: time,
    day_end: time,
    country: str = "",
    subdivision: str = "",
) -> WorkCalendarSettings:
    """Set the organisation's working days and hours and the country whose public holidays count."""
    calendar = _calendar_checked(
        time_zone=time_zone,
        weekdays=weekdays,
        day_start=day_start,
        day_end=day_end,
        country=country,
        subdivision=subdivision,
    )
    org = actor.organization
    with transaction.atomic():
        row, _created = WorkCalendarSettings.objects.update_or_create(
            organization=org,
            defaults={
                "time_zone": calendar.timezone,
                "weekdays": ",".join(str(d) for d in sorted(calendar.weekdays)),
                "day_start": calendar.day_start,
                "day_end": calendar.day_end,
                "country": calendar.country,
                "subdivision": calendar.subdivision,
            },
        )
        _audit(
            actor,
            "governance.calendar_changed",
            data={"time_zone": calendar.timezone, "country": calendar.country, "weekdays": row.weekdays},
        )
    return row


def closing_day_add(*, actor: Membership, day: Any, name: str = "") -> ClosingDay:
    """A day the organisation is closed on top of the public holidays."""
    when = cast(date, check_date(day, field="day", within="any", required=True))
    words = clean_text(name, field="name", max_length=120)
    org = actor.organization
    if ClosingDay.objects.for_org(org).filter(day=when).exists():
        raise ValidationFailed(_("That day is already a closing day."), field="day")
    with transaction.atomic():
        row = ClosingDay.objects.create(organization=org, day=when, name=words)
        _audit(actor, "governance.closing_day_added", summary=words, data={"day": str(when)})
    return row


def closing_day_remove(*, actor: Membership, closing_day: ClosingDay) -> None:
    with transaction.atomic():
        day = closing_day.day
        closing_day.delete()
        _audit(actor, "governance.closing_day_removed", data={"day": str(day)})


# --- Services and their service levels --------------------------------------------------------

MAX_LEVEL_HOURS = Decimal(2000)
BIG = Decimal("1e10")  # the largest value a measure may take, either way


def _decimal(value: Any, *, field: str, low: Decimal, high: Decimal, required: bool = True) -> Decimal | None:
    """A number typed by a person: "99,9" and "99.9" alike; refused outside [low, high]."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationFailed(_("Enter a number."), field=field)
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ".")) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("Enter a number such as 4 or 99.9."), field=field) from None
    if not number.is_finite() or not low <= number <= high:
        raise ValidationFailed(
            _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}, field=field
        )
    return number


def _hours(value: Any, field: str) -> Decimal:
    hours = cast(Decimal, _decimal(value, field=field, low=Decimal("0.25"), high=MAX_LEVEL_HOURS))
    return hours.quantize(Decimal("0.01"))


def _service_name(org: Organization, value: Any, *, exclude: int | None = None) -> str:
    name = clean_text(value, field="name", max_length=120, required=True)
    others = Service.objects.for_org(org).filter(name__iexact=name)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if others.exists():
        raise ValidationFailed(
            _("There is already a service called “%(name)s”.") % {"name": name}, field="name"
        )
    return name


def _service_party(org: Organization, party: Party) -> Party:
    if party.organization_id != org.pk or not party.is_active:
        raise ValidationFailed(_("Choose an active party of this organisation."), field="party")
    return party


def _same_org(org: Organization, rows: Sequence[Any], field: str) -> list[Any]:
    if any(row.organization_id != org.pk for row in rows):
        raise ValidationFailed(_("Choose from this organisation only."), field=field)
    return list(rows)


def _availability(value: Any) -> Decimal | None:
    return _decimal(value, field="availability_target", low=Decimal(0), high=Decimal(100), required=False)


def service_create(
    *,
    actor: Membership,
    party: Party,
    name: str,
    description: str = "",
    availability_target: Any = None,
    initiatives: Sequence[Initiative] = (),
    key_results: Sequence[KeyResult] = (),
) -> Service:
    """A service ``party`` runs, with the initiatives and key results that depend on it."""
    org = actor.organization
    service = Service(
        organization=org,
        party=_service_party(org, party),
        name=_service_name(org, name),
        description=clean_text(description, field="description", max_length=2000),
        availability_target=_availability(availability_target),
    )
    linked = _same_org(org, initiatives, "initiatives"), _same_org(org, key_results, "key_results")
    with transaction.atomic():
        service.save()
        service.initiatives.set(linked[0])
        service.key_results.set(linked[1])
        _audit(actor, "governance.service_created", target=service, summary=service.name)
    return service


def service_update(*, actor: Membership, service: Service, **fields: Any) -> Service:
    """Change a service; only the fields given change (``initiatives`` and ``key_results`` replace
    the links when given)."""
    org = actor.organization
    if "name" in fields:
        service.name = _service_name(org, fields["name"], exclude=service.pk)
    if "party" in fields:
        service.party = _service_party(org, fields["party"])
    if "description" in fields:
        service.description = clean_text(fields["description"], field="description", max_length=2000)
    if "availability_target" in fields:
        service.availability_target = _availability(fields["availability_target"])
    if "is_active" in fields:
        service.is_active = bool(fields["is_active"])
    initiatives = _same_org(org, fields["initiatives"], "initiatives") if "initiatives" in fields else None
    key_results = _same_org(org, fields["key_results"], "key_results") if "key_results" in fields else None
    with transaction.atomic():
        service.save()
        if initiatives is not None:
            service.initiatives.set(initiatives)
        if key_results is not None:
            service.key_results.set(key_results)
        _audit(
            actor,
            "governance.service_updated",
            target=service,
            summary=service.name,
            data={"changed": sorted(fields)},
        )
    return service


def service_level_set(
    *, actor: Membership, service: Service, priority: str, acknowledge_hours: Any, resolve_hours: Any
) -> ServiceLevel:
    """Agree (or change) how fast an incident of ``priority`` is acknowledged and resolved, in
    working hours."""
    if priority not in Priority.values:
        raise ValidationFailed(_("Choose a priority."), field="priority")
    acknowledge = _hours(acknowledge_hours, "acknowledge_hours")
    resolve = _hours(resolve_hours, "resolve_hours")
    if resolve < acknowledge:
        raise ValidationFailed(
            _("Resolving cannot be agreed faster than acknowledging."), field="resolve_hours"
        )
    with transaction.atomic():
        row, _created = ServiceLevel.objects.for_org(service.organization).update_or_create(
            service=service,
            priority=priority,
            defaults={
                "organization": service.organization,
                "acknowledge_hours": acknowledge,
                "resolve_hours": resolve,
            },
        )
        _audit(
            actor,
            "governance.service_level_set",
            target=service,
            summary=service.name,
            data={"priority": priority},
        )
    return row


def service_level_remove(*, actor: Membership, service: Service, priority: str) -> None:
    with transaction.atomic():
        deleted, _rows = (
            ServiceLevel.objects.for_org(service.organization)
            .filter(service=service, priority=priority)
            .delete()
        )
        if deleted:
            _audit(
                actor,
                "governance.service_level_removed",
                target=service,
                summary=service.name,
                data={"priority": priority},
            )


def metric_add(
    *,
    actor: Membership,
    service: Service,
    name: str,
    target: Any,
    unit: str = "",
    higher_is_better: bool = True,
) -> ServiceMetric:
    """A measure of the service agreed on top of availability, with its target."""
    clean = clean_text(name, field="name", max_length=120, required=True)
    if (
        ServiceMetric.objects.for_org(service.organization)
        .filter(service=service, name__iexact=clean)
        .exists()
    ):
        raise ValidationFailed(
            _("This service already has the measure “%(name)s”.") % {"name": clean}, field="name"
        )
    with transaction.atomic():
        metric = ServiceMetric.objects.create(
            organization=service.organization,
            service=service,
            name=clean,
            unit=clean_text(unit, field="unit", max_length=30),
            target=cast(Decimal, _decimal(target, field="target", low=-BIG, high=BIG)),
            higher_is_better=bool(higher_is_better),
        )
        _audit(actor, "governance.metric_added", target=service, summary=clean)
    return metric


def metric_remove(*, actor: Membership, metric: ServiceMetric) -> None:
    with transaction.atomic():
        service, name = metric.service, metric.name
        metric.delete()
        _audit(actor, "governance.metric_removed", target=service, summary=name)


def _month(value: Any, field: str = "period") -> date:
    """A month as its first day: "2026-09", "2026-09-01" or a date; this month at the latest."""
    if isinstance(value, str) and len(value.strip()) == 7:
        value = value.strip() + "-01"
    month = cast(date, check_date(value, field=field, within="any", required=True)).replace(day=1)
    if month > timezone.localdate().replace(day=1):
        raise ValidationFailed(_("Measure a month that has begun."), field=field)
    return month


def _measured(service: Service, metric: ServiceMetric | None, value: Any) -> Decimal:
    if metric is None:
        if service.availability_target is None:
            raise ValidationFailed(
                _("Give the service an availability target before measuring its availability."),
                field="metric",
            )
        return cast(Decimal, _decimal(value, field="value", low=Decimal(0), high=Decimal(100)))
    if metric.service_id != service.pk:
        raise ValidationFailed(_("Choose a measure of this service."), field="metric")
    return cast(Decimal, _decimal(value, field="value", low=-BIG, high=BIG))


def measurement_record(
    *,
    actor: Membership,
    service: Service,
    period: Any,
    value: Any,
    metric: ServiceMetric | None = None,
    note: str = "",
) -> Measurement:
    """The value of the service's availability (no ``metric``) or of one of its measures for a
    month; a second value for the same month replaces the first."""
    month = _month(period)
    number = _measured(service, metric, value)
    words = clean_text(note, field="note", max_length=300)
    with transaction.atomic():
        row = _measurement_upsert(service, metric, month, number, words)
        _audit(
            actor,
            "governance.measurement_recorded",
            target=service,
            summary=service.name,
            data={"period": month.isoformat(), "metric": metric.pk if metric else None},
        )
    return row


def _measurement_upsert(
    service: Service, metric: ServiceMetric | None, month: date, number: Decimal, note: str
) -> Measurement:
    org = service.organization
    row = Measurement.objects.for_org(org).filter(service=service, metric=metric, period=month).first()
    if row is None:
        return Measurement.objects.create(
            organization=org, service=service, metric=metric, period=month, value=number, note=note
        )
    row.value, row.note = number, note
    row.save(update_fields=["value", "note"])
    return row


def measurement_remove(*, actor: Membership, measurement: Measurement) -> None:
    with transaction.atomic():
        service = measurement.service
        measurement.delete()
        _audit(actor, "governance.measurement_removed", target=service, summary=service.name)


MAX_IMPORT_ROWS = 2000


def measurements_import(*, actor: Membership, service: Service, rows: Sequence[Mapping[str, Any]]) -> int:
    """Record many measurements at once (a spreadsheet's rows: ``month``, ``measure`` — empty or
    "availability" for availability — ``value`` and ``note``, and ``row``, the row's number in its
    file when it has one). Every row is checked first; one bad
    row saves nothing and its refusal names the row. Returns how many rows were recorded."""
    if len(rows) > MAX_IMPORT_ROWS:
        raise ValidationFailed(
            _("Import at most %(n)s rows at a time.") % {"n": MAX_IMPORT_ROWS}, field="file"
        )
    metrics = {
        m.name.casefold(): m
        for m in ServiceMetric.objects.for_org(service.organization).filter(service=service)
    }
    availability = {"", "availability", _("availability").casefold(), "beschikbaarheid"}
    checked: list[tuple[ServiceMetric | None, date, Decimal, str]] = []
    for position, row in enumerate(rows, start=2):  # row 1 holds the headers
        number = row.get("row") or position  # a spreadsheet's own row number, when it gives one
        try:
            name = str(row.get("measure") or "").strip().casefold()
            if name in availability:
                metric = None
            elif name in metrics:
                metric = metrics[name]
            else:
                raise ValidationFailed(_("This service has no measure of that name."), field="measure")
            checked.append(
                (
                    metric,
                    _month(row.get("month")),
                    _measured(service, metric, row.get("value")),
                    clean_text(row.get("note") or "", field="note", max_length=300),
                )
            )
        except ValidationFailed as error:
            raise ValidationFailed(
                _("Row %(row)s: %(error)s") % {"row": number, "error": error.message}, field="file"
            ) from None
    with transaction.atomic():
        for metric, month, value, note in checked:
            _measurement_upsert(service, metric, month, value, note)
        _audit(
            actor,
            "governance.measurements_imported",
            target=service,
            summary=service.name,
            data={"rows": len(checked)},
        )
    return len(checked)


# --- Escalation paths -------------------------------------------------------------------------


def _path_for(org: Organization, *, service: Service | None, initiative: Initiative | None) -> EscalationPath:
    if (service is None) == (initiative is None):
        raise ValidationFailed(_("An escalation path belongs to a service or an initiative."), field="path")
    path, _created = EscalationPath.objects.for_org(org).get_or_create(
        service=service, initiative=initiative, defaults={"organization": org}
    )
    return path


def escalation_level_add(
    *,
    actor: Membership,
    respond_hours: Any,
    channel: str = Channel.EMAIL,
    party: Party | None = None,
    membership: Membership | None = None,
    service: Service | None = None,
    initiative: Initiative | None = None,
) -> EscalationLevel:
    """A next step of the escalation path of a service or an initiative: a member or a party,
    reached through ``channel``, who must respond within ``respond_hours`` working hours."""
    org = actor.organization
    if (party is None) == (membership is None):
        raise ValidationFailed(_("Choose a party or a person."), field="who")
    if party is not None:
        _service_party(org, party)
    if membership is not None and (membership.organization_id != org.pk or not membership.is_active):
        raise ValidationFailed(_("Choose an active member of this organisation."), field="membership")
    if channel not in Channel.values:
        raise ValidationFailed(_("Choose a channel."), field="channel")
    hours = _hours(respond_hours, "respond_hours")
    with transaction.atomic():
        path = _path_for(org, service=service, initiative=initiative)
        levels = EscalationLevel.objects.for_org(org).filter(path=path)
        if levels.count() >= MAX_ESCALATION_LEVELS:
            raise Conflict(_("An escalation path has at most %(n)s levels.") % {"n": MAX_ESCALATION_LEVELS})
        level = EscalationLevel.objects.create(
            organization=org,
            path=path,
            position=_next_position(levels),
            party=party,
            membership=membership,
            channel=channel,
            respond_hours=hours,
        )
        _audit(
            actor,
            "governance.escalation_changed",
            target=service or initiative,
            summary=str(service or initiative),
            data={"change": "level added"},
        )
    return level


MAX_ESCALATION_LEVELS = 8


def escalation_level_remove(*, actor: Membership, level: EscalationLevel) -> None:
    with transaction.atomic():
        owner = level.path.service or level.path.initiative
        level.delete()
        _audit(
            actor,
            "governance.escalation_changed",
            target=owner,
            summary=str(owner),
            data={"change": "level removed"},
        )


def escalation_level_move(*, actor: Membership, level: EscalationLevel, offset: int) -> None:
    """Move a level earlier (-1) or later (+1) in its path."""
    siblings = list(EscalationLevel.objects.for_org(level.organization).filter(path_id=level.path_id))
    with transaction.atomic():
        if _reorder(siblings, level.pk, offset):
            owner = level.path.service or level.path.initiative
            _audit(
                actor,
                "governance.escalation_changed",
                target=owner,
                summary=str(owner),
                data={"change": "level moved"},
            )


# --- Incidents --------------------------------------------------------------------------------


def _now(now: datetime | None) -> datetime:
    return now if now is not None else timezone.now()


def _event(
    incident: Incident,
    kind: str,
    at: datetime,
    actor: Membership | None,
    *,
    party: Party | None = None,
    note: str = "",
    level: int | None = None,
) -> IncidentEvent:
    return IncidentEvent.objects.create(
        organization_id=incident.organization_id,
        incident=incident,
        kind=kind,
        at=at,
        actor=actor,
        party=party or incident.party,
        note=note,
        level=level,
    )


def _wait_for_response(incident: Incident, start: datetime, *, seconds: int | None = None) -> None:
    """Start (or resume) the current escalation level's clock at ``start``: it must respond within
    its working hours (or the ``seconds`` it had left when the incident was paused)."""
    from tandem.governance.selectors import (  # selectors read what services wrote
        incident_levels,
        work_calendar,
    )

    levels = incident_levels(incident)
    incident.escalation_level = min(incident.escalation_level, max(len(levels) - 1, 0))
    incident.escalation_left = None
    if not levels:
        incident.escalation_due_at = None
        return
    hours = float(levels[incident.escalation_level].respond_hours) if seconds is None else seconds / 3600
    try:
        incident.escalation_due_at = work_calendar(incident.organization).add_working_hours(start, hours)
    except ValueError:  # a calendar without working time ahead: nobody can be waited for
        incident.escalation_due_at = None


def _locked(incident: Incident) -> Incident:
    """The incident's row, locked for the rest of the transaction and read afresh, so two people
    acting at once cannot both move it."""
    fresh = Incident.objects.for_org(incident.organization).select_for_update().get(pk=incident.pk)
    for field in (
        "status",
        "party_id",
        "acknowledged_at",
        "resolved_at",
        "escalation_level",
        "escalation_due_at",
        "escalation_left",
        "escalations",
        "resolution",
    ):
        setattr(incident, field, getattr(fresh, field))
    return incident


def _current_segment(incident: Incident) -> IncidentSegment | None:
    return (
        IncidentSegment.objects.for_org(incident.organization)
        .filter(incident=incident, ended_at__isnull=True)
        .order_by("-started_at", "-id")
        .first()
    )


def _close_segment(incident: Incident, at: datetime) -> IncidentSegment | None:
    segment = _current_segment(incident)
    if segment is not None:
        segment.ended_at = max(at, segment.started_at)
        segment.save(update_fields=["ended_at"])
    return segment


def _open_segment(
    incident: Incident,
    party: Party,
    at: datetime,
    *,
    kind: str = SegmentKind.RUNNING,
    reason: str = "",
    acknowledged_at: datetime | None = None,
) -> IncidentSegment:
    return IncidentSegment.objects.create(
        organization_id=incident.organization_id,
        incident=incident,
        party=party,
        kind=kind,
        started_at=at,
        reason=reason,
        acknowledged_at=acknowledged_at,
    )


def _require_status(incident: Incident, *allowed: str) -> None:
    if incident.status not in allowed:
        messages: dict[str, str] = {
            IncidentStatus.RESOLVED: _("This incident is resolved; reopen it first."),
            IncidentStatus.PAUSED: _("This incident is paused; resume it first."),
            IncidentStatus.ACKNOWLEDGED: _("This incident is already acknowledged."),
            IncidentStatus.OPEN: _("This incident is not acknowledged yet."),
        }
        raise Conflict(messages.get(incident.status, _("This step does not fit the incident's state.")))


def _reason(value: Any, field: str = "note", *, required: bool = True, max_length: int = 2000) -> str:
    return clean_text(value, field=field, max_length=max_length, required=required)


def _incident_changed(
    actor: Membership | None, incident: Incident, action: str, event: IncidentEvent
) -> None:
    """Audit a step (the worker's escalations without an actor), notify whom it concerns and have
    the worker look again when the current level's time is up."""
    audit_record(
        action=action,
        actor=actor.user if actor is not None else None,
        organization=incident.organization,
        target=incident,
        summary=incident.title,
        data={"status": incident.status, "party": incident.party_id},
    )
    _queue_notice(event)
    if incident.escalation_due_at is not None:
        _queue_escalation(incident.escalation_due_at)


def _queue_notice(event: IncidentEvent) -> None:
    """E-mail the people the step concerns (the holding party, the level called), after commit."""
    if event.kind not in NOTIFIED_EVENTS:
        return
    from tandem.governance.tasks import send_incident_notice  # tasks import services

    transaction.on_commit(partial(send_incident_notice.enqueue, event_id=event.pk))


NOTIFIED_EVENTS = {IncidentEventKind.RAISED, IncidentEventKind.HANDED_OVER, IncidentEventKind.ESCALATED}


def _queue_escalation(due: datetime) -> None:
    """Have the worker look again when the current level's time is up."""
    from tandem.governance.tasks import escalate_incidents

    transaction.on_commit(partial(escalate_incidents.using(run_after=due).enqueue))


def _check_party(org: Organization, party: Party | None, actor: Membership) -> Party:
    from tandem.governance.access import is_partner, own_party_ids

    if party is None:
        raise ValidationFailed(_("Choose the party that should pick this up."), field="party")
    if party.organization_id != org.pk or not party.is_active:
        raise ValidationFailed(_("Choose an active party of this organisation."), field="party")
    if is_partner(actor) and party.pk not in own_party_ids(actor):
        raise ValidationFailed(_("Choose one of your own parties."), field="party")
    return party


def incident_raise(
    *,
    actor: Membership,
    title: str,
    priority: str,
    party: Party | None = None,
    service: Service | None = None,
    initiative: Initiative | None = None,
    description: str = "",
    now: datetime | None = None,
) -> Incident:
    """Raise an incident about a service or an initiative for a party to pick up (the service's
    party when none is named). The party's clock starts, and so does the escalation path's first
    level."""
    org, at = actor.organization, _now(now)
    if priority not in Priority.values:
        raise ValidationFailed(_("Choose how severe this is."), field="priority")
    if service is not None and service.organization_id != org.pk:
        raise ValidationFailed(_("Choose a service of this organisation."), field="service")
    if initiative is not None and initiative.organization_id != org.pk:
        raise ValidationFailed(_("Choose an initiative of this organisation."), field="initiative")
    if service is None and initiative is None:
        raise ValidationFailed(_("Say which service or initiative this is about."), field="service")
    holder = _check_party(org, party or (service.party if service else None), actor)
    incident = Incident(
        organization=org,
        title=clean_text(title, field="title", max_length=200, required=True),
        description=clean_text(description, field="description", max_length=5000),
        priority=priority,
        service=service,
        initiative=initiative,
        party=holder,
        raised_by=actor,
        raised_at=at,
    )
    with transaction.atomic():
        _wait_for_response(incident, at)
        incident.save()
        _open_segment(incident, holder, at)
        event = _event(incident, IncidentEventKind.RAISED, at, actor, level=incident.escalation_level)
        _incident_changed(actor, incident, "governance.incident_raised", event)
    return incident


def incident_acknowledge(*, actor: Membership, incident: Incident, now: datetime | None = None) -> Incident:
    """The holding party has seen the incident and is on it: its escalation clock stops."""
    at = _now(now)
    with transaction.atomic():
        _locked(incident)
        _require_status(incident, IncidentStatus.OPEN)
        segment = _current_segment(incident)
        if segment is not None and segment.acknowledged_at is None:
            segment.acknowledged_at = at
            segment.save(update_fields=["acknowledged_at"])
        incident.acknowledged_at = incident.acknowledged_at or at
        incident.status = IncidentStatus.ACKNOWLEDGED
        incident.escalation_due_at, incident.escalation_left = None, None
        incident.save()
        event = _event(incident, IncidentEventKind.ACKNOWLEDGED, at, actor)
        _incident_changed(actor, incident, "governance.incident_acknowledged", event)
    return incident


def incident_hand_over(
    *, actor: Membership, incident: Incident, party: Party, note: str, now: datetime | None = None
) -> Incident:
    """Pass the incident to another party, saying why: the first party's clock stops, the new
    party's starts, and it must acknowledge within the current escalation level's time."""
    at = _now(now)
    words = _reason(note)
    if party.organization_id != incident.organization_id or not party.is_active:
        raise ValidationFailed(_("Choose an active party of this organisation."), field="party")
    with transaction.atomic():
        _locked(incident)
        _require_status(incident, IncidentStatus.OPEN, IncidentStatus.ACKNOWLEDGED, IncidentStatus.PAUSED)
        _check_hand_over_to(actor, incident, party)
        if party.pk == incident.party_id:
            raise ValidationFailed(
                _("The incident is already with %(party)s.") % {"party": party.name}, field="party"
            )
        _close_segment(incident, at)
        _open_segment(incident, party, at)
        incident.party, incident.status = party, IncidentStatus.OPEN
        _wait_for_response(incident, at)
        incident.save()
        event = _event(incident, IncidentEventKind.HANDED_OVER, at, actor, party=party, note=words)
        _incident_changed(actor, incident, "governance.incident_handed_over", event)
    return incident


def _check_hand_over_to(actor: Membership, incident: Incident, party: Party) -> None:
    """A partner hands an incident to an internal team or back to a party that held it, never to a
    party they do not work with (whose name they might not even know)."""
    from tandem.governance.access import is_partner

    if not is_partner(actor) or not party.external:
        return
    if (
        not IncidentSegment.objects.for_org(incident.organization)
        .filter(incident=incident, party=party)
        .exists()
    ):
        raise ValidationFailed(
            _("Hand the incident to an internal team, or back to a party that held it."), field="party"
        )


def incident_pause(
    *, actor: Membership, incident: Incident, reason: str, now: datetime | None = None
) -> Incident:
    """Stop the holding party's clock for a stated reason (waiting for the reporter, a planned
    change window); the escalation clock stops with it."""
    from tandem.governance.selectors import work_calendar

    at = _now(now)
    words = _reason(reason, "reason", max_length=300)
    with transaction.atomic():
        _locked(incident)
        _require_status(incident, IncidentStatus.OPEN, IncidentStatus.ACKNOWLEDGED)
        segment = _close_segment(incident, at)
        acknowledged = segment.acknowledged_at if segment is not None else None
        _open_segment(
            incident, incident.party, at, kind=SegmentKind.PAUSED, reason=words, acknowledged_at=acknowledged
        )
        if incident.escalation_due_at is not None:
            left = work_calendar(incident.organization).working_seconds(at, incident.escalation_due_at)
            incident.escalation_left, incident.escalation_due_at = left, None
        incident.status = IncidentStatus.PAUSED
        incident.save()
        event = _event(incident, IncidentEventKind.PAUSED, at, actor, note=words)
        _incident_changed(actor, incident, "governance.incident_paused", event)
    return incident


def incident_resume(*, actor: Membership, incident: Incident, now: datetime | None = None) -> Incident:
    """Start the holding party's clock again; an escalation that was waiting goes on with the
    working time it had left."""
    at = _now(now)
    with transaction.atomic():
        _locked(incident)
        _require_status(incident, IncidentStatus.PAUSED)
        segment = _close_segment(incident, at)
        acknowledged = segment.acknowledged_at if segment is not None else None
        _open_segment(incident, incident.party, at, acknowledged_at=acknowledged)
        if acknowledged is None:
            incident.status = IncidentStatus.OPEN
            _wait_for_response(incident, at, seconds=incident.escalation_left)
        else:
            incident.status, incident.escalation_left = IncidentStatus.ACKNOWLEDGED, None
        incident.save()
        event = _event(incident, IncidentEventKind.RESUMED, at, actor)
        _incident_changed(actor, incident, "governance.incident_resumed", event)
    return incident


def incident_resolve(
    *, actor: Membership, incident: Incident, resolution: str, now: datetime | None = None
) -> Incident:
    """The holding party solved it, and says how. Resolving counts as acknowledging too."""
    at = _now(now)
    words = _reason(resolution, "resolution", max_length=5000)
    with transaction.atomic():
        _locked(incident)
        _require_status(incident, IncidentStatus.OPEN, IncidentStatus.ACKNOWLEDGED, IncidentStatus.PAUSED)
        segment = _close_segment(incident, at)
        if segment is not None and segment.acknowledged_at is None and segment.kind == SegmentKind.RUNNING:
            segment.acknowledged_at = at
            segment.save(update_fields=["acknowledged_at"])
        incident.acknowledged_at = incident.acknowledged_at or at
        incident.status, incident.resolved_at, incident.resolution = IncidentStatus.RESOLVED, at, words
        incident.escalation_due_at, incident.escalation_left = None, None
        incident.save()
        event = _event(incident, IncidentEventKind.RESOLVED, at, actor, note=words)
        _incident_changed(actor, incident, "governance.incident_resolved", event)
    return incident


def incident_reopen(
    *, actor: Membership, incident: Incident, reason: str, now: datetime | None = None
) -> Incident:
    """It came back: the holding party's clock runs again and it must acknowledge anew."""
    at = _now(now)
    words = _reason(reason, "reason", max_length=300)
    with transaction.atomic():
        _locked(incident)
        _require_status(incident, IncidentStatus.RESOLVED)
        _open_segment(incident, incident.party, at)
        incident.status, incident.resolved_at = IncidentStatus.OPEN, None
        _wait_for_response(incident, at)
        incident.save()
        event = _event(incident, IncidentEventKind.REOPENED, at, actor, note=words)
        _incident_changed(actor, incident, "governance.incident_reopened", event)
    return incident


def incident_note(
    *, actor: Membership, incident: Incident, note: str, now: datetime | None = None
) -> IncidentEvent:
    """A note on the incident's timeline (what was tried, what the reporter said)."""
    words = _reason(note)
    with transaction.atomic():
        event = _event(incident, IncidentEventKind.NOTE, _now(now), actor, note=words)
        _audit(actor, "governance.incident_noted", target=incident, summary=incident.title)
    return event


def incident_review_write(
    *,
    actor: Membership,
    incident: Incident,
    summary: str,
    lessons: str,
    actions: str = "",
    now: datetime | None = None,
) -> IncidentReview:
    """The post-incident review of a resolved incident: what happened and why, and the lessons.
    Written again, it replaces the earlier text (the timeline keeps that it was changed)."""
    if incident.status != IncidentStatus.RESOLVED:
        raise Conflict(_("Write the review once the incident is resolved."))
    at = _now(now)
    fields = {
        "summary": _reason(summary, "summary", max_length=5000),
        "lessons": _reason(lessons, "lessons", max_length=5000),
        "actions": _reason(actions, "actions", required=False, max_length=5000),
    }
    with transaction.atomic():
        review, _created = IncidentReview.objects.for_org(incident.organization).update_or_create(
            incident=incident,
            defaults={"organization": incident.organization, "written_by": actor, "written_at": at, **fields},
        )
        _event(incident, IncidentEventKind.REVIEWED, at, actor)
        _audit(actor, "governance.incident_reviewed", target=incident, summary=incident.title)
    return review


def incidents_escalate_due(*, now: datetime | None = None, org: Organization | None = None) -> list[Incident]:
    """Escalate every incident whose current level did not respond in time to its next level, and
    notify that level; the periodic task calls this (for every organisation; ``org`` limits it to
    one). One step per incident per run: the next level's time starts when it is called. An
    incident at its last level stays there."""
    from tandem.governance.selectors import incident_levels

    at = _now(now)
    escalated = []
    # The worker acts for every organisation.
    incidents = Incident.objects.unscoped() if org is None else Incident.objects.for_org(org)
    due_ids = list(
        incidents.filter(status=IncidentStatus.OPEN, escalation_due_at__lte=at).values_list("pk", flat=True)
    )
    for pk in due_ids:
        with transaction.atomic():
            incident = (
                Incident.objects.unscoped()
                .select_for_update()
                .select_related("organization", "party")
                .get(pk=pk)
            )
            if (
                incident.status != IncidentStatus.OPEN
                or incident.escalation_due_at is None
                or incident.escalation_due_at > at
            ):
                continue
            levels = incident_levels(incident)
            if incident.escalation_level + 1 >= len(levels):
                incident.escalation_due_at = None  # the last level was called: nobody further to call
                incident.save(update_fields=["escalation_due_at"])
                continue
            incident.escalation_level += 1
            incident.escalations += 1
            _wait_for_response(incident, at)
            incident.save()
            event = _event(incident, IncidentEventKind.ESCALATED, at, None, level=incident.escalation_level)
            _incident_changed(None, incident, "governance.incident_escalated", event)
            escalated.append(incident)
    return escalated


# --- How the business side rates a party ------------------------------------------------------


def rating_quarter(today: date | None = None) -> date:
    """The quarter open for rating: the one that held the day ``RATING_GRACE_DAYS`` ago, so a
    quarter can be rated during it and for three weeks after it ends. Its ratings are shown once
    that window has closed, never while they still come in."""
    from tandem.governance.selectors import RATING_GRACE_DAYS

    return quarter_of((today or timezone.localdate()) - timedelta(days=RATING_GRACE_DAYS))


def party_rate(*, actor: Membership, party: Party, score: Any, today: date | None = None) -> None:
    """A business co-lead's rating (1–5) of a party they work with, for the open quarter. The
    rating is stored apart from who gave it, and the party's ratings of the quarter are written
    again in a random order, so neither a key nor the place of a row tells who rated what."""
    from tandem.governance.selectors import parties_to_rate

    quarter = rating_quarter(today)
    if party.pk not in {p.pk for p in parties_to_rate(actor, quarter)}:
        raise ValidationFailed(
            _("You can rate the parties of the initiatives you co-lead for the business."), field="party"
        )
    try:
        value = int(str(score).strip())
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise ValidationFailed(_("Choose a rating from 1 to 5."), field="score")
    org = actor.organization
    try:
        with transaction.atomic():
            PartyRatingReceipt.objects.create(
                organization=org, party=party, quarter=quarter, membership=actor
            )
            ratings = PartyRating.objects.for_org(org).filter(party=party, quarter=quarter)
            scores = [*ratings.values_list("score", flat=True), value]
            ratings.delete()
            random.SystemRandom().shuffle(scores)
            PartyRating.objects.bulk_create(
                PartyRating(organization=org, party=party, quarter=quarter, score=s) for s in scores
            )
            _audit(actor, "governance.party_rated", target=party, summary=party.name)
    except IntegrityError:
        raise Conflict(
            _("You have already rated %(party)s for this quarter.") % {"party": party.name}
        ) from None
