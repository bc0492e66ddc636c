from django.urls import path

app_name = "line-webhook"
urlpatterns: list = []
