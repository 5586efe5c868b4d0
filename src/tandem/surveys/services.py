"""Writes of the surveys app: settings, templates, campaigns, personal links and responses.

Submitting a response is the one write that no account makes. It is deliberately not audited
(an audit event would tie a moment to a link) and it stores nothing about the respondent but
side, department and date.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import partial
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from tandem.core.audit import audit_record
from tandem.core.errors import Conflict, ValidationFailed
from tandem.core.models import Department, Membership, Organization, Side
from tandem.core.services import checked_language
from tandem.core.validation import check_date, clean_text
from tandem.surveys import catalog, selectors
from tandem.surveys.labels import shipped
from tandem.surveys.models import (
    CHOICE_KINDS,
    MIN_THRESHOLD,
    SCALES,
    AudienceKind,
    Campaign,
    CampaignStatus,
    Question,
    QuestionKind,
    SurveyLink,
    SurveyResponse,
    SurveySettings,
    SurveyTemplate,
)

MAX_QUESTIONS = 60
MAX_CHOICES = 12
MAX_TEXT_ANSWER = 2000
MAX_RECIPIENTS = 2000
MAX_CAMPAIGN_DAYS = 366
# Reminders go out at a quarter, half and three quarters of the open period, and never to a
# person e-mailed less than this many days before.
REMINDER_GAP_DAYS = 2
MAIL_HOUR = 9


# --- Settings -----------------------------------------------------------------------------------------


def settings_update(*, actor: Membership, threshold: Any) -> SurveySettings:
    """Set the anonymity threshold (at least 3) for new campaigns and those not yet closed. A
    closed campaign keeps the threshold it closed with: its results were shown at that one, and
    the same results at another would differ by exactly the people only one of them hides."""
    try:
        value = int(threshold)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Enter a whole number."), field="threshold") from None
    if value < MIN_THRESHOLD:
        raise ValidationFailed(
            _("The threshold cannot be below %(n)s: smaller groups can be recognised.")
            % {"n": MIN_THRESHOLD},
            field="threshold",
        )
    if value > 50:
        raise ValidationFailed(_("Keep the threshold at 50 or below."), field="threshold")
    org = actor.organization
    with transaction.atomic():
        row, _created = SurveySettings.objects.select_for_update().get_or_create(organization=org)
        before = row.threshold
        row.threshold = value
        row.save(update_fields=["threshold"])
        # Closing is by date as well as by hand: "not closed" is decided on today's date, in
        # the same transaction, as ``Campaign.is_closed`` decides it.
        following = (
            Campaign.objects.for_org(org)
            .filter(closed_at__isnull=True, closes_on__gte=timezone.localdate())
            .update(threshold=value)
        )
        audit_record(
            action="surveys.settings_updated",
            actor=actor.user,
            organization=org,
            summary=gettext_noop("anonymity threshold %(before)s → %(after)s"),
            summary_params={"before": before, "after": value},
            data={"threshold": value, "campaigns_following": following},
        )
    return row


# --- Templates ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionInput:
    kind: str
    text: str
    help_text: str = ""
    criterion: str = ""
    choices: tuple[str, ...] = ()
    required: bool = True


def _question_from(raw: QuestionInput | Mapping[str, Any], index: int) -> QuestionInput:
    """One question, checked; errors name the question by its number."""
    data: Mapping[str, Any] = raw.__dict__ if isinstance(raw, QuestionInput) else raw
    prefix = f"questions.{index}"
    kind = str(data.get("kind") or "")
    if kind not in QuestionKind.values:
        raise ValidationFailed(
            _("Question %(n)s: choose a kind (%(kinds)s).")
            % {"n": index + 1, "kinds": ", ".join(QuestionKind.values)},
            field=f"{prefix}.kind",
        )
    text = clean_text(data.get("text"), field=f"{prefix}.text", max_length=300, required=True)
    help_text = clean_text(data.get("help_text"), field=f"{prefix}.help_text", max_length=500)
    criterion = clean_text(data.get("criterion"), field=f"{prefix}.criterion", max_length=80)
    raw_choices = data.get("choices") or ()
    if isinstance(raw_choices, str):
        raw_choices = raw_choices.splitlines()
    choices: list[str] = []
    for choice in raw_choices:
        cleaned = clean_text(choice, field=f"{prefix}.choices", max_length=120)
        if cleaned and cleaned.casefold() not in {c.casefold() for c in choices}:
            choices.append(cleaned)
    if kind in CHOICE_KINDS:
        if not 2 <= len(choices) <= MAX_CHOICES:
            raise ValidationFailed(
                _("Question %(n)s: give between 2 and %(max)s different choices.")
                % {"n": index + 1, "max": MAX_CHOICES},
                field=f"{prefix}.choices",
            )
    elif choices:
        raise ValidationFailed(
            _("Question %(n)s: only single and multiple choice questions have choices.") % {"n": index + 1},
            field=f"{prefix}.choices",
        )
    if criterion and kind not in SCALES:
        raise ValidationFailed(
            _("Question %(n)s: only scored questions (1–5 or 0–10) can belong to a criterion.")
            % {"n": index + 1},
            field=f"{prefix}.criterion",
        )
    required = data.get("required", True)
    return QuestionInput(kind, text, help_text, criterion, tuple(choices), bool(required))


def _clean_questions(questions: Sequence[QuestionInput | Mapping[str, Any]]) -> list[QuestionInput]:
    if not questions:
        raise ValidationFailed(_("A survey needs at least one question."), field="questions")
    if len(questions) > MAX_QUESTIONS:
        raise ValidationFailed(
            _("Keep a survey to %(n)s questions or fewer.") % {"n": MAX_QUESTIONS}, field="questions"
        )
    cleaned = [_question_from(q, i) for i, q in enumerate(questions)]
    scales = {SCALES[q.kind] for q in cleaned if q.criterion}
    if len(scales) > 1:
        raise ValidationFailed(
            _("All questions that belong to a criterion must use the same scale."), field="questions"
        )
    return cleaned


def _write_questions(template: SurveyTemplate, questions: Iterable[QuestionInput]) -> None:
    Question.objects.bulk_create(
        Question(
            organization=template.organization,
            template=template,
            position=i,
            kind=q.kind,
            text=q.text,
            help_text=q.help_text,
            criterion=q.criterion,
            choices=list(q.choices),
            required=q.required,
        )
        for i, q in enumerate(questions)
    )


def templates_install(org: Organization) -> None:
    """Give the organisation its copy of every shipped template it does not have yet (idempotent)."""
    have = set(SurveyTemplate.objects.for_org(org).exclude(key="").values_list("key", flat=True))
    for spec in catalog.SHIPPED:
        if spec.key in have:
            continue
        try:
            with transaction.atomic():
                template = SurveyTemplate.objects.create(
                    organization=org, key=spec.key, name=spec.name, description=spec.description, builtin=True
                )
                _write_questions(template, (QuestionInput(**q.__dict__) for q in spec.questions))
        except IntegrityError:  # another request installed it meanwhile
            continue


def _check_editable(template: SurveyTemplate) -> None:
    if template.builtin:
        raise Conflict(_("Templates that ship with Tandem cannot be changed. Copy it and edit the copy."))
    if template.campaigns.exists():
        raise Conflict(
            _(
                "A campaign has used this template, so its questions are frozen to keep results comparable. Copy it to make changes."
            )
        )


def template_create(
    *,
    actor: Membership,
    name: str,
    description: str = "",
    questions: Sequence[QuestionInput | Mapping[str, Any]],
) -> SurveyTemplate:
    name = clean_text(name, field="name", max_length=120, required=True)
    description = clean_text(description, field="description", max_length=1000)
    cleaned = _clean_questions(questions)
    with transaction.atomic():
        template = SurveyTemplate.objects.create(
            organization=actor.organization, name=name, description=description, created_by=actor
        )
        _write_questions(template, cleaned)
        audit_record(
            action="surveys.template_created",
            actor=actor.user,
            organization=actor.organization,
            target=template,
            summary=name,
        )
    return template


def template_copy(*, actor: Membership, template: SurveyTemplate, name: str = "") -> SurveyTemplate:
    """An editable copy of any template, shipped or not. The copy is the copier's own text: the
    wording of a shipped template is written in their language (``labels.shipped``)."""
    name = clean_text(name, field="name", max_length=120) or _("%(name)s (copy)") % {
        "name": shipped(template.name)
    }
    with transaction.atomic():
        copy = SurveyTemplate.objects.create(
            organization=actor.organization,
            name=name[:120],
            description=shipped(template.description)[:1000],
            copied_from=template,
            created_by=actor,
        )
        _write_questions(
            copy,
            (
                QuestionInput(
                    q.kind,
                    shipped(q.text),
                    shipped(q.help_text),
                    shipped(q.criterion),
                    tuple(shipped(c) for c in q.choices),
                    q.required,
                )
                for q in template.questions.all()
            ),
        )
        audit_record(
            action="surveys.template_copied",
            actor=actor.user,
            organization=actor.organization,
            target=copy,
            summary=f"{template.name} → {copy.name}",
        )
    return copy


def template_update(
    *,
    actor: Membership,
    template: SurveyTemplate,
    name: str,
    description: str = "",
    questions: Sequence[QuestionInput | Mapping[str, Any]] | None = None,
) -> SurveyTemplate:
    """Rename a template and, when ``questions`` is given, replace its questions."""
    _check_editable(template)
    template.name = clean_text(name, field="name", max_length=120, required=True)
    template.description = clean_text(description, field="description", max_length=1000)
    cleaned = _clean_questions(questions) if questions is not None else None
    with transaction.atomic():
        template.save(update_fields=["name", "description", "updated_at"])
        if cleaned is not None:
            template.questions.all().delete()
            _write_questions(template, cleaned)
        audit_record(
            action="surveys.template_updated",
            actor=actor.user,
            organization=actor.organization,
            target=template,
            summary=template.name,
        )
    return template


def template_delete(*, actor: Membership, template: SurveyTemplate) -> None:
    _check_editable(template)
    with transaction.atomic():
        audit_record(
            action="surveys.template_deleted",
            actor=actor.user,
            organization=actor.organization,
            summary=template.name,
        )
        template.delete()


# --- Campaigns and links ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    """Someone to invite by address: the side (and department) their response will carry."""

    email: str
    side: str
    department: Department | None = None


def _clean_email(value: Any, field: str) -> str:
    email = clean_text(value, field=field, max_length=254, required=True).lower()
    try:
        validate_email(email)
    except DjangoValidationError:
        raise ValidationFailed(
            _("%(email)s is not a valid e-mail address.") % {"email": email}, field=field
        ) from None
    return email


def _clean_dates(
    opens_on: date | None, closes_on: date | None, *, existing: Campaign | None = None
) -> tuple[date, date]:
    today = timezone.localdate()
    if opens_on is None:
        raise ValidationFailed(_("Give the date the campaign opens."), field="opens_on")
    if closes_on is None:
        raise ValidationFailed(_("Give the date the campaign closes."), field="closes_on")
    check_date(opens_on, field="opens_on", within="deadline")
    check_date(closes_on, field="closes_on", within="deadline")
    if closes_on < opens_on:
        raise ValidationFailed(_("A campaign cannot close before it opens."), field="closes_on")
    if closes_on < today and existing is None:
        raise ValidationFailed(_("The closing date has passed: choose today or later."), field="closes_on")
    if (closes_on - opens_on).days > MAX_CAMPAIGN_DAYS:
        raise ValidationFailed(_("Keep a campaign open for a year at most."), field="closes_on")
    return opens_on, closes_on


def link_rekey(*, link: SurveyLink) -> str:
    """The link's token, re-keyed first when the secret key has changed since it was issued (the
    old token no longer finds the link; without this, e-mails would carry a dead link)."""
    token = selectors.link_token(link)
    if selectors.token_hash(token) != link.token_hash:
        link.token_hash = selectors.token_hash(token)
        SurveyLink.objects.for_org(link.organization).filter(pk=link.pk).update(token_hash=link.token_hash)
    return token


def _new_link(
    campaign: Campaign, *, email: str, side: str, department: Department | None, membership: Membership | None
) -> SurveyLink:
    link = SurveyLink(
        organization=campaign.organization,
        campaign=campaign,
        nonce=secrets.token_hex(16),
        email=email,
        side=side,
        department=department,
        membership=membership,
    )
    link.token_hash = selectors.token_hash(selectors.link_token(link))
    return link


def _mail_time(day: date) -> datetime | None:
    """When e-mails for ``day`` go out: now if the day has come, else that morning."""
    if day <= timezone.localdate():
        return None
    return timezone.make_aware(datetime.combine(day, time(MAIL_HOUR)))


def _schedule_mail(campaign: Campaign, link_ids: list[int], base_url: str) -> None:
    from tandem.surveys.tasks import send_links  # tasks import services

    run_after = _mail_time(campaign.opens_on)
    job = send_links.using(run_after=run_after) if run_after else send_links
    transaction.on_commit(lambda: job.enqueue(campaign_id=campaign.pk, link_ids=link_ids, base_url=base_url))


def _enqueue_reminder(job: Any, run_after: datetime, campaign_id: int, base_url: str) -> None:
    job.using(run_after=run_after).enqueue(campaign_id=campaign_id, base_url=base_url)


def _schedule_reminders(campaign: Campaign, base_url: str) -> None:
    from tandem.surveys.tasks import send_reminders

    for day in selectors.reminder_days(campaign.opens_on, campaign.closes_on):
        run_after = _mail_time(day) or timezone.now()
        transaction.on_commit(partial(_enqueue_reminder, send_reminders, run_after, campaign.pk, base_url))


def _enqueue_analysis(campaign_id: int, *, run_after: datetime | None = None) -> None:
    from tandem.surveys.tasks import analyse_texts  # tasks import services

    job = analyse_texts.using(run_after=run_after) if run_after else analyse_texts
    transaction.on_commit(partial(job.enqueue, campaign_id=campaign_id))


def _queue_analysis(campaign: Campaign, *, at_closing_date: bool = False) -> None:
    """Have the worker group the free-text answers once the campaign is closed: as soon as this
    transaction commits, or at the start of the day after its closing date. The task does nothing
    for a campaign that is not closed yet or already grouped, so a date moved later or a campaign
    closed early costs nothing."""
    if not campaign.template.questions.filter(kind=QuestionKind.TEXT).exists():
        return
    run_after = None
    if at_closing_date:
        run_after = timezone.make_aware(datetime.combine(campaign.closes_on + timedelta(days=1), time.min))
    _enqueue_analysis(campaign.pk, run_after=run_after)


def campaign_create(
    *,
    actor: Membership,
    template: SurveyTemplate,
    title: str,
    opens_on: date | None,
    closes_on: date | None,
    audience: str = AudienceKind.ALL,
    department: Department | None = None,
    side: str = "",
    recipients: Sequence[Recipient] = (),
    send_email: bool = True,
    base_url: str = "",
    language: str = "",
) -> Campaign:
    """Create a campaign and a personal link for everyone in its audience; the links are e-mailed
    on the opening day and reminders are scheduled. ``language`` (its e-mails, and its page for a
    respondent whose browser asks for none Tandem speaks): the organisation's default, else the
    language the person creating it uses."""
    org = actor.organization
    language = checked_language(language) or org.language or get_language() or settings.LANGUAGE_CODE
    title = clean_text(title, field="title", max_length=160) or template.name
    opens_on, closes_on = _clean_dates(opens_on, closes_on)
    if audience not in AudienceKind.values:
        raise ValidationFailed(_("Choose an audience."), field="audience")
    if audience == AudienceKind.DEPARTMENT and department is None:
        raise ValidationFailed(_("Choose the department to survey."), field="department")
    if audience == AudienceKind.SIDE and side not in Side.values:
        raise ValidationFailed(_("Choose the side to survey."), field="side")
    if audience == AudienceKind.EMAILS and not recipients:
        raise ValidationFailed(_("Give at least one e-mail address."), field="recipients")
    if not template.questions.exists():
        raise ValidationFailed(_("This template has no questions yet."), field="template")
    with transaction.atomic():
        campaign = Campaign.objects.create(
            organization=org,
            template=template,
            title=title,
            audience=audience,
            department=department if audience == AudienceKind.DEPARTMENT else None,
            side=side if audience == AudienceKind.SIDE else "",
            opens_on=opens_on,
            closes_on=closes_on,
            language=language,
            threshold=selectors.settings_for(org).threshold,
            created_by=actor,
        )
        invited = invitations_create(
            actor=actor,
            campaign=campaign,
            members=selectors.audience_members(campaign),
            recipients=recipients,
            send_email=send_email,
            base_url=base_url,
            audit=False,
            reveal=False,  # the links are delivered by e-mail, or handed out through an invitation
        )
        if send_email:
            _schedule_reminders(campaign, base_url)
        _queue_analysis(campaign, at_closing_date=True)
        audit_record(
            action="surveys.campaign_created",
            actor=actor.user,
            organization=org,
            target=campaign,
            summary=gettext_noop("%(title)s: %(people)s people, %(opens)s to %(closes)s"),
            summary_params={
                "title": title,
                "people": len(invited),
                "opens": opens_on.isoformat(),
                "closes": closes_on.isoformat(),
            },
        )
    return campaign


def campaign_update(*, actor: Membership, campaign: Campaign, title: str, closes_on: date | None) -> Campaign:
    """Rename a campaign or move its closing date (not for a closed campaign)."""
    if campaign.is_closed:
        raise Conflict(_("This campaign is closed; its results are final."))
    campaign.title = clean_text(title, field="title", max_length=160, required=True)
    moved = closes_on != campaign.closes_on
    _opens, campaign.closes_on = _clean_dates(campaign.opens_on, closes_on)
    campaign.save(update_fields=["title", "closes_on"])
    if moved:
        _queue_analysis(campaign, at_closing_date=True)
    audit_record(
        action="surveys.campaign_updated",
        actor=actor.user,
        organization=actor.organization,
        target=campaign,
        summary=gettext_noop("%(title)s: closes %(closes)s"),
        summary_params={"title": campaign.title, "closes": campaign.closes_on.isoformat()},
    )
    return campaign


def campaign_close(*, actor: Membership, campaign: Campaign) -> Campaign:
    """Close a campaign now: its links stop working and its results appear."""
    with transaction.atomic():
        locked = Campaign.objects.for_org(actor.organization).select_for_update().get(pk=campaign.pk)
        if locked.is_closed:
            raise Conflict(_("This campaign is already closed."))
        locked.closed_at = timezone.now()
        locked.save(update_fields=["closed_at"])
        audit_record(
            action="surveys.campaign_closed",
            actor=actor.user,
            organization=actor.organization,
            target=locked,
            summary=locked.title,
        )
        # Group the free-text answers now, so they are ready when people open the results.
        _queue_analysis(locked)
    return locked


class Delivery(StrEnum):
    """How a personal link reaches its person. A link's token is shown at most once, to the
    admin who hands it out, and never when the link is e-mailed: the e-mail's recipient is then
    the only one who holds it, so nobody can answer in their place."""

    HAND = "hand"  # shown in this answer, this once: the admin hands it to the person
    EMAIL = "email"  # e-mailed to the person on the opening day; never shown
    EARLIER = "earlier"  # invited before: the link is not shown again
    PENDING = "pending"  # made with a campaign started without e-mail: not delivered yet


class Invitation(NamedTuple):
    """A person's link, how it reaches them, and its token when ``delivery`` is ``HAND``."""

    link: SurveyLink
    token: str | None
    delivery: Delivery


