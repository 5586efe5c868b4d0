"""Plausible dates: one rule (``clean_date``) that every service applies, so the API answers 422 and
the pages show the error on the field; the pages' date field applies it before the service does."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django import forms
from django.test import Client
from django.utils import timezone

from tandem.core.errors import ValidationFailed
from tandem.core.models import Side
from tandem.core.validation import (
    PlausibleDateField,
    clean_date,
    clean_deadline,
    clean_past_date,
    deadline_limit,
    years_ahead,
)
from tandem.strategy import services as strategy
from tandem.strategy.models import Initiative, KeyResult, Objective
from tandem.surveys import services as surveys
from tandem.whycheck import services as whycheck
from tandem.whycheck.models import WhyCheck
from tests.conftest import Personas, bearer, initiative_post, send

ACME = "/api/v1/orgs/acme"
FAR_PAST = date(1, 1, 1)
FAR_FUTURE = date(9999, 12, 31)


def today() -> date:
    return timezone.localdate()


def refusal(call: Any) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        call()
    return caught.value


# --- The rule ------------------------------------------------------------------------------------


def test_a_date_or_its_iso_text_is_accepted_and_empty_is_none() -> None:
    assert clean_date(date(2027, 3, 22), field="d") == date(2027, 3, 22)
    assert clean_date("2027-03-22", field="d") == date(2027, 3, 22)
    assert clean_date(None, field="d") is None
    assert clean_date("  ", field="d") is None


def test_an_empty_required_date_is_refused() -> None:
    assert refusal(lambda: clean_date(None, field="d", required=True)).field == "d"


@pytest.mark.parametrize("value", [FAR_PAST, FAR_FUTURE, date(1899, 12, 31), date(2201, 1, 1)])
def test_a_date_outside_1900_to_2200_is_refused_naming_the_range(value: date) -> None:
    error = refusal(lambda: clean_date(value, field="start_date"))
    assert error.field == "start_date"
    assert error.message == "Enter a date between 1900 and 2200."


@pytest.mark.parametrize("value", ["22/03/2027", "2027-02-30", "tomorrow", "20270322", 42])
def test_text_that_is_no_date_is_refused_with_the_format(value: Any) -> None:
    assert refusal(lambda: clean_date(value, field="d")).message == "Enter a date as YYYY-MM-DD."


def test_a_deadline_may_be_five_years_ahead_but_no_more() -> None:
    limit = deadline_limit()
    assert limit == years_ahead(today(), 5)
    assert clean_deadline(limit, field="d") == limit
    error = refusal(lambda: clean_deadline(limit + timedelta(days=1), field="d"))
    assert "within five years" in error.message


def test_a_deadline_in_the_past_is_still_plausible() -> None:
    assert clean_deadline(date(2020, 1, 1), field="d") == date(2020, 1, 1)


def test_a_past_date_may_be_today_but_not_tomorrow() -> None:
    assert clean_past_date(today(), field="d") == today()
    error = refusal(lambda: clean_past_date(today() + timedelta(days=1), field="when"))
    assert error.field == "when"
    assert "future" in error.message


def test_the_limits_are_shown_the_way_pages_show_dates() -> None:
    error = refusal(lambda: clean_date(date(2027, 3, 21), field="d", earliest=date(2027, 3, 22)))
    assert error.message == "Enter a date on or after 22 Mar 2027."


def test_the_29th_of_february_five_years_on_is_the_28th() -> None:
    assert years_ahead(date(2028, 2, 29), 5) == date(2033, 2, 28)


class DeadlineForm(forms.Form):
    deadline = PlausibleDateField(label="Deadline", within="deadline")


def test_the_page_field_refuses_an_implausible_date_on_the_field() -> None:
    form = DeadlineForm(data={"deadline": "9999-12-31"})
    assert not form.is_valid()
    assert form.errors["deadline"] == ["Enter a date between 1900 and 2200."]


def test_the_page_field_limits_the_date_picker_to_the_plausible_range() -> None:
    html = str(DeadlineForm()["deadline"])
    assert 'type="date"' in html
    assert 'min="1900-01-01"' in html
    assert f'max="{deadline_limit().isoformat()}"' in html


# --- Strategy ------------------------------------------------------------------------------------


def test_an_objective_ending_in_9999_is_refused(personas: Personas) -> None:
    error = refusal(
        lambda: strategy.objective_create(
            actor=personas.owner, title="Far", period_start=today(), period_end=FAR_FUTURE
        )
    )
    assert error.field == "period_end"


def test_an_objective_starting_in_year_one_is_refused(personas: Personas) -> None:
    error = refusal(
        lambda: strategy.objective_create(
            actor=personas.owner, title="Old", period_start=FAR_PAST, period_end=today()
        )
    )
    assert error.field == "period_start"


def test_a_key_result_due_more_than_five_years_ahead_is_refused(
    personas: Personas,
    objective: Objective,
) -> None:
    error = refusal(
        lambda: strategy.key_result_create(
            actor=personas.owner,
            objective=objective,
            metric="NPS",
            baseline=0,
            target=10,
            due_date=years_ahead(today(), 6),
        )
    )
    assert error.field == "due_date"


def test_a_key_result_update_to_an_implausible_due_date_is_refused(
    personas: Personas,
    key_result: KeyResult,
) -> None:
    error = refusal(
        lambda: strategy.key_result_update(actor=personas.owner, key_result=key_result, due_date=FAR_PAST)
    )
    assert error.field == "due_date"


def test_an_initiative_targeted_for_9999_is_refused(personas: Personas) -> None:
    error = refusal(
        lambda: strategy.initiative_create(actor=personas.owner, title="Far", target_date=FAR_FUTURE)
    )
    assert error.field == "target_date"
    assert not Initiative.objects.for_org(personas.org).exists()


def test_end_user_input_dated_in_2099_is_refused(personas: Personas) -> None:
    error = refusal(
        lambda: strategy.initiative_create(
            actor=personas.owner, title="Ahead", end_user_input_when=date(2099, 1, 1)
        )
    )
    assert error.field == "end_user_input_when"


def test_a_success_measure_dated_in_year_one_is_refused(
    personas: Personas,
    ready_initiative: Initiative,
) -> None:
    error = refusal(
        lambda: strategy.success_measure_add(
            actor=personas.owner, initiative=ready_initiative, name="X", by_date=FAR_PAST
        )
    )
    assert error.field == "by_date"


def test_the_api_answers_422_for_an_initiative_targeted_for_9999(personas: Personas) -> None:
    response = send(
        bearer(personas.owner), "post", f"{ACME}/initiatives", {"title": "Far", "target_date": "9999-12-31"}
    )
    assert response.status_code == 422, response.content
    assert "between 1900 and 2200" in response.content.decode()


def test_the_api_answers_422_for_end_user_input_in_the_future(personas: Personas) -> None:
    response = send(
        bearer(personas.owner),
        "post",
        f"{ACME}/initiatives",
        {"title": "Ahead", "end_user_input": {"who": "Drivers", "when": "2099-01-01"}},
    )
    assert response.status_code == 422, response.content
    assert "future" in response.content.decode()


def test_the_initiative_page_shows_the_implausible_target_date_on_its_field(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.owner.user)
    response = client.post("/o/acme/initiatives/new/", initiative_post(personas, target_date="9999-12-31"))
    assert response.status_code == 422
    page = response.content.decode()
    assert "Enter a date between 1900 and 2200." in page
    assert 'value="9999-12-31"' in page
    assert not Initiative.objects.for_org(personas.org).filter(title="Route planning").exists()


# --- Why checks ----------------------------------------------------------------------------------


def test_a_why_check_deadline_in_9999_is_refused(
    personas: Personas,
    approved: Initiative,
) -> None:
    error = refusal(
        lambda: whycheck.whycheck_start(actor=personas.owner, initiative=approved, deadline=FAR_FUTURE)
    )
    assert error.field == "deadline"
    assert not WhyCheck.objects.for_org(personas.org).exists()


def test_a_why_check_measure_dated_in_year_one_is_refused(
    personas: Personas,
    round_: WhyCheck,
) -> None:
    error = refusal(
        lambda: whycheck.whycheck_submit_answer(
            actor=personas.business_lead,
            why_check=round_,
            why="Settle claims in a day.",
            measures=[{"name": "Claims settled", "by": "0001-01-01"}],
        )
    )
    assert error.field == "measures.0.by"


def test_the_api_answers_422_for_a_why_check_deadline_six_years_ahead(
    personas: Personas,
    approved: Initiative,
) -> None:
    response = send(
        bearer(personas.owner),
        "post",
        f"{ACME}/initiatives/{approved.pk}/why-checks",
        {"deadline": years_ahead(today(), 6).isoformat()},
    )
    assert response.status_code == 422, response.content
    assert "within five years" in response.content.decode()


def test_the_start_form_shows_a_deadline_in_2099_on_its_field(
    personas: Personas,
    approved: Initiative,
) -> None:
    client = Client()
    client.force_login(personas.owner.user)
    response = client.post(f"/o/acme/initiatives/{approved.pk}/why-checks/", {"start-deadline": "2099-01-01"})
    assert response.status_code == 422
    assert "within five years" in response.content.decode()
    assert not WhyCheck.objects.for_org(personas.org).exists()


# --- Surveys -------------------------------------------------------------------------------------


def test_a_campaign_closing_in_9999_is_refused(personas: Personas) -> None:
    template = surveys.template_create(
        actor=personas.owner, name="Pulse", questions=[{"kind": "likert", "text": "How is it going?"}]
    )
    error = refusal(
        lambda: surveys.campaign_create(
            actor=personas.owner,
            template=template,
            title="Pulse",
            opens_on=today(),
            closes_on=FAR_FUTURE,
            audience="emails",
            recipients=[surveys.Recipient(email="someone@acme.test", side=Side.IT)],
            send_email=False,
        )
    )
    assert error.field == "closes_on"
    assert error.message == "Enter a date between 1900 and 2200."
