"""Accounts: sign-in throttling with an audit trail, password reset, MFA requirement, timeouts."""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.core import mail
from django.core.cache import cache
from django.test import Client, override_settings

from tandem.core import services
from tandem.core.middleware import SEEN, STARTED
from tandem.core.models import AuditEvent
from tests.conftest import Personas
from tests.factories import PASSWORD, UserFactory

LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def sign_in(client: Client, email: str, password: str, ip: str = "203.0.113.7") -> str:
    response = client.post(LOGIN, {"login": email, "password": password}, REMOTE_ADDR=ip)
    return response.content.decode()


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.unscoped().filter(action=action))


def test_a_correct_password_signs_in_and_is_audited(db: None) -> None:
    user = UserFactory.create(email="ann@example.org")
    client = Client()
    response = client.post(LOGIN, {"login": "ann@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/profile/").status_code == 200
    [event] = events("signin.succeeded")
    assert event.actor == user
    assert event.ip_address == "127.0.0.1"


def test_ten_wrong_passwords_for_one_account_are_throttled_and_audited(db: None) -> None:
    UserFactory.create(email="target@example.org")
    client = Client()
    pages = [sign_in(client, "target@example.org", f"wrong-{i}") for i in range(10)]
    assert all("too many failed" not in page.lower() for page in pages[:5])
    assert all("too many failed" in page.lower() for page in pages[5:])
    assert len(events("signin.failed")) == 5
    assert len(events("signin.throttled")) == 5
    assert all(e.summary == "target@example.org" and e.ip_address for e in events("signin.failed"))
    # Even the right password is refused while the account is throttled.
    assert "too many failed" in sign_in(client, "target@example.org", PASSWORD).lower()
    assert not events("signin.succeeded")


def test_one_address_trying_many_accounts_is_throttled(db: None) -> None:
    client = Client()
    pages = [sign_in(client, f"guess{i}@example.org", "nope", ip="198.51.100.9") for i in range(22)]
    assert "too many failed" in pages[-1].lower()
    # Another address is not affected.
    assert "too many failed" not in sign_in(client, "guess0@example.org", "nope", ip="198.51.100.10").lower()


def test_password_reset_works_end_to_end(db: None) -> None:
    UserFactory.create(email="forgetful@example.org")
    client = Client()
    response = client.post("/accounts/password/reset/", {"email": "forgetful@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", str(mail.outbox[0].body))
    assert link, mail.outbox[0].body
    response = client.get(link.group(1), follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link.group(1)
    new_password = "a brand new long passphrase"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    assert "signin.succeeded" not in [e.action for e in AuditEvent.objects.unscoped()]
    fresh = Client()
    assert fresh.post(LOGIN, {"login": "forgetful@example.org", "password": new_password}).status_code == 302
    assert Client().post(LOGIN, {"login": "forgetful@example.org", "password": PASSWORD}).status_code == 200


def test_password_reset_does_not_reveal_whether_an_account_exists(db: None) -> None:
    response = Client().post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302  # same answer as for a real account


def test_weak_passwords_are_refused_by_the_validators(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.member.user)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == 200
    assert "too short" in response.content.decode() or "too common" in response.content.decode()


def test_public_sign_up_is_closed(db: None) -> None:
    response = Client().get("/accounts/signup/")
    assert "closed" in response.content.decode().lower()


def enrol_totp(client: Client) -> None:
    # Adding an authenticator asks for the password again (allauth's reauthentication).
    response = client.get("/accounts/2fa/totp/activate/")
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = client.post("/accounts/2fa/totp/activate/", {"code": code})
    assert response.status_code == 302, response.content.decode()[:2000]


def test_an_org_that_requires_mfa_refuses_a_member_until_they_enrol(personas: Personas) -> None:
    services.organization_update(org=personas.org, actor=personas.owner, name="Acme", require_mfa=True)
    client = Client()
    assert client.post(LOGIN, {"login": personas.admin.user.email, "password": PASSWORD}).status_code == 302
    response = client.get("/o/acme/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    api = client.get("/api/v1/orgs/acme/members")
    assert api.status_code == 403
    assert "multi-factor" in api.json()["detail"]
    enrol_totp(client)
    assert client.get("/o/acme/").status_code == 200
    assert client.get("/api/v1/orgs/acme/members").status_code == 200


def test_mfa_requirement_of_one_org_does_not_block_another(personas: Personas) -> None:
    services.organization_update(org=personas.org, actor=personas.owner, name="Acme", require_mfa=True)
    client = Client()
    client.force_login(personas.outsider.user)
    assert client.get("/o/globex/").status_code == 200


@override_settings(SESSION_IDLE_TIMEOUT=60, SESSION_ABSOLUTE_TIMEOUT=3600)
def test_an_idle_session_expires(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.member.user)
    assert client.get("/o/acme/").status_code == 200
    session = client.session
    session[SEEN] = int(time.time()) - 120
    session.save()
    response = client.get("/o/acme/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@override_settings(SESSION_IDLE_TIMEOUT=3600, SESSION_ABSOLUTE_TIMEOUT=600)
def test_a_session_expires_after_the_absolute_limit_even_when_active(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.member.user)
    client.get("/o/acme/")
    session = client.session
    session[STARTED] = int(time.time()) - 601
    session[SEEN] = int(time.time())
    session.save()
    assert client.get("/o/acme/").status_code == 302
    assert client.get("/api/v1/me").status_code == 401


def test_sign_out_is_audited(personas: Personas) -> None:
    client = Client()
    client.post(LOGIN, {"login": personas.member.user.email, "password": PASSWORD})
    client.post("/accounts/logout/")
    assert events("signout")
