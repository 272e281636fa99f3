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
]
