from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    THAI = "th", "ไทย"
    ENGLISH = "en", "English"


class Role(models.TextChoices):
    COUNTER_OFFICER = "counter_officer", _("Counter officer")
    DISTRICT_ADMIN = "district_admin", _("District administrator")
    PROVINCIAL_STAFF = "provincial_staff", _("Provincial staff")
    HQ_ADMIN = "hq_admin", _("HQ administrator")
    AUDITOR = "auditor", _("Auditor")
    ESERVICE_ADMIN = "eservice_admin", _("E-service administrator (bureau)")
    FINANCE_OFFICER = "finance_officer", _("Finance officer")
    SOCIAL_WORKER = "social_worker", _("Social worker (case worker)")
