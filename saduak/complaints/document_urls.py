"""Complaint documents, included at `complaints/documents/` (before the
citizen pages) under the language prefixes, namespace "complaints-documents".
Files are addressed by their random public id, never the sequential id."""

from django.urls import path

from saduak.complaints.views import documents

app_name = "complaints-documents"

urlpatterns = [
    path("<uuid:public_id>/", documents.download, name="download"),
    path(
        "t/<str:token>/<uuid:public_id>/",
        documents.download_tracked,
        name="download-tracked",
    ),
]
