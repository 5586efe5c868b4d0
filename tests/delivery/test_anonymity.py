"""End-user feedback given without a name stays anonymous against the organisation's insiders.

No page, export or API answer (to owners, admins or leads), no audit event and no log line ties
an anonymous feedback to a person, an address or a time of day: a Feedback row has no account, no
address and no time (``submitted_on`` is a day), its key is random (its order says nothing), a
submission writes no audit event, and the server's log holds neither the comment nor the link's
secret (the public path carries it). A name given shows to internal members only, never on the
partner side.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import models
from django.test import Client
from gunicorn.config import Config

from tandem.core.logs import ScrubSecrets, scrub
from tandem.core.management.commands.serve import ScrubbedLogger
from tandem.core.models import AuditEvent
from tandem.delivery import selectors
from tandem.delivery.models import Feedback
from tests.conftest import Personas
from tests.delivery.conftest import GIVEN_NAME, Delivery

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")

Clients = Callable[[str], Client]
ANONYMOUS_COMMENT = "The upload button hides on small phones"
SIGNED_IN_COMMENT = "I work here and still want to stay anonymous"
API_COMMENT = "Faster than calling the desk"
STRANGER_IP = "203.0.113.77"
INSIDER_IP = "198.51.100.23"
INSIDERS = ["owner", "admin", "business_lead", "it_lead"]
TIME_OF_DAY = re.compile(r"\b\d{1,2}:\d{2}\b")
# Where the leak fix belongs: tandem/core/logs.py masks the secret after the paths it lists.


def _page(token: str) -> str:
    return f"/feedback/{token}/"


def _api(token: str) -> str:
    return f"/api/v1/feedback/{token}"


def _give_anonymously(delivery: Delivery, client_for: Clients) -> str:
    """Three anonymous answers on the vendor's deliverable: a stranger through the page, an insider
    (signed in) through the page and through the API. The link's secret, returned."""
    token = selectors.link_token(delivery.own_link)
    stranger = Client(REMOTE_ADDR=STRANGER_IP)
    assert stranger.post(_page(token), {"rating": "2", "comment": ANONYMOUS_COMMENT}).status_code == 200
    insider = client_for("member")
    insider.defaults["REMOTE_ADDR"] = INSIDER_IP
    assert insider.post(_page(token), {"rating": "3", "comment": SIGNED_IN_COMMENT}).status_code == 200
    response = insider.post(
        _api(token), {"rating": 5, "comment": API_COMMENT}, content_type="application/json"
    )
    assert response.status_code == 201
    return token


def _insiders_reads(delivery: Delivery) -> list[str]:
    """Every page, export and API answer in which an insider reads feedback or its figures."""
    own, initiative = delivery.own.pk, delivery.initiative.pk
    return [
        f"/o/acme/initiatives/{initiative}/delivery/",
        f"/o/acme/deliverables/{own}/",
        "/o/acme/delivery/",
        "/o/acme/delivery/export.csv",
        "/o/acme/audit/",
        f"/api/v1/orgs/acme/initiatives/{initiative}/feedback",
        f"/api/v1/orgs/acme/initiatives/{initiative}/delivery",
        f"/api/v1/orgs/acme/deliverables/{own}",
        "/api/v1/orgs/acme/delivery",
    ]


def test_a_feedback_row_keeps_no_account_no_address_and_no_time() -> None:
    fields = {f.name: f for f in Feedback._meta.concrete_fields}
    assert set(fields) == {
        "id",
        "organization",
        "link",
        "initiative",
        "deliverable",
        "rating",
        "comment",
        "name",
        "submitted_on",
    }
    assert not [
        f for f in fields.values() if isinstance(f, models.DateTimeField | models.GenericIPAddressField)
    ]
    assert type(fields["submitted_on"]) is models.DateField
    key = fields["id"]
    assert isinstance(key, models.UUIDField)
    assert key.default is uuid.uuid4


def test_an_anonymous_answer_is_stored_with_a_random_key_and_the_day_only(
    delivery: Delivery, client_for: Clients
) -> None:
    _give_anonymously(delivery, client_for)
    rows = list(Feedback.objects.for_org(delivery.initiative.organization).filter(name=""))
    given = {ANONYMOUS_COMMENT, SIGNED_IN_COMMENT, API_COMMENT}
    mine = [f for f in rows if f.comment in given]
    assert len(mine) == 3
    for feedback in mine:
        assert isinstance(feedback.pk, uuid.UUID)
        assert feedback.pk.version == 4
        assert feedback.name == ""
    # Listed by day, then by the random key: the order does not say who answered first.
    listed = list(selectors.feedback_list(delivery.initiative.organization))
    assert listed == sorted(listed, key=lambda f: (-f.submitted_on.toordinal(), f.pk))


