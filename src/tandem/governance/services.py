"""Writes of the governance app: parties, their contacts, contracts and contributions, and the
RACI matrices of initiatives. Every write checks its input, stays inside the actor's organisation
and lands in the audit log; the pages and the API call these same functions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tandem.core.audit import audit_record
from tandem.core.errors import Conflict, ValidationFailed
from tandem.core.models import Membership, Organization, Role, Side
from tandem.core.services import UNCHANGED, Unchanged
from tandem.core.validation import check_date, clean_text
from tandem.governance import raci
from tandem.governance.calendar import WorkCalendar, supported_countries, supported_subdivisions
from tandem.governance.models import (
    ClosingDay,
    Contract,
    Contribution,
    Party,
    PartyContact,
    PartyKind,
    RaciActivity,
    RaciAssignment,
    RaciColumn,
    Renewal,
    TemplateActivity,
    WorkCalendarSettings,
)
from tandem.strategy.models import Initiative, Objective

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


def activity_move(*, actor: Membership, activity: RaciActivity, offset: int) -> None:
    """Move an activity up (-1) or down (+1) in its matrix."""
    siblings = list(
        RaciActivity.objects.for_org(activity.organization).filter(initiative_id=activity.initiative_id)
    )
    index = next(i for i, row in enumerate(siblings) if row.pk == activity.pk)
    target = index + (1 if offset > 0 else -1)
    if not 0 <= target < len(siblings):
        return
    siblings[index], siblings[target] = siblings[target], siblings[index]
    with transaction.atomic():
        for position, row in enumerate(siblings):
            if row.position != position:
                row.position = position
                row.save(update_fields=["position"])
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


def cells_set(*, actor: Membership, initiative: Initiative, cells: Mapping[tuple[int, int], str]) -> int:
    """Save a whole matrix at once (the editor's form): every cell is checked first, then all are
    written, so a bad letter saves nothing. Returns how many cells changed."""
    org = initiative.organization
    activities = set(
        RaciActivity.objects.for_org(org).filter(initiative=initiative).values_list("pk", flat=True)
    )
    columns = set(RaciColumn.objects.for_org(org).filter(initiative=initiative).values_list("pk", flat=True))
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
