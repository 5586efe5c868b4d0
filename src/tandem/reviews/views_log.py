"""What the reviews leave behind: the decision log, the action items, the wins, the habit page and
the member's own calendar feed.

The decision log is searchable and shows, for each decision, who confirmed it for which side; a
member of the side still missing confirms it with one button. The action items are the open ones
by default (filters: mine, overdue, another status), each with its status for who may change it.
Decisions, action items and wins are recorded in a review (``?review=``) or outside one.
The habit page shows each series' score over its last twelve weeks, and the key results without
a check-in and the actions past their date. Nothing is written on a read: the personal feed is
made by a button.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.access import Need, OrgRequest, refuse
from tandem.core.decorators import org_view
from tandem.core.forms import form_submit, posted, render_form
from tandem.core.models import Membership, Side
from tandem.core.services import link_base_url
from tandem.reviews import access, habit, ics, selectors, services
from tandem.reviews.forms import (
    ActionFilterForm,
    ActionForm,
    ActionStatusForm,
    ButtonForm,
    DecisionFilterForm,
    DecisionForm,
    PerItemForm,
    WinForm,
)
from tandem.reviews.models import ActionItem, ActionStatus, Decision, PersonalFeed, Review, ReviewSeries

DECISIONS_PER_PAGE = 25
ACTIONS_PER_PAGE = 50
HABIT_ROWS_PER_PAGE = 25


def _url(request: OrgRequest, name: str, **kwargs: int) -> str:
    return reverse(f"reviews:{name}", kwargs={"org_slug": request.org.slug, **kwargs})


def _decision_url(request: OrgRequest, decision: Decision) -> str:
    return _url(request, "decision", decision_id=decision.pk)


# --- Rows shared with the review page --------------------------------------------------------------


@dataclass(frozen=True)
class DecisionRow:
    """A decision with who confirmed it for each side, and whether the member may confirm it:
    of a side that has not confirmed yet, and not confirmed by them already."""

    decision: Decision
    business: list[Membership]
    it: list[Membership]
    can_confirm: bool


def decision_row(decision: Decision, member: Membership) -> DecisionRow:
    confirmations = list(decision.confirmations.all())
    business = [c.membership for c in confirmations if c.side == Side.BUSINESS]
    it = [c.membership for c in confirmations if c.side == Side.IT]
    missing = {Side.BUSINESS: not business, Side.IT: not it}.get(Side(member.side), False)
    mine = any(c.membership_id == member.pk for c in confirmations)
    return DecisionRow(decision, business, it, access.can_confirm(member) and missing and not mine)


@dataclass(frozen=True)
class ActionRow:
    """An action item with its status form for who may change it, and its age when carried over."""

    action: ActionItem
    overdue: bool
    age: int | None = None
    form: ActionStatusForm | None = None


def action_row(
    action: ActionItem, member: Membership, today: date, *, age: int | None = None, failed: Any = None
) -> ActionRow:
    form = None
    if access.can_update_action(member, action):
        same = isinstance(failed, ActionStatusForm) and failed.item_id == action.pk
        form = failed if same else ActionStatusForm(item_id=action.pk, initial={"status": action.status})
    overdue = action.status == ActionStatus.OPEN and action.due_on < today
    return ActionRow(action, overdue, age, form)


# --- Reviews named in a form's address ------------------------------------------------------------


def review_of(request: OrgRequest, data: Any) -> Review | None:
    """The review named by ``?review=`` (one the member may read), or ``None``."""
    raw = data.get("review", "")
    if not raw:
        return None
    if not str(raw).isdigit():
        raise refuse("no such review", org=request.org)
    return access.review_get_for_user(request.membership, int(raw))


def back_to(request: OrgRequest, found: Review | None) -> str:
    """Where a form that may belong to a review returns: the review, or the list of reviews."""
    return _url(request, "review", review_id=found.pk) if found is not None else _url(request, "list")


# --- The decision log ------------------------------------------------------------------------------


@org_view(Need.READER)
@require_GET
def decisions(request: OrgRequest) -> HttpResponse:
    """The decision log, latest first: search it, or keep those still waiting for a side."""
    access.require_reader(request.membership)
    form = DecisionFilterForm(request.GET or None)
    filters = form.filters()
    found = selectors.decision_search(request.org, **filters)
    page = Paginator(found, DECISIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": [decision_row(d, request.membership) for d in page.object_list],
        "filtered": bool(filters.get("q")) or "confirmed" in filters,
        "can_record": access.can_confirm(request.membership),
    }
    return render(request, "reviews/decisions.html", context)


@org_view(Need.READER)
@require_http_methods(["GET", "POST"])
def decision_new(request: OrgRequest) -> HttpResponse:
    """Record a decision, in a review (``?review=``) or outside one; it is confirmed for the
    recorder's side at once."""
    m = request.membership
    access.require_work(m)
    if not access.can_confirm(m):
        raise refuse("only the business or IT side records decisions", org=request.org)
    found = review_of(request, request.GET)
    form = DecisionForm(posted(request), org=request.org)
    done = form_submit(
        request,
        form,
        partial(services.decision_record, actor=m, review=found),
        to=partial(_decision_url, request),
        message=_(
            "Decision recorded and confirmed for your side. A member of the other side confirms it next."
        ),
    )
    context = {"form": form, "review": found, "back": back_to(request, found)}
    return done or render_form(request, "reviews/decision_form.html", context, form)


