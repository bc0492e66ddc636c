"""HQ's and a province's directives: writing, the report form, sending, the
letter, following up (dashboard, XLSX, consolidated PDF) and HQ's decisions.
Namespace `performance-directives` (docs/performance-collection.md)."""

from django.urls import path

from saduak.performance.views import directives as views

app_name = "performance-directives"

urlpatterns = [
    path("", views.directive_list_page, name="list"),
    path("new/", views.directive_create, name="create"),
    path("letterhead/", views.letterhead, name="letterhead"),
    path("<uuid:public_id>/", views.directive_detail, name="detail"),
    path("<uuid:public_id>/edit/", views.directive_edit, name="edit"),
    path("<uuid:public_id>/attachments/", views.attachment_add, name="attachment-add"),
    path(
        "<uuid:public_id>/attachments/<uuid:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "<uuid:public_id>/attachments/<uuid:attachment_id>/remove/",
        views.attachment_remove,
        name="attachment-remove",
    ),
    path("<uuid:public_id>/send/", views.directive_send, name="send"),
    path("<uuid:public_id>/close/", views.directive_close, name="close"),
    path("<uuid:public_id>/progress/", views.directive_dashboard, name="dashboard"),
    path(
        "<uuid:public_id>/provinces/<str:code>/decide/",
        views.leg_decide,
        name="leg-decide",
    ),
]
