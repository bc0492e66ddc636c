from django.urls import path

from saduak.audit_staff import views

# The audit log page kept the `audit` namespace when it moved out of audit.
app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="events"),
    path("<int:sequence>/", views.event_detail, name="event"),
]