def _wanted(
    members: Sequence[Membership], recipients: Sequence[Recipient]
) -> dict[str, tuple[str, Department | None, Membership | None]]:
    """Everyone to invite by address, checked: members first, then recipients."""
    if len(members) + len(recipients) > MAX_RECIPIENTS:
        raise ValidationFailed(
            _("Invite at most %(n)s people at once.") % {"n": MAX_RECIPIENTS}, field="recipients"
        )
    wanted: dict[str, tuple[str, Department | None, Membership | None]] = {}
    for member in members:
        wanted[member.user.email.lower()] = (member.side, member.department, member)
    for i, recipient in enumerate(recipients):
        email = _clean_email(recipient.email, field=f"recipients.{i}.email")
        if recipient.side not in Side.values:
            raise ValidationFailed(
                _("Give the side of %(email)s (business, it or partner).") % {"email": email},
                field=f"recipients.{i}.side",
            )
        wanted.setdefault(email, (recipient.side, recipient.department, None))
    return wanted


def _deliver_earlier_links(
    actor: Membership, campaign: Campaign, links: Sequence[SurveyLink], *, send_email: bool, day: date
) -> dict[int, Delivery]:
    """Deliver, as asked now, the links that a campaign started without e-mail left undelivered
    (no e-mail sent or due, never handed out): e-mail them, or hand out the token of those made
    for an address, once, to the admin who started the campaign. A member's link is never handed
    out later: the member finds it on their own home page, and may have answered through it."""
    waiting = [link.pk for link in links if link.sent_count == 0 and link.last_sent_on is None]
    if not send_email:
        if actor.pk != campaign.created_by_id:
            return {}
        waiting = [link.pk for link in links if link.pk in waiting and link.membership_id is None]
    # Claimed under the write lock, so that two admins asking at once cannot both get a token.
    claimed = list(
        SurveyLink.objects.for_org(campaign.organization)
        .select_for_update()
        .filter(pk__in=waiting, sent_count=0, last_sent_on=None)
        .values_list("pk", flat=True)
    )
    SurveyLink.objects.for_org(campaign.organization).filter(pk__in=claimed).update(last_sent_on=day)
    return dict.fromkeys(claimed, Delivery.EMAIL if send_email else Delivery.HAND)


