import re

from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

# The why check wrote its reasons in English with the values in the text; each becomes its
# catalogue words with the values beside them, so every reader gets it in their own language.
OLD_REASONS = (
    (
        re.compile(r"why check: misaligned \(round (?P<round>\d+), score (?P<score>[0-9.]+)\)"),
        "why check: misaligned (round %(round)s, score %(score)s)",
    ),
    (re.compile(r"why check: aligned \(round (?P<round>\d+)\)"), "why check: aligned (round %(round)s)"),
    (
        re.compile(r"why check: decision recorded by both co-leads \(round (?P<round>\d+)\)"),
        "why check: decision recorded by both co-leads (round %(round)s)",
    ),
    (
        re.compile(r"why check overridden by an admin: (?P<text>.*)", re.DOTALL),
        "why check overridden by an admin: %(text)s",
    ),
)


def _params(match: re.Match[str]) -> dict[str, object]:
    values = match.groupdict()
    params: dict[str, object] = {}
    if "round" in values:
        params["round"] = int(values["round"])
    if "score" in values:
        params["score"] = float(values["score"])
    if "text" in values:
        params["text"] = values["text"]
    return params


def split_reasons(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Transition = apps.get_model("strategy", "Transition")
    written = Transition._base_manager.filter(reason__startswith="why check")
    for transition in written.iterator():
        for pattern, words in OLD_REASONS:
            if match := pattern.fullmatch(transition.reason):
                transition.reason, transition.reason_params = words, _params(match)
                transition.save(update_fields=["reason", "reason_params"])
                break


def join_reasons(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Transition = apps.get_model("strategy", "Transition")
    for transition in Transition._base_manager.exclude(reason_params={}).iterator():
        params = dict(transition.reason_params)
        if "score" in params:
            params["score"] = f"{params['score']:.2f}"
        transition.reason, transition.reason_params = transition.reason % params, {}
        transition.save(update_fields=["reason", "reason_params"])


class Migration(migrations.Migration):
    dependencies = [
        ("strategy", "0003_transition_cause"),
    ]

    operations = [
        migrations.AddField(
            model_name="transition",
            name="reason_params",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(split_reasons, join_reasons),
    ]
