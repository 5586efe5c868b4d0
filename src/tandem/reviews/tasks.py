"""Background work of the weekly review: the minutes e-mailed on close, the thanks for a win, the
alert to the owners when the habit slips, and the two daily rounds (prepare the reviews of the
next two days; look at every organisation's habit).

Every e-mail is written in its reader's language (their own choice, else the organisation's) and
sent once: a second run of the same task sends nothing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from tandem.core.errors import Conflict
from tandem.core.language import language_for
from tandem.core.models import Membership, Organization, Role
from tandem.reviews import minutes
from tandem.reviews.models import HabitAlert, Review, ReviewSeries, Win

DAY = timedelta(days=1)
PREPARE_AHEAD = timedelta(days=2)


def _url(name: str, **kwargs: Any) -> str:
    return settings.SITE_URL + reverse(name, kwargs=kwargs)


def _send(
    *,
    to: str,
    language: str,
    template: str,
    context: dict[str, Any],
    attachments: Iterable[tuple[str, bytes, str]] = (),
) -> None:
    """One e-mail from ``reviews/email/<template>_subject.txt``, ``_body.txt`` and ``_body.html``,
    written in ``language`` (words, dates and numbers)."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"reviews/email/{template}_subject.txt", context).split())
        text = render_to_string(f"reviews/email/{template}_body.txt", context)
        html = render_to_string(f"reviews/email/{template}_body.html", context)
    message = EmailMultiAlternatives(subject, text, None, [to])
    message.attach_alternative(html, "text/html")
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    message.send()


def _readers(people: Iterable[Membership]) -> list[Membership]:
    """Active internal members with an active account, each once, by e-mail address."""
    found: dict[str, Membership] = {}
    for m in people:
        if m.is_active and m.user.is_active and m.role != Role.PARTNER:
            found.setdefault(m.user.email.lower(), m)
    return [found[address] for address in sorted(found)]


# --- Minutes -----------------------------------------------------------------------------------------


@task()
def send_minutes(*, review_id: int) -> int:
    """E-mail a closed review's minutes to its series' attendees and those present, each in their
    language: the Markdown as text, the HTML as its alternative, the PDF attached. Once: a review
    whose minutes went out already (or that is not closed) sends nothing."""
    from tandem.reviews import services  # services queue this task

    review = Review.objects.unscoped().select_related("organization", "series").filter(pk=review_id).first()
    if review is None or not services.minutes_claim(review=review):
        return 0
    try:
        return _mail_minutes(review)
    except BaseException:
        services.minutes_release(review=review)  # a run that failed leaves them to be sent again
        raise


def _mail_minutes(review: Review) -> int:
    org, series = review.organization, review.series
    people = Membership.objects.for_org(org).select_related("user")
    readers = _readers(
        people.filter(Q(review_series=series) | Q(pk__in=review.present.values("pk"))).distinct()
    )
    if not readers:
        return 0
    facts = minutes.minutes_for(review)
    day = review.scheduled_at.astimezone(ZoneInfo(series.time_zone)).date()
    link = _url("reviews:minutes", org_slug=org.slug, review_id=review.pk)
    rendered: dict[str, tuple[str, str, bytes]] = {}
    for reader in readers:
        language = language_for(reader.user, org)
        if language not in rendered:
            with translation.override(language):
                rendered[language] = (
                    minutes.render_markdown(facts),
                    minutes.render_html(facts),
                    minutes.render_pdf(facts),
                )
        text, html, pdf = rendered[language]
        _send(
            to=reader.user.email,
            language=language,
            template="minutes",
            context={
                "review": review,
                "series": series,
                "organization": org,
                "day": day,
                "link": link,
                "minutes_text": text,
                "minutes_html": mark_safe(html),  # noqa: S308 (rendered by our own escaping template)
            },
            attachments=[(f"minutes-{day.isoformat()}.pdf", pdf, "application/pdf")],
        )
    return len(readers)


# --- Thanks ------------------------------------------------------------------------------------------