def invitations_create(
    *,
    actor: Membership,
    campaign: Campaign,
    members: Sequence[Membership] = (),
    recipients: Sequence[Recipient] = (),
    send_email: bool = True,
    base_url: str = "",
    audit: bool = True,
    reveal: bool = True,
) -> list[Invitation]:
    """Personal links for members and addresses, in address order. A new link is e-mailed when
    ``send_email``; otherwise its token is in the answer (``Delivery.HAND``), this once, unless
    ``reveal`` is false (a campaign being started: ``Delivery.PENDING``). Someone already invited
    keeps their link and never gets its token again; a link left pending is delivered now as asked
    (``_deliver_earlier_links``).

    A link records that its delivery is settled in ``last_sent_on`` while ``sent_count`` is 0: the
    day its e-mail is due, or the day it was handed out."""
    if campaign.is_closed:
        raise Conflict(_("This campaign is closed; it takes no more invitations."))
    wanted = _wanted(members, recipients)
    today = timezone.localdate()
    mail_day = max(campaign.opens_on, today)
    settled_on = mail_day if send_email else today if reveal else None
    with transaction.atomic():
        existing = {link.email: link for link in campaign.links.filter(email__in=list(wanted))}
        new = [
            _new_link(campaign, email=email, side=side, department=department, membership=membership)
            for email, (side, department, membership) in wanted.items()
            if email not in existing
        ]
        for link in new:
            link.last_sent_on = settled_on
        SurveyLink.objects.bulk_create(new)
        created = list(campaign.links.filter(email__in=[link.email for link in new]))
        delivered = _deliver_earlier_links(
            actor,
            campaign,
            list(existing.values()),
            send_email=send_email,
            day=mail_day if send_email else today,
        )
        first = Delivery.EMAIL if send_email else Delivery.HAND if reveal else Delivery.PENDING
        delivery = {link.pk: first for link in created} | delivered
        emailed = [pk for pk, how in delivery.items() if how == Delivery.EMAIL]
        if emailed:
            _schedule_mail(campaign, emailed, base_url)
        if delivery:
            _start_shuffling(campaign)
        if audit and delivery:
            handed = sum(how == Delivery.HAND for how in delivery.values())
            audit_record(
                action="surveys.invitations_created",
                actor=actor.user,
                organization=actor.organization,
                target=campaign,
                summary=gettext_noop("%(new)s new links; %(emailed)s e-mailed, %(handed)s shown to hand out"),
                summary_params={"new": len(created), "emailed": len(emailed), "handed": handed},
                data={"created": len(created), "emailed": len(emailed), "handed_out": handed},
            )
    links = sorted([*existing.values(), *created], key=lambda link: link.email)
    return [_invitation(link, delivery.get(link.pk, Delivery.EARLIER)) for link in links]


