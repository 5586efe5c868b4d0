"""The blind rule against insiders: people of the organisation who may edit an initiative or lead
rounds must not get at an answer before the reveal.

- Changing the co-leads while a round waits for answers voids the round: its answers are deleted
  unread, the old and the new co-leads are told, and a new round can start.
- Before the reveal an answer is shown to its author alone, whoever co-leads the side now, and
  nobody else can overwrite it.
- A round with one answer cannot be closed (and so revealed) before its deadline.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tandem.core import services as core_services
from tandem.core.models import AuditEvent, Membership, Role, Side
from tandem.strategy import services as strategy
from tandem.strategy.models import Initiative
from tandem.whycheck import services
from tandem.whycheck.models import RoundStatus, WhyAnswer, WhyCheck
from tests.conftest import Personas, bearer, send
from tests.factories import MembershipFactory
from tests.whycheck.conftest import IT_ANSWER

ClientFor = Callable[[str], Client]
ACME = "/api/v1/orgs/acme"
SECRET_WHY = "Our quokka-lantern doctrine: settle simple claims before the kettle boils."
SECRET: dict[str, Any] = {
    "why": SECRET_WHY,
    "measures": [{"name": "Lanterns lit per quokka", "target": 73, "unit": "lanterns"}],
}
OVERWRITE: dict[str, Any] = {"why": "Something else entirely.", "measures": [{"name": "Anything"}]}
MARKERS = ("quokka", "lantern")


def assert_blind(content: str, where: str) -> None:
    lowered = content.lower()
    for marker in MARKERS:
        assert marker not in lowered, f"{where} shows the hidden answer ({marker!r})"


def round_url(round_id: int, tail: str = "") -> str:
    return f"{ACME}/why-checks/{round_id}{tail}"


def page(client: Client, url: str) -> str:
    return str(client.get(url).content.decode())


def signed_in(membership: Membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def start_and_answer_in_secret(personas: Personas) -> tuple[int, int]:
    """The reproduction up to the change: a plain member creates an initiative co-led by the two
    leads, the owner starts a why check, the business co-lead answers. The member sees nothing."""
    member = bearer(personas.member)
    created = send(
        member,
        "post",
        f"{ACME}/initiatives",
        {
            "title": "Claims triage",
            "business_co_lead_id": personas.business_lead.pk,
            "it_co_lead_id": personas.it_lead.pk,
        },
    )
    assert created.status_code == 201, created.content
    initiative_id = created.json()["id"]
    started = send(bearer(personas.owner), "post", f"{ACME}/initiatives/{initiative_id}/why-checks", {})
    assert started.status_code == 201, started.content
    round_id = started.json()["id"]
    answered = send(bearer(personas.business_lead), "put", round_url(round_id, "/answer"), SECRET)
    assert answered.status_code == 200, answered.content
    assert member.get(round_url(round_id)).json()["answers"]["business"] is None
    return initiative_id, round_id


def make_member_co_lead(personas: Personas, initiative_id: int) -> Client:
    """The member, who may edit the initiative they created, makes themselves business co-lead."""
    member = bearer(personas.member)
    patched = send(
        member, "patch", f"{ACME}/initiatives/{initiative_id}", {"business_co_lead_id": personas.member.pk}
    )
    assert patched.status_code == 200, patched.content
    return member


# --- A co-lead change during an open round -------------------------------------------------------


# The worker closes database connections between tasks, as in production: use real commits.
@pytest.mark.django_db(transaction=True)
def test_a_member_who_makes_themselves_co_lead_mid_round_neither_reads_nor_overwrites_the_answer(
    personas: Personas,
) -> None:
    initiative_id, round_id = start_and_answer_in_secret(personas)
    call_command("worker", batch=True, verbosity=0)  # the "round started" e-mails
    mail.outbox.clear()

    member = make_member_co_lead(personas, initiative_id)

    for who, client in (("the new co-lead", member), ("an admin", bearer(personas.admin))):
        response = client.get(round_url(round_id))
        assert response.status_code == 200
        assert response.json()["answers"] == {"business": None, "it": None}, who
        assert_blind(response.content.decode(), f"the round for {who}")
        listed = client.get(f"{ACME}/initiatives/{initiative_id}/why-checks")
        assert_blind(listed.content.decode(), f"the initiative's rounds for {who}")
    for who in ("member", "admin"):
        assert_blind(page(signed_in(getattr(personas, who)), f"/o/acme/why-checks/{round_id}/"), who)

    overwrite = send(member, "put", round_url(round_id, "/answer"), OVERWRITE)
    assert overwrite.status_code == 409
    assert_blind(overwrite.content.decode(), "the refused overwrite")

    round_ = WhyCheck.objects.unscoped().get(pk=round_id)
    assert round_.status == RoundStatus.VOIDED
    assert round_.revealed_at is None
    # Deleted, not hidden: nobody reading the database later finds the answer either.
    assert not WhyAnswer.objects.unscoped().filter(why_check_id=round_id).exists()
    assert not WhyAnswer.objects.unscoped().filter(why__icontains="quokka").exists()

    call_command("worker", batch=True, verbosity=0)
    told = {message.to[0] for message in mail.outbox}
    old_and_new = {personas.business_lead.user.email, personas.member.user.email}
    assert old_and_new <= told
    assert told <= old_and_new | {personas.it_lead.user.email}
    for message in mail.outbox:
        assert "voided" in message.subject.lower()
        assert_blind(f"{message.subject}\n{message.body}", f"the e-mail to {message.to}")


def test_a_voided_round_is_audited_without_content_says_why_and_a_new_round_can_start(
    personas: Personas,
) -> None:
    initiative_id, round_id = start_and_answer_in_secret(personas)
    # An edit that keeps the co-leads leaves the round waiting.
    renamed = send(
        bearer(personas.member), "patch", f"{ACME}/initiatives/{initiative_id}", {"title": "Triage"}
    )
    assert renamed.status_code == 200
    assert WhyCheck.objects.unscoped().get(pk=round_id).status == RoundStatus.OPEN

    make_member_co_lead(personas, initiative_id)

    voided = AuditEvent.objects.for_org(personas.org).get(action="why_check.voided")
    assert voided.target_id == str(round_id)
    assert voided.actor == personas.member.user
    assert_blind(f"{voided.summary} {voided.data}", "the audit record")
    assert voided.data["co_leads"]["business"] == [personas.business_lead.pk, personas.member.pk]

    detail = bearer(personas.owner).get(round_url(round_id)).json()
    assert detail["status"] == "voided"
    assert detail["answered"] == {"business": False, "it": False}
    shown = page(signed_in(personas.owner), f"/o/acme/why-checks/{round_id}/")
    assert "the co-leads changed" in shown
    assert_blind(shown, "the voided round's page")
    history = page(signed_in(personas.owner), f"/o/acme/initiatives/{initiative_id}/why-checks/")
    assert "Voided" in history

    again = send(bearer(personas.owner), "post", f"{ACME}/initiatives/{initiative_id}/why-checks", {})
    assert again.status_code == 201, again.content
    answered = send(bearer(personas.member), "put", round_url(again.json()["id"], "/answer"), OVERWRITE)
    assert answered.status_code == 200
    assert answered.json()["answers"]["business"]["why"] == OVERWRITE["why"]


def test_replacing_a_deactivated_co_lead_voids_the_open_round(personas: Personas, round_: WhyCheck) -> None:
    services.whycheck_submit_answer(actor=personas.it_lead, why_check=round_, **SECRET)
    core_services.membership_update(actor=personas.owner, member=personas.it_lead, is_active=False)
    # Deactivating alone changes no co-lead: the round waits, and the answer stays hidden.
    assert WhyCheck.objects.for_org(personas.org).get(pk=round_.pk).status == RoundStatus.OPEN
    assert_blind(bearer(personas.admin).get(round_url(round_.pk)).content.decode(), "the round for an admin")

    replacement = MembershipFactory.create(organization=personas.org, role=Role.LEAD, side=Side.IT)
    initiative = Initiative.objects.for_org(personas.org).get(pk=round_.initiative_id)
    strategy.initiative_update(actor=personas.owner, initiative=initiative, it_co_lead=replacement)
    assert WhyCheck.objects.for_org(personas.org).get(pk=round_.pk).status == RoundStatus.VOIDED
    assert not WhyAnswer.objects.for_org(personas.org).filter(why_check=round_).exists()


# --- An answer belongs to its author -------------------------------------------------------------


def test_before_the_reveal_only_the_author_sees_the_answer_whoever_co_leads_the_side_now(
    personas: Personas, round_: WhyCheck
) -> None:
    services.whycheck_submit_answer(actor=personas.business_lead, why_check=round_, **SECRET)
    # The co-lead changes without going through Tandem's services (a repair in the database): the
    # member now holds the same co-lead id the initiative names, but did not write the answer.
    Initiative.objects.for_org(personas.org).filter(pk=round_.initiative_id).update(
        business_co_lead=personas.member
    )
    member = bearer(personas.member)
    seen = member.get(round_url(round_.pk))
    assert seen.json()["you"]["side"] == "business"
    assert seen.json()["answers"]["business"] is None
    assert seen.json()["you"]["can_answer"] is False
    assert_blind(seen.content.decode(), "the round for the new co-lead")
    assert_blind(page(signed_in(personas.member), f"/o/acme/why-checks/{round_.pk}/"), "the round's page")

    overwrite = send(member, "put", round_url(round_.pk, "/answer"), OVERWRITE)
    assert overwrite.status_code == 409
    kept = WhyAnswer.objects.for_org(personas.org).get(why_check=round_)
    assert (kept.author, kept.why) == (personas.business_lead, SECRET_WHY)

    # The author still sees their own answer.
    mine = bearer(personas.business_lead).get(round_url(round_.pk)).json()
    assert mine["answers"]["business"]["why"] == SECRET_WHY


# --- Closing early -------------------------------------------------------------------------------


def test_a_round_with_one_answer_cannot_be_closed_before_its_deadline(
    personas: Personas, round_: WhyCheck, client_for: ClientFor
) -> None:
    services.whycheck_submit_answer(actor=personas.business_lead, why_check=round_, **SECRET)
    it_lead = bearer(personas.it_lead)
    assert it_lead.get(round_url(round_.pk)).json()["you"]["can_close"] is False

    refused = send(it_lead, "post", round_url(round_.pk, "/close"))
    assert refused.status_code == 409
    assert "deadline" in refused.json()["detail"]
    assert_blind(refused.content.decode(), "the refused close")

    detail = f"/o/acme/why-checks/{round_.pk}/"
    shown = page(client_for("it_lead"), detail)
    assert "Close the round" not in shown
    assert "after its deadline" in shown
    posted = client_for("it_lead").post(f"{detail}close/")
    assert posted.status_code == 409
    assert "deadline" in posted.content.decode()
    assert_blind(posted.content.decode(), "the refused close on the page")
    assert WhyCheck.objects.for_org(personas.org).get(pk=round_.pk).status == RoundStatus.OPEN

    # Once the deadline has passed, closing works as before and shows what was answered.
    WhyCheck.objects.for_org(personas.org).filter(pk=round_.pk).update(
        deadline=timezone.localdate() - timedelta(days=1)
    )
    assert "Close the round" in page(client_for("it_lead"), detail)
    closed = send(it_lead, "post", round_url(round_.pk, "/close"))
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    assert closed.json()["answers"]["business"]["why"] == SECRET_WHY


def test_a_revealed_round_can_be_closed_before_its_deadline(personas: Personas, round_: WhyCheck) -> None:
    it_lead = bearer(personas.it_lead)
    assert it_lead.get(round_url(round_.pk)).json()["you"]["can_close"] is False
    services.whycheck_submit_answer(actor=personas.business_lead, why_check=round_, **SECRET)
    services.whycheck_submit_answer(actor=personas.it_lead, why_check=round_, **IT_ANSWER)
    assert it_lead.get(round_url(round_.pk)).json()["you"]["can_close"] is True
    closed = send(it_lead, "post", round_url(round_.pk, "/close"))
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
