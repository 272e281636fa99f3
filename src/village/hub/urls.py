from django.urls import path

from village.hub import views

app_name = "hub"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("<int:pk>/", views.project_detail, name="project"),
    path("<int:pk>/leads/", views.lead_add, name="lead_add"),
    path("<int:pk>/parts/new/", views.element_add, name="element_add"),
    path("<int:pk>/parts/<int:element_pk>/", views.element_detail, name="element"),
    path("<int:pk>/parts/<int:element_pk>/words/", views.element_edit, name="element_edit"),
    path("<int:pk>/parts/<int:element_pk>/evidence/", views.evidence, name="evidence"),
    path("<int:pk>/parts/<int:element_pk>/connect/", views.connection_add, name="connection_add"),
    path("<int:pk>/parts/<int:element_pk>/remove/", views.element_remove, name="element_remove"),
    path("<int:pk>/parts/<int:element_pk>/values/", views.value_add, name="value_add"),
    path("<int:pk>/parts/<int:element_pk>/target/", views.target_set, name="target_set"),
    path(
        "<int:pk>/connections/<int:connection_pk>/remove/",
        views.connection_remove,
        name="connection_remove",
    ),
    path("<int:pk>/documents/new/", views.document_add, name="document_add"),
    path("<int:pk>/gates/<int:months>/", views.gate_pass, name="gate_pass"),
    path("<int:pk>/theory/elements.csv", views.export_elements, name="export_elements"),
    path("<int:pk>/theory/connections.csv", views.export_connections, name="export_connections"),
    path("<int:pk>/theory/import/", views.theory_import, name="theory_import"),
    # --- learning spaces (issue 13, item 5)
    path("spaces/", views.space_list, name="spaces"),
    path("spaces/<int:pk>/", views.space_detail, name="space"),
    path("spaces/<int:pk>/join/", views.space_join, name="space_join"),
    path("spaces/<int:pk>/leave/", views.space_leave, name="space_leave"),
    path("spaces/<int:pk>/pass-on/", views.facilitator_pass_on, name="space_pass_on"),
    path("spaces/<int:pk>/circles/new/", views.space_circle_start, name="space_circle"),
    path("library/", views.library, name="library"),
    path("<int:pk>/lessons/new/", views.lesson_add, name="lesson_add"),
    # Good ancestors: pairings, the legacy log and handovers
    path("ancestors/", views.ancestors, name="ancestors"),
    path("ancestors/pair/", views.pairing_propose, name="pairing_propose"),
    path("ancestors/leaving/", views.leaving, name="leaving"),
    path("ancestors/legacy/", views.legacy, name="legacy"),
    path("ancestors/pairings/<int:pk>/", views.pairing_detail, name="pairing"),
    path("ancestors/pairings/<int:pk>/agree/", views.pairing_confirm, name="pairing_confirm"),
    path("ancestors/pairings/<int:pk>/no/", views.pairing_decline, name="pairing_decline"),
    path("ancestors/pairings/<int:pk>/goals/", views.pairing_goals, name="pairing_goals"),
    path("ancestors/pairings/<int:pk>/entries/", views.pairing_entry, name="pairing_entry"),
    path("ancestors/pairings/<int:pk>/extend/", views.pairing_extend, name="pairing_extend"),
    path("ancestors/pairings/<int:pk>/complete/", views.pairing_complete, name="pairing_complete"),
    path("ancestors/pairings/<int:pk>/feedback/", views.pairing_feedback, name="pairing_feedback"),
    path("ancestors/handovers/<int:pk>/", views.handover, name="handover"),
    path(
        "ancestors/handovers/<int:pk>/items/<int:item_pk>/",
        views.carrier_set,
        name="carrier_set",
    ),
    # stories of change
    path("<int:pk>/stories/", views.stories, name="stories"),
    path("<int:pk>/stories/new/", views.story_tell, name="story_tell"),
    path("<int:pk>/stories/domains/", views.domain_add, name="domain_add"),
    path("<int:pk>/stories/<int:story_pk>/select/", views.story_select, name="story_select"),
    # evidence from Village
    path(
        "<int:pk>/parts/<int:element_pk>/source/",
        views.indicator_source,
        name="indicator_source",
    ),
]
