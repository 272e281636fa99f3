app_name = "hub"
urlpatterns: list = []
