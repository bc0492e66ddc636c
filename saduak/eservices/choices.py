from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_PROGRESS = "in_progress", _("In progress")
    RETURNED = "returned", _("Waiting for the applicant")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    NONE = "", _("Not decided")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PAID = "paid", _("Paid")
    COMPLETED = "completed", _("Completed")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online by the applicant")
    COUNTER = "counter", _("At an office counter")
    REFERRAL = "referral", _("Referred by another agency")
    FIELD = "field", _("During a field visit")


class Action(models.TextChoices):
    """What moves an application. The workflow's transition table says which
    action is possible from which stage and where it leads."""

    FORWARD = "forward", _("Forward to the next stage")
    APPROVE = "approve", _("Approve")
    RETURN = "return", _("Return to the applicant for more information")
    REJECT = "reject", _("Reject")
    PAY = "pay", _("Record the payment")


class EventKind(models.TextChoices):
    CREATED = "created", _("Draft started")
    SUBMITTED = "submitted", _("Application submitted")
    ACTION = "action", _("Stage action")
    RESUBMITTED = "resubmitted", _("Applicant answered")
    CLAIMED = "claimed", _("Taken by an officer")
    RELEASED = "released", _("Released by the officer")
    NOTE = "note", _("Internal note")
    FACT_CHECK = "fact_check", _("Fact check recorded")
    COMMITTEE = "committee", _("Committee decision")
    PAYMENT = "payment", _("Payment")
    DOCUMENT = "document", _("Document added")


class StageKind(models.TextChoices):
    """What a stage is for. The kind decides what an action in it needs: a
    fact-check stage forwards only with a fact check recorded, a committee
    stage decides through a meeting, a payment stage closes by the bank's
    result."""

    INTAKE = "intake", _("Intake")
    REVIEW = "review", _("Review")
    FACT_CHECK = "fact_check", _("Fact check")
    COMMITTEE = "committee", _("Committee")
    PAYMENT = "payment", _("Payment")
    END = "end", _("Closed")


class IdentityCheckMethod(models.TextChoices):
    SMART_CARD = "smart_card", _("Smart card read at the office")
    REGISTRY = "registry", _("Civil registry lookup")
    DIGITAL_ID = "digital_id", _("Digital ID sign-in")


class CommitteeDecisionKind(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")


class MeetingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Decided")


class BatchStatus(models.TextChoices):
    OPEN = "open", _("Being prepared")
    EXPORTED = "exported", _("Sent to the bank")
    RECONCILED = "reconciled", _("Bank result imported")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the bank")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
