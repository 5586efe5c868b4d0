"""Review pages: the gate loads, a service writes, a selector reads, a template renders.

The list of series with their next review; a series' page (its past reviews, habit score and,
for owners and admins, its calendar address); a review's page, the agenda that wrote itself (each
item linked to its source, carried-over actions with their age, wins to celebrate) with the steps
to run it (add, time-box, move and drop items; start, close, cancel), its decisions with who
confirmed them for which side, its action items and wins; the minutes of a closed review, as a
page, Markdown and PDF; the one-off calendar download. A refused step answers its page again with
the error next to what was typed. Moving an item up or down answers, with htmx, just the agenda.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.access import Need, OrgRequest, refuse
from tandem.core.decorators import org_view
from tandem.core.errors import Conflict, TandemError, ValidationFailed
from tandem.core.forms import form_error_from, form_submit, posted, render_form
from tandem.core.services import link_base_url
from tandem.reviews import access, agenda, habit, ics, minutes, selectors, services
from tandem.reviews.forms import (
    ActionForm,
    ButtonForm,
    CancelForm,
    CloseForm,
    DecisionForm,
    DropForm,
    ItemForm,
    MoveForm,
    PerItemForm,
    SeriesForm,
    TimeBoxForm,
    WinForm,
    members_of,
    series_initial,
)
from tandem.reviews.models import (
    AgendaItem,
    Review,
    ReviewSeries,
    ReviewStatus,
)
from tandem.reviews.views_log import action_row, decision_row

REVIEWS_PER_PAGE = 20
RECENT_WINS = 5
CALENDAR = "text/calendar; charset=utf-8"
WORKING = (ReviewStatus.PLANNED, ReviewStatus.OPEN)


def _url(request: OrgRequest, name: str, **kwargs: int) -> str:
    return reverse(f"reviews:{name}", kwargs={"org_slug": request.org.slug, **kwargs})


def _series_url(request: OrgRequest, series: ReviewSeries) -> str:
    return _url(request, "series", series_id=series.pk)


def _review_url(request: OrgRequest, review: Review) -> str:
    return _url(request, "review", review_id=review.pk)


def _button(
    request: OrgRequest,
    action: Callable[[], object],
    *,
    to: str,
    message: str,
    page: Callable[[PerItemForm], HttpResponse],
) -> HttpResponse:
    """A button that posts nothing: run ``action``; a refusal shows on ``page``."""
    form = ButtonForm()
    done = form_submit(request, form, action, to=to, message=message, fields=False)
    return done or page(form)


def attachment(content: bytes | str, *, content_type: str, filename: str) -> HttpResponse:
    """A download: the browser saves it under ``filename`` (ASCII, safe in the header)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- The series and their next review ------------------------------------------------------------


@dataclass(frozen=True)
class SeriesRow:
    """A series on the list, with the review to work on now and whether the member may prepare one."""

    series: ReviewSeries
    current: Review | None
    can_prepare: bool


@org_view(Need.READER)
@require_GET
def review_list(request: OrgRequest) -> HttpResponse:
    """Every series with its next review, the member's open actions and the latest wins."""
    m = request.membership
    rows = [
        SeriesRow(s, selectors.current_review(s), s.is_active and access.can_work_on(m, s))
        for s in access.series_list_for(m)
    ]
    context = {
        "rows": rows,
        "can_manage": access.can_manage_series(m),
        "can_work": access.can_work(m),
        "my_open": selectors.my_actions(m).count(),
        "wins": selectors.win_list(request.org)[:RECENT_WINS],
    }
    return render(request, "reviews/list.html", context)


@org_view(Need.READER)
@require_http_methods(["GET", "POST"])
def series_new(request: OrgRequest) -> HttpResponse:
    m = request.membership
    access.require_reader(m)
    if not access.can_manage_series(m):
        raise refuse("may not manage review series", org=request.org)
    form = SeriesForm(posted(request), org=request.org, initial={"time_zone": settings.TIME_ZONE})
    done = form_submit(
        request,
        form,
        partial(services.series_create, actor=m),
        to=partial(_series_url, request),
        message=_("Review series created. Prepare its first review when you are ready."),
    )
    return done or render_form(request, "reviews/series_form.html", {"form": form, "series": None}, form)


@org_view(Need.READER)
@require_http_methods(["GET", "POST"])
def series_edit(request: OrgRequest, series_id: int) -> HttpResponse:
    found = access.series_for_manage(request.membership, series_id)
    form = SeriesForm(posted(request), org=request.org, series=found, initial=series_initial(found))
    done = form_submit(
        request,
        form,
        partial(services.series_update, actor=request.membership, series=found),
        to=partial(_series_url, request),
        message=_("Review series saved. Reviews prepared already keep their time."),
    )
    return done or render_form(request, "reviews/series_form.html", {"form": form, "series": found}, form)


