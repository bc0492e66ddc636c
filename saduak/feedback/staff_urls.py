from django.urls import path

app_name = "feedback-staff"
urlpatterns: list = []
