"""The end users' feedback page: a secret link opened without an account, a rating from 1 to 5, a
comment and, only if they want, a name. The link is its own key and scope.

It answers like a survey link: in the visitor's language (their choice, their browser, then the
organisation's default), behind the same CSRF protection and rate limit (counted before the link
is looked up, so guessing links counts against the address), never cached. An unknown link is a
friendly 404; a closed one a 410 Gone, the status a closed survey answers, since nothing can be
sent through it (its initiative's team may open it again). The page names the organisation and
what is rated (the deliverable's or the initiative's title) and nothing else of the organisation.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tandem.core import ratelimit
from tandem.core.errors import Conflict, ValidationFailed
from tandem.core.forms import form_error_from, form_status
from tandem.core.language import respondent_language, use_language
from tandem.delivery import selectors, services
from tandem.delivery.forms_dashboard import FeedbackForm
from tandem.delivery.models import FeedbackLink

STATE_STATUS = {"thanks": 200, "closed": 410, "not_found": 404, "limited": 429}


def _about(link: FeedbackLink | None) -> dict[str, object]:
    """What the page may say about the link: the organisation and what is rated, nothing more."""
    if link is None:
        return {"org_name": "", "subject": ""}
    subject = link.deliverable.title if link.deliverable else link.initiative.title
    return {"org_name": link.organization.name, "subject": subject, "is_deliverable": bool(link.deliverable)}


def _state(request: HttpRequest, link: FeedbackLink | None, state: str, message: str = "") -> HttpResponse:
    context = {**_about(link), "state": state, "message": message}
    response = render(request, "delivery/feedback_public_state.html", context, status=STATE_STATUS[state])
    if state == "limited":
        response["Retry-After"] = str(ratelimit.RETRY_AFTER)
    return response


def _form(request: HttpRequest, link: FeedbackLink, form: FeedbackForm) -> HttpResponse:
    context = {**_about(link), "form": form}
    return render(request, "delivery/feedback_public.html", context, status=form_status(form))


def _submit(request: HttpRequest, link: FeedbackLink, token: str) -> HttpResponse:
    """Store the feedback: thanks, the form again with what to fix (input kept), or "closed"."""
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return _form(request, link, form)
    try:
        services.feedback_submit(token=token, **form.cleaned_data)
    except Conflict:  # closed just now
        return _state(request, link, "closed")
    except ValidationFailed as error:
        form_error_from(form, error)
        return _form(request, link, form)
    return _state(request, link, "thanks")


def _limited(request: HttpRequest, token: str) -> ratelimit.RateLimited | None:
    """The refusal of this attempt when there were too many this minute; ``None`` otherwise."""
    try:
        ratelimit.check(
            request,
            key="feedback:" + selectors.token_hash(token),
            per_key=settings.FEEDBACK_RATE_PER_LINK,
            per_address=settings.FEEDBACK_RATE_PER_ADDRESS,
        )
    except ratelimit.RateLimited as error:
        return error
    return None


@never_cache
@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest, feedback_token: str) -> HttpResponse:
    """Rate a deliverable or an initiative through its link, without an account."""
    token = feedback_token
    limited = _limited(request, token) if request.method == "POST" else None
    link = selectors.feedback_link_for_token(token)
    use_language(request, respondent_language(request, link.organization.language if link else ""))
    if limited is not None:
        return _state(request, link, "limited", limited.said())
    if link is None:
        return _state(request, None, "not_found")
    if not link.is_open:
        return _state(request, link, "closed")
    if request.method == "POST":
        return _submit(request, link, token)
    return _form(request, link, FeedbackForm())