@org_view(Need.READER)
@require_GET
def series(request: OrgRequest, series_id: int) -> HttpResponse:
    found = access.series_get_for_user(request.membership, series_id)
    return _series_page(request, found)


def _series_page(request: OrgRequest, found: ReviewSeries, failed: PerItemForm | None = None) -> HttpResponse:
    """A series' page: the review to work on now, the past ones, the habit score and, for those
    who manage it, the secret calendar address; ``failed`` is a refused button."""
    m = request.membership
    score = habit.habit_for_series(found)
    manage = access.can_manage_series(m)
    reviews = selectors.review_list(request.org, series=found)
    context = {
        "series": found,
        "current": selectors.current_review(found),
        "page": Paginator(reviews, REVIEWS_PER_PAGE).get_page(request.GET.get("page")),
        "habit": score,
        "slipping": habit.is_slipping(score),
        "can_manage": manage,
        "can_prepare": found.is_active and access.can_work_on(m, found),
        "feed_url": ics.feed_url(ics.series_feed_secret(found), base_url=link_base_url(request))
        if manage
        else "",
        "failed": failed,
    }
    return render_form(request, "reviews/series.html", context, failed, page_url=_series_url(request, found))


@org_view(Need.READER)
@require_POST
def series_feed(request: OrgRequest, series_id: int) -> HttpResponse:
    found = access.series_for_manage(request.membership, series_id)
    return _button(
        request,
        partial(services.series_feed_rotate, actor=request.membership, series=found),
        to=_series_url(request, found) + "#feed",
        message=_("The calendar address is renewed: the old one no longer works. Share the new one."),
        page=partial(_series_page, request, found),
    )


@org_view(Need.READER)
@require_POST
def prepare(request: OrgRequest, series_id: int) -> HttpResponse:
    """Prepare the series' next review: its agenda writes itself from what changed."""
    found = access.series_for_work(request.membership, series_id)
    form = ButtonForm()
    try:
        review = services.review_prepare(actor=request.membership, series=found)
    except TandemError as error:
        form_error_from(form, error)
        return _series_page(request, found, failed=form)
    messages.success(
        request, _("Review prepared: its agenda is generated from what changed since the last one.")
    )
    return HttpResponseRedirect(_review_url(request, review))


# --- A review's page -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaRow:
    """An item of the agenda as the page shows it, with the forms the member may use on it."""

    item: AgendaItem
    label: str
    link: str  # the source's page on this site, or ""
    age: int | None  # days since a carried-over action was raised
    first: bool
    last: bool
    timebox_form: TimeBoxForm | None = None
    drop_form: DropForm | None = None


def local_link(url: str) -> str:
    """A source's address when it is a path of this site; anything else gives no link."""
    return url if url.startswith("/") and not url.startswith("//") else ""


def _failed_for(failed: Any, kind: type[forms.Form], item: AgendaItem) -> Any:
    return failed if isinstance(failed, kind) and getattr(failed, "item_id", None) == item.pk else None


def _agenda_rows(kept: list[AgendaItem], *, work: bool, today: date, failed: Any) -> list[AgendaRow]:
    rows = []
    for n, item in enumerate(kept):
        age = agenda.action_age_days(item.action, today) if item.action is not None else None
        timebox = drop = None
        if work:
            timebox = _failed_for(failed, TimeBoxForm, item) or TimeBoxForm(
                item_id=item.pk, initial={"minutes": item.minutes, "notes": item.notes}
            )
            drop = _failed_for(failed, DropForm, item) or DropForm(item_id=item.pk)
        label = str(agenda.kind_label(item.kind))
        rows.append(
            AgendaRow(item, label, local_link(item.url), age, n == 0, n == len(kept) - 1, timebox, drop)
        )
    return rows


def _step_forms(request: OrgRequest, review: Review, *, work: bool, failed: Any) -> dict[str, Any]:
    """The review's own steps the member may take now, each an empty form (or the refused one)."""
    org, m = request.org, request.membership
    running = review.status in WORKING
    record = access.can_work(m) and running

    def pick(kind: type[forms.Form], make: Callable[[], forms.Form], allowed: bool) -> Any:
        if not allowed:
            return None
        return failed if type(failed) is kind and getattr(failed, "item_id", None) is None else make()

    attendees = [a.pk for a in review.series.attendees.all()]
    return {
        "item_form": pick(ItemForm, ItemForm, work and running),
        "close_form": pick(
            CloseForm,
            lambda: CloseForm(members=members_of(org), initial={"present": attendees}),
            work and running,
        ),
        "cancel_form": pick(CancelForm, CancelForm, work and running),
        "decision_form": DecisionForm(org=org) if running and access.can_confirm(m) else None,
        "action_form": ActionForm(org=org, initial={"owner": m.pk}) if record else None,
        "win_form": WinForm(org=org) if record else None,
    }


