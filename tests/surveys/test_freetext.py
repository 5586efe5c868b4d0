"""Free-text answers grouped by meaning, and the same-story score of IT against the business.

Most tests use a bag-of-words embedder (texts sharing words are similar, at face value); one uses
the real lexical engine, and one (slow) the default engine through the worker's task."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import translation

from tandem.core.models import Side
from tandem.surveys import freetext
from tandem.surveys.models import TextAnalysis
from tandem.surveys.results import GroupResult, ItemResult
from tandem.surveys.selectors import campaign_results
from tandem.surveys.services import QuestionInput, settings_update
from tandem.text.embedding import get_embedder
from tests.conftest import Personas
from tests.surveys.conftest import (
    PRIORITIES,
    SLOW,
    WordsEmbedder,
    close,
    make_campaign,
    question,
    submit,
    text_campaign,
)


def item_of(texts: dict[str, Sequence[str]]) -> ItemResult:
    """A free-text item as results.py gives it: the texts of everyone and of each shown side."""
    everyone = sorted(t for side in texts.values() for t in side)
    shown = GroupResult(key="all", label="Everyone", suppressed=False, n=len(everyone))
    return ItemResult(
        key="q1",
        label="What would you change?",
        kind="text",
        help_text="",
        overall=shown,
        sides=tuple(GroupResult(key=s, label=s, suppressed=False, n=len(t)) for s, t in texts.items()),
        departments=(),
        hidden_departments=False,
        excluded_sides=(),
        texts={"all": tuple(everyone), **{side: tuple(sorted(t)) for side, t in texts.items()}},
    )


def analyse(texts: dict[str, Sequence[str]]) -> dict[str, Any]:
    return freetext.analyse_item(item_of(texts), embedder=WordsEmbedder())


# --- Themes ---------------------------------------------------------------------------------------------


def test_answers_with_the_same_meaning_form_one_theme_labelled_by_its_most_central_answer() -> None:
    result = analyse({Side.IT: SLOW[:3] + PRIORITIES[:2], Side.BUSINESS: SLOW[3:] + PRIORITIES[2:]})
    themes = {frozenset(t["examples"]): t for t in result["themes"]}
    assert [t["size"] for t in result["themes"]] == [5, 5]
    slow = next(t for t in result["themes"] if t["label"] in SLOW)
    priorities = next(t for t in result["themes"] if t["label"] in PRIORITIES)
    assert slow["by_side"] == {Side.IT: 3, Side.BUSINESS: 2}
    assert priorities["by_side"] == {Side.IT: 2, Side.BUSINESS: 3}
    assert len(slow["examples"]) == 3
    assert set(slow["examples"]) <= set(SLOW)
    assert slow["examples"][0] == slow["label"]
    assert all(not t["other"] for t in themes.values())
    assert result["sides"] == [Side.IT, Side.BUSINESS]


def test_the_label_is_the_answer_closest_to_all_the_others() -> None:
    answers = ["slow deployments", "slow deployments releases", "slow deployments weeks", "deployments"]
    [theme] = analyse({Side.IT: answers})["themes"]
    assert theme["label"] == "slow deployments"


def test_answers_alike_to_nothing_else_go_to_other() -> None:
    lonely = ["The canteen coffee is cold.", "More parking spaces please."]
    result = analyse({Side.IT: SLOW, Side.BUSINESS: lonely + PRIORITIES[:3]})
    other = result["themes"][-1]
    assert other["other"]
    assert other["label"] == "Other"
    assert sorted(other["examples"]) == sorted(lonely)
    assert other["by_side"] == {Side.IT: 0, Side.BUSINESS: 2}
    assert sum(t["size"] for t in result["themes"]) == len(SLOW) + 5


def test_there_are_at_most_eight_themes() -> None:
    pairs = [f"topic{i} matter{i}" for i in range(12) for _ in range(2)]
    result = analyse({Side.BUSINESS: pairs})
    assert len(result["themes"]) == freetext.MAX_THEMES
    assert result["themes"][-1]["other"]
    assert result["themes"][-1]["size"] == 2 * (12 - freetext.MAX_THEMES + 1)
    assert sum(t["size"] for t in result["themes"]) == len(pairs)


def test_clustering_is_deterministic() -> None:
    texts: dict[str, Sequence[str]] = {
        Side.IT: SLOW + PRIORITIES[:1],
        Side.BUSINESS: PRIORITIES[1:] + SLOW[:2],
    }
    assert analyse(texts) == analyse(texts)


def test_a_long_label_is_shortened_at_a_word() -> None:
    label = freetext.shorten("word " * 40)
    assert len(label) <= freetext.LABEL_LENGTH
    assert label.endswith("word…")


# --- Same story -------------------------------------------------------------------------------------------


def test_sides_saying_the_same_things_tell_the_same_story() -> None:
    result = analyse({Side.IT: SLOW[:3] + PRIORITIES[:2], Side.BUSINESS: SLOW[3:] + PRIORITIES[2:]})
    assert result["same_story"] is not None
    assert result["same_story"] >= freetext.ALIKE_FROM
    assert result["summary"].startswith("IT and the business describe it alike")


def test_sides_saying_different_things_tell_different_stories() -> None:
    result = analyse({Side.IT: SLOW, Side.BUSINESS: PRIORITIES})
    assert result["same_story"] is not None
    assert result["same_story"] < freetext.PARTLY_FROM
    assert "differently" in result["summary"]
    assert f"{result['same_story']:.2f}" in result["summary"]


def test_the_same_story_score_lies_between_zero_and_one() -> None:
    # Each side's two answers are half alike, and each matches the other side's exactly: the cross
    # similarity exceeds the within-side one and the ratio is capped at 1.
    answers = ["alpha beta", "alpha gamma"]
    result = analyse({Side.IT: answers, Side.BUSINESS: answers})
    assert result["same_story"] == 1.0


@pytest.mark.parametrize(
    "texts",
    [
        {Side.IT: SLOW, Side.BUSINESS: PRIORITIES[:1]},  # one business answer
        {Side.IT: SLOW},  # the business not shown
        {Side.BUSINESS: PRIORITIES, Side.PARTNER: SLOW},  # IT not shown
    ],
)
def test_the_same_story_needs_two_answers_from_each_shown_side(texts: dict[str, Sequence[str]]) -> None:
    result = analyse(texts)
    assert result["same_story"] is None
    assert "IT and the business" not in result["summary"]


def test_engines_are_compared_on_their_own_scale() -> None:
    class Narrow(WordsEmbedder):
        name = "combined"  # a raw cosine of 0.80 means "nothing in common" for this engine

    vectors = freetext.calibrated_similarities(["a b", "c d"], WordsEmbedder())
    assert vectors[0, 1] == 0.0
    low, high = freetext.LEVELS["combined"]
    assert freetext.calibrated_similarities(["x", "x"], Narrow())[0, 1] == pytest.approx(1.0)
    assert 0.0 < low < high < 1.0


# --- Stored for the results ---------------------------------------------------------------------------------


def test_the_analysis_is_stored_where_the_results_find_it(personas: Personas) -> None:
    campaign = close(text_campaign(personas, {Side.IT: SLOW, Side.BUSINESS: PRIORITIES}))
    assert freetext.analyse_campaign(campaign, embedder=WordsEmbedder()) == 1
    results = campaign_results(campaign)
    key = question(campaign, "text").field_name
    assert set(results.text_analyses) == {key}
    analysis = results.text_analyses[key]
    assert {"themes", "same_story", "summary", "sides"} <= set(analysis)
    assert sum(t["size"] for t in analysis["themes"]) == 10
    row = TextAnalysis.objects.for_org(personas.org).get(campaign=campaign)
    assert (row.threshold, row.responses) == (5, 10)
    assert row.computed_at is not None


def test_an_analysis_run_in_english_reads_in_dutch(personas: Personas) -> None:
    campaign = close(text_campaign(personas, {Side.IT: SLOW, Side.BUSINESS: PRIORITIES}))
    with translation.override("en"):  # the worker's language
        freetext.analyse_campaign(campaign, embedder=WordsEmbedder())
    key = question(campaign, "text").field_name
    stored = TextAnalysis.objects.for_org(personas.org).get(campaign=campaign).result
    assert stored["summary"].startswith("IT and the business")
    with translation.override("nl"):
        analysis = campaign_results(campaign).text_analyses[key]
    assert analysis["summary"].startswith("IT en de business")
    assert re.search(r"\(zelfde verhaal: \d,\d\d\)", analysis["summary"])
    assert {t["label"] for t in analysis["themes"] if t["other"]} <= {"Overig"}
    assert analysis["same_story"] == stored["same_story"]


def test_analysing_again_replaces_the_analysis(personas: Personas) -> None:
    campaign = close(text_campaign(personas, {Side.IT: SLOW, Side.BUSINESS: PRIORITIES}))
    freetext.analyse_campaign(campaign, embedder=WordsEmbedder())
    freetext.analyse_campaign(campaign, embedder=WordsEmbedder())
    assert TextAnalysis.objects.for_org(personas.org).filter(campaign=campaign).count() == 1


def test_an_analysis_under_another_threshold_is_not_used(personas: Personas) -> None:
    campaign = close(text_campaign(personas, {Side.IT: SLOW, Side.BUSINESS: PRIORITIES}))
    freetext.analyse_campaign(campaign, embedder=WordsEmbedder())
    TextAnalysis.objects.for_org(personas.org).update(threshold=6)
    assert campaign_results(campaign).text_analyses == {}


def test_a_closed_campaigns_analysis_outlives_a_threshold_change(personas: Personas) -> None:
    campaign = close(text_campaign(personas, {Side.IT: SLOW, Side.BUSINESS: PRIORITIES}))
    freetext.analyse_campaign(campaign, embedder=WordsEmbedder())
    settings_update(actor=personas.owner, threshold=6)
    campaign.refresh_from_db()
    assert campaign_results(campaign).text_analyses != {}


def test_an_open_campaign_is_not_analysed(personas: Personas) -> None:
    campaign = text_campaign(personas, {Side.IT: SLOW, Side.BUSINESS: PRIORITIES})
    assert freetext.analyse_campaign(campaign, embedder=WordsEmbedder()) == 0
    assert not TextAnalysis.objects.for_org(personas.org).exists()


def test_a_side_left_out_of_the_results_is_left_out_of_the_themes(personas: Personas) -> None:
    secret = ["Our vendor contract is a secret mess.", "The vendor contract secret mess again."]
    campaign = close(
        text_campaign(personas, {Side.IT: SLOW, Side.BUSINESS: PRIORITIES, Side.PARTNER: secret})
    )
    freetext.analyse_campaign(campaign, embedder=WordsEmbedder())
    analysis = campaign_results(campaign).text_analyses[question(campaign, "text").field_name]
    assert analysis["sides"] == [Side.BUSINESS, Side.IT]
    dumped = repr(analysis)
    assert "secret" not in dumped
    assert Side.PARTNER not in analysis["sides"]
    assert sum(t["size"] for t in analysis["themes"]) == 10


def test_too_few_answers_to_a_text_question_are_not_analysed(personas: Personas) -> None:
    campaign = make_campaign(
        personas.owner,
        questions=(QuestionInput("likert", "Fine?"), QuestionInput("text", "Why?", required=False)),
    )
    likert, text = question(campaign, "likert"), question(campaign, "text")
    for i in range(6):
        answers: dict[str, Any] = {likert.field_name: 4}
        if i < 2:
            answers[text.field_name] = "Something."
        submit(campaign, Side.IT, None, answers)
    close(campaign)
    assert freetext.analyse_campaign(campaign, embedder=WordsEmbedder()) == 0


def test_the_lexical_engine_groups_answers_sharing_words() -> None:
    result = freetext.analyse_item(
        item_of({Side.IT: SLOW, Side.BUSINESS: PRIORITIES}), embedder=get_embedder("lexical")
    )
    assert len([t for t in result["themes"] if not t["other"]]) >= 2
    for theme in result["themes"]:
        if not theme["other"]:
            assert set(theme["examples"]) <= set(SLOW) or set(theme["examples"]) <= set(PRIORITIES)
    assert result["same_story"] is not None
    assert result["same_story"] < freetext.PARTLY_FROM


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_worker_groups_answers_with_the_default_engine(personas: Personas) -> None:
    from tandem.surveys.tasks import analyse_texts

    campaign = close(text_campaign(personas, {Side.IT: SLOW, Side.BUSINESS: PRIORITIES}))
    analyse_texts.enqueue(campaign_id=campaign.pk)
    call_command("worker", batch=True, verbosity=0)
    analysis = campaign_results(campaign).text_analyses[question(campaign, "text").field_name]
    assert sum(t["size"] for t in analysis["themes"]) == 10
    assert analysis["same_story"] is not None
    assert analysis["same_story"] < freetext.ALIKE_FROM
