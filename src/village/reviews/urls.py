from django.urls import path

from village.reviews import views

app_name = "reviews"
urlpatterns = [
    # The partnership home.
    path("this-quarter/", views.home, name="home"),
    # The review pack.
    path("<int:pk>/pack/", views.pack_print, name="pack_print"),
    path("<int:pk>/pack.pdf", views.pack_pdf_download, name="pack_pdf"),
    path("<int:pk>/pack.docx", views.pack_docx_download, name="pack_docx"),
]
