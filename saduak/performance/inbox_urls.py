"""An office's and a province's inbox of requests: reading, acknowledging, filling
and submitting a report; the province's forwarding, review, certification and
consolidation. Namespace `performance-inbox` (docs/performance-collection.md)."""

from django.urls import path

from saduak.performance.views import inbox

app_name = "performance-inbox"

urlpatterns = [
    path("", inbox.inbox_list, name="list"),
    path("answers/<uuid:public_id>/", inbox.answer_detail, name="answer"),
    path(
        "answers/<uuid:public_id>/acknowledge/",
        inbox.answer_acknowledge,
        name="acknowledge",
    ),
    path("answers/<uuid:public_id>/save/", inbox.answer_save, name="save"),
    path("answers/<uuid:public_id>/submit/", inbox.answer_submit, name="submit"),
    path(
        "answers/<uuid:public_id>/evidence/",
        inbox.evidence_add,
        name="evidence-add",
    ),
    path("evidence/<uuid:public_id>/", inbox.evidence_download, name="evidence"),
    path(
        "evidence/<uuid:public_id>/remove/",
        inbox.evidence_remove,
        name="evidence-remove",
    ),
    path(
        "requests/<uuid:request_id>/attachments/<uuid:public_id>/",
        inbox.attachment_download,
        name="attachment",
    ),
    path("answers/<uuid:public_id>/review/", inbox.answer_review, name="review"),
    path("answers/<uuid:public_id>/return/", inbox.answer_return, name="return"),
    path("answers/<uuid:public_id>/certify/", inbox.answer_certify, name="certify"),
    path("answers/<uuid:public_id>/excuse/", inbox.answer_excuse, name="excuse"),
    path("<uuid:request_id>/provinces/<str:code>/", inbox.leg_detail, name="leg"),
    path(
        "<uuid:request_id>/provinces/<str:code>/forward/",
        inbox.leg_forward,
        name="forward",
    ),
    path(
        "<uuid:request_id>/provinces/<str:code>/submit/",
        inbox.leg_submit,
        name="leg-submit",
    ),
]
