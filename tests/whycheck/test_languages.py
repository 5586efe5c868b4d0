"""A why check read in Dutch: the scorer stores its explanations in every language Tandem speaks,
and the page and the API show the reader's (the figures are the same in every language)."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.test import Client
from django.utils import translation

from tandem.core import services as core
from tandem.whycheck.models import WhyCheck
from tandem.whycheck.tasks import score_why_check
from tests.conftest import Personas, bearer
from tests.whycheck.conftest import reveal


def dutch(text: str) -> str:
    with translation.override("nl"):
        translated = translation.gettext(text)
    assert translated != text, f"the Dutch catalogue does not translate {text!r}"
    return translated


def scored_round(personas: Personas, round_: WhyCheck) -> WhyCheck:
    revealed = reveal(personas, round_)
    score_why_check.call(why_check_id=revealed.pk)
    revealed.refresh_from_db()
    return revealed


def test_the_scorer_stores_the_explanation_in_every_language(personas: Personas, round_: WhyCheck) -> None:
    result = scored_round(personas, round_).result
    english, words = result["explanation"], result["translations"]["nl"]
    assert english.startswith(("Aligned", "Needs discussion", "Misaligned"))
    assert words["explanation"].startswith((dutch("Aligned"), dutch("Needs discussion"), dutch("Misaligned")))
    assert dutch("The whys state %(purpose)s (%(value)s)").split("%")[0] in words["explanation"]
    assert len(words["issues"]) == len(result["shared"])
    # Each language writes its figures its own way: "agreement 0.31", "overeenstemming 0,31".
    assert re.search(r"\(agreement \d\.\d\d\)", english)
    assert re.search(r"\(overeenstemming \d,\d\d\)", words["explanation"])
    assert not re.search(r"\d\.\d", words["explanation"])


def test_a_dutch_co_lead_reads_the_explanation_in_dutch_on_the_page_and_in_the_api(
    personas: Personas, round_: WhyCheck, client_for: Callable[[str], Client]
) -> None:
    revealed = scored_round(personas, round_)
    core.user_update_profile(user=personas.business_lead.user, name="", language="nl")
    dutch_words = revealed.result["translations"]["nl"]["explanation"]

    page = client_for("business_lead").get(f"/o/acme/why-checks/{revealed.pk}/")
    assert dutch_words in page.content.decode()
    assert revealed.result["explanation"] not in page.content.decode()

    english_page = client_for("it_lead").get(f"/o/acme/why-checks/{revealed.pk}/")
    assert revealed.result["explanation"] in english_page.content.decode()

    api = bearer(personas.business_lead).get(
        f"/api/v1/orgs/acme/why-checks/{revealed.pk}", HTTP_ACCEPT_LANGUAGE="nl"
    )
    assert api.json()["comparison"]["explanation"] == dutch_words
    api_en = bearer(personas.it_lead).get(f"/api/v1/orgs/acme/why-checks/{revealed.pk}")
    assert api_en.json()["comparison"]["explanation"] == revealed.result["explanation"]
