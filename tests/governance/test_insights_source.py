"""The governance app's component of the alignment index (service levels met), its "what needs me"
ratings and its getting-started step."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from tandem.governance import insights
from tandem.governance.models import Measurement, Party, Service, ServiceMetric
from tandem.governance.services import rating_quarter
from tandem.strategy.models import Initiative, Stage
from tests.conftest import Personas

TODAY = timezone.localdate()
THIS_MONTH = TODAY.replace(day=1)
LAST_MONTH = (THIS_MONTH - timedelta(days=1)).replace(day=1)


def service(p: Personas, name: str, *, active: bool = True) -> Service:
    party, _ = Party.objects.for_org(p.org).get_or_create(
        organization=p.org, name="Cloudline", defaults={"kind": "cloud_provider", "side": "partner"}
    )
    return Service.objects.create(
        organization=p.org, party=party, name=name, availability_target=Decimal("99.5"), is_active=active
    )


def measure(p: Personas, of: Service, month: date, value: str, metric: ServiceMetric | None = None) -> None:
    Measurement.objects.create(
        organization=p.org, service=of, metric=metric, period=month, value=Decimal(value)
    )


def test_each_service_month_scores_the_share_of_its_targets_met(personas: Personas) -> None:
    p = personas
    erp = service(p, "ERP hosting")
    batch = ServiceMetric.objects.create(
        organization=p.org, service=erp, name="Batch on time", target=Decimal(95)
    )
    measure(p, erp, LAST_MONTH, "99.9")
    measure(p, erp, LAST_MONTH, "90", batch)  # missed
    measure(p, erp, THIS_MONTH, "99.7")

    [component] = insights.index_components(p.org, timezone.now())

    found = {row.key: (row.points, row.weight) for row in component.evidence}
    assert found == {
        f"service:{erp.pk}:{LAST_MONTH:%Y-%m}": (50, 2),
        f"service:{erp.pk}:{THIS_MONTH:%Y-%m}": (100, 1),
    }
    assert component.score is not None
    assert round(component.score, 6) == round(200 / 3, 6)  # two of three targets met
    assert "Cloudline" in component.evidence[0].label


def test_old_measurements_and_inactive_services_give_no_data(personas: Personas) -> None:
    p = personas
    measure(p, service(p, "ERP hosting"), (TODAY - timedelta(days=200)).replace(day=1), "99.9")
    measure(p, service(p, "Old mail", active=False), THIS_MONTH, "10")

    [component] = insights.index_components(p.org, timezone.now())

    assert component.score is None
    assert component.missing


def test_a_business_co_lead_is_asked_to_rate_the_parties_of_their_initiatives(personas: Personas) -> None:
    p = personas
    initiative = Initiative.objects.create(
        organization=p.org, title="Claims", stage=Stage.IN_DELIVERY, business_co_lead=p.business_lead
    )
    service(p, "ERP hosting").initiatives.add(initiative)

    [item] = insights.needs_me(p.business_lead, TODAY)

    assert (item.kind, item.title) == ("answer", "Cloudline")
    assert item.due_on is not None
    assert item.due_on > rating_quarter(TODAY)
    assert insights.needs_me(p.it_lead, TODAY) == []


def test_the_setup_step_ticks_off_with_a_first_party(personas: Personas) -> None:
    [step] = insights.setup_steps(personas.org)
    assert (step.key, step.done, step.order) == ("parties", False, 80)
    service(personas, "ERP hosting")

    assert insights.setup_steps(personas.org)[0].done
