"""Invitation e-mails go through the task queue and a worker, end to end."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult

from tandem.core import services
from tandem.core.models import Membership, Role, Side
from tests.conftest import Personas
from tests.factories import PASSWORD


# The worker closes database connections between tasks, as in production: use real commits.
@pytest.mark.django_db(transaction=True)
def test_an_invitation_is_mailed_by_the_worker_and_its_link_lets_the_person_join(
    personas: Personas,
) -> None:
    services.invitation_create(actor=personas.admin, email="newcomer@acme.test", role=Role.LEAD, side=Side.IT)
    assert mail.outbox == []  # nothing is sent inside the request
    assert DBTaskResult.objects.count() == 1

    call_command("worker", batch=True, verbosity=0)

    [message] = mail.outbox
    assert message.to == ["newcomer@acme.test"]
    assert "Acme Insurance" in message.subject
    link = re.search(r"http://127\.0\.0\.1:8000(/invite/\S+/)", str(message.body))
    assert link, message.body

    # The invitee follows the link, creates an account (no verification mail: the link proved
    # the address), and accepts.
    client = Client()
    page = client.get(link.group(1))
    assert page.status_code == 200
    assert "Create account" in page.content.decode()
    response = client.post(
        "/accounts/signup/",
        {"email": "newcomer@acme.test", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == link.group(1)
    response = client.post(link.group(1))
    assert response.status_code == 302
    assert response["Location"] == "/o/acme/"
    joined = Membership.objects.for_org(personas.org).get(user__email="newcomer@acme.test")
    assert (joined.role, joined.side) == (Role.LEAD, Side.IT)
    assert client.get("/o/acme/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_worker_skips_an_invitation_revoked_before_it_ran(
    personas: Personas,
) -> None:
    invitation = services.invitation_create(actor=personas.admin, email="later@acme.test", side=Side.IT)
    services.invitation_revoke(actor=personas.admin, invitation=invitation)
    call_command("worker", batch=True, verbosity=0)
    assert mail.outbox == []


def test_an_existing_account_signs_in_then_accepts(personas: Personas) -> None:
    invitation = services.invitation_create(
        actor=personas.admin, email=personas.outsider.user.email, side=Side.IT
    )
    link = f"/invite/{services.invitation_token(invitation)}/"
    client = Client()
    assert "Sign in to accept" in client.get(link).content.decode()
    client.post("/accounts/login/", {"login": personas.outsider.user.email, "password": PASSWORD})
    assert client.post(link).status_code == 302
    assert Membership.objects.for_user(personas.outsider.user).count() == 2


@pytest.mark.django_db(transaction=True)
def test_invitation_links_use_the_address_the_admin_used(personas: Personas) -> None:
    client = Client(HTTP_HOST="localhost")
    client.force_login(personas.admin.user)
    client.post("/o/acme/members/", {"email": "viahost@acme.test", "role": "member", "side": "it"})
    call_command("worker", batch=True, verbosity=0)
    [message] = mail.outbox
    assert "http://localhost/invite/" in message.body