def test_giving_feedback_writes_no_audit_event(delivery: Delivery, client_for: Clients) -> None:
    """Neither an answer nor a refused one (bad input, a closed link) leaves a trace in the audit
    log: not the person signed in, not their address, not the moment."""
    before = set(AuditEvent.objects.unscoped().values_list("pk", flat=True))
    token = _give_anonymously(delivery, client_for)
    closed = selectors.link_token(delivery.closed_link)
    insider = client_for("member")
    insider.post(_page(token), {"rating": "9", "comment": ANONYMOUS_COMMENT})
    insider.post(_api(token), {"rating": 9}, content_type="application/json")
    insider.post(_page(closed), {"rating": "3", "comment": ANONYMOUS_COMMENT})
    insider.post(_api(closed), {"rating": 3}, content_type="application/json")
    new = AuditEvent.objects.unscoped().exclude(pk__in=before)
    assert not new.exists(), list(new.values("action", "summary", "data", "ip_address"))
    for event in AuditEvent.objects.unscoped():
        text = f"{event.summary} {event.data} {event.target_type}"
        for secret in (ANONYMOUS_COMMENT, SIGNED_IN_COMMENT, API_COMMENT, token, STRANGER_IP, INSIDER_IP):
            assert secret not in text, (event.action, secret)
        assert event.target_type != "feedback"


def _item_of(html: str, comment: str) -> str:
    """The list item of a comment on a page."""
    match = re.search(r"<li>(?:(?!<li>).)*?" + re.escape(comment) + r".*?</li>", html, re.S)
    assert match, f"no comment {comment!r}"
    return match.group(0)


@pytest.mark.parametrize("insider", INSIDERS)
def test_no_insider_reads_who_gave_an_anonymous_answer_from_where_or_when(
    delivery: Delivery, personas: Personas, client_for: Clients, insider: str
) -> None:
    token = _give_anonymously(delivery, client_for)
    member = personas.member.user
    who = [member.display_name, member.email, STRANGER_IP, INSIDER_IP, token]
    client = client_for(insider)
    for url in _insiders_reads(delivery):
        response = client.get(url)
        if url == "/o/acme/audit/" and insider not in ("owner", "admin"):
            assert response.status_code == 404, url
            continue
        assert response.status_code == 200, (insider, url, response.status_code)
        body = response.content.decode(errors="replace")
        for secret in (STRANGER_IP, INSIDER_IP):
            assert secret not in body, (insider, url, secret)
        if url.endswith(f"/deliverables/{delivery.own.pk}/"):  # the page lists the comments
            for comment in (ANONYMOUS_COMMENT, SIGNED_IN_COMMENT, API_COMMENT):
                item = _item_of(body, comment)
                assert not TIME_OF_DAY.search(item), item
                for secret in who:
                    assert secret not in item, (insider, secret, item)


@pytest.mark.parametrize("insider", INSIDERS)
def test_the_feedback_api_tells_rating_comment_and_day_only(
    delivery: Delivery, client_for: Clients, insider: str
) -> None:
    _give_anonymously(delivery, client_for)
    response = client_for(insider).get(f"/api/v1/orgs/acme/initiatives/{delivery.initiative.pk}/feedback")
    assert response.status_code == 200
    items = {item["comment"]: item for item in response.json()["items"]}
    for comment in (ANONYMOUS_COMMENT, SIGNED_IN_COMMENT, API_COMMENT):
        item = items[comment]
        assert set(item) == {
            "id",
            "rating",
            "comment",
            "name",
            "submitted_on",
            "deliverable_id",
            "deliverable",
        }
        assert item["name"] is None
        assert uuid.UUID(item["id"]).version == 4
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", item["submitted_on"]), item


def _failed_attempts(delivery: Delivery, client_for: Clients, token: str) -> None:
    """What makes the server log a line with the path: bad input, a closed link, an unknown one."""
    closed = selectors.link_token(delivery.closed_link)
    for client in (Client(REMOTE_ADDR=STRANGER_IP), client_for("member")):
        client.post(_page(token), {"rating": "9", "comment": ANONYMOUS_COMMENT})
        client.post(_api(token), {"rating": 9, "comment": ANONYMOUS_COMMENT}, content_type="application/json")
        client.post(_page(closed), {"rating": "3", "comment": ANONYMOUS_COMMENT})
        client.post(
            _api(closed), {"rating": 3, "comment": ANONYMOUS_COMMENT}, content_type="application/json"
        )
        client.get(_page(closed))


