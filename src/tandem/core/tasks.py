"""Background work of the core app, run by ``tandem worker`` through ``django.tasks``."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from tandem.core.models import Invitation


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
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("core/email/invitation_subject.txt", context).strip()
        body = render_to_string("core/email/invitation_body.txt", context)
    send_mail(subject, body, None, [invitation.email])
    return True
