"""Personas shared by every test: permission tests read like sentences.

``acme`` is the organisation under test; ``globex`` is another tenant whose ``outsider``
must never see or touch anything of Acme's.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from datetime import time as time_of_day
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from tandem.core.models import Department, Membership, Organization, Role, Side
from tandem.strategy import services as strategy_services
from tandem.strategy.models import Initiative, KeyResult, Objective, ObjectiveStatus
from tandem.whycheck import services as whycheck_services
from tandem.whycheck.models import WhyCheck
from tests.factories import DepartmentFactory, MembershipFactory, OrganizationFactory, UserFactory

# What a URL's path parameters point at: parameter name -> a callable giving the value.
Objects = dict[str, Callable[[], str | int]]


# --- API clients ---------------------------------------------------------------------------------


def bearer(membership: Membership) -> Client:
    """A client that calls the API with a fresh token of ``membership``."""
    from tandem.core import services  # after the database fixture

    _, raw = services.api_token_create(membership=membership, name="t")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def send(client: Client, method: str, url: str, data: Any = None) -> Any:
    """``data`` sent as JSON with ``method`` ("post", "patch", "put", "delete")."""
    return getattr(client, method)(url, data=data, content_type="application/json")


def fields_of(response: Any) -> list[str]:
    """The fields an API error response names."""
    return [error["field"] for error in response.json()["errors"]]


@dataclass
class Personas:
    org: Organization
    other_org: Organization
    owner: Membership
    admin: Membership
    business_lead: Membership
    it_lead: Membership
    member: Membership
    partner: Membership
    viewer: Membership
    outsider: Membership

    def by_name(self, name: str) -> Membership | None:
        return None if name == "anonymous" else getattr(self, name)


PERSONAS = [
    "owner",
    "admin",
    "business_lead",
    "it_lead",
    "member",
    "partner",
    "viewer",
    "outsider",
    "anonymous",
]
# Persona groups for permission matrices: who gets a page or an endpoint.
ADMINS = {"owner", "admin"}
MEMBERS = {"owner", "admin", "business_lead", "it_lead", "member", "partner", "viewer"}
SIGNED_IN = MEMBERS | {"outsider"}
INTERNAL = MEMBERS - {"partner"}  # partners see only what their party is assigned to


# --- The PostgreSQL pass: only the tests whose database is the test database ---------------------------

ON_POSTGRES = os.environ.get("TANDEM_TEST_ON_POSTGRES") == "1"
# The fixtures through which a test reaches the test database (``item.fixturenames`` holds every
# fixture a test needs, directly or through others: ``personas`` brings ``db``).
DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "django_db_setup",
        "live_server",
    }
)
LEFT_OUT_OF_POSTGRES = "tandem_left_out_of_postgres"
_left_out = pytest.StashKey[int]()


def uses_the_test_database(item: pytest.Item) -> bool:
    """Whether ``item`` can reach the test database: without the ``django_db`` marker or one of
    these fixtures pytest-django refuses it any query, so it runs the same on every database."""
    if item.get_closest_marker("django_db") is not None:
        return True
    return not DATABASE_FIXTURES.isdisjoint(getattr(item, "fixturenames", ()))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On the PostgreSQL pass (``make test``'s second run) leave out the tests that never touch the
    test database, those marked ``own_database`` and the per-URL permission matrices (marked
    ``permission_matrix``: a thousand requests whose answers come from the access gates, whose
    queries the app tests run on PostgreSQL): they test nothing PostgreSQL could change, and the
    SQLite pass has run them already."""
    if not ON_POSTGRES:
        return
    keep: list[pytest.Item] = []
    leave: list[pytest.Item] = []
    for item in items:
        left_out = item.get_closest_marker("own_database") or item.get_closest_marker("permission_matrix")
        if left_out is None and uses_the_test_database(item):
            keep.append(item)
        else:
            leave.append(item)
    if leave:
        config.hook.pytest_deselected(items=leave)
        items[:] = keep
    config.stash[_left_out] = len(leave)
    workeroutput = getattr(config, "workeroutput", None)  # a pytest-xdist worker reports to the controller
    if workeroutput is not None:
        workeroutput[LEFT_OUT_OF_POSTGRES] = len(leave)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """The controller of a pytest-xdist run learns the count from its workers (they all collect alike)."""
    left_out = getattr(node, "workeroutput", {}).get(LEFT_OUT_OF_POSTGRES)
    if left_out is not None:
        node.config.stash[_left_out] = left_out


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    left_out = config.stash.get(_left_out, None)
    if ON_POSTGRES and left_out is not None:
        terminalreporter.write_line(
            f"PostgreSQL pass: {left_out} tests left out (they use no database, only one of their "
            "own: marker own_database, or are permission matrices: marker permission_matrix); "
            "the SQLite pass ran them."
        )


