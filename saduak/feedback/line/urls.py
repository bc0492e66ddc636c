"""The vote page inside LINE (LIFF); its address is the LIFF app's endpoint URL."""

from django.urls import path

from saduak.feedback.line import liff

app_name = "feedback-line"
urlpatterns = [
    path("happiness/liff/", liff.liff_vote, name="liff"),
]