def _invitation(link: SurveyLink, delivery: Delivery) -> Invitation:
    return Invitation(link, link_rekey(link=link) if delivery == Delivery.HAND else None, delivery)


def _start_shuffling(campaign: Campaign) -> None:
    """Have the campaign's responses rewritten in no order while it takes answers (PostgreSQL):
    queued in the caller's transaction, so it goes with the links or not at all."""
    from tandem.surveys.tasks import responses_shuffle_start  # tasks import services

    responses_shuffle_start(campaign, run_after=_mail_time(campaign.opens_on))


# --- Answers --------------------------------------------------------------------------------------------


def _clean_answer(question: Question, value: Any) -> Any:  # noqa: C901 (one branch per question kind)
    """One answer in its stored form, or ValidationFailed with a message for the respondent."""
    field = question.field_name
    if question.kind in SCALES:
        scale = SCALES[question.kind]
        if isinstance(value, bool):
            value = None
        if isinstance(value, str) and len(value) <= 10:
            try:
                value = int(value.strip())
            except ValueError:  # "²" is a digit to isdigit() but not to int()
                value = None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int) or value not in scale:
            raise ValidationFailed(
                _("Choose a whole number from %(low)s to %(high)s.") % {"low": scale[0], "high": scale[-1]},
                field=field,
            )
        return value
    if question.kind == QuestionKind.SINGLE:
        if not isinstance(value, str) or value not in question.choices:
            raise ValidationFailed(_("Choose one of the options."), field=field)
        return value
    if question.kind == QuestionKind.MULTIPLE:
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ValidationFailed(_("Choose from the options."), field=field)
        unknown = [v for v in values if v not in question.choices]
        if unknown:
            raise ValidationFailed(
                _("%(value)s is not one of the options.") % {"value": unknown[0]}, field=field
            )
        return [c for c in question.choices if c in values]
    if not isinstance(value, str):
        raise ValidationFailed(_("Write your answer as text."), field=field)
    return clean_text(value, field=field, max_length=MAX_TEXT_ANSWER)


