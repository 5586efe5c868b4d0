"""The fragment cache of organisation pages: drawn once per version of the organisation's data,
never across organisations, people or versions, and never for a POST."""

from __future__ import annotations

from django.template import Context, Template
from django.test import RequestFactory

from tandem.core.cache import org_changed
from tandem.core.models import Organization
from tests.conftest import Personas

TEMPLATE = Template('{% load tandem_cache %}{% orgcache "t" who %}{{ value }}{% endorgcache %}')


def _draw(org: Organization, value: str, who: str = "a", method: str = "get") -> str:
    request = getattr(RequestFactory(), method)("/")
    request.org = org
    return TEMPLATE.render(Context({"request": request, "value": value, "who": who}))


def test_a_fragment_is_drawn_once_per_version(personas: Personas) -> None:
    assert _draw(personas.org, "first") == "first"
    assert _draw(personas.org, "second") == "first"  # same version: the drawn fragment


def test_a_write_draws_the_fragment_again(personas: Personas) -> None:
    _draw(personas.org, "first")
    org_changed(personas.org)
    personas.org.refresh_from_db()
    assert _draw(personas.org, "second") == "second"


def test_fragments_differ_per_organisation_and_per_vary_value(personas: Personas) -> None:
    assert _draw(personas.org, "acme") == "acme"
    assert _draw(personas.other_org, "globex") == "globex"
    assert _draw(personas.org, "for b", who="b") == "for b"


def test_a_post_never_uses_or_fills_the_cache(personas: Personas) -> None:
    assert _draw(personas.org, "posted", method="post") == "posted"
    assert _draw(personas.org, "got") == "got"
    assert _draw(personas.org, "posted again", method="post") == "posted again"
