from django.urls import path

from village.reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.review_list, name="list"),
    path("<int:pk>/", views.review_detail, name="review"),
    path("<int:pk>/rate/", views.self_rate, name="self_rate"),
    path("<int:pk>/panel/", views.panel_rate, name="panel_rate"),
    path("<int:pk>/not-rated/", views.not_rated, name="not_rated"),
    path("<int:pk>/shortfalls/", views.shortfalls, name="shortfalls"),
    path(
        "<int:pk>/shortfalls/<int:shortfall_pk>/remove/",
        views.shortfall_remove,
        name="shortfall_remove",
    ),
    path("<int:pk>/meeting/", views.meeting, name="meeting"),
    path("<int:pk>/gaps/", views.gaps, name="gaps"),
    path("<int:pk>/actions/", views.actions, name="actions"),
    path("<int:pk>/actions/bring-in/", views.action_bring_in, name="action_bring_in"),
    path("<int:pk>/actions/<int:action_pk>/", views.action_update, name="action_update"),
    path(
        "<int:pk>/actions/<int:action_pk>/milestones/<int:milestone_pk>/",
        views.milestone_done,
        name="milestone_done",
    ),
    path("<int:pk>/close-ratings/", views.close_ratings, name="close_ratings"),
    path("<int:pk>/close/", views.close_review, name="close"),
    path("charter/", views.charter, name="charter"),
    path("charter/start/", views.load_default, name="load_default"),
    path("charter/versions/", views.versions, name="versions"),
    path("charter/versions/differences/", views.differences, name="differences"),
    path("charter/versions/<int:pk>/", views.version, name="version"),
    path("charter/versions/<int:pk>/new-draft/", views.draft_start, name="draft_start"),
    path("charter/drafts/<int:pk>/", views.draft, name="draft"),
    path("charter/drafts/<int:pk>/values/new/", views.value_add, name="value_add"),
    path("charter/drafts/<int:pk>/publish/", views.publish, name="publish"),
    path("charter/values/<int:pk>/", views.value_edit, name="value_edit"),
    path("charter/values/<int:pk>/remove/", views.value_remove, name="value_remove"),
    path("charter/values/<int:pk>/clauses/new/", views.clause_add, name="clause_add"),
    path("charter/clauses/<int:pk>/", views.clause_edit, name="clause_edit"),
    path("charter/clauses/<int:pk>/remove/", views.clause_remove, name="clause_remove"),
    path("charter/clauses/<int:pk>/amend/", views.amendment_propose, name="amendment_propose"),
    path(
        "charter/clauses/<int:pk>/conversation/",
        views.clause_conversation,
        name="clause_conversation",
    ),
    path("charter/representatives/", views.representatives, name="representatives"),
    path(
        "charter/representatives/<int:member_pk>/remove/",
        views.representative_remove,
        name="representative_remove",
    ),
    path("charter/amendments/", views.amendments, name="amendments"),
    path("charter/amendments/<int:pk>/", views.amendment, name="amendment"),
    path("charter/amendments/<int:pk>/comment/", views.amendment_comment, name="amendment_comment"),
    path("charter/amendments/<int:pk>/vote/", views.amendment_vote, name="amendment_vote"),
    path(
        "charter/amendments/<int:pk>/withdraw/", views.amendment_withdraw, name="amendment_withdraw"
    ),
    # The partnership home.
    path("this-quarter/", views.home, name="home"),
    # The review pack.
    path("<int:pk>/pack/", views.pack_print, name="pack_print"),
    path("<int:pk>/pack.pdf", views.pack_pdf_download, name="pack_pdf"),
    path("<int:pk>/pack.docx", views.pack_docx_download, name="pack_docx"),
]
