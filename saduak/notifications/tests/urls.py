"""The app's routes mounted as the project will mount them, for tests that go
through the URL resolver before the project includes them."""

from django.urls import include, path

urlpatterns = [path("notifications/", include("saduak.notifications.urls"))]