# --- Made once per test run, for every process of it ---------------------------------------------------


def shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This run's temporary folder, which every pytest-xdist worker of the run sees."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """The folder ``name`` of this run, made by ``build`` (into an empty folder) the first time any
    process asks for it: for work that takes many seconds and gives the same result in every
    pytest-xdist worker. The first worker to ask builds it while the others wait, then all read it."""
    root = shared_folder(tmp_path_factory)
    folder = root / name
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not folder.is_dir():
            partial = root / f"{name}.partial"
            shutil.rmtree(partial, ignore_errors=True)
            partial.mkdir()
            build(partial)
            partial.rename(folder)
    return folder


def clear_figures() -> None:
    """Forget every cached figure: a rolled-back test database reuses organisation ids, data
    versions and template ids, which a real database never does."""
    from tandem.core import cache
    from tandem.surveys import selectors

    cache.clear()
    selectors.questions_answered_through.cache_clear()


@pytest.fixture(autouse=True)
def _fresh_figures() -> None:
    """Each test starts with no cached figures (see ``clear_figures``)."""
    clear_figures()


@pytest.fixture(autouse=True)
def _default_language(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts in the installation's language: a page answered in Dutch leaves Dutch
    active in the thread (as in a server, where every request activates its own), and the commands
    speak the terminal's language, which is English here whatever the shell running the tests says."""
    from django.utils import translation

    from tandem.core.language import LOCALE_VARIABLES

    for variable in LOCALE_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    translation.deactivate()


# --- The demo organisation, seeded once for a module ---------------------------------------------------


@dataclass
class SeededDemo:
    org: Organization
    seconds: float  # how long ``demo_seed`` took
    timed: bool = False  # whether a test has checked ``seconds`` already

    def seconds_once(self) -> float:
        """``seconds`` for the first test that asks, then 0: a bound on the seeding time fails one
        test per slow seeding, as when each test seeded the demo itself, not every test sharing it."""
        seconds, self.timed = (0.0 if self.timed else self.seconds), True
        return seconds