def test_the_log_holds_no_comment(
    delivery: Delivery, client_for: Clients, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        token = _give_anonymously(delivery, client_for)
        _failed_attempts(delivery, client_for, token)
    for record in caplog.records:
        message = record.getMessage()
        for secret in (ANONYMOUS_COMMENT, SIGNED_IN_COMMENT, API_COMMENT, STRANGER_IP, INSIDER_IP):
            assert secret not in message, (record.name, message)


def test_an_answer_that_succeeds_logs_nothing(
    delivery: Delivery, client_for: Clients, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        _give_anonymously(delivery, client_for)
    assert not [r for r in caplog.records if r.levelno >= logging.INFO], [
        r.getMessage() for r in caplog.records
    ]


def _written(record: logging.LogRecord) -> str:
    """A log line as Tandem's handler writes it (through its ``ScrubSecrets`` filter)."""
    handlers = [
        h for h in logging.getLogger().handlers if any(isinstance(f, ScrubSecrets) for f in h.filters)
    ]
    assert handlers, "the root handler has no ScrubSecrets filter"
    handlers[0].filter(record)
    return handlers[0].format(record)


def test_a_refused_answer_logs_its_path_without_the_links_secret(
    delivery: Delivery, client_for: Clients, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        token = selectors.link_token(delivery.own_link)
        _failed_attempts(delivery, client_for, token)
    lines = [_written(r) for r in caplog.records if r.name == "django.request"]
    assert lines  # Django logs every 4xx answer with its path
    assert not [line for line in lines if token in line or selectors.link_token(delivery.closed_link) in line]


SECRET = "Zm9vYmFyYmF6cXV4LXNlY3JldC10b2tlbg"


@pytest.mark.parametrize(
    "line",
    [
        f"GET /feedback/{SECRET}/ HTTP/1.1",
        f"Gone: /feedback/{SECRET}/",
        f'"POST /api/v1/feedback/{SECRET} HTTP/1.1" 201',
        f"https://tandem.example.org/feedback/{SECRET}/",
    ],
)
def test_a_feedback_links_secret_is_masked_like_a_survey_links(line: str) -> None:
    assert SECRET not in scrub(line)


def test_the_servers_access_log_masks_a_feedback_answer() -> None:
    """gunicorn's access log writes every request: the address, the moment and the path."""
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": _page(SECRET),
        "PATH_INFO": _page(SECRET),
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://tandem.example.org{_page(SECRET)}",
    }
    response = SimpleNamespace(status="200 OK", sent=20, headers=[])
    atoms = ScrubbedLogger(Config()).atoms(
        response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=5)
    )
    for key in ("r", "U", "f", "{path_info}e", "{raw_uri}e"):
        assert SECRET not in str(atoms[key]), key


# --- A name given ---------------------------------------------------------------------------------


def test_a_name_given_shows_to_internal_members(delivery: Delivery, client_for: Clients) -> None:
    own = delivery.own.pk
    for insider in ("owner", "admin", "business_lead", "it_lead", "member", "viewer"):
        client = client_for(insider)
        assert GIVEN_NAME in client.get(f"/o/acme/deliverables/{own}/").content.decode(), insider
    response = client_for("owner").get(f"/api/v1/orgs/acme/initiatives/{delivery.initiative.pk}/feedback")
    assert GIVEN_NAME in [item["name"] for item in response.json()["items"]]


def test_a_name_given_never_shows_on_the_partner_side(delivery: Delivery, client_for: Clients) -> None:
    """The partner reads the vendor's own deliverable and its figures, never who gave feedback."""
    client = client_for("partner")
    urls = [
        "/o/acme/delivery/",
        "/o/acme/delivery/export.csv",
        f"/api/v1/orgs/acme/deliverables/{delivery.own.pk}",
        "/api/v1/orgs/acme/deliverables",
        "/api/v1/orgs/acme/delivery",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert GIVEN_NAME not in response.content.decode(errors="replace"), url
    feedback = client.get(f"/api/v1/orgs/acme/initiatives/{delivery.initiative.pk}/feedback")
    assert feedback.status_code == 404


def test_the_partners_deliverable_page_shows_no_name_given(delivery: Delivery, client_for: Clients) -> None:
    response = client_for("partner").get(f"/o/acme/deliverables/{delivery.own.pk}/")
    assert response.status_code == 200
    assert GIVEN_NAME not in response.content.decode()
