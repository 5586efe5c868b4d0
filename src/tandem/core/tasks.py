"""Background work of the core app, run by ``tandem worker`` through ``django.tasks``."""

from __future__ import annotations

from django.conf import settings
from django.tasks import task
from django.urls import reverse

from tandem.core.language import language_for
from tandem.core.mail import send_templated
from tandem.core.models import Invitation, User


@task()
def send_invitation_email(*, invitation_id: int, base_url: str = "") -> bool:
    """E-mail the link of a pending invitation; a no-op when it was revoked or used meanwhile."""
    from tandem.core.services import invitation_token  # services enqueue this task

    invitation = (
        Invitation.objects.unscoped()  # a worker acts for every organisation
        .select_related("organization", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_pending:
        return False
    link = (base_url or settings.SITE_URL) + reverse("core:invitation", args=[invitation_token(invitation)])
    context = {"invitation": invitation, "link": link, "site_url": settings.SITE_URL}
    # Someone who already has an account gets their own language; a newcomer the organisation's.
    person = User.objects.filter(email__iexact=invitation.email).only("language").first()
    send_templated(
        to=invitation.email,
        language=language_for(person, invitation.organization),
        subject="core/email/invitation_subject.txt",
        body="core/email/invitation_body.txt",
        context=context,
    )
    return True