def _review_context(request: OrgRequest, review_id: int, failed: Any = None) -> dict[str, Any]:
    """Everything the review's page shows, read afresh (a refused step leaves nothing changed)."""
    m = request.membership
    today = timezone.localdate()
    detail = selectors.review_detail(request.org, review_id)
    review = detail.review
    work = access.can_work_on(m, review.series) and review.status in WORKING
    kept = detail.kept
    boxed = sum(item.minutes or 0 for item in kept)
    carried = [
        action_row(item.action, m, today, age=agenda.action_age_days(item.action, today), failed=failed)
        for item in detail.carried
        if item.action is not None and not item.is_dropped
    ]
    rows = _agenda_rows(kept, work=work, today=today, failed=failed)
    steps = _step_forms(request, review, work=work, failed=failed)
    shown = [f for r in rows for f in (r.timebox_form, r.drop_form)] + list(steps.values())
    return {
        "review": review,
        "series": review.series,
        "here": _review_url(request, review),
        "agenda": rows,
        "dropped": detail.dropped,
        "time_boxed": boxed,
        "over_time": boxed > review.series.duration_minutes,
        "decisions": [decision_row(d, m) for d in detail.decisions],
        "actions": [action_row(a, m, today, failed=failed) for a in detail.actions],
        "carried": carried,
        "wins": detail.wins,
        "work": work,
        "running": review.status in WORKING,
        "can_start": work and review.status == ReviewStatus.PLANNED,
        "can_celebrate": access.can_work(m) and review.status in WORKING,
        # A refusal without a form of its own on the page (a button's) shows above it.
        "failed_top": None if any(f is failed for f in shown) else failed,
        **steps,
    }


@org_view(Need.READER)
@require_GET
def review(request: OrgRequest, review_id: int) -> HttpResponse:
    found = access.review_get_for_user(request.membership, review_id)
    return _review_page(request, found)


def _review_page(request: OrgRequest, found: Review, failed: Any = None) -> HttpResponse:
    context = _review_context(request, found.pk, failed)
    return render_form(request, "reviews/review.html", context, failed, page_url=_review_url(request, found))


def _review_step(
    request: OrgRequest,
    found: Review,
    form: PerItemForm,
    action: Callable[..., Any],
    message: str,
    *,
    anchor: str = "",
) -> HttpResponse:
    """Take one step on the review through its service; a refusal shows on its page."""
    done = form_submit(
        request,
        form,
        partial(action, actor=request.membership, review=found),
        to=_review_url(request, found) + anchor,
        message=message,
        fields=bool(form.fields),
    )
    return done or _review_page(request, found, failed=form)


@org_view(Need.READER)
@require_POST
def review_refresh(request: OrgRequest, review_id: int) -> HttpResponse:
    found = access.review_for_work(request.membership, review_id)
    return _review_step(
        request,
        found,
        ButtonForm(),
        services.review_refresh,
        _("Agenda refreshed with what changed since it was made."),
    )


@org_view(Need.READER)
@require_POST
def review_start(request: OrgRequest, review_id: int) -> HttpResponse:
    found = access.review_for_work(request.membership, review_id)
    return _review_step(request, found, ButtonForm(), services.review_start, _("The review has started."))


@org_view(Need.READER)
@require_POST
def review_close(request: OrgRequest, review_id: int) -> HttpResponse:
    found = access.review_for_work(request.membership, review_id)
    form = CloseForm(request.POST, members=members_of(request.org))
    message = _("Review closed. The minutes are on their way to the attendees.")
    return _review_step(request, found, form, services.review_close, message)


@org_view(Need.READER)
@require_POST
def review_cancel(request: OrgRequest, review_id: int) -> HttpResponse:
    found = access.review_for_work(request.membership, review_id)
    message = _("Review cancelled. Its open actions carry over to the next one.")
    return _review_step(request, found, CancelForm(request.POST), services.review_cancel, message)


# --- Agenda items ------------------------------------------------------------------------------------


@org_view(Need.READER)
@require_POST
def item_new(request: OrgRequest, review_id: int) -> HttpResponse:
    found = access.review_for_work(request.membership, review_id)
    form = ItemForm(request.POST)
    return _review_step(
        request, found, form, services.item_add, _("Item added to the agenda."), anchor="#agenda"
    )


