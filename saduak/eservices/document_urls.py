"""Document pages of e-services, included at `eservices/documents/`."""

from django.urls import path

from saduak.eservices.views import documents

app_name = "documents"

urlpatterns = [
    path(
        "attachments/<uuid:public_id>/",
        documents.attachment_download,
        name="attachment-download",
    ),
]