def _is_blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or (isinstance(value, str) and not value.strip())


def answers_clean(questions: Sequence[Question], raw: Mapping[str, Any]) -> dict[str, Any]:
    """The answers keyed by question id, every problem reported at once (field ``q<id>``)."""
    named = [(question, question.field_name, str(question.pk)) for question in questions]
    known = {name for _q, name, _key in named} | {key for _q, _name, key in named}
    errors: list[dict[str, str]] = []
    unknown = sorted(str(k) for k in raw if str(k) not in known)
    for key in unknown[:10]:
        errors.append({"field": key, "message": _("This survey has no such question.")})
    cleaned: dict[str, Any] = {}
    for question, name, key in named:
        value = raw.get(name, raw.get(key))
        if _is_blank(value):
            if question.required:
                errors.append({"field": name, "message": _("Please answer this question.")})
            continue
        try:
            cleaned[key] = _clean_answer(question, value)
        except ValidationFailed as exc:
            errors.append({"field": name, "message": exc.message})
        if question.kind == QuestionKind.TEXT and cleaned.get(key) == "":
            cleaned.pop(key)
    if errors:
        raise ValidationFailed(_("Some answers need another look."), extra={"errors": errors})
    return cleaned


def _check_open(status: str, opens_on: date) -> None:
    if status == CampaignStatus.SCHEDULED:
        raise Conflict(_("This survey opens on %(day)s.") % {"day": opens_on.isoformat()}, code="not_open")
    if status == CampaignStatus.CLOSED:
        raise Conflict(_("This survey has closed. Thank you for your interest."), code="closed")


