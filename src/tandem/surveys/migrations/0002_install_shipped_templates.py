"""Give every existing organisation its copy of the shipped survey templates.

Until now a copy was installed the first time someone opened the templates; reads no longer
write, so organisations that never opened them get theirs here. The catalog is plain data with no
Django in it (``tandem.surveys.catalog``), read field by field into the historical models.
"""

from typing import Any

from django.db import migrations


def install(apps: Any, schema_editor: Any) -> None:
    from tandem.surveys import catalog  # plain data, no models

    Organization = apps.get_model("core", "Organization")  # a model class
    SurveyTemplate = apps.get_model("surveys", "SurveyTemplate")
    Question = apps.get_model("surveys", "Question")
    for org in Organization.objects.all():
        have = set(
            SurveyTemplate.objects.filter(organization=org).exclude(key="").values_list("key", flat=True)
        )
        for spec in catalog.SHIPPED:
            if spec.key in have:
                continue
            template = SurveyTemplate.objects.create(
                organization=org, key=spec.key, name=spec.name, description=spec.description, builtin=True
            )
            Question.objects.bulk_create(
                Question(
                    organization=org,
                    template=template,
                    position=i,
                    kind=q.kind,
                    text=q.text,
                    help_text=q.help_text,
                    criterion=q.criterion,
                    choices=list(q.choices),
                    required=q.required,
                )
                for i, q in enumerate(spec.questions)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
