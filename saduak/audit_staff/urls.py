from django.urls import path

from saduak.audit_staff import views

# The audit log page kept the `audit` namespace when it moved out of audit.
app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="events"),
    path("<int:sequence>/", views.event_detail, name="event"),
    # An event the sequencer has not numbered yet, by its row id.
    path("unsealed/<int:pk>/", views.unsealed_event_detail, name="event-unsealed"),
]
