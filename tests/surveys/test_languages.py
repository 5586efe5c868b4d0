"""The shipped survey templates in the reader's language: a Dutch respondent answers the Dutch
wording through their personal link, a Dutch reader sees Dutch results, and the answers of both
languages count as one (the same question, one set of figures). Text people wrote stays as written."""

from __future__ import annotations

import gettext
from pathlib import Path
from typing import get_args

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import translation

from tandem.core import services as core
from tandem.core.errors import ValidationFailed
from tandem.core.models import Side
from tandem.surveys import catalog, services, tasks
from tandem.surveys.models import Campaign, SurveyLink, SurveyResponse, SurveyTemplate
from tandem.surveys.results import Comparison
from tandem.surveys.schemas import Language
from tandem.surveys.templatetags.surveys_tags import gap_sentence
from tests.conftest import Personas
from tests.surveys.conftest import ClientFor, invite_sides, same_answers, shipped_template

STATEMENT = "IT is treated as an equal partner, not as a supplier of services."
SRC = Path(__file__).resolve().parents[2] / "src" / "tandem"


def dutch(text: str) -> str:
    with translation.override("nl"):
        translated = translation.gettext(text)
    assert translated != text, f"the Dutch catalogue does not translate {text!r}"
    return translated


def test_every_shipped_text_is_in_the_dutch_catalogue() -> None:
    texts = set(catalog.LIKERT_LABELS)
    for spec in catalog.SHIPPED:
        texts |= {spec.name, spec.description}
        for q in spec.questions:
            texts |= {q.text, *q.choices} | ({q.help_text, q.criterion} - {""})
    with (SRC / "locale" / "nl" / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        dutch_catalogue = gettext.GNUTranslations(handle)
    # Some words are the same in Dutch ("Governance"): what counts is that the catalogue has them.
    missing = sorted(t for t in texts if t not in dutch_catalogue._catalog)  # type: ignore[attr-defined]
    assert not missing, missing


def test_a_dutch_respondent_answers_in_dutch_and_counts_with_the_english_answers(personas: Personas) -> None:
    template = shipped_template(personas, "partnership")
    invited = invite_sides(personas, template, {Side.BUSINESS: 1, Side.IT: 1})
    dutch_token, english_token = invited.tokens[Side.BUSINESS][0], invited.tokens[Side.IT][0]

    page = Client().get(f"/s/{dutch_token}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert dutch(STATEMENT) in page
    assert dutch("Strongly agree") in page
    assert STATEMENT not in page
    english = Client().get(f"/s/{english_token}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert STATEMENT in english

    questions = list(template.questions.all())
    services.response_submit(token=dutch_token, answers=same_answers(questions, 4))
    services.response_submit(token=english_token, answers=same_answers(questions, 2))
    assert SurveyResponse.objects.for_org(personas.org).filter(campaign=invited.campaign).count() == 2


def test_a_dutch_reader_sees_the_results_and_the_template_in_dutch(
    personas: Personas, closed: Campaign, client_for: ClientFor
) -> None:
    owner = client_for("owner")
    template = SurveyTemplate.objects.for_org(personas.org).get(key="partnership")
    # English first: the results kept for one language are never shown in the other.
    english = owner.get(f"/o/acme/surveys/{closed.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert STATEMENT in english
    results = owner.get(f"/o/acme/surveys/{closed.pk}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert dutch(STATEMENT) in results
    assert STATEMENT not in results
    detail = owner.get(
        f"/o/acme/surveys/templates/{template.pk}/", HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()
    assert dutch("Partnership temperature") in detail
    assert dutch(STATEMENT) in detail


def test_a_copy_is_written_in_the_copiers_language_and_own_text_stays_as_written(personas: Personas) -> None:
    template = shipped_template(personas, "partnership")
    with translation.override("nl"):
        copy = services.template_copy(actor=personas.owner, template=template)
    texts = [q.text for q in copy.questions.all()]
    assert dutch(STATEMENT) in texts
    assert copy.name == dutch("%(name)s (copy)") % {"name": dutch("Partnership temperature")}

    with translation.override("nl"):
        again = services.template_copy(actor=personas.owner, template=copy, name="Eigen pulse")
    assert [q.text for q in again.questions.all()] == texts


# --- The campaign's language ------------------------------------------------------------------------------


def test_a_campaign_records_its_language(personas: Personas) -> None:
    template = shipped_template(personas, "partnership")
    english = invite_sides(personas, template, {Side.IT: 1}).campaign
    assert english.language == "en"
    with translation.override("nl"):
        asked_in_dutch = invite_sides(personas, template, {Side.IT: 1}, title="Dutch pulse").campaign
    assert asked_in_dutch.language == "nl"
    core.organization_update(
        org=personas.org, actor=personas.owner, name="Acme", require_mfa=False, language="nl"
    )
    assert invite_sides(personas, template, {Side.IT: 1}, title="Org pulse").campaign.language == "nl"
    with pytest.raises(ValidationFailed):
        services.campaign_create(
            actor=personas.owner,
            template=template,
            title="x",
            opens_on=None,
            closes_on=None,
            language="fr",
        )
    assert set(get_args(Language)) == {code for code, _name in settings.LANGUAGES}


def test_a_link_opens_in_the_campaigns_language_unless_the_browser_asks_for_the_other(
    personas: Personas,
) -> None:
    template = shipped_template(personas, "partnership")
    with translation.override("nl"):
        invited = invite_sides(personas, template, {Side.IT: 3})
    first, second, third = invited.tokens[Side.IT]
    assert dutch(STATEMENT) in Client().get(f"/s/{first}/").content.decode()
    assert dutch(STATEMENT) in Client().get(f"/s/{first}/", HTTP_ACCEPT_LANGUAGE="de-DE").content.decode()
    assert STATEMENT in Client().get(f"/s/{second}/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8").content.decode()
    # The respondent switches on the page: their choice beats the campaign's and their browser's.
    respondent = Client()
    respondent.post("/language/", {"language": "en", "next": f"/s/{third}/"})
    assert STATEMENT in respondent.get(f"/s/{third}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()


def test_the_links_are_e_mailed_in_the_campaigns_language(personas: Personas) -> None:
    template = shipped_template(personas, "partnership")
    with translation.override("nl"):
        invited = invite_sides(personas, template, {Side.IT: 1})
    link = SurveyLink.objects.for_org(personas.org).get(campaign=invited.campaign)
    mail.outbox.clear()
    assert tasks.send_links.call(campaign_id=invited.campaign.pk, link_ids=[link.pk]) == 1
    [message] = mail.outbox
    assert message.subject == dutch("A short anonymous survey: %(title)s") % {"title": invited.campaign.title}


def test_figures_in_the_results_sentences_are_written_the_readers_way() -> None:
    comparison = Comparison(
        gap=0.86, effect="large", u=10.0, p_value=0.0004, cohens_d=None, rank_biserial=0.5
    )
    with translation.override("en"):
        assert (
            gap_sentence(comparison)
            == "IT rates this 0.9 higher than the business (large difference, p < 0.001)."
        )
    with translation.override("nl"):
        assert (
            gap_sentence(comparison)
            == "IT beoordeelt dit 0,9 hoger dan de business (groot verschil, p < 0,001)."
        )
