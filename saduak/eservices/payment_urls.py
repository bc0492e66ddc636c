"""Payment pages for finance officers, included at `staff/eservices/payments/`."""

from django.urls import path

from saduak.eservices.views import payments

app_name = "eservices-payments"

urlpatterns = [
    path("", payments.payments_home, name="home"),
    path("batches/new/", payments.batch_create, name="batch-create"),
    path("batches/<str:reference>/", payments.batch_detail, name="batch"),
    path(
        "batches/<str:reference>/export/<str:file_format>/",
        payments.batch_export,
        name="batch-export",
    ),
    path(
        "batches/<str:reference>/results/",
        payments.batch_results,
        name="batch-results",
    ),
    path(
        "batches/<str:reference>/payments/<uuid:public_id>/remove/",
        payments.payment_remove,
        name="payment-remove",
    ),
]
