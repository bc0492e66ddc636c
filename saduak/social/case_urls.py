"""Case management: cases, assessments, plan steps, referrals, follow-ups, closure.
Namespace `social-cases` (docs/social.md)."""

from django.urls import path

from saduak.social.views import cases

app_name = "social-cases"

urlpatterns = [
    path("", cases.case_list, name="list"),
    path("households/<uuid:public_id>/open/", cases.case_open, name="open"),
    path("<str:reference>/", cases.case_detail, name="detail"),
    path("<str:reference>/assess/", cases.assess, name="assess"),
    path("<str:reference>/plan/", cases.plan_step_add, name="plan-step"),
    path(
        "<str:reference>/plan/<uuid:step>/",
        cases.plan_step_update,
        name="plan-step-update",
    ),
    path(
        "<str:reference>/plan/<uuid:step>/application/",
        cases.plan_step_application,
        name="plan-step-application",
    ),
    path("<str:reference>/refer/", cases.refer, name="refer"),
    path(
        "<str:reference>/referrals/<uuid:referral>/answer/",
        cases.referral_answer,
        name="referral-answer",
    ),
    path("<str:reference>/follow-up/", cases.follow_up, name="follow-up"),
    path("<str:reference>/close/", cases.close, name="close"),
]
