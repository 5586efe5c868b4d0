"""The organisation home answers "what needs me?": every app's items for the person, grouped by
kind, overdue first; the organisation's index with its trend, the three rows that cost it the most
and what moved it this week (internal members only); the getting-started checklist, shown only to
owners and admins, ticked as steps are done and gone once all are. The apps' sources are fixed here
through their own hooks, so each test says exactly what waits for whom."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.utils import formats, timezone, translation

from tandem.core import cache, services
from tandem.core.insights import Component, Evidence, NeedItem, SetupStep
from tandem.core.models import Membership
from tandem.insights import index as math
from tandem.insights.models import SNAPSHOT_ROWS, IndexSnapshot
from tests.conftest import Personas, seed_objects

Clients = Callable[[str], Client]
HOME = "/o/acme/"

NEEDS: dict[int, list[NeedItem]] = {}  # membership id -> what waits for them
STEPS: list[SetupStep] = []
COMPONENTS: list[Component] = []


def needs_source(membership: Membership, today: date) -> list[NeedItem]:
    return list(NEEDS.get(membership.pk, []))


def steps_source(org: Any) -> list[SetupStep]:
    return list(STEPS)


def index_source(org: Any, now: Any) -> list[Component]:
    return list(COMPONENTS)


@pytest.fixture
def hooks(monkeypatch: pytest.MonkeyPatch) -> None:
    """This module's functions as the only sources of the needs, the steps and the index."""
    this = sys.modules[__name__]
    for attribute in ("tandem_needs_me", "tandem_getting_started", "tandem_index_source"):
        for config in apps.get_app_configs():
            if getattr(config, attribute, ""):
                monkeypatch.setattr(config, attribute, "", raising=False)
    insights = apps.get_app_config("insights")
    monkeypatch.setattr(insights, "tandem_needs_me", f"{__name__}.needs_source", raising=False)
    monkeypatch.setattr(insights, "tandem_getting_started", f"{__name__}.steps_source", raising=False)
    monkeypatch.setattr(insights, "tandem_index_source", f"{__name__}.index_source", raising=False)
    monkeypatch.setattr(this, "NEEDS", {})
    monkeypatch.setattr(this, "STEPS", [])
    monkeypatch.setattr(this, "COMPONENTS", [])


def section(html: str, name: str) -> str:
    match = re.search(rf'<section class="[^"]*" id="{name}".*?</section>', html, re.S)
    assert match, f"no section {name}"
    return match.group(0)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def home(client: Client) -> str:
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def day(offset: int) -> date:
    return timezone.localdate() + timedelta(days=offset)


def test_my_due_items_are_grouped_by_kind_overdue_first_then_by_due_date(
    personas: Personas, client_for: Clients, hooks: None
) -> None:
    NEEDS[personas.business_lead.pk] = [
        NeedItem("check_in", "Claims handled in a day", "Check in", "/kr/1/", day(5)),
        NeedItem("answer", "Claims portal", "Give your answer", "/why/1/", day(3)),
        NeedItem("answer", "Fleet app", "Give your answer", "/why/2/", day(-2)),
        NeedItem("answer", "Pulse survey", "Answer anonymously", "/s/abc/"),
        NeedItem("approval", "Route planner release", "Accept or reject", "/offer/1/", day(1)),
    ]
    needs = section(home(client_for("business_lead")), "needs")
    words = text(needs)
    assert (
        words.index("Answers due") < words.index("Check-ins due") < words.index("Waiting for your decision")
    )
    answers = words[words.index("Answers due") : words.index("Check-ins due")]
    assert "1 overdue" in answers
    assert answers.index("Fleet app") < answers.index("Claims portal") < answers.index("Pulse survey")
    with translation.override("en"):
        assert f"overdue since {formats.date_format(day(-2), 'DATE_FORMAT')}" in answers
    assert 'href="/why/1/"' in needs
    assert "Your actions" not in words  # a kind with nothing due is not shown


def test_with_nothing_due_the_home_says_so(personas: Personas, client_for: Clients, hooks: None) -> None:
    assert "Nothing waits for you" in text(section(home(client_for("member")), "needs"))


def test_each_person_sees_their_own_due_items(personas: Personas, client_for: Clients, hooks: None) -> None:
    NEEDS[personas.business_lead.pk] = [NeedItem("action", "Book the venue", "Update", "/a/1/", day(2))]
    NEEDS[personas.it_lead.pk] = [NeedItem("action", "Patch the servers", "Update", "/a/2/", day(2))]
    business, it = home(client_for("business_lead")), home(client_for("it_lead"))
    assert "Book the venue" in business
    assert "Patch the servers" not in business
    assert "Patch the servers" in it
    assert "Book the venue" not in it


def test_a_partner_sees_their_due_items_and_no_index_nor_checklist(
    personas: Personas, client_for: Clients, hooks: None
) -> None:
    NEEDS[personas.partner.pk] = [NeedItem("approval", "Change request 7", "Decide", "/cr/7/", day(1))]
    STEPS.append(SetupStep("objective", "A shared objective", False, "/objectives/", 30))
    COMPONENTS.append(Component("gate", "Gate", "", 15, evidence=(Evidence("i:1", "Claims", 40),)))
    html = home(client_for("partner"))
    assert "Change request 7" in html
    assert "Getting started" not in html
    assert "Alignment index" not in html
    assert 'id="alignment-title"' not in html


