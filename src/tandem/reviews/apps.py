from typing import ClassVar

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "reviews.series_created": _("Review series created"),
    "reviews.series_updated": _("Review series changed"),
    "reviews.feed_rotated": _("Calendar feed address renewed"),
    "reviews.review_prepared": _("Review prepared"),
    "reviews.agenda_refreshed": _("Review agenda refreshed"),
    "reviews.review_started": _("Review started"),
    "reviews.review_closed": _("Review closed"),
    "reviews.review_cancelled": _("Review cancelled"),
    "reviews.item_added": _("Agenda item added"),
    "reviews.item_changed": _("Agenda item changed"),
    "reviews.item_dropped": _("Agenda item dropped"),
    "reviews.agenda_reordered": _("Agenda reordered"),
    "reviews.decision_recorded": _("Decision recorded"),
    "reviews.decision_confirmed": _("Decision confirmed"),
    "reviews.action_added": _("Action item added"),
    "reviews.action_changed": _("Action item changed"),
    "reviews.win_added": _("Win recorded"),
}


class ReviewsConfig(AppConfig):
    name = "tandem.reviews"
    label = "reviews"
    verbose_name = "Reviews: the weekly review, its agenda, decisions, actions, wins and habit score"
    tandem_audit_actions = "tandem.reviews.apps.AUDIT_ACTIONS"
    # Its components of the alignment index, what waits for a person, its getting-started steps
    # (tandem.core.insights) and its section of the board report (tandem.core.report).
    tandem_index_source = "tandem.reviews.insights.index_components"
    tandem_needs_me = "tandem.reviews.insights.needs_me"
    tandem_getting_started = "tandem.reviews.insights.setup_steps"
    tandem_report_section = "tandem.reviews.report.report_section"
    tandem_home_panel = "tandem.reviews.selectors.home_panel"
    # The daily rounds: prepare the reviews of the next two days, check every series' habit.
    tandem_worker_start = "tandem.reviews.tasks.worker_started"
    tandem_nav: ClassVar[list[tuple[object, ...]]] = [
        ("reviews:list", _("Reviews"), "internal", 17, ("reviews/", "decisions/", "actions/")),
    ]
