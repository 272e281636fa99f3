from django.urls import path

from village.conversations import views

app_name = "conversations"
urlpatterns = [
    path("", views.conversation_list, name="list"),
    path("new/", views.conversation_create, name="create"),
    path("j/<str:code>/", views.join, name="join"),
    path("<int:pk>/", views.manage, name="manage"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/seeds/", views.seeds, name="seeds"),
    path("<int:pk>/links/", views.links_create, name="links_create"),
    path("<int:pk>/links/<int:link_pk>/stop/", views.link_revoke, name="link_revoke"),
    path("<int:pk>/moderators/", views.moderators, name="moderators"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/actions/", views.action_create, name="action_create"),
    path("<int:pk>/actions/<int:action_pk>/", views.action_update, name="action_update"),
    path("<int:pk>/in-person/", views.in_person, name="in_person"),
    path("<int:pk>/vote/", views.vote, name="vote"),
    path("<int:pk>/answers/", views.answers, name="answers"),
    path("<int:pk>/standing/", views.standing, name="standing"),
    path("<int:pk>/write/", views.write, name="write"),
    path("<int:pk>/write/check/", views.write_check, name="write_check"),
    path("<int:pk>/moderate/", views.moderate, name="moderate"),
    path("<int:pk>/moderate/<int:statement_pk>/", views.decide, name="decide"),
    path("<int:pk>/moderate/<int:statement_pk>/edit/", views.statement_edit, name="statement_edit"),
    path(
        "<int:pk>/moderate/<int:statement_pk>/split/", views.statement_split, name="statement_split"
    ),
    path(
        "<int:pk>/moderate/<int:statement_pk>/reword/",
        views.statement_reword,
        name="statement_reword",
    ),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/results/print/", views.results_print, name="results_print"),
    path("<int:pk>/results.pdf", views.results_pdf, name="results_pdf"),
    path("<int:pk>/results.csv", views.results_csv, name="results_csv"),
    path("<int:pk>/log/", views.log, name="log"),
    path("<int:pk>/log.csv", views.log_csv, name="log_csv"),
]