@pytest.fixture(scope="module")
def demo_module(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[SeededDemo]:
    """The English demo, seeded once for the module that asks for it (seeding takes seconds) inside
    a transaction rolled back after the module's last test. Each test asks for ``db`` too: its own
    transaction is then a savepoint in this one, so what it writes is gone before the next test.

    A transactional test (``transaction=True``, ``transactional_db``, ``live_server``) cannot run
    inside that transaction: keep it in another module (``_no_transactional_test_in_a_transaction``
    stops it otherwise)."""
    from tandem.core.demo import demo_seed

    with django_db_blocker.unblock(), transaction.atomic():
        clear_figures()  # as a test seeding the demo itself would start
        started = time.perf_counter()
        org, created = demo_seed(password="x" * 16)
        seconds = time.perf_counter() - started
        assert created
        yield SeededDemo(org, seconds)
        transaction.set_rollback(True)
    clear_figures()


def is_transactional(item: pytest.Item) -> bool:
    """Whether ``item`` runs outside a transaction (commits for real, and flushes the database after)."""
    marker = item.get_closest_marker("django_db")
    if marker is not None and (
        marker.args[:1] == (True,) or marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
    ):
        return True
    return not {"transactional_db", "live_server"}.isdisjoint(getattr(item, "fixturenames", ()))


@pytest.fixture(autouse=True)
def _no_transactional_test_in_a_transaction(request: pytest.FixtureRequest) -> None:
    """A transactional test run while a module-scoped fixture (``demo_module``) holds a transaction
    open would commit nothing and flush that fixture's data: fail it instead."""
    if connection.in_atomic_block and is_transactional(request.node):
        pytest.fail(
            "A transactional test cannot run inside the transaction of a module-scoped database "
            "fixture (demo_module): move it to a module of its own."
        )


@pytest.fixture
def personas(db: None) -> Personas:
    acme = OrganizationFactory.create(name="Acme Insurance", slug="acme")
    globex = OrganizationFactory.create(name="Globex Secretcorp", slug="globex")
    sales = DepartmentFactory.create(organization=acme, name="Sales")
    it = DepartmentFactory.create(organization=acme, name="IT")

    def member(
        role: str, side: str, email: str, department: object = None, org: Organization = acme
    ) -> Membership:
        return MembershipFactory.create(
            organization=org, role=role, side=side, user__email=email, department=department
        )

    return Personas(
        org=acme,
        other_org=globex,
        owner=member(Role.OWNER, Side.BUSINESS, "owner@acme.test", sales),
        admin=member(Role.ADMIN, Side.IT, "admin@acme.test", it),
        business_lead=member(Role.LEAD, Side.BUSINESS, "bizlead@acme.test", sales),
        it_lead=member(Role.LEAD, Side.IT, "itlead@acme.test", it),
        member=member(Role.MEMBER, Side.BUSINESS, "member@acme.test"),
        partner=member(Role.PARTNER, Side.PARTNER, "partner@vendor.test"),
        viewer=member(Role.VIEWER, Side.BUSINESS, "viewer@acme.test"),
        outsider=member(Role.OWNER, Side.IT, "owner@globex.test", org=globex),
    )


@pytest.fixture
def client_for(personas: Personas):  # type: ignore[no-untyped-def]
    """A signed-in test client for a persona name ("anonymous" gives a fresh client)."""

    def make(name: str) -> Client:
        client = Client()
        membership = personas.by_name(name)
        if membership is not None:
            client.force_login(membership.user)
        return client

    return make


# A body every write endpoint accepts, so the access gate (not input validation) decides.
PROBE = {
    "email": "probe@example.org",
    "role": "member",
    "side": "it",
    "name": "probe",
    "title": "probe",
    "period_start": "2026-01-01",
    "period_end": "2026-03-31",
    "metric": "probe",
    "baseline": 0,
    "target": 1,
    "value": 1,
    "confidence": 5,
    "to": "proposed",
    "key_result_id": 1,
    "note": "probe",
    "reason": "probe",
    "why": "probe",
    "measures": [{"name": "probe"}],
    "gate": "advisory",
    "deadline": "2099-01-01",
    "questions": [{"kind": "likert", "text": "probe"}],
    "template_id": 1,
    "opens_on": "2099-01-01",
    "closes_on": "2099-01-02",
    "threshold": 5,
    "kind": "integrator",
    "starts_on": "2026-01-01",
    "contribution": "probe",
    "activities": ["probe"],
    "cells": [],
    "time_zone": "Europe/Amsterdam",
    "weekdays": [0],
    "day_start": "09:00",
    "day_end": "17:00",
    "party_id": 1,
    "priority": "p3",
    "acknowledge_hours": 1,
    "resolve_hours": 8,
    "month": "2026-01",
    "respond_hours": 4,
    "offset": 1,
    "resolution": "probe",
    "summary": "probe",
    "lessons": "probe",
    "score": 3,
    "letter": "R",
    "committed_date": "2026-06-01",
    "to_date": "2026-06-01",
    "decision": "rejected",  # a decision on an offer and on a change request alike
    "rating": 3,
    "weekday": 0,
    "start_time": "09:00",
    "rationale": "probe",
    "owner_id": 1,
    "due_on": "2099-01-01",
    "item_ids": [1],
    "monthly_report": False,
    "recipient_ids": [],
}


def probe(
    client: Client, method: str, url: str, body: dict[str, Any], *, check: Callable[[Any], None] | None = None
) -> Any:
    """``method`` on ``url`` with a probe ``body`` whose fields are not every endpoint's: the API
    refuses fields it does not know, or whose value is of another type than its own field of that
    name (the probe's ``"gate": "advisory"`` against a whole-number weight), before it looks
    anything up (the same 422 for everyone), so those are left out and the request sent again.
    ``check`` sees every answer."""
    from tandem.config.api import INVALID_FIELDS

    while True:
        response = getattr(client, method)(url, content_type="application/json", data=body)
        if check is not None:
            check(response)
        if response.status_code != 422 or not url.startswith("/api/"):
            return response
        assert response.json()["detail"] == INVALID_FIELDS, f"{url}: {response.content!r}"
        unknown = {error["field"].split(".")[0] for error in response.json()["errors"]}
        if not unknown & body.keys():
            return response
        body = {key: value for key, value in body.items() if key not in unknown}


def seed_objects(owner: Membership, label: str) -> Objects:
    """One object of every kind a URL can point at, in ``owner``'s organisation, each named after
    ``label`` so a test can look for it in a page ("<label> moonshot", "<label> pulse", ...)."""
    from tandem.core import services  # after the database fixture
    from tandem.delivery import selectors as delivery_selectors
    from tandem.delivery import services as delivery
    from tandem.governance import services as governance
    from tandem.insights import services as insights
    from tandem.insights.services_report import last_full_month, report_request
    from tandem.reviews import services as reviews
    from tandem.reviews.ics import series_feed_secret
    from tandem.strategy import services as strategy
    from tandem.surveys import services as surveys
    from tandem.whycheck import services as whycheck

    org, today = owner.organization, timezone.localdate()
    slug = label.lower()
    department = Department.objects.create(organization=org, name=f"{label} R&D")
    invitation = services.invitation_create(actor=owner, email=f"{slug}-only@{slug}.test", side=Side.IT)
    token, _ = services.api_token_create(membership=owner, name=f"{slug} token")
    it_lead = Membership.objects.create(
        organization=org, user=UserFactory.create(), role=Role.LEAD, side=Side.IT
    )
    objective = strategy.objective_create(
        actor=owner,
        title=f"{label} world domination",
        period_start=today.replace(month=1, day=1),
        period_end=today.replace(month=12, day=31),
        business_owner=None,
        it_owner=it_lead,
    )
    key_result = strategy.key_result_create(
        actor=owner, objective=objective, metric=f"{label} doomsday metric", baseline=0, target=10
    )
    check_in = strategy.check_in_create(actor=owner, key_result=key_result, value=3, confidence=4)
    initiative = strategy.initiative_create(actor=owner, title=f"{label} moonshot", it_co_lead=it_lead)
    measure = strategy.success_measure_add(
        actor=owner, initiative=initiative, name=f"{label} moonshot", target=1
    )
    link = strategy.key_result_link_add(actor=owner, initiative=initiative, key_result=key_result)
    business_lead = Membership.objects.create(
        organization=org, user=UserFactory.create(), role=Role.LEAD, side=Side.BUSINESS
    )
    strategy.initiative_update(actor=owner, initiative=initiative, business_co_lead=business_lead)
    round_ = whycheck.whycheck_start(actor=owner, initiative=initiative, deadline=today + timedelta(days=30))
    whycheck.whycheck_submit_answer(
        actor=business_lead,
        why_check=round_,
        why=f"{label} moonshot",
        measures=[{"name": f"{label} moonshot"}],
    )
    template = surveys.template_create(
        actor=owner, name=f"{label} pulse", questions=[{"kind": "likert", "text": f"{label} survey question"}]
    )
    respondent = surveys.Recipient(email=f"{slug}-respondent@{slug}.test", side=Side.IT)
    campaign = surveys.campaign_create(
        actor=owner,
        template=template,
        title=f"{label} pulse",
        opens_on=today,
        closes_on=today + timedelta(days=7),
        audience="emails",
        recipients=[respondent],
        send_email=False,
    )
    [(_link, survey_token, _delivery)] = surveys.invitations_create(
        actor=owner, campaign=campaign, recipients=[respondent], send_email=False
    )
    assert survey_token is not None  # handed out: shown this once
    party = governance.party_create(actor=owner, name=f"{label} Vendor", kind="software_vendor")
    contact = governance.contact_add(actor=owner, party=party, email=f"{slug}-vendor@{slug}.test")
    contract = governance.contract_add(actor=owner, party=party, title=f"{label} contract", starts_on=today)
    contribution = governance.contribution_set(
        actor=owner, party=party, objective=objective, contribution=f"{label} world domination"
    )
    [activity, *_rest] = governance.matrix_start(actor=owner, initiative=initiative)
    column = governance.column_add(actor=owner, initiative=initiative, party=party)
    closing_day = governance.closing_day_add(actor=owner, day=today, name=f"{label} closing day")
    service = governance.service_create(
        actor=owner, party=party, name=f"{label} hosting", availability_target=99.5, initiatives=[initiative]
    )
    level = governance.service_level_set(
        actor=owner, service=service, priority="p1", acknowledge_hours=1, resolve_hours=8
    )
    metric = governance.metric_add(actor=owner, service=service, name=f"{label} batch on time", target=98)
    measurement = governance.measurement_record(
        actor=owner, service=service, metric=metric, period=today.replace(day=1), value=97
    )
    escalation = governance.escalation_level_add(
        actor=owner, service=service, membership=it_lead, respond_hours=4
    )
    governance.escalation_level_add(actor=owner, initiative=initiative, membership=it_lead, respond_hours=4)
    incident = governance.incident_raise(
        actor=owner, title=f"{label} outage", priority="p1", service=service, initiative=initiative
    )
    deliverable = delivery.deliverable_create(
        actor=owner,
        initiative=initiative,
        title=f"{label} rocket",
        committed_date=today + timedelta(days=30),
        owner_party=party,
        criteria=[f"{label} rocket flies"],
    )
    change = delivery.change_request_create(
        actor=owner, initiative=initiative, title=f"{label} bigger rocket", reason=f"{label} wants more"
    )
    feedback_link = delivery.feedback_link_open(actor=owner, initiative=initiative, deliverable=deliverable)
    feedback_token = delivery_selectors.link_token(feedback_link)
    delivery.feedback_submit(token=feedback_token, rating=2, comment=f"{label} feedback comment")
    series = reviews.series_create(
        actor=owner,
        name=f"{label} weekly",
        weekday=today.weekday(),
        start_time=time_of_day(9, 0),
        time_zone="Europe/Amsterdam",
        starts_on=today,
        attendees=[business_lead, it_lead],
    )
    review = reviews.review_prepare(actor=owner, series=series)
    item = reviews.item_add(actor=owner, review=review, title=f"{label} agenda point")
    decision = reviews.decision_record(
        actor=owner, title=f"{label} decision", rationale=f"{label} because", review=review
    )
    action = reviews.action_add(
        actor=owner, title=f"{label} action", owner=it_lead, due_on=today + timedelta(days=7), review=review
    )
    win = reviews.win_add(actor=owner, title=f"{label} win", review=review)
    snapshot = insights.snapshot_take(org)
    month_start, month_end = last_full_month(today)
    report = report_request(actor=owner, period_start=month_start, period_end=month_end, language="en")
    return {
        "org_slug": lambda: org.slug,
        "slug": lambda: org.slug,
        "member_id": lambda: owner.pk,
        "invitation_id": lambda: invitation.pk,
        "token_id": lambda: token.pk,
        "department_id": lambda: department.pk,
        "objective_id": lambda: objective.pk,
        "key_result_id": lambda: key_result.pk,
        "check_in_id": lambda: check_in.pk,
        "initiative_id": lambda: initiative.pk,
        "measure_id": lambda: measure.pk,
        "link_id": lambda: link.pk,
        "fmt": lambda: "csv",
        "why_check_id": lambda: round_.pk,
        "template_id": lambda: template.pk,
        "campaign_id": lambda: campaign.pk,
        "survey_id": lambda: campaign.pk,
        "token": lambda: survey_token,
        "invitation_token": lambda: services.invitation_token(invitation),
        "party_id": lambda: party.pk,
        "contact_id": lambda: contact.pk,
        "contract_id": lambda: contract.pk,
        "contribution_id": lambda: contribution.pk,
        "activity_id": lambda: activity.pk,
        "column_id": lambda: column.pk,
        "closing_day_id": lambda: closing_day.pk,
        "service_id": lambda: service.pk,
        "level_id": lambda: level.pk,
        "metric_id": lambda: metric.pk,
        "measurement_id": lambda: measurement.pk,
        "escalation_level_id": lambda: escalation.pk,
        "incident_id": lambda: incident.pk,
        "deliverable_id": lambda: deliverable.pk,
        "change_id": lambda: change.pk,
        "feedback_link_id": lambda: feedback_link.pk,
        "feedback_token": lambda: feedback_token,
        "series_id": lambda: series.pk,
        "review_id": lambda: review.pk,
        "item_id": lambda: item.pk,
        "decision_id": lambda: decision.pk,
        "action_id": lambda: action.pk,
        "win_id": lambda: win.pk,
        "feed_token": lambda: series_feed_secret(series),
        "key": lambda: "whycheck",
        "snapshot_id": lambda: snapshot.pk,
        "report_id": lambda: report.pk,
    }


# --- An initiative ready for approval, and its why check (strategy, why-check and core tests) ---------


@pytest.fixture
def objective(personas: Personas) -> Objective:
    return strategy_services.objective_create(
        actor=personas.owner,
        title="Win back customer trust",
        period_start=date(2026, 10, 1),
        period_end=date(2026, 12, 31),
        business_owner=personas.business_lead,
        it_owner=personas.it_lead,
        status=ObjectiveStatus.ACTIVE,
    )


@pytest.fixture
def key_result(personas: Personas, objective: Objective) -> KeyResult:
    return strategy_services.key_result_create(
        actor=personas.owner,
        objective=objective,
        metric="Net promoter score",
        unit="pts",
        baseline=12,
        target=30,
    )


@pytest.fixture
def ready_initiative(personas: Personas, key_result: KeyResult) -> Initiative:
    """An initiative that satisfies every element of the approval gate, at the proposed stage."""
    initiative = strategy_services.initiative_create(
        actor=personas.business_lead,
        title="Self-service claims portal",
        business_outcome="Customers settle simple claims in a day instead of two weeks.",
        business_co_lead=personas.business_lead,
        it_co_lead=personas.it_lead,
        end_user_input_who="12 customers and 4 claims handlers",
        end_user_input_when=date(2026, 9, 12),
        end_user_input_summary="They want to upload photos and see the status without calling.",
    )
    strategy_services.success_measure_add(
        actor=personas.business_lead,
        initiative=initiative,
        name="Claims settled within 1 day",
        target=60,
        unit="%",
    )
    strategy_services.key_result_link_add(
        actor=personas.business_lead, initiative=initiative, key_result=key_result
    )
    return strategy_services.initiative_transition(
        actor=personas.business_lead, initiative=initiative, to="proposed"
    )


@pytest.fixture
def approved(personas: Personas, request: pytest.FixtureRequest) -> Initiative:
    initiative: Initiative = request.getfixturevalue("ready_initiative")
    return strategy_services.initiative_transition(actor=personas.owner, initiative=initiative, to="approved")


@pytest.fixture
def round_(personas: Personas, approved: Initiative) -> WhyCheck:
    return whycheck_services.whycheck_start(
        actor=personas.business_lead, initiative=approved, deadline=timezone.localdate() + timedelta(days=7)
    )


def initiative_post(personas: Personas, **overrides: object) -> dict[str, object]:
    """The new-initiative form filled in completely; ``overrides`` change or add fields."""
    sales = Department.objects.for_org(personas.org).get(name="Sales")
    data: dict[str, object] = {
        "title": "Route planning",
        "summary": "Plan delivery routes automatically.",
        "business_outcome": "Drivers waste less time; 10% fewer kilometres.",
        "definition_of_success": "Kilometres per delivery down 10%.",
        "business_co_lead": personas.business_lead.pk,
        "it_co_lead": personas.it_lead.pk,
        "sponsor": personas.owner.pk,
        "budget_amount": "120000",
        "budget_currency": "eur",
        "start_date": "2026-01-05",
        "target_date": "2026-06-30",
        "departments": [sales.pk],
        "end_user_input_who": "Six drivers",
        "end_user_input_when": "2025-12-01",
        "end_user_input_summary": "They want fewer detours.",
        "end_user_input_waiver": "",
    }
    data.update(overrides)
    return data