def _used() -> Conflict:
    return Conflict(
        _("This link has already been used to answer. Each link takes one response."), code="answered"
    )


# The two writes of an answer, in SQL like the read before them (``selectors.link_to_answer``):
# composed through the ORM on every answer they would cost several times the database's own work.
_RESPONSE_FIELDS = SurveyResponse._meta.concrete_fields
_COLUMNS = ", ".join(str(field.column) for field in _RESPONSE_FIELDS)
_VALUES = ", ".join("%s" for _field in _RESPONSE_FIELDS)
_CLAIM_LINK = "UPDATE surveys_surveylink SET answered = %s WHERE id = %s AND answered = %s"
_STORE_RESPONSE = f"INSERT INTO surveys_surveyresponse ({_COLUMNS}) VALUES ({_VALUES})"  # noqa: S608
# PostgreSQL does both in one statement: one round trip, and no transaction to open and commit.
_CLAIM_AND_STORE = f"""
    WITH claimed AS (
        UPDATE surveys_surveylink SET answered = true WHERE id = %s AND NOT answered RETURNING id
    )
    INSERT INTO surveys_surveyresponse ({_COLUMNS}) SELECT {_VALUES} FROM claimed
"""  # noqa: S608 (column names from the model, values as parameters)


def _store_once(link_pk: int, response: SurveyResponse) -> bool:
    """Mark the link used and insert the response, both or neither; False when the link was
    used already (by a concurrent answer too: the update waits for it and then finds no row)."""
    row = [field.get_db_prep_save(getattr(response, field.attname), connection) for field in _RESPONSE_FIELDS]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_CLAIM_AND_STORE, [link_pk, *row])
            stored: int = cursor.rowcount
            return stored == 1
        with transaction.atomic():
            cursor.execute(_CLAIM_LINK, [True, link_pk, False])
            if cursor.rowcount != 1:
                return False
            cursor.execute(_STORE_RESPONSE, row)
    return True


def response_submit(*, token: str, answers: Mapping[str, Any]) -> SurveyResponse:
    """Store an anonymous response through a personal link, once.

    The link is marked used and the response written atomically; the conditional update makes a
    second submission through the same link (even a concurrent one) a Conflict, and a failure
    leaves neither. The response row gets the link's side and department and today's date: no
    time, no person, no pointer back.

    The organisation's data version is left alone (``selectors.answers_version`` says why, and
    what figures of answers are cached under instead), and everything is checked and prepared
    before the write, so its locks are held for its own statements only.
    """
    link = selectors.link_to_answer(token)
    today = timezone.localdate()
    _check_open(link.status_on(today), link.opens_on)
    if link.answered:
        raise _used()
    response = SurveyResponse(
        organization_id=link.organization_id,
        campaign_id=link.campaign_id,
        side=link.side,
        department_id=link.department_id,
        submitted_on=today,
        answers=answers_clean(selectors.questions_answered_through(link.template_id), answers),
    )
    if not _store_once(link.pk, response):
        raise _used()
    response._state.adding, response._state.db = False, connection.alias  # as if loaded
    return response
