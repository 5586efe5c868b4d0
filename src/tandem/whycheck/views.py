"""Why-check pages: the gate loads, a service writes, ``selectors.round_view`` decides what a person
sees (the blind rule), a template renders. Nothing here scores: the comparison runs in the worker
and the page shows "scoring…" until it is stored."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import SimpleLazyObject as lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.access import Need, OrgRequest, refuse
from tandem.core.decorators import cached_page, org_view
from tandem.core.errors import Conflict
from tandem.core.forms import form_status, form_submit, posted, render_form
from tandem.core.models import Organization, Side
from tandem.strategy import selectors as strategy_selectors
from tandem.strategy.models import Initiative
from tandem.whycheck import access, selectors, services
from tandem.whycheck.charts import score_chart
from tandem.whycheck.forms import AnswerForm, DecisionForm, OverrideForm, SettingsForm, StartForm
from tandem.whycheck.models import RoundStatus, WhyAnswer, WhyCheck
from tandem.whycheck.schemas import comparison_of, measure_of
from tandem.whycheck.scoring import INTERNAL_AIMS

PAGE_SIZE = 50
SAVED_BLIND = gettext_lazy(
    "Your answer is saved. It stays hidden until your co-lead has answered too; you can revise it until then."
)
REVEALED = gettext_lazy("Both answers are in: here they are side by side. Tandem is comparing them.")


def _detail_url(org: Organization, round_: WhyCheck, anchor: str = "") -> str:
    return reverse("whycheck:detail", kwargs={"org_slug": org.slug, "why_check_id": round_.pk}) + anchor


def _views(rounds: Sequence[WhyCheck], request: OrgRequest) -> list[selectors.RoundView]:
    return [selectors.round_view(r, request.membership, list(r.answers.all())) for r in rounds]


# --- The organisation's rounds -------------------------------------------------------------------


@org_view(Need.READER)
@cached_page
@require_GET
def round_list(request: OrgRequest) -> HttpResponse:
    """Open rounds first (who has answered, never what), then revealed and closed ones with verdicts."""
    org, picked = request.org, request.GET.get("initiative", "")
    if picked.isdigit() and len(picked) < 19:  # the picker below: open that initiative's rounds
        initiative = access.initiative_for_why_check(request.membership, int(picked))
        return redirect("whycheck:initiative_rounds", org_slug=org.slug, initiative_id=initiative.pk)
    # Lazy: the page is drawn once per version of the organisation's data (``orgcache``).
    open_views = lazy(lambda: _views(list(selectors.rounds_for_org(org, status=RoundStatus.OPEN)), request))
    done = selectors.rounds_for_org(org).exclude(status=RoundStatus.OPEN)
    context = {
        "open": open_views,
        "waiting": lazy(
            lambda: [v for v in open_views if v.can_answer and v.my_side and not v.answered[v.my_side]]
        ),
        "page": lazy(lambda: Paginator(done, PAGE_SIZE).get_page(request.GET.get("page"))),
        "settings": selectors.settings_for(org=org),
        "today": timezone.localdate(),
        "initiatives": strategy_selectors.initiative_list_open(org=org),
        "can_start": access.can_start(request.membership),
    }
    return render(request, "whycheck/round_list.html", context)


@org_view(Need.ADMIN)
@require_http_methods(["GET", "POST"])
def settings_page(request: OrgRequest) -> HttpResponse:
    """Owners and admins choose whether a misaligned why check blocks approval."""
    current = selectors.settings_for(org=request.org)
    form = SettingsForm(posted(request), initial={"gate": current.gate})
    update = partial(services.settings_update, actor=request.membership)
    to = reverse("whycheck:settings", kwargs={"org_slug": request.org.slug})
    done = form_submit(request, form, update, to=to, message=_("Settings saved."))
    return done or render_form(request, "whycheck/settings.html", {"form": form}, form)


# --- One initiative's rounds ---------------------------------------------------------------------


@org_view(Need.READER)
@require_http_methods(["GET", "POST"])
def initiative_rounds(request: OrgRequest, initiative_id: int) -> HttpResponse:
    """The history of rounds on an initiative with the score over time; leads start a new round."""
    starting = request.method == "POST"  # only leads may: the others get a 404
    initiative = access.initiative_for_why_check(request.membership, initiative_id, start=starting)
    form = StartForm(posted(request)) if access.can_start(request.membership) else None
    if form is not None:
        start = partial(services.whycheck_start, actor=request.membership, initiative=initiative)
        to = partial(_detail_url, request.org)
        if done := form_submit(request, form, start, to=to, message=_started):
            return done
    context = _history(request, initiative)
    return render_form(request, "whycheck/initiative_rounds.html", {**context, "form": form}, form)


def _started(round_: WhyCheck) -> str:
    when = date_format(round_.deadline, "j F Y")
    return _("Why check started: both co-leads are asked to answer by %(date)s.") % {"date": when}


def _history(request: OrgRequest, initiative: Initiative) -> dict[str, Any]:
    rounds = list(selectors.rounds_for_initiative(initiative))
    for r in rounds:
        r.initiative = initiative  # one initiative: no query per row
    return {
        "initiative": initiative,
        "views": _views(rounds, request),
        "chart": score_chart(rounds, "score-history"),
        "has_open": any(r.status == RoundStatus.OPEN for r in rounds),
    }


# --- One round -----------------------------------------------------------------------------------


def _sides(view: selectors.RoundView, comparison: Any) -> list[dict[str, Any]]:
    """Business, then IT: the co-lead, whether they answered, what of it this person may see, their
    decision and drift."""
    r = view.round
    leads = {Side.BUSINESS: r.initiative.business_co_lead, Side.IT: r.initiative.it_co_lead}
    decisions = {
        Side.BUSINESS: (r.business_decision_by, r.business_decision_at),
        Side.IT: (r.it_decision_by, r.it_decision_at),
    }
    rows = []
    for side, label in ((Side.BUSINESS, _("Business")), (Side.IT, _("IT"))):
        answer = view.answers.get(side)
        rows.append(
            {
                "key": str(side),
                "label": label,
                "lead": leads[side],
                "answered": view.answered[side],
                "answer": answer,
                "measures": [measure_of(m) for m in answer.measures] if answer else [],
                "mine": view.my_side == side,
                "decided_by": decisions[side][0],
                "decided_at": decisions[side][1],
                "drift": comparison.drift.get(str(side)) if comparison is not None else None,
            }
        )
    return rows


def _aims(comparison: Any) -> dict[str, list[str]]:
    """The kinds of aim of IT's own that only one answer speaks of, named in the reader's language."""
    if comparison is None:
        return {}
    named = {
        side: [_(INTERNAL_AIMS[kind][0]) for kind in kinds]
        for side, kinds in (("business", comparison.aims_only_business), ("it", comparison.aims_only_it))
    }
    return {side: labels for side, labels in named.items() if labels}


def _render_detail(
    request: OrgRequest,
    round_: WhyCheck,
    *,
    answer_form: AnswerForm | None = None,
    decision_form: DecisionForm | None = None,
    override_form: OverrideForm | None = None,
    close_form: forms.Form | None = None,
) -> HttpResponse:
    """The round's page, with a refused form kept as posted (and the page's own address)."""
    view = selectors.round_view(round_, request.membership)
    comparison = comparison_of(round_.result) if round_.is_revealed else None
    both = all(view.answered.values())
    context = {
        "rv": view,
        "round": round_,
        "initiative": round_.initiative,
        "sides": _sides(view, comparison),
        "comparison": comparison,
        "aims": _aims(comparison),
        "scoring": round_.is_revealed and both and round_.scored_at is None,
        "both": both,
        "overdue": round_.status == RoundStatus.OPEN and round_.deadline_passed,
        "answer_form": answer_form or (AnswerForm(answer=view.my_answer) if view.can_answer else None),
        "decision_form": decision_form
        or (DecisionForm() if view.can_decide and not view.i_decided else None),
        "override_form": override_form or (OverrideForm() if view.can_override else None),
        "can_close": view.can_close and round_.status == RoundStatus.OPEN,
        # A lead sees why an open round cannot be closed yet (its deadline has not passed).
        "closes_later": access.can_start(request.membership) and round_.status == RoundStatus.OPEN,
        "close_form": close_form,
    }
    page = _detail_url(request.org, round_)
    forms_ = (answer_form, decision_form, override_form, close_form)
    return render_form(request, "whycheck/round_detail.html", context, *forms_, page_url=page)


def _submit(
    request: OrgRequest,
    round_: WhyCheck,
    form: forms.Form,
    action: Callable[..., Any],
    *,
    message: str | Callable[[Any], str],
    anchor: str = "",
) -> HttpResponse | None:
    """``form_submit`` for a form of the round's page. A conflict means the round moved on since
    the page was loaded (revealed, decided, overridden): it is said above the page shown afresh."""
    done = form_submit(request, form, action, to=_detail_url(request.org, round_, anchor), message=message)
    if done is None and form_status(form) == Conflict.status:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(_detail_url(request.org, round_))
    return done


def _co_lead_round(request: OrgRequest, why_check_id: int) -> WhyCheck:
    """A round whose forms only its co-leads see: to anyone else they do not exist."""
    round_ = access.why_check_get_for_user(request.membership, why_check_id)
    if selectors.side_of(membership=request.membership, initiative=round_.initiative) is None:
        raise refuse("not a co-lead of the initiative", org=request.org)
    return round_


@org_view(Need.READER)
@require_GET
def round_detail(request: OrgRequest, why_check_id: int) -> HttpResponse:
    """One round as this person may see it, with the forms they may use on it."""
    return _render_detail(request, access.why_check_get_for_user(request.membership, why_check_id))


@org_view(Need.READER)
@require_POST
def answer(request: OrgRequest, why_check_id: int) -> HttpResponse:
    """A co-lead gives or revises their own answer; the second answer reveals both."""
    round_ = _co_lead_round(request, why_check_id)
    form = AnswerForm(request.POST)
    submit = partial(services.whycheck_submit_answer, actor=request.membership, why_check=round_)
    done = _submit(request, round_, form, form.answer_with(submit), message=_saved)
    return done or _render_detail(request, round_, answer_form=form)


def _saved(answer: WhyAnswer) -> str:
    """What a co-lead is told: their answer waits, hidden, for the other one, or both are revealed."""
    return str(REVEALED if answer.why_check.is_revealed else SAVED_BLIND)


@org_view(Need.LEAD)
@require_POST
def close(request: OrgRequest, why_check_id: int) -> HttpResponse:
    """End a round after its deadline: what is in is shown, and two answers are compared. Before
    the deadline the refusal is shown on the round's page (409)."""
    round_ = access.why_check_get_for_user(request.membership, why_check_id)
    form = forms.Form(request.POST)
    shut = partial(services.whycheck_close, actor=request.membership, why_check=round_)
    said = _("The why check is closed: the answers given are shown to everyone.")
    done = form_submit(request, form, shut, to=_detail_url(request.org, round_), message=said, fields=False)
    return done or _render_detail(request, round_, close_form=form)


@org_view(Need.READER)
@require_POST
def decision(request: OrgRequest, why_check_id: int) -> HttpResponse:
    """A co-lead records what they agreed after a "needs discussion" verdict."""
    round_ = _co_lead_round(request, why_check_id)
    form = DecisionForm(request.POST)
    record = partial(services.whycheck_record_decision, actor=request.membership, why_check=round_)
    done = _submit(request, round_, form, record, message=_("Your decision is recorded."), anchor="#effect")
    return done or _render_detail(request, round_, decision_form=form)


@org_view(Need.ADMIN)
@require_POST
def override(request: OrgRequest, why_check_id: int) -> HttpResponse:
    """An owner or admin sets a misaligned verdict aside, with a reason (audited)."""
    round_ = access.why_check_get_for_user(request.membership, why_check_id)
    form = OverrideForm(request.POST)
    lift = partial(services.whycheck_override, actor=request.membership, why_check=round_)
    said = _("The misaligned verdict is overridden; the pause is lifted.")
    done = _submit(request, round_, form, lift, message=said, anchor="#effect")
    return done or _render_detail(request, round_, override_form=form)
