from django.urls import path

from saduak.feedback.views import moderation, staff

app_name = "feedback-staff"
urlpatterns = [
    path("", staff.dashboard, name="dashboard"),
    path("comments/", staff.comments, name="comments"),
    path("words/", staff.words, name="words"),
    path("votes/<uuid:vote_key>/", staff.vote_detail, name="vote"),
    path("votes/<uuid:vote_key>/reply/", staff.vote_reply_view, name="vote-reply"),
    path(
        "votes/<uuid:vote_key>/acted-on/",
        staff.vote_acted_on_view,
        name="vote-acted-on",
    ),
    path("moderation/", moderation.moderation_page, name="moderation"),
    path(
        "votes/<uuid:vote_key>/release/",
        moderation.vote_release_view,
        name="vote-release",
    ),
    path(
        "votes/<uuid:vote_key>/reject/", moderation.vote_reject_view, name="vote-reject"
    ),
    path(
        "votes/<uuid:vote_key>/publish/",
        moderation.comment_publish_view,
        name="comment-publish",
    ),
    path(
        "votes/<uuid:vote_key>/hide/", moderation.comment_hide_view, name="comment-hide"
    ),
    path("held/", moderation.held_batch_view, name="held-batch"),
    path(
        "alerts/<uuid:alert_key>/acknowledge/",
        staff.alert_acknowledge_view,
        name="alert-acknowledge",
    ),
]
