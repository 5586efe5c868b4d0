from typing import ClassVar

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WhyCheckConfig(AppConfig):
    name = "tandem.whycheck"
    label = "whycheck"
    verbose_name = "The why check"
    tandem_initiative_sections: ClassVar[list[str]] = ["whycheck/_initiative_link.html"]
    tandem_nav: ClassVar[list[tuple[object, ...]]] = [
        ("whycheck:list", _("Why checks"), "internal", 15, ("why-checks/",))
    ]

    def ready(self) -> None:
        # The approval gate of the strategy app learns the `why_check` element from here, so
        # strategy does not depend on this app.
        from tandem.whycheck.gate import register

        register()
