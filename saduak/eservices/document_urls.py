"""Document pages of e-services, included at `eservices/documents/`."""

from django.urls import path

from saduak.eservices.views import documents
from saduak.eservices.views.bench_upload import bench_endpoints_enabled

app_name = "documents"

urlpatterns = [
    path(
        "attachments/<uuid:public_id>/",
        documents.attachment_download,
        name="attachment-download",
    ),
]

if bench_endpoints_enabled():  # only on the benchmark's own server
    from saduak.eservices.views.bench_upload import bench_upload_plain

    urlpatterns.append(
        path("bench/upload-plain/", bench_upload_plain, name="bench-upload-plain")
    )
