"""Source imports: upload, list, detail, roll back (HQ and provinces).
Namespace `social-sources` (docs/social.md)."""

from django.urls import path

from saduak.social.views import sources

app_name = "social-sources"

urlpatterns = [
    path("", sources.source_list, name="list"),
    path("upload/", sources.source_upload, name="upload"),
    path("<uuid:public_id>/", sources.source_detail, name="detail"),
    path("<uuid:public_id>/rollback/", sources.source_rollback, name="rollback"),
]
