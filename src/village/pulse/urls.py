from django.urls import path

from village.pulse import views

app_name = "pulse"
urlpatterns = [
    path("", views.round_list, name="list"),
    path("new/", views.round_create, name="create"),
    path("trends/", views.trends, name="trends"),
    path("licences/", views.licences, name="licences"),
    path("join/", views.join, name="join"),
    path("r/<str:code>/", views.start, name="start"),
    path("r/<str:code>/step/<int:step>/", views.answer, name="answer"),
    path("r/<str:code>/scores/", views.results, name="results"),
    path("<int:pk>/", views.manage, name="manage"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/report/print/", views.report_print, name="report_print"),
    path("<int:pk>/report.csv", views.report_csv, name="report_csv"),
]