def _item_step(
    request: OrgRequest, item: AgendaItem, form: PerItemForm, action: Callable[..., Any], message: str
) -> HttpResponse:
    done = form_submit(
        request,
        form,
        partial(action, actor=request.membership, item=item),
        to=_review_url(request, item.review) + f"#item-{item.pk}",
        message=message,
    )
    return done or _review_page(request, item.review, failed=form)


@org_view(Need.READER)
@require_POST
def item(request: OrgRequest, item_id: int) -> HttpResponse:
    """Time-box an agenda item and note what was said about it."""
    found = access.item_for_work(request.membership, item_id)
    form = TimeBoxForm(request.POST, item_id=found.pk)
    return _item_step(request, found, form, services.item_update, _("Item saved."))


@org_view(Need.READER)
@require_POST
def item_drop(request: OrgRequest, item_id: int) -> HttpResponse:
    found = access.item_for_work(request.membership, item_id)
    form = DropForm(request.POST, item_id=found.pk)
    message = _("Item dropped. It stays in the minutes with the reason, and a refresh leaves it out.")
    return _item_step(request, found, form, services.item_drop, message)


def _moved(kept: list[int], item_id: int, direction: str) -> list[int]:
    """The agenda's kept items in their order with one moved a place up or down (at the top or
    the bottom it stays)."""
    order = list(kept)
    at = order.index(item_id)
    to = at - 1 if direction == "up" else at + 1
    if 0 <= to < len(order):
        order[at], order[to] = order[to], order[at]
    return order


@org_view(Need.READER)
@require_POST
def item_move(request: OrgRequest, item_id: int) -> HttpResponse:
    """Move an item a place up or down. With htmx the answer is the agenda alone; a refusal then
    reloads the page, where it is said."""
    found = access.item_for_work(request.membership, item_id)
    review_url = _review_url(request, found.review)
    form = MoveForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(_("Move an item up or down."), field="direction")
        if found.is_dropped:
            raise Conflict(_("This item was dropped from the agenda: it cannot be moved."))
        kept = [i.pk for i in selectors.review_detail(request.org, found.review_id).kept]
        services.agenda_reorder(
            actor=request.membership,
            review=found.review,
            item_ids=_moved(kept, found.pk, form.cleaned_data["direction"]),
        )
    except TandemError as error:
        if request.htmx:
            messages.error(request, error.message)
            response = HttpResponse(status=error.status)
            response["HX-Redirect"] = review_url
            return response
        failed = ButtonForm()
        form_error_from(failed, error)
        return _review_page(request, found.review, failed=failed)
    if request.htmx:
        context = _review_context(request, found.review_id)
        return render(request, "reviews/review.html#agenda", context)
    return HttpResponseRedirect(review_url + f"#item-{found.pk}")


# --- Downloads and the minutes -----------------------------------------------------------------------


def _file_stem(found: Review) -> str:
    day = timezone.localtime(found.scheduled_at).date().isoformat()
    return f"{slugify(found.series.name)[:60].strip('-') or 'review'}-{day}"


@org_view(Need.READER)
@require_GET
def review_ics(request: OrgRequest, review_id: int) -> HttpResponse:
    """One review as a calendar event to add by hand."""
    found = access.review_get_for_user(request.membership, review_id)
    body = ics.review_event(found, base_url=link_base_url(request))
    return attachment(body, content_type=CALENDAR, filename=f"{_file_stem(found)}.ics")


def _closed(request: OrgRequest, review_id: int) -> Review:
    """A closed review the member may read: before it closes it has no minutes (404)."""
    found = access.review_get_for_user(request.membership, review_id)
    if found.status != ReviewStatus.CLOSED:
        raise refuse("no minutes before the review is closed", org=request.org)
    return found


@org_view(Need.READER)
@require_GET
def minutes_page(request: OrgRequest, review_id: int) -> HttpResponse:
    found = _closed(request, review_id)
    # The fragment comes from a template with autoescaping on: user text in it is escaped.
    body = mark_safe(minutes.render_html(minutes.minutes_for(found)))  # noqa: S308
    return render(request, "reviews/minutes.html", {"review": found, "body": body})


@org_view(Need.READER)
@require_GET
def minutes_md(request: OrgRequest, review_id: int) -> HttpResponse:
    found = _closed(request, review_id)
    text = minutes.render_markdown(minutes.minutes_for(found))
    return attachment(
        text, content_type="text/markdown; charset=utf-8", filename=f"minutes-{_file_stem(found)}.md"
    )


@org_view(Need.READER)
@require_GET
def minutes_pdf(request: OrgRequest, review_id: int) -> HttpResponse:
    found = _closed(request, review_id)
    pdf = minutes.render_pdf(minutes.minutes_for(found))
    return attachment(pdf, content_type="application/pdf", filename=f"minutes-{_file_stem(found)}.pdf")
