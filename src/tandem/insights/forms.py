"""Forms of the alignment pages: they check types and shapes; the services check the rules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.insights.index import ComponentView
from tandem.insights.models import MAX_WEIGHT


class WeightsForm(forms.Form):
    """A whole-number weight, 0 to 100, per component of the index; its fields are named after the
    components' keys, so ``cleaned_data`` is the ``weights`` the service takes."""

    def __init__(
        self,
        *args: Any,
        components: Sequence[ComponentView],
        defaults: Mapping[str, int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        defaults = defaults or {}
        for component in components:
            hint = _("%(help)s Default %(default)s; 0 leaves it out of the index.") % {
                "help": component.help,
                "default": defaults.get(component.key, 0),
            }
            self.fields[component.key] = forms.IntegerField(
                label=component.label,
                min_value=0,
                max_value=MAX_WEIGHT,
                help_text=hint.strip(),
                error_messages={
                    "required": _("Give a weight from 0 to 100 (0 leaves it out)."),
                    "invalid": _("Give a whole number from 0 to 100."),
                },
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data and len(data) == len(self.fields) and not any(data.values()):
            raise forms.ValidationError(_("At least one component needs a weight above 0."))
        return data
