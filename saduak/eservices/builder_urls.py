"""The e-service builder, mounted at staff/eservices/builder/."""

from django.urls import path

from saduak.eservices.views import builder, builder_form, builder_workflow

app_name = "eservices-builder"
VERSION = "<slug:code>/v<int:number>/"
urlpatterns = [
    path("", builder.service_list, name="list"),
    path("new/", builder.service_create_view, name="create"),
    path("<slug:code>/", builder.service_detail, name="service"),
    path("<slug:code>/details/", builder.service_details_save, name="details-save"),
    path("<slug:code>/offices/", builder.service_offices_save, name="offices-save"),
    path("<slug:code>/versions/new/", builder.version_new, name="version-new"),
    path(VERSION, builder.version_manual, name="manual"),
    path(f"{VERSION}preview/", builder.version_preview, name="preview"),
    path(f"{VERSION}publish/", builder.version_publish_view, name="publish"),
    *builder_form.form_editor_urls(VERSION),
    path(f"{VERSION}workflow/", builder_workflow.workflow_editor, name="workflow"),
    path(
        f"{VERSION}workflow/stages/new/", builder_workflow.stage_add, name="stage-add"
    ),
    path(
        f"{VERSION}workflow/stages/<slug:stage_code>/",
        builder_workflow.stage_update,
        name="stage-update",
    ),
    path(
        f"{VERSION}workflow/stages/<slug:stage_code>/move/",
        builder_workflow.stage_move,
        name="stage-move",
    ),
    path(
        f"{VERSION}workflow/stages/<slug:stage_code>/remove/",
        builder_workflow.stage_remove,
        name="stage-remove",
    ),
    path(
        f"{VERSION}workflow/transitions/new/",
        builder_workflow.transition_add,
        name="transition-add",
    ),
    path(
        f"{VERSION}workflow/transitions/remove/",
        builder_workflow.transition_remove,
        name="transition-remove",
    ),
]
