from django.urls import path

from tandem.delivery import views, views_dashboard, views_public

app_name = "delivery"

ORG = "o/<slug:org_slug>/"
INITIATIVE = ORG + "initiatives/<int:initiative_id>/"
DELIVERABLE = ORG + "deliverables/<int:deliverable_id>/"
CHANGE = ORG + "changes/<int:change_id>/"

urlpatterns = [
    path(ORG + "delivery/", views_dashboard.dashboard, name="dashboard"),
    path(ORG + "delivery/export.<str:fmt>", views_dashboard.export, name="export"),
    path(ORG + "delivery/settings/", views_dashboard.settings, name="settings"),
    path(INITIATIVE + "delivery/", views.initiative, name="initiative"),
    path(INITIATIVE + "deliverables/new/", views.deliverable_new, name="deliverable_new"),
    path(INITIATIVE + "changes/new/", views.change_new, name="change_new"),
    path(INITIATIVE + "feedback-link/", views.initiative_feedback_link, name="initiative_feedback_link"),
    path(DELIVERABLE, views.deliverable, name="deliverable"),
    path(DELIVERABLE + "edit/", views.deliverable_edit, name="deliverable_edit"),
    path(DELIVERABLE + "replan/", views.deliverable_replan, name="deliverable_replan"),
    path(DELIVERABLE + "offer/", views.deliverable_offer, name="deliverable_offer"),
    path(DELIVERABLE + "decide/", views.deliverable_decide, name="deliverable_decide"),
    path(DELIVERABLE + "cancel/", views.deliverable_cancel, name="deliverable_cancel"),
    path(DELIVERABLE + "feedback-link/", views.deliverable_feedback_link, name="deliverable_feedback_link"),
    path(
        ORG + "feedback-links/<int:feedback_link_id>/close/",
        views.feedback_link_close,
        name="feedback_link_close",
    ),
    path(ORG + "changes/", views.changes, name="changes"),
    path(CHANGE, views.change, name="change"),
    path(CHANGE + "decide/", views.change_decide, name="change_decide"),
    # End users, without an account: the secret link sent to them or shared.
    path("feedback/<str:feedback_token>/", views_public.feedback, name="feedback_public"),
]
