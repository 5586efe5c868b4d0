"""An operator who reads the server's logs learns no link's secret (M3, and L1's links): survey
links, invitations, address checks and password resets carry their token in the path, and every
log line Tandem and its server write has it masked. Without the token a logged request cannot be
tied to the person the link was for, nor used in their place."""

from __future__ import annotations

import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.test import Client
from gunicorn.config import Config

from tandem.core.logs import MASK, ScrubSecrets, scrub
from tandem.core.management.commands.serve import ScrubbedLogger

TOKEN = "Zm9vYmFyYmF6cXV4LXNlY3JldC10b2tlbg"


@pytest.mark.parametrize(
    "line",
    [
        f'"POST /api/v1/responses/{TOKEN} HTTP/1.1" 201',
        f"GET /s/{TOKEN}/ HTTP/1.1",
        f"Not Found: /s/{TOKEN}/",
        f"https://tandem.example.org/invite/{TOKEN}/",
        f"/accounts/password/reset/key/{TOKEN}-set-password/",
        f"/accounts/confirm-email/{TOKEN}/",
        f"/accounts/login/?next=%2Fs%2F{TOKEN}%2F",
        f'"GET /reviews/feed/{TOKEN}.ics HTTP/1.1" 200',
        f"Not Found: /reviews/feed/{TOKEN}.ics",
    ],
)
def test_every_token_carrying_address_is_masked(line: str) -> None:
    clean = scrub(line)
    assert TOKEN not in clean
    assert MASK in clean


@pytest.mark.parametrize(
    "line", ["GET /s/done/ HTTP/1.1", "GET /orgs/acme/surveys/12/ HTTP/1.1", "plain words"]
)
def test_other_addresses_are_left_as_they_are(line: str) -> None:
    assert scrub(line) == line


def test_the_log_configuration_masks_every_line_django_writes(
    db: None, caplog: pytest.LogCaptureFixture
) -> None:
    """A refused survey link is logged by Django ("Not Found: /s/<token>/"); the handler that
    writes Tandem's log masks it."""
    with caplog.at_level(logging.WARNING, logger="django.request"):
        Client().get(f"/s/{TOKEN}/")
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records
    handlers = [
        h for h in logging.getLogger().handlers if any(isinstance(f, ScrubSecrets) for f in h.filters)
    ]
    assert handlers, "the root handler has no ScrubSecrets filter"
    for record in records:
        assert handlers[0].filter(record)
        written = handlers[0].format(record)
        assert TOKEN not in written
        assert "/s/" in written


def test_the_servers_access_log_masks_the_request_line_path_query_and_referer() -> None:
    logger = ScrubbedLogger(Config())
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": f"/api/v1/responses/{TOKEN}",
        "PATH_INFO": f"/api/v1/responses/{TOKEN}",
        "QUERY_STRING": f"next=/s/{TOKEN}/",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://tandem.example.org/s/{TOKEN}/",
    }
    response = SimpleNamespace(status="201 Created", sent=20, headers=[])
    atoms = logger.atoms(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=5))
    for key in ("r", "U", "q", "f", "{path_info}e", "{raw_uri}e"):
        assert TOKEN not in str(atoms[key]), key
    assert atoms["r"] == f"POST /api/v1/responses/{MASK} HTTP/1.1"
