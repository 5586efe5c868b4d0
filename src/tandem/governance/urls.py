from django.urls import path

from tandem.governance import views, views_incidents, views_services

app_name = "governance"

ORG = "o/<slug:org_slug>/"
PARTY = ORG + "parties/<int:party_id>/"
MATRIX = ORG + "initiatives/<int:initiative_id>/raci/"
SERVICE = ORG + "services/<int:service_id>/"
INCIDENT = ORG + "incidents/<int:incident_id>/"

urlpatterns = [
    path(ORG + "parties/", views.parties, name="parties"),
    path(ORG + "parties/new/", views.party_new, name="party_new"),
    path(PARTY, views.party, name="party"),
    path(PARTY + "edit/", views.party_edit, name="party_edit"),
    path(PARTY + "contacts/", views.contact_add, name="contact_add"),
    path(PARTY + "contacts/<int:contact_id>/remove/", views.contact_remove, name="contact_remove"),
    path(PARTY + "contracts/", views.contract_add, name="contract_add"),
    path(PARTY + "contracts/<int:contract_id>/edit/", views.contract_edit, name="contract_edit"),
    path(PARTY + "contracts/<int:contract_id>/remove/", views.contract_remove, name="contract_remove"),
    path(PARTY + "contributions/", views.contribution_set, name="contribution_set"),
    path(
        PARTY + "contributions/<int:contribution_id>/remove/",
        views.contribution_remove,
        name="contribution_remove",
    ),
    path(ORG + "raci/template/", views.template, name="template"),
    path(ORG + "work-calendar/", views.calendar, name="calendar"),
    path(
        ORG + "work-calendar/closing-days/<int:closing_day_id>/remove/",
        views.closing_day_remove,
        name="closing_day_remove",
    ),
    path(MATRIX, views.matrix, name="matrix"),
    path(MATRIX + "print/", views.matrix_print, name="matrix_print"),
    path(MATRIX + "export.<str:fmt>", views.matrix_export, name="matrix_export"),
    path(MATRIX + "save/", views.matrix_save, name="matrix_save"),
    path(MATRIX + "start/", views.matrix_start, name="matrix_start"),
    path(MATRIX + "activities/", views.activity_add, name="activity_add"),
    path(MATRIX + "activities/<int:activity_id>/", views.activity_change, name="activity_change"),
    path(MATRIX + "columns/", views.column_add, name="column_add"),
    path(MATRIX + "columns/<int:column_id>/remove/", views.column_remove, name="column_remove"),
    # Services, their levels, measures and measurements, and escalation paths
    path(ORG + "services/", views_services.services, name="services"),
    path(ORG + "services/new/", views_services.service_new, name="service_new"),
    path(SERVICE, views_services.service, name="service"),
    path(SERVICE + "edit/", views_services.service_edit, name="service_edit"),
    path(SERVICE + "levels/", views_services.service_level_set, name="service_level_set"),
    path(
        SERVICE + "levels/<int:level_id>/remove/",
        views_services.service_level_remove,
        name="service_level_remove",
    ),
    path(SERVICE + "metrics/", views_services.metric_add, name="metric_add"),
    path(SERVICE + "metrics/<int:metric_id>/remove/", views_services.metric_remove, name="metric_remove"),
    path(SERVICE + "measurements/", views_services.measurement_add, name="measurement_add"),
    path(SERVICE + "measurements/import/", views_services.measurements_import, name="measurements_import"),
    path(
        SERVICE + "measurements/<int:measurement_id>/remove/",
        views_services.measurement_remove,
        name="measurement_remove",
    ),
    path(SERVICE + "escalation/", views_services.service_escalation_add, name="service_escalation_add"),
    path(
        SERVICE + "escalation/<int:escalation_level_id>/",
        views_services.service_escalation_change,
        name="service_escalation_change",
    ),
    path(
        ORG + "initiatives/<int:initiative_id>/escalation/",
        views_services.initiative_escalation,
        name="initiative_escalation",
    ),
    path(
        ORG + "initiatives/<int:initiative_id>/escalation/<int:escalation_level_id>/",
        views_services.initiative_escalation_change,
        name="initiative_escalation_change",
    ),
    # Incidents, the scorecard and the business side's ratings
    path(ORG + "incidents/", views_incidents.incidents, name="incidents"),
    path(ORG + "incidents/new/", views_incidents.incident_new, name="incident_new"),
    path(INCIDENT, views_incidents.incident, name="incident"),
    path(INCIDENT + "acknowledge/", views_incidents.incident_acknowledge, name="incident_acknowledge"),
    path(INCIDENT + "hand-over/", views_incidents.incident_hand_over, name="incident_hand_over"),
    path(INCIDENT + "pause/", views_incidents.incident_pause, name="incident_pause"),
    path(INCIDENT + "resume/", views_incidents.incident_resume, name="incident_resume"),
    path(INCIDENT + "resolve/", views_incidents.incident_resolve, name="incident_resolve"),
    path(INCIDENT + "reopen/", views_incidents.incident_reopen, name="incident_reopen"),
    path(INCIDENT + "notes/", views_incidents.incident_note, name="incident_note"),
    path(INCIDENT + "review/", views_incidents.incident_review, name="incident_review"),
    path(ORG + "scorecard/", views_incidents.scorecard, name="scorecard"),
    path(ORG + "scorecard/export.<str:fmt>", views_incidents.scorecard_export, name="scorecard_export"),
    path(ORG + "parties/ratings/", views_incidents.ratings, name="ratings"),
]
