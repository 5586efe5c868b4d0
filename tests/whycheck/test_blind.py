"""The blind rule, end to end: before the reveal, the business co-lead's answer never reaches the IT
co-lead or anyone else — through any page of the organisation, any API response, the portfolio
export (CSV and XLSX), the audit log, or any e-mail the worker sends.

Every route of the app is walked (a new page or endpoint is walked automatically), so a leak added
anywhere later fails here.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import time
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tandem.core import services as core_services
from tandem.core.models import Membership
from tandem.strategy import services as strategy
from tandem.strategy.models import CheckIn, Initiative
from tandem.whycheck import scoring, services
from tandem.whycheck.models import Verdict, WhyCheck
from tests.conftest import Personas
from tests.url_walk import all_routes
from tests.whycheck.conftest import IT_ANSWER, reveal, scored

# A phrase and a measure nobody else would write: neither may show up anywhere but the author's own page.
SECRET_WHY = "Our quokka-lantern doctrine: settle simple claims before the kettle boils."
SECRET_MEASURE = "Lanterns lit per quokka"
SECRET_ANSWER: dict[str, Any] = {
    "why": SECRET_WHY,
    "measures": [{"name": SECRET_MEASURE, "target": 73, "unit": "lanterns", "by": "2027-03-31"}],
}
MARKERS = ("quokka", "lantern")
# Everyone who must not see it before the reveal (the business co-lead wrote it).
OTHERS = ["it_lead", "owner", "admin", "member", "viewer", "partner"]
# Route parameters that need no object of ours, and routes outside the organisation.
NON_TENANT = {
    "healthz",
    "core:home",
    "core:profile",
    "core:api_tokens",
    "core:api_token_revoke",
    "core:invitation",
    "api:me",
    "api:orgs",
    "api:api-root",
}


def assert_blind(content: str, where: str) -> None:
    lowered = content.lower()
    for marker in MARKERS:
        assert marker not in lowered, f"{where} shows the hidden answer ({marker!r})"


def text_of(response: Any) -> str:
    """The response body as text; an XLSX (a zip of XML files) is unpacked, a PDF's text read."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if raw[:5] == b"%PDF-":
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(raw)).pages)
    if raw[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return str(raw.decode("utf-8", "replace"))


@pytest.fixture
def hidden(personas: Personas, approved: Initiative) -> WhyCheck:
    """A history on the initiative (a scored round that needs discussion), and an open round in
    which only the business co-lead has answered, with the secret."""
    today = timezone.localdate()
    earlier = services.whycheck_start(actor=personas.owner, initiative=approved, deadline=today)
    scored(reveal(personas, earlier), Verdict.PARTIAL, 0.5)
    round_ = services.whycheck_start(actor=personas.owner, initiative=approved, deadline=today)
    services.whycheck_submit_answer(actor=personas.business_lead, why_check=round_, **SECRET_ANSWER)
    round_.refresh_from_db()
    assert round_.status == "open"
    key_result = approved.key_result_links.get().key_result
    strategy.check_in_create(actor=personas.member, key_result=key_result, value=14, confidence=6)
    return round_


def _ids(personas: Personas, round_: WhyCheck) -> dict[str, list[Any]]:
    """Values for each route parameter: every object a page of Acme can be about."""
    initiative = round_.initiative
    key_result = initiative.key_result_links.get().key_result
    earlier = WhyCheck.objects.for_org(personas.org).exclude(pk=round_.pk).get()
    return {
        "org_slug": ["acme"],
        "slug": ["acme"],
        "why_check_id": [round_.pk, earlier.pk],
        "initiative_id": [initiative.pk],
        "objective_id": [key_result.objective_id],
        "key_result_id": [key_result.pk],
        "check_in_id": list(CheckIn.objects.for_org(personas.org).values_list("pk", flat=True)),
        "measure_id": [initiative.success_measures.get().pk],
        "link_id": [initiative.key_result_links.get().pk],
        "member_id": [personas.business_lead.pk],
        "invitation_id": [1],
        "fmt": ["csv", "xlsx"],
        # Surveys never show why-check answers; any id will do to walk their pages.
        "template_id": [1],
        "campaign_id": [1],
        "survey_id": [1],
        "token": ["no-such-link"],
        # Governance never shows why-check answers; any id will do to walk its pages.
        "party_id": [1],
        "contact_id": [1],
        "contract_id": [1],
        "contribution_id": [1],
        "activity_id": [1],
        "column_id": [1],
        "closing_day_id": [1],
        "service_id": [1],
        "level_id": [1],
        "metric_id": [1],
        "measurement_id": [1],
        "escalation_level_id": [1],
        "incident_id": [1],
        "deliverable_id": [1],
        "change_id": [1],
        "feedback_link_id": [1],
        "feedback_token": ["no-such-link"],
        **_review_ids(personas),
        **_insight_ids(personas),
    }


def _insight_ids(personas: Personas) -> dict[str, list[Any]]:
    """This week's index snapshot and a board report, both made while the round is open: the
    index, its rows, the week's page and the report's PDF must not carry either answer."""
    from tandem.insights import services as insights
    from tandem.insights.services_report import last_full_month, report_render, report_request

    snapshot = insights.snapshot_take(personas.org)
    today = timezone.localdate()
    report = report_request(
        actor=personas.owner, period_start=today.replace(day=1), period_end=today, language="en"
    )
    report_render(report)
    earlier = report_request(
        actor=personas.owner, period_start=last_full_month(today)[0], period_end=today, language="nl"
    )
    report_render(earlier)
    # The components whose rows could carry what a round or a survey holds.
    return {
        "key": ["whycheck", "perception"],
        "snapshot_id": [snapshot.pk],
        "report_id": [report.pk, earlier.pk],
    }


def _review_ids(personas: Personas) -> dict[str, list[Any]]:
    """A weekly review whose agenda was generated while the round is open: its items, minutes and
    feed must not carry what either co-lead answered."""
    from tandem.reviews import services as reviews
    from tandem.reviews.ics import series_feed_secret

    today = timezone.localdate()
    series = reviews.series_create(
        actor=personas.owner,
        name="Weekly review",
        weekday=today.weekday(),
        start_time=time(9, 0),
        time_zone="Europe/Amsterdam",
        starts_on=today,
        attendees=[personas.business_lead, personas.it_lead],
    )
    review = reviews.review_prepare(actor=personas.owner, series=series)
    item = reviews.item_add(actor=personas.owner, review=review, title="Anything else")
    decision = reviews.decision_record(actor=personas.owner, title="Go", rationale="Because", review=review)
    action = reviews.action_add(
        actor=personas.owner, title="Follow up", owner=personas.it_lead, due_on=today, review=review
    )
    win = reviews.win_add(actor=personas.owner, title="Shipped", review=review)
    return {
        "series_id": [series.pk],
        "review_id": [review.pk],
        "item_id": [item.pk],
        "decision_id": [decision.pk],
        "action_id": [action.pk],
        "win_id": [win.pk],
        "feed_token": [series_feed_secret(series)],
    }


def _urls(personas: Personas, round_: WhyCheck) -> Iterator[tuple[str, str]]:
    ids = _ids(personas, round_)
    for route in all_routes():
        if route.name.startswith(("account_", "mfa_")) or route.name in NON_TENANT or not route.converters:
            continue
        unknown = [c for c in route.converters if c not in ids]
        assert not unknown, f"{route.pattern}: teach the blind-rule walk how to fill {unknown}"
        combos: list[dict[str, Any]] = [{}]
        for name in route.converters:
            combos = [{**combo, name: value} for combo in combos for value in ids[name]]
        for kwargs in combos:
            yield route.name, reverse(route.name, kwargs=kwargs)


def _clients(personas: Personas) -> Iterator[tuple[str, Client]]:
    """Each other persona signed in to the pages, and with an API token."""
    for name in OTHERS:
        membership: Membership = getattr(personas, name)
        session = Client()
        session.force_login(membership.user)
        yield name, session
        _, raw = core_services.api_token_create(membership=membership, name="blind")
        yield f"{name} (token)", Client(headers={"Authorization": f"Bearer {raw}"})


def test_before_the_reveal_no_page_or_api_response_shows_the_other_side_s_answer(
    personas: Personas, hidden: WhyCheck
) -> None:
    urls = sorted(set(_urls(personas, hidden)))
    names = {name for name, _ in urls}
    assert {"whycheck:detail", "whycheck:list", "strategy:portfolio_export", "core:audit_log"} <= names
    assert {
        "api:why_check_detail",
        "api:why_check_list",
        "api:initiative_detail",
        "api:initiative_list",
    } <= names
    seen_ok = set()
    for who, client in _clients(personas):
        by_token = who.endswith("(token)")
        for name, url in urls:
            api = url.startswith("/api/")
            if by_token and not api:
                continue  # a bearer token opens the API only: a page would send it to sign in
            # The pages answer htmx with fragments of their own; the API answers it alike.
            extras: tuple[dict[str, Any], ...] = ({},) if api else ({}, {"HTTP_HX_REQUEST": "true"})
            for extra in extras:
                response = client.get(url, **extra)
                assert response.status_code < 500, (who, url)
                assert_blind(text_of(response), f"{url} for {who}")
                if response.status_code == 200:
                    seen_ok.add(name)
    # The walk read real content, not only refusals: exports, the audit log and the rounds.
    assert {
        "whycheck:detail",
        "whycheck:list",
        "whycheck:initiative_rounds",
        "strategy:portfolio_export",
        "strategy:initiative_detail",
        "core:audit_log",
        "api:why_check_detail",
        "api:why_check_list",
        "api:why_check_list_for_initiative",
        "api:initiative_detail",
        "insights:index",
        "insights:component",
        "insights:week",
        "insights:report_pdf",
    } <= seen_ok


def test_the_author_does_see_their_own_answer(personas: Personas, hidden: WhyCheck) -> None:
    """The walk above would prove nothing if the secret were not on the pages at all."""
    client = Client()
    client.force_login(personas.business_lead.user)
    assert SECRET_WHY in client.get(f"/o/acme/why-checks/{hidden.pk}/").content.decode()
    assert SECRET_MEASURE in client.get(f"/api/v1/orgs/acme/why-checks/{hidden.pk}").content.decode()


def test_the_audit_log_records_the_answer_but_never_its_content(personas: Personas, hidden: WhyCheck) -> None:
    client = Client()
    client.force_login(personas.owner.user)
    for query in ("", "?action=why_check.answered"):
        page = client.get(f"/o/acme/audit/{query}").content.decode()
        assert_blind(page, f"the audit log{query}")
    assert "why_check.answered" in client.get("/o/acme/audit/").content.decode()


def test_after_the_reveal_everyone_sees_both_answers(personas: Personas, hidden: WhyCheck) -> None:
    services.whycheck_submit_answer(actor=personas.it_lead, why_check=hidden, **IT_ANSWER)
    client = Client()
    client.force_login(personas.viewer.user)
    assert SECRET_WHY in client.get(f"/o/acme/why-checks/{hidden.pk}/").content.decode()


# --- E-mails, through the worker -----------------------------------------------------------------


def fake_compare(
    business: scoring.Answer, it: scoring.Answer, *, embedder: Any, **kwargs: Any
) -> scoring.Comparison:
    """A scorer that does not need a language model: this test is about what the e-mails say."""
    return scoring.Comparison(
        score=0.1, verdict="misaligned", purpose=0.1, measures=0.1, explanation="Different."
    )


# The worker closes database connections between tasks, as in production: use real commits.
@pytest.mark.django_db(transaction=True)
def test_no_e_mail_quotes_an_answer(
    personas: Personas, approved: Initiative, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scoring, "compare", fake_compare)
    round_ = services.whycheck_start(actor=personas.owner, initiative=approved, deadline=timezone.localdate())
    services.whycheck_submit_answer(actor=personas.business_lead, why_check=round_, **SECRET_ANSWER)
    call_command("worker", batch=True, verbosity=0)
    before = list(mail.outbox)
    assert {m.to[0] for m in before} == {personas.business_lead.user.email, personas.it_lead.user.email}
    for message in before:
        assert_blind(
            f"{message.subject}\n{message.body}\n{getattr(message, 'alternatives', '')}",
            f"the e-mail to {message.to}",
        )

    # Not after the reveal either: the misaligned notice links to the page, it does not quote.
    services.whycheck_submit_answer(actor=personas.it_lead, why_check=round_, **IT_ANSWER)
    call_command("worker", batch=True, verbosity=0)
    round_.refresh_from_db()
    assert round_.verdict == Verdict.MISALIGNED
    assert len(mail.outbox) > len(before)
    for message in mail.outbox:
        assert_blind(
            f"{message.subject}\n{message.body}\n{getattr(message, 'alternatives', '')}",
            f"the e-mail to {message.to}",
        )
        assert IT_ANSWER["why"] not in message.body
