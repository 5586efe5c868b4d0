"""E-mails go out in the recipient's language: their own choice, else their organisation's
default, else English (an invitation, a why-check round, a survey link)."""

from __future__ import annotations

from django.core import mail
from django.utils import translation

from tandem.core import services as core
from tandem.core.models import Role, Side
from tandem.core.tasks import send_invitation_email
from tandem.strategy.models import Initiative
from tandem.whycheck.models import WhyCheck
from tandem.whycheck.tasks import notify_why_check
from tests.conftest import Personas


def dutch(text: str) -> str:
    with translation.override("nl"):
        translated = translation.gettext(text)
    assert translated != text, f"the Dutch catalogue does not translate {text!r}"
    return translated


def test_an_invitation_to_a_newcomer_follows_the_organisations_default(personas: Personas) -> None:
    core.organization_update(
        org=personas.org, actor=personas.owner, name="Acme", require_mfa=False, language="nl"
    )
    invitation = core.invitation_create(
        actor=personas.admin, email="nieuw@acme.test", role=Role.MEMBER, side=Side.IT
    )
    mail.outbox.clear()
    assert send_invitation_email.call(invitation_id=invitation.pk)
    [message] = mail.outbox
    assert message.subject == dutch("You are invited to %(org)s on Tandem") % {"org": "Acme"}


def test_an_invitation_to_someone_with_an_account_follows_their_choice(personas: Personas) -> None:
    core.organization_update(
        org=personas.org, actor=personas.owner, name="Acme", require_mfa=False, language="nl"
    )
    core.user_update_profile(user=personas.outsider.user, name="", language="en")
    invitation = core.invitation_create(
        actor=personas.admin, email=personas.outsider.user.email.upper(), role=Role.MEMBER, side=Side.IT
    )
    mail.outbox.clear()
    send_invitation_email.call(invitation_id=invitation.pk)
    [message] = mail.outbox
    assert message.subject == "You are invited to Acme on Tandem"


def test_each_co_lead_reads_the_why_check_mail_in_their_own_language(
    personas: Personas, round_: WhyCheck
) -> None:
    initiative: Initiative = round_.initiative
    assert initiative.business_co_lead is not None
    assert initiative.it_co_lead is not None
    core.user_update_profile(user=initiative.business_co_lead.user, name="", language="nl")
    mail.outbox.clear()
    assert notify_why_check.call(why_check_id=round_.pk, event="started") == 2
    by_person = {m.to[0]: m for m in mail.outbox}
    dutch_mail = by_person[initiative.business_co_lead.user.email]
    english_mail = by_person[initiative.it_co_lead.user.email]
    assert dutch("Why are we doing this, and how will we measure success?") in str(dutch_mail.body)
    assert "Why are we doing this, and how will we measure success?" in str(english_mail.body)
