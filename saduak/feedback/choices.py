from django.db import models
from django.utils.translation import gettext_lazy as _


class VoteChannel(models.TextChoices):
    QR = "qr", _("QR code page")
    LINE_CHAT = "line_chat", _("LINE official account")
    LIFF = "liff", _("LINE page (LIFF)")
    PORTAL = "portal", _("Signed-in citizen")
    API = "api", _("API")
    TICKET = "ticket", _("Served ticket's page")


# Channels whose voter is a known person or visit: a served ticket, a LINE
# account verified by LINE, a signed-in citizen. They count once per person,
# office and day, whatever the network. The QR page without sign-in and an
# app's device id are anonymous: a new cookie or device id is a new voter.
VERIFIED_CHANNELS = frozenset(
    {
        VoteChannel.TICKET,
        VoteChannel.LINE_CHAT,
        VoteChannel.LIFF,
        VoteChannel.PORTAL,
    }
)


class VoteStatus(models.TextChoices):
    COUNTED = "counted", _("Counted")
    HELD = "held", _("Held for review")
    REJECTED = "rejected", _("Rejected by a moderator")


class HoldReason(models.TextChoices):
    SOURCE_FLOOD = "source_flood", _("Many votes from one source")
    OFFICE_SPIKE = "office_spike", _("Improbable spike of votes for the office")


class CommentState(models.TextChoices):
    """Whether a comment may appear on the public site. Personal data is masked in
    every public view; a comment with abusive words waits for a moderator."""

    NONE = "none", _("No comment")
    PUBLIC = "public", _("Public (masked)")
    REVIEW = "review", _("Waiting for a moderator")
    HIDDEN = "hidden", _("Hidden by a moderator")


class Score(models.IntegerChoices):
    VERY_UNHAPPY = 1, _("Very unhappy")
    UNHAPPY = 2, _("Unhappy")
    NEUTRAL = 3, _("Neither happy nor unhappy")
    HAPPY = 4, _("Happy")
    VERY_HAPPY = 5, _("Very happy")


FACES = {1: "😞", 2: "😟", 3: "😐", 4: "😊", 5: "😄"}
