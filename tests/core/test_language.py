"""Which language a person gets: their own choice (profile or the menu's switcher), then the
organisation's default, then the browser's Accept-Language; the switcher is safe to use."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import translation

from tandem.core import services
from tandem.core.errors import ValidationFailed
from tandem.core.models import AuditEvent, Membership, Role, Side
from tests.conftest import Personas


def dutch(text: str) -> str:
    """``text`` in the Dutch catalogue (which must translate it)."""
    with translation.override("nl"):
        translated = translation.gettext(text)
    assert translated != text, f"the Dutch catalogue does not translate {text!r}"
    return translated


def speaks_dutch(response) -> bool:  # type: ignore[no-untyped-def]
    return response["Content-Language"] == "nl" and dutch("Sign out").encode() in response.content


def test_a_visitor_gets_the_browsers_language_and_can_switch(db: None) -> None:
    client = Client()
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="nl")
    assert page["Content-Language"] == "nl"
    assert dutch("Sign in").encode() in page.content

    switched = client.post(
        "/language/", {"language": "en", "next": "/accounts/login/"}, HTTP_ACCEPT_LANGUAGE="nl"
    )
    assert switched.status_code == 302
    assert switched["Location"] == "/accounts/login/"
    again = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="nl")
    assert again["Content-Language"] == "en"
    assert b"Sign in" in again.content


def test_a_persons_choice_is_kept_in_their_profile_and_beats_the_browser(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    client = client_for("member")
    client.post("/language/", {"language": "nl", "next": "/o/acme/"})
    personas.member.user.refresh_from_db()
    assert personas.member.user.language == "nl"

    elsewhere = Client()  # another browser: no cookie, English asked for
    elsewhere.force_login(personas.member.user)
    assert speaks_dutch(elsewhere.get("/o/acme/", HTTP_ACCEPT_LANGUAGE="en"))
    assert speaks_dutch(elsewhere.get("/profile/", HTTP_ACCEPT_LANGUAGE="en"))


def test_the_organisations_default_comes_before_the_browser_and_after_the_persons_choice(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    services.organization_update(
        org=personas.org, actor=personas.owner, name=personas.org.name, require_mfa=False, language="nl"
    )
    member = client_for("member")
    assert speaks_dutch(member.get("/o/acme/", HTTP_ACCEPT_LANGUAGE="en"))

    services.user_update_profile(user=personas.viewer.user, name="", language="en")
    viewer = client_for("viewer")
    page = viewer.get("/o/acme/", HTTP_ACCEPT_LANGUAGE="nl")
    assert page["Content-Language"] == "en"
    assert b"Sign out" in page.content

    # Outside the organisation's pages, the default of the person's organisations when they agree.
    assert speaks_dutch(member.get("/profile/", HTTP_ACCEPT_LANGUAGE="en"))
    # Someone whose organisations have different defaults gets the browser's language there.
    services.organization_update(
        org=personas.other_org, actor=personas.outsider, name="Globex", require_mfa=False, language="en"
    )
    Membership.objects.create(
        organization=personas.org, user=personas.outsider.user, role=Role.MEMBER, side=Side.IT
    )
    outsider = client_for("outsider")
    assert outsider.get("/profile/", HTTP_ACCEPT_LANGUAGE="nl")["Content-Language"] == "nl"
    assert outsider.get("/profile/", HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "en"
    # A language chosen with the switcher counts as the person's own choice.
    member.post("/language/", {"language": "en", "next": "/"})
    assert member.get("/o/acme/")["Content-Language"] == "en"


def test_the_organisations_default_language_is_an_audited_setting(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    response = client_for("admin").post("/o/acme/settings/", {"name": "Acme Insurance", "language": "nl"})
    assert response.status_code == 302
    personas.org.refresh_from_db()
    assert personas.org.language == "nl"
    event = AuditEvent.objects.for_org(personas.org).filter(action="org.updated").latest("pk")
    assert event.data["language"] == ["", "nl"]


def test_the_profile_saves_the_language_and_refuses_one_tandem_does_not_speak(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    client = client_for("member")
    refused = client.post("/profile/", {"name": "Mia", "language": "de"})
    assert refused.status_code == 422
    assert b"Mia" in refused.content  # the input is kept
    personas.member.user.refresh_from_db()
    assert personas.member.user.language == ""

    assert client.post("/profile/", {"name": "Mia", "language": "nl"}).status_code == 302
    personas.member.user.refresh_from_db()
    assert (personas.member.user.name, personas.member.user.language) == ("Mia", "nl")
    with pytest.raises(ValidationFailed):
        services.user_set_language(user=personas.member.user, language="fr")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_the_switcher_never_sends_anyone_to_another_site(db: None, target: str) -> None:
    response = Client().post("/language/", {"language": "nl", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"


def test_an_unknown_language_changes_nothing(personas: Personas, client_for: Callable[[str], Client]) -> None:
    client = client_for("member")
    response = client.post("/language/", {"language": "xx", "next": "/profile/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/profile/"
    assert b"Choose one of the languages Tandem speaks." in response.content
    personas.member.user.refresh_from_db()
    assert personas.member.user.language == ""
    assert "django_language" not in client.cookies


def test_an_organisation_someone_left_has_no_say_in_their_language(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    services.organization_update(
        org=personas.org, actor=personas.owner, name=personas.org.name, require_mfa=False, language="nl"
    )
    services.organization_update(
        org=personas.other_org, actor=personas.outsider, name="Globex", require_mfa=False, language="en"
    )
    left = Membership.objects.create(
        organization=personas.other_org, user=personas.member.user, role=Role.MEMBER, side=Side.IT
    )
    member = client_for("member")
    assert member.get("/profile/", HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "en"  # they disagree
    Membership.objects.for_org(personas.other_org).filter(pk=left.pk).update(is_active=False)
    assert speaks_dutch(member.get("/profile/", HTTP_ACCEPT_LANGUAGE="en"))