@org_view(Need.READER)
@require_GET
def decision(request: OrgRequest, decision_id: int) -> HttpResponse:
    return _decision_page(request, access.decision_get_for_user(request.membership, decision_id))


def _decision_page(request: OrgRequest, found: Decision, failed: PerItemForm | None = None) -> HttpResponse:
    """A decision with its confirmations and the action items that follow from it."""
    m = request.membership
    today = timezone.localdate()
    actions = selectors.action_list(request.org).filter(decision=found)
    context = {
        "row": decision_row(found, m),
        "decision": found,
        "actions": [action_row(a, m, today) for a in actions],
        "can_add_action": access.can_work(m),
        "failed": failed,
    }
    return render_form(
        request, "reviews/decision.html", context, failed, page_url=_decision_url(request, found)
    )


def _confirmed(decision: Decision) -> str:
    if decision.is_confirmed:
        return _("Confirmed: both sides have now confirmed this decision.")
    return _("Confirmed for your side. It is confirmed once the other side confirms it too.")


@org_view(Need.READER)
@require_POST
def decision_confirm(request: OrgRequest, decision_id: int) -> HttpResponse:
    found = access.decision_for_confirm(request.membership, decision_id)
    form = ButtonForm()
    done = form_submit(
        request,
        form,
        partial(services.decision_confirm, actor=request.membership, decision=found),
        to=_safe_next(request, _decision_url(request, found)),
        message=_confirmed,
        fields=False,
    )
    return done or _decision_page(request, found, failed=form)


def _safe_next(request: OrgRequest, default: str) -> str:
    """The page a button came from (``next``, a path of this site), or ``default``."""
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return str(wanted)
    return default


# --- Action items ----------------------------------------------------------------------------------


@org_view(Need.READER)
@require_GET
def actions(request: OrgRequest) -> HttpResponse:
    access.require_reader(request.membership)
    return _actions_page(request)