@task()
def send_thanks(*, win_id: int) -> int:
    """Tell each person a win thanks, in their language, who thanked them and for what. Once."""
    from tandem.reviews import services  # services queue this task

    win = (
        Win.objects.unscoped()
        .select_related("organization", "created_by__user", "review__series", "initiative")
        .filter(pk=win_id)
        .first()
    )
    if win is None or not services.thanks_claim(win=win):
        return 0
    org = win.organization
    readers = [m for m in win.thanked.select_related("user") if m.is_active and m.user.is_active]
    if win.review is not None:
        link = _url("reviews:review", org_slug=org.slug, review_id=win.review.pk)
    else:
        link = _url("reviews:list", org_slug=org.slug)
    thanked_by = win.created_by.user.display_name if win.created_by is not None else ""
    for reader in readers:
        _send(
            to=reader.user.email,
            language=language_for(reader.user, org),
            template="thanks",
            context={"win": win, "organization": org, "thanked_by": thanked_by, "link": link},
        )
    return len(readers)


# --- The habit ---------------------------------------------------------------------------------------


@task()
def send_habit_alert(*, alert_id: int) -> int:
    """Tell the organisation's owners, each in their language, that a series' habit slips:
    alignment is becoming an event again. Nothing when the habit recovered meanwhile or the owners
    were told already."""
    claimed = (
        HabitAlert.objects.unscoped()
        .filter(pk=alert_id, recovered_at__isnull=True, notified_at__isnull=True)
        .update(notified_at=timezone.now())
    )
    alert = HabitAlert.objects.unscoped().select_related("organization", "series").filter(pk=alert_id).first()
    if not claimed or alert is None:
        return 0  # recovered meanwhile, or told already: a task run twice tells the owners once
    org = alert.organization
    owners = _readers(Membership.objects.for_org(org).filter(role=Role.OWNER).select_related("user"))
    link = _url("reviews:habit", org_slug=org.slug)
    for owner in owners:
        _send(
            to=owner.user.email,
            language=language_for(owner.user, org),
            template="habit_alert",
            context={"alert": alert, "series": alert.series, "organization": org, "link": link},
        )
    return len(owners)


# --- The daily rounds --------------------------------------------------------------------------------


@task()
def prepare_upcoming(*, plan: bool = False) -> int:
    """Prepare every review of an active series that meets within two days and is not prepared
    yet, its agenda generated. With ``plan``, queue the next round a day later."""
    from tandem.reviews import schedule, services  # services queue this module's tasks

    now = timezone.now()
    prepared = 0
    for series in ReviewSeries.objects.unscoped().filter(is_active=True).select_related("organization"):
        taken = set(
            Review.objects.for_org(series.organization)
            .filter(series=series, scheduled_at__gte=now)
            .values_list("scheduled_at", flat=True)
        )
        for at in schedule.occurrences(series, start=now, end=now + PREPARE_AHEAD):
            if at in taken:
                continue
            try:
                services.review_prepare(actor=None, series=series, now=now, at=at)
            except Conflict:  # prepared by someone in the meantime
                continue
            prepared += 1
    if plan:
        prepare_upcoming.using(run_after=now + DAY).enqueue(plan=True)
    return prepared


@task()
def check_habits(*, plan: bool = False) -> int:
    """Look at the habit of every organisation with an active series (``services.habit_check``);
    returns how many alerts were raised. With ``plan``, queue the next round a day later."""
    from tandem.reviews import services  # services queue this module's tasks

    now = timezone.now()
    org_ids = set(
        ReviewSeries.objects.unscoped().filter(is_active=True).values_list("organization_id", flat=True)
    )
    raised = sum(
        len(services.habit_check(org, now=now)) for org in Organization.objects.filter(pk__in=org_ids)
    )
    if plan:
        check_habits.using(run_after=now + DAY).enqueue(plan=True)
    return raised


def worker_started() -> None:
    """When ``tandem worker`` starts: run the daily rounds now, each then planning its next run,
    unless a round is queued already (a worker that restarts does not start a second chain); an
    installation without an active series queues nothing."""
    from django_tasks_db.models import DBTaskResult  # the database queue Tandem runs on

    if not ReviewSeries.objects.unscoped().filter(is_active=True).exists():
        return

    waiting = set(
        DBTaskResult.objects.filter(status="READY", task_path__startswith=__name__ + ".").values_list(
            "task_path", flat=True
        )
    )
    for daily in (prepare_upcoming, check_habits):
        if daily.module_path not in waiting:
            daily.enqueue(plan=True)
