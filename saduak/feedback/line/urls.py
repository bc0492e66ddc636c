from django.urls import path

app_name = "feedback-line"
urlpatterns: list = []
