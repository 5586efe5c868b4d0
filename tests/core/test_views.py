"""HTML pages of the core app: forms show errors and keep input, htmx gets partials, pages
have helpful empty states."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.test import Client
from django.utils import translation

from tandem.core import cache, services
from tandem.core.models import Department, Membership, Organization, Role, Side
from tests.conftest import Personas
from tests.factories import UserFactory


def test_healthz_reports_the_database(db: None) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_does_not_answer(db: None, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database gone")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", broken)
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_a_bad_invitation_keeps_the_input_and_names_the_field(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    response = client_for("admin").post(
        "/o/acme/members/",
        {"email": "member@acme.test", "role": "member", "side": "it", "title": "Kept title"},
    )
    assert response.status_code == 409  # a conflict: the same status as the API
    body = response.content.decode()
    assert "already a member" in body
    assert 'value="Kept title"' in body


def test_the_invite_form_is_hidden_from_non_admins(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    assert "Send invitation" not in client_for("member").get("/o/acme/members/").content.decode()
    assert "Send invitation" in client_for("admin").get("/o/acme/members/").content.decode()


def test_editing_a_member_through_htmx_returns_only_the_row_form(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    response = client_for("admin").get(
        f"/o/acme/members/{personas.member.pk}/", headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith("<tr")
    assert "<html" not in body


def test_the_last_owner_sees_why_they_cannot_leave(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    response = client_for("owner").post(f"/o/acme/members/{personas.owner.pk}/", {"action": "deactivate"})
    assert response.status_code == 409  # a conflict: the same status as the API
    assert "at least one active owner" in response.content.decode()


def test_deactivating_a_member_closes_their_access(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    client_for("admin").post(f"/o/acme/members/{personas.member.pk}/", {"action": "deactivate"})
    assert client_for("member").get("/o/acme/").status_code == 404


def test_a_person_switches_between_organisations(personas: Personas) -> None:
    Membership.objects.create(
        organization=personas.other_org, user=personas.member.user, role=Role.VIEWER, side=Side.IT
    )
    client = Client()
    client.force_login(personas.member.user)
    page = client.get("/o/acme/").content.decode()
    assert "/o/globex/" in page  # the switcher lists both
    assert client.get("/").status_code == 302
    assert client.get("/").headers["Location"] == "/o/acme/"  # the last one used
    client.get("/o/globex/")
    assert client.get("/").headers["Location"] == "/o/globex/"


def test_a_person_with_several_organisations_and_no_history_chooses(personas: Personas) -> None:
    Membership.objects.create(
        organization=personas.other_org, user=personas.member.user, role=Role.VIEWER, side=Side.IT
    )
    client = Client()
    client.force_login(personas.member.user)
    body = client.get("/").content.decode()
    assert "Acme Insurance" in body
    assert "Globex Secretcorp" in body


def test_a_person_without_organisation_gets_a_helpful_empty_state(db: None) -> None:
    client = Client()
    client.force_login(UserFactory.create())
    body = client.get("/").content.decode()
    assert "not in an organisation yet" in body


def test_a_new_organisation_home_invites_both_sides(db: None) -> None:
    owner = UserFactory.create()
    org = services.organization_create(name="Fresh Co", owner=owner)
    client = Client()
    client.force_login(owner)
    body = client.get(f"/o/{org.slug}/").content.decode()
    assert "Alignment takes two sides" in body
    assert "Invite people" in body
    assert Organization.objects.count() == 1


def test_departments_page_adds_and_refuses_duplicates(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    client = client_for("admin")
    assert client.post("/o/acme/departments/", {"name": "Legal"}).status_code == 302
    response = client.post("/o/acme/departments/", {"name": "legal"})
    assert response.status_code == 409  # a conflict: the same status as the API
    assert "already a department" in response.content.decode()
    assert Department.objects.for_org(personas.org).filter(name="Legal").count() == 1


def test_a_created_api_token_is_shown_once(personas: Personas, client_for: Callable[[str], Client]) -> None:
    client = client_for("member")
    response = client.post("/profile/tokens/", {"name": "sheet", "organization": "acme"})
    body = response.content.decode()
    raw = re.search(r"tdm_[A-Za-z0-9_-]{20,}", body)
    assert raw, body
    assert "shown only once" in body
    assert raw.group(0) not in client.get("/profile/tokens/").content.decode()


def test_a_token_cannot_be_made_for_an_org_one_is_not_in(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    response = client_for("member").post("/profile/tokens/", {"name": "x", "organization": "globex"})
    assert response.status_code == 422


def test_the_pages_use_a_strict_content_security_policy(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    csp = client_for("member").get("/o/acme/").headers["Content-Security-Policy"]
    assert "object-src 'none'" in csp
    assert "base-uri 'none'" in csp
    assert "script-src 'self'" in csp


def test_the_audit_log_filters_by_action(personas: Personas, client_for: Callable[[str], Client]) -> None:
    services.membership_update(actor=personas.admin, member=personas.member, role=Role.LEAD)
    services.department_create(org=personas.org, actor=personas.admin, name="Legal")
    body = client_for("admin").get("/o/acme/audit/?action=membership.").content.decode()
    assert "membership.role_changed" in body
    assert "department.created" not in body


def test_the_audit_log_reads_in_the_readers_language(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    from tandem.strategy import services as strategy

    with translation.override("en"):  # written by someone working in English
        initiative = strategy.initiative_create(actor=personas.owner, title="Claims portal")
        strategy.initiative_transition(actor=personas.owner, initiative=initiative, to="proposed")
    english = client_for("admin").get("/o/acme/audit/?action=initiative.").content.decode()
    dutch = (
        client_for("admin")
        .get("/o/acme/audit/?action=initiative.", HTTP_ACCEPT_LANGUAGE="nl")
        .content.decode()
    )
    assert "Initiative moved to another stage — Claims portal: Idea → Proposed" in english
    assert "Initiatief naar een andere fase — Claims portal: Idee → Voorgesteld" in dutch
    assert "initiative.transition" in dutch  # the code stays, for the filter


def test_every_audit_action_tandem_records_has_a_name(db: None) -> None:
    from pathlib import Path

    from tandem.core.audit import action_label

    source = Path(__file__).resolve().parents[2] / "src" / "tandem"
    pattern = re.compile(r'(?:action=|_audit\(\s*actor,\s*)"([a-z_]+\.[a-z_.]+|signout)"')
    codes = {code for path in source.rglob("*.py") for code in pattern.findall(path.read_text())}
    codes |= {
        "membership.updated",
        "membership.role_changed",
        "membership.deactivated",
        "membership.reactivated",
    }
    codes |= {"why_check.revised"}
    assert len(codes) > 40
    assert {code for code in codes if action_label(code) == code} == set()


def test_denied_access_is_audited(personas: Personas, client_for: Callable[[str], Client]) -> None:
    client_for("outsider").get("/o/acme/members/")
    client_for("member").get("/o/acme/audit/")
    from tandem.core.models import AuditEvent

    denied = AuditEvent.objects.for_org(personas.org).filter(action="access.denied")
    assert {e.actor for e in denied} == {personas.outsider.user, personas.member.user}


def _queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()  # the queries of drawing the page afresh, not of a cached figure
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_pages_use_a_constant_number_of_queries(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    from tests.factories import MembershipFactory

    client = client_for("admin")
    MembershipFactory.create(organization=personas.org, department=personas.admin.department, side=Side.IT)
    services.invitation_create(actor=personas.admin, email="first@acme.test", side=Side.IT)  # no empty pages
    urls = [
        "/o/acme/",
        "/o/acme/members/",
        "/o/acme/departments/",
        "/o/acme/audit/",
        "/api/v1/orgs/acme/members",
    ]
    _ = [_queries(client, url) for url in urls]  # warm the session
    before = [_queries(client, url) for url in urls]
    for i in range(60):
        MembershipFactory.create(
            organization=personas.org, department=personas.admin.department, side=Side.IT
        )
        services.invitation_create(actor=personas.admin, email=f"p{i}@acme.test", side=Side.IT)
    after = [_queries(client, url) for url in urls]
    assert after == before


def test_reading_the_org_home_does_not_write_the_session(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("member")
    client.get("/o/acme/")
    with CaptureQueriesContext(connection) as ctx:
        client.get("/o/acme/")
    assert not [q for q in ctx.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]


def test_a_member_posting_an_invitation_is_refused_and_audited(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    from tandem.core.models import AuditEvent

    response = client_for("member").post(
        "/o/acme/members/", {"email": "x@acme.test", "role": "member", "side": "it"}
    )
    assert response.status_code == 404
    assert (
        AuditEvent.objects.for_org(personas.org)
        .filter(action="access.denied", actor=personas.member.user)
        .exists()
    )


def test_the_profile_lists_recent_sign_ins(personas: Personas) -> None:
    from tests.factories import PASSWORD

    client = Client()
    client.post("/accounts/login/", {"login": personas.member.user.email, "password": "wrong"})
    client.post("/accounts/login/", {"login": personas.member.user.email, "password": PASSWORD})
    body = client.get("/profile/").content.decode()
    assert "signed in" in body
    assert "wrong password" in body


def test_the_navigation_marks_the_section_of_the_page(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    from tandem.core.navigation import nav_items

    def current(path: str) -> list[str]:
        return [item.label for item in nav_items(membership=personas.admin, path=path) if item.current]

    assert current("/o/acme/") == ["Home"]
    assert current("/o/acme/members/") == ["Members"]
    assert current("/o/acme/initiatives/4/") == ["Portfolio"]
    assert current("/o/acme/key-results/2/edit/") == ["Objectives"]
    assert "Members" not in [i.label for i in nav_items(membership=personas.partner, path="/o/acme/")]
