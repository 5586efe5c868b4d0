from django.urls import path

from tandem.reviews import views, views_feed, views_log

app_name = "reviews"

ORG = "o/<slug:org_slug>/"
REVIEWS = ORG + "reviews/"
SERIES = REVIEWS + "series/<int:series_id>/"
REVIEW = REVIEWS + "<int:review_id>/"
ITEM = REVIEWS + "items/<int:item_id>/"
DECISION = ORG + "decisions/<int:decision_id>/"

urlpatterns = [
    path(REVIEWS, views.review_list, name="list"),
    path(REVIEWS + "series/new/", views.series_new, name="series_new"),
    path(SERIES, views.series, name="series"),
    path(SERIES + "edit/", views.series_edit, name="series_edit"),
    path(SERIES + "feed/", views.series_feed, name="series_feed"),
    path(SERIES + "prepare/", views.prepare, name="prepare"),
    path(REVIEW, views.review, name="review"),
    path(REVIEW + "refresh/", views.review_refresh, name="review_refresh"),
    path(REVIEW + "start/", views.review_start, name="review_start"),
    path(REVIEW + "close/", views.review_close, name="review_close"),
    path(REVIEW + "cancel/", views.review_cancel, name="review_cancel"),
    path(REVIEW + "items/new/", views.item_new, name="item_new"),
    path(REVIEW + "event.ics", views.review_ics, name="review_ics"),
    path(REVIEW + "minutes/", views.minutes_page, name="minutes"),
    path(REVIEW + "minutes.md", views.minutes_md, name="minutes_md"),
    path(REVIEW + "minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path(ITEM, views.item, name="item"),
    path(ITEM + "drop/", views.item_drop, name="item_drop"),
    path(ITEM + "move/", views.item_move, name="item_move"),
    path(REVIEWS + "wins/new/", views_log.win_new, name="win_new"),
    path(REVIEWS + "habit/", views_log.habit_page, name="habit"),
    path(REVIEWS + "my-feed/", views_log.my_feed, name="my_feed"),
    path(ORG + "decisions/", views_log.decisions, name="decisions"),
    path(ORG + "decisions/new/", views_log.decision_new, name="decision_new"),
    path(DECISION, views_log.decision, name="decision"),
    path(DECISION + "confirm/", views_log.decision_confirm, name="decision_confirm"),
    path(ORG + "actions/", views_log.actions, name="actions"),
    path(ORG + "actions/new/", views_log.action_new, name="action_new"),
    path(ORG + "actions/<int:action_id>/", views_log.action, name="action"),
    # Calendars, without an account: the secret address of a series' or a person's feed.
    path("reviews/feed/<str:feed_token>.ics", views_feed.feed, name="feed"),
]
