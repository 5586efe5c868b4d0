"""Each campaign keeps its own anonymity threshold, fixed once it closes (see ``Campaign.threshold``).

Existing campaigns take their organisation's current threshold: the one their results were last
shown at."""

from typing import Any

import django.core.validators
from django.db import migrations, models


def _copy_thresholds(apps: Any, schema_editor: Any) -> None:
    Campaign = apps.get_model("surveys", "Campaign")
    SurveySettings = apps.get_model("surveys", "SurveySettings")
    for row in SurveySettings.objects.all():
        Campaign.objects.filter(organization_id=row.organization_id).update(threshold=row.threshold)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0004_responses_in_no_order")]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="threshold",
            field=models.PositiveSmallIntegerField(
                default=5,
                validators=[
                    django.core.validators.MinValueValidator(3),
                    django.core.validators.MaxValueValidator(50),
                ],
                verbose_name="anonymity threshold",
            ),
        ),
        migrations.RunPython(_copy_thresholds, migrations.RunPython.noop, elidable=True),
    ]