def test_the_checklist_is_for_owners_and_admins_and_ticks_itself_off(
    personas: Personas, client_for: Clients, hooks: None
) -> None:
    STEPS.extend(
        [
            SetupStep("survey", "A first temperature survey", False, "/surveys/", 70),
            SetupStep("objective", "A shared objective", True, "/objectives/", 30),
        ]
    )
    checklist = section(home(client_for("admin")), "getting-started")
    steps = re.findall(r"<li class=\"(home-step-\w+)\">(.*?)</li>", checklist, re.S)
    labels = [(state, text(body).split(" done")[0].lstrip("✓○ ").strip()) for state, body in steps]
    assert labels == [
        ("home-step-done", "Add your departments"),  # the personas' organisation has two
        ("home-step-done", "Invite business and IT leads"),
        ("home-step-done", "A shared objective"),
        ("home-step-open", "A first temperature survey"),
    ]
    assert 'href="/surveys/"' in checklist  # an open step links to where it is done
    for persona in ("business_lead", "member", "viewer"):
        assert "Getting started" not in home(client_for(persona)), persona


def test_the_checklist_is_gone_once_every_step_is_done(
    personas: Personas, client_for: Clients, hooks: None
) -> None:
    STEPS.append(SetupStep("objective", "A shared objective", True, "/objectives/", 30))
    assert "Getting started" not in home(client_for("owner"))


def test_a_new_organisation_starts_with_its_own_steps_open(
    personas: Personas, client_for: Clients, hooks: None
) -> None:
    from tandem.core.models import Department

    Department.objects.for_org(personas.org).delete()
    STEPS.append(SetupStep("survey", "A first temperature survey", False, "/surveys/", 70))
    checklist = section(home(client_for("owner")), "getting-started")
    assert re.search(
        r'home-step-open">\s*<span[^>]*>○</span>\s*<a href="/o/acme/departments/">Add your departments',
        checklist,
    )
    services.department_create(org=personas.org, actor=personas.owner, name="Finance")
    cache.forget_writes()  # as the next request does
    checklist = section(home(client_for("owner")), "getting-started")
    assert re.search(r'home-step-done">\s*<span[^>]*>✓</span>\s*Add your departments', checklist)


def test_the_home_shows_the_index_its_biggest_causes_and_what_changed_this_week(
    personas: Personas, client_for: Clients, hooks: None
) -> None:
    rows = tuple(Evidence(f"i:{n}", f"Initiative {n}", 20 * n, detail=f"reason {n}") for n in range(5))
    COMPONENTS.append(Component("gate", "Outcome-first completeness", "", 15, evidence=rows))
    before = (*rows[1:], Evidence("i:0", "Initiative 0", 100))
    last_week = [Component("gate", "Outcome-first completeness", "", 15, evidence=before)]
    for weeks_ago, components in ((2, last_week), (1, last_week)):
        data = math.to_snapshot_data(math.compute(components), max_rows=SNAPSHOT_ROWS)
        week = math.monday(timezone.localdate()) - timedelta(weeks=weeks_ago)
        IndexSnapshot.objects.create(organization=personas.org, week=week, **data)
    html = home(client_for("member"))
    panel = re.search(r'<section class="card insights-home".*?</section>', html, re.S)
    assert panel
    words = text(panel.group(0))
    assert "40 / 100" in words  # (0 + 20 + 40 + 60 + 80) / 5
    assert "−20 this week" in words  # Initiative 0 fell from 100 to 0: 20 points of five rows
    causes = re.search(r'<ol class="insights-causes">.*?</ol>', panel.group(0), re.S)
    assert causes
    listed = re.findall(r"Initiative \d", causes.group(0))
    assert listed == ["Initiative 0", "Initiative 1", "Initiative 2"]  # the three costliest
    assert "What changed this week" in words
    assert "reason 0" in words
    assert 'class="insights-spark"' in panel.group(0)


def test_the_alignment_panel_comes_before_the_other_panels(
    personas: Personas, client_for: Clients, hooks: None
) -> None:
    seed_objects(personas.owner, "Acme")
    html = home(client_for("owner"))
    assert html.index('id="alignment-title"') < html.index("Temperature checks")


def test_the_home_page_is_kept_per_person_and_shows_a_change_at_once(
    personas: Personas, client_for: Clients, hooks: None
) -> None:
    NEEDS[personas.member.pk] = [NeedItem("action", "Book the venue", "Update", "/a/1/", day(2))]
    client = client_for("member")
    assert "Book the venue" in home(client)
    NEEDS[personas.member.pk] = [NeedItem("action", "Order the cake", "Update", "/a/2/", day(2))]
    assert "Book the venue" in home(client)  # kept: nothing in the organisation's data changed
    cache.org_changed(personas.org)  # any write to the organisation's data
    cache.forget_writes()  # as the next request does
    assert "Order the cake" in home(client)
