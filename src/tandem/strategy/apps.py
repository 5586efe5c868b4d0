from typing import ClassVar

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    name = "tandem.strategy"
    label = "strategy"
    verbose_name = "Strategy: objectives and initiatives"
    tandem_home_panel = "tandem.strategy.selectors.home_panel"
    tandem_nav: ClassVar[list[tuple[object, ...]]] = [
        ("strategy:portfolio", _("Portfolio"), "internal", 10, ("initiatives/", "import/")),
        ("strategy:objectives", _("Objectives"), "internal", 20, ("key-results/",)),
    ]
