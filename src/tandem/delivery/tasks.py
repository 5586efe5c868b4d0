"""Background work of the delivery app: sending the feedback link to the end users chosen for a
deliverable once the business has accepted it."""

from __future__ import annotations

from django.conf import settings
from django.tasks import task
from django.urls import reverse

from tandem.core.language import language_for
from tandem.core.mail import send_templated
from tandem.delivery import selectors, services
from tandem.delivery.models import Deliverable


@task()
def send_feedback_requests(*, deliverable_id: int) -> int:
    """E-mail the deliverable's feedback link to each chosen end user, in the organisation's
    language (end users have no account to choose one), once: a second run sends nothing."""
    deliverable = (
        Deliverable.objects.unscoped()
        .select_related("organization", "initiative")
        .filter(pk=deliverable_id)
        .first()
    )
    if deliverable is None or not deliverable.is_accepted or deliverable.feedback_requested_at is not None:
        return 0
    addresses = [a for a in deliverable.feedback_recipients.splitlines() if a.strip()]
    if not addresses:
        return 0
    org = deliverable.organization
    link = selectors.feedback_link_of(deliverable.initiative, deliverable)
    if link is None:
        link = services.feedback_link_open(
            actor=None, initiative=deliverable.initiative, deliverable=deliverable
        )
    if not link.is_open:
        return 0
    url = settings.SITE_URL + reverse("delivery:feedback_public", args=[selectors.link_token(link)])
    for address in addresses:
        send_templated(
            to=address,
            language=language_for(None, org),
            subject="delivery/email/feedback_subject.txt",
            body="delivery/email/feedback_body.txt",
            context={"deliverable": deliverable, "organization": org, "link": url},
        )
    services.feedback_requests_sent(deliverable=deliverable, count=len(addresses))
    return len(addresses)
