"""``tandem demo --language nl``: the demo organisation in Dutch — its people's titles and
departments, objectives and initiatives, why-check answers (the same verdicts as in English) and
survey free text — with Dutch as the organisation's default; the English demo stays as it is."""

from __future__ import annotations

import dataclasses
from enum import Enum
from types import ModuleType

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from tandem.core import demo as core_demo
from tandem.core import demo_nl as core_nl
from tandem.core.demo import demo_language, demo_seed
from tandem.core.models import Department
from tandem.delivery import demo as delivery_demo
from tandem.delivery import demo_nl as delivery_nl
from tandem.delivery.models import Deliverable
from tandem.governance import demo as governance_demo
from tandem.governance import demo_nl as governance_nl
from tandem.governance.models import Contribution, Incident, Service
from tandem.strategy import demo as strategy_demo
from tandem.strategy import demo_nl as strategy_nl
from tandem.strategy.models import Initiative
from tandem.surveys import demo as surveys_demo
from tandem.surveys import demo_nl as surveys_nl
from tandem.surveys.models import Campaign, SurveyResponse
from tandem.whycheck import demo as whycheck_demo
from tandem.whycheck import demo_nl as whycheck_nl
from tandem.whycheck.models import WhyCheck


def test_the_dutch_demo_tells_the_same_story_in_dutch(db: None) -> None:
    org, created = demo_seed(password="x" * 16, language="nl")
    assert created
    assert org.language == "nl"
    assert sorted(Department.objects.for_org(org).values_list("name", flat=True)) == sorted(
        core_nl.DEPARTMENTS
    )
    titles = set(Initiative.objects.for_org(org).values_list("title", flat=True))
    assert titles == {spec.title for spec in strategy_nl.INITIATIVES} | {
        governance_nl.SERVICE_INITIATIVE.title
    }

    played = list(WhyCheck.objects.for_org(org).select_related("initiative").order_by("created_at", "id"))
    assert len(played) == len(whycheck_nl.ROUNDS)
    by_initiative: dict[str, list[WhyCheck]] = {}
    for round_ in played:
        by_initiative.setdefault(round_.initiative.title, []).append(round_)
    for spec in whycheck_nl.ROUNDS:
        round_ = by_initiative[spec.initiative].pop(0)
        assert round_.verdict == spec.expect, (spec.initiative, round_.score)
        if spec.expect:
            assert round_.result["translations"]["nl"]["explanation"]

    with translation.override("nl"):
        month = translation.gettext("December")
    campaigns = list(Campaign.objects.for_org(org).values_list("title", flat=True))
    assert any(title.startswith("Temperatuur van het partnerschap, ") for title in campaigns), campaigns
    assert any(month.lower() in title for title in campaigns), campaigns
    free_text = {
        value
        for answers in SurveyResponse.objects.for_org(org).values_list("answers", flat=True)
        for value in answers.values()
        if isinstance(value, str)
    }
    dutch_answers = {text for texts in surveys_nl.THEMES.values() for text in texts}
    assert free_text & dutch_answers
    contributions = set(Contribution.objects.for_org(org).values_list("contribution", flat=True))
    assert contributions == {words for _key, _index, words in governance_nl.CONTRIBUTIONS}
    assert set(Service.objects.for_org(org).values_list("name", flat=True)) == {
        spec.name for spec in governance_nl.SERVICES
    }
    assert set(Incident.objects.for_org(org).values_list("title", flat=True)) == {
        text.title for text in governance_nl.INCIDENTS.values()
    }
    assert set(Deliverable.objects.for_org(org).values_list("title", flat=True)) == {
        spec.title for spec in delivery_nl.DELIVERABLES
    }


def test_the_demo_language_comes_from_the_option_then_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TANDEM_DEMO_LANGUAGE", raising=False)
    assert demo_language() == "en"
    monkeypatch.setenv("TANDEM_DEMO_LANGUAGE", "NL")
    assert demo_language() == "nl"
    assert demo_language("en") == "en"
    with pytest.raises(ValueError, match="not 'fr'"):
        demo_language("fr")


def test_the_command_refuses_a_language_the_demo_does_not_speak(db: None) -> None:
    with pytest.raises(CommandError, match="the demo speaks en, nl"):
        call_command("demo", language="de")


def _numbers(value: object) -> object:
    """Everything of a demo's content but its words: keys, numbers, dates, people, stages, order."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return tuple(_numbers(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, dict):
        return tuple(_numbers(v) for v in value.values())
    if isinstance(value, list | tuple):
        return tuple(_numbers(v) for v in value)
    if isinstance(value, str) and not isinstance(value, Enum):
        return str  # words: translated
    return value


@pytest.mark.parametrize(
    ("english", "dutch", "names"),
    [
        (strategy_demo, strategy_nl, ("OBJECTIVES", "SILOED", "MIGRATED_NOTES", "INITIATIVES")),
        (whycheck_demo, whycheck_nl, ("ROUNDS",)),
        (
            surveys_demo,
            surveys_nl,
            ("ROSTER_GROUPS", "THEMES", "STRATEGY_ANSWERS", "CLOSED", "STRATEGY_OPEN"),
        ),
        (core_demo, core_nl, ("PEOPLE", "DEPARTMENTS")),
        (delivery_demo, delivery_nl, ("DELIVERABLES", "CHANGES")),
        (
            governance_demo,
            governance_nl,
            (
                "DESCRIPTIONS",
                "CONTRACT_TITLES",
                "CONTRIBUTIONS",
                "SERVICES",
                "INCIDENTS",
                "REVIEW",
                "SERVICE_LEAD",
                "SERVICE_INITIATIVE",
            ),
        ),
    ],
)
def test_the_dutch_demo_has_the_english_numbers(
    english: ModuleType, dutch: ModuleType, names: tuple[str, ...]
) -> None:
    for name in names:
        assert _numbers(getattr(dutch, name)) == _numbers(getattr(english, name)), name
