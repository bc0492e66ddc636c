from django.urls import path

from saduak.notifications import views

app_name = "notifications"

urlpatterns = [
    path(
        "sms/delivery-report/",
        views.sms_delivery_report,
        name="sms-delivery-report",
    ),
]