def _actions_page(request: OrgRequest, failed: ActionStatusForm | None = None) -> HttpResponse:
    """The action items, open ones by due date unless asked otherwise; ``failed`` is a refused
    status change, shown on its row."""
    m = request.membership
    form = ActionFilterForm(request.GET or None)
    wanted = form.filters()
    found = selectors.action_list(
        request.org,
        status=wanted["status"],
        owner=m if wanted["mine"] else None,
        overdue=wanted["overdue"],
    )
    page = Paginator(found, ACTIONS_PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    context = {
        "form": form,
        "page": page,
        "rows": [action_row(a, m, today, failed=failed) for a in page.object_list],
        "filtered": bool(request.GET.get("status") or wanted["mine"] or wanted["overdue"]),
        "can_add": access.can_work(m),
        "failed": failed,
        # Where a status change returns: this list as filtered (not the address a refused POST went to).
        "here": request.get_full_path() if request.method == "GET" else _url(request, "actions"),
    }
    return render_form(request, "reviews/actions.html", context, failed, page_url=_url(request, "actions"))


@org_view(Need.READER)
@require_http_methods(["GET", "POST"])
def action_new(request: OrgRequest) -> HttpResponse:
    """Add an action item, in a review (``?review=``) or following a decision (``?decision=``)."""
    m = request.membership
    access.require_work(m)
    found = review_of(request, request.GET)
    decision = _decision_of(request, request.GET.get("decision", ""))
    initial = {"owner": m.pk, "initiative": decision.initiative_id if decision else None}
    form = ActionForm(posted(request), org=request.org, initial=initial)
    back = _decision_url(request, decision) if decision else back_to(request, found)
    done = form_submit(
        request,
        form,
        partial(services.action_add, actor=m, review=found, decision=decision),
        to=back if found or decision else _url(request, "actions"),
        message=_("Action added. It carries over to every review until it is done."),
    )
    context = {"form": form, "review": found, "decision": decision, "back": back}
    return done or render_form(request, "reviews/action_form.html", context, form)


def _decision_of(request: OrgRequest, raw: str) -> Decision | None:
    if not raw:
        return None
    if not raw.isdigit():
        raise refuse("no such decision", org=request.org)
    return access.decision_get_for_user(request.membership, int(raw))


@org_view(Need.READER)
@require_POST
def action(request: OrgRequest, action_id: int) -> HttpResponse:
    """Change an action item's status (done, dropped, open again)."""
    found = access.action_for_update(request.membership, action_id)
    form = ActionStatusForm(request.POST, item_id=found.pk)
    done = form_submit(
        request,
        form,
        partial(services.action_update, actor=request.membership, action=found),
        to=_safe_next(request, _url(request, "actions")),
        message=_("Action saved."),
    )
    return done or _actions_page(request, failed=form)


# --- The habit page ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeekRow:
    """One week of a habit score, latest first on the page; ``None``: the component was left out."""

    at: datetime
    score: float
    held: bool
    both_sides: bool
    actions: float | None
    check_ins: float | None


@dataclass(frozen=True)
class Scored:
    series: ReviewSeries
    habit: habit.HabitScore
    slipping: bool
    weeks: list[WeekRow]


def _week_rows(score: habit.HabitScore) -> list[WeekRow]:
    return [
        WeekRow(
            week.at,
            week.score,
            bool(week.components.get(habit.HELD)),
            bool(week.components.get(habit.BOTH_SIDES)),
            week.components.get(habit.ACTIONS),
            week.components.get(habit.CHECK_INS),
        )
        for week in reversed(score.weeks)
    ]


@org_view(Need.READER)
@require_GET
def habit_page(request: OrgRequest) -> HttpResponse:
    """Each active series' habit over its last twelve weeks, the key results without a check-in
    for 14 days and the actions past their due date."""
    m = request.membership
    scored = []
    for series in access.series_list_for(m).filter(is_active=True):
        score = habit.habit_for_series(series)
        scored.append(Scored(series, score, habit.is_slipping(score), _week_rows(score)))
    missed = habit.missed_check_ins(request.org)
    overdue = habit.overdue_actions(request.org)
    context = {
        "scored": scored,
        "missed": Paginator(missed, HABIT_ROWS_PER_PAGE).get_page(request.GET.get("checkins")),
        "overdue": Paginator(overdue, HABIT_ROWS_PER_PAGE).get_page(request.GET.get("overdue")),
        "slipping_below": habit.SLIPPING_BELOW,
        "today": timezone.localdate(),
    }
    return render(request, "reviews/habit.html", context)


# --- The member's own calendar feed ------------------------------------------------------------------


def _my_feed(request: OrgRequest) -> PersonalFeed | None:
    return PersonalFeed.objects.for_org(request.org).filter(membership=request.membership).first()


@org_view(Need.READER)
@require_http_methods(["GET", "POST"])
def my_feed(request: OrgRequest) -> HttpResponse:
    """The member's calendar address for every review they attend; a button makes it, or renews
    it (the old address stops at once)."""
    m = request.membership
    access.require_reader(m)
    feed = _my_feed(request)
    action = services.personal_feed_rotate if feed is not None else services.personal_feed_get_or_create
    message = (
        _("Your calendar address is renewed: the old one no longer works.")
        if feed is not None
        else _("Your calendar address is ready: subscribe to it in your calendar.")
    )
    form = ButtonForm()
    done = form_submit(
        request, form, partial(action, actor=m), to=_url(request, "my_feed"), message=message, fields=False
    )
    context: dict[str, Any] = {
        "feed": feed,
        "feed_url": ics.feed_url(ics.personal_feed_secret(feed), base_url=link_base_url(request))
        if feed is not None
        else "",
        "attended": [s for s in access.series_list_for(m) if s.is_active and m in s.attendees.all()],
        "failed": form if form.errors else None,
    }
    return done or render_form(request, "reviews/my_feed.html", context, form)


# --- Wins -----------------------------------------------------------------------------------------


@org_view(Need.READER)
@require_http_methods(["GET", "POST"])
def win_new(request: OrgRequest) -> HttpResponse:
    """Celebrate a win, in a review (``?review=``) or outside one; the people thanked are told."""
    access.require_work(request.membership)
    found = review_of(request, request.GET)
    initial = {key: request.GET.get(key, "")[:300] for key in ("title", "source_key", "initiative")}
    form = WinForm(posted(request), org=request.org, initial=initial)
    to = back_to(request, found)
    done = form_submit(
        request,
        form,
        partial(services.win_add, actor=request.membership, review=found),
        to=to + ("#wins" if found else ""),
        message=_("Win recorded. Whoever you thanked hears about it by e-mail."),
    )
    context = {"form": form, "review": found, "back": to}
    return done or render_form(request, "reviews/win_form.html", context, form)
