from django.urls import path

from saduak.feedback.views import posters, public, vote

app_name = "feedback"
urlpatterns = [
    # The vote link on a served ticket's own page (a verified vote).
    path("v/served/<str:token>/", vote.served, name="served"),
    # The permanent short address on each office's QR code and counter cards.
    path("v/<slug:code>/", vote.vote, name="vote"),
    path("v/<slug:code>/<int:counter>/", vote.vote, name="vote-counter"),
    path("v/<slug:code>/thanks/", vote.thanks, name="thanks"),
    path("v/<slug:code>/poster.pdf", posters.poster_pdf, name="poster"),
    path("v/<slug:code>/cards.pdf", posters.counter_cards_pdf, name="cards"),
    path("v/<slug:code>/qr.<str:file_format>", posters.qr_code, name="qr"),
    # The public site
    path("happiness/", public.ranking, name="ranking"),
    path("happiness/data.<str:file_format>", public.ranking_data, name="ranking-data"),
    path("happiness/method/", public.method, name="method"),
    path("happiness/p/<str:code>/", public.province, name="province"),
    path("happiness/d/<str:code>/", public.district, name="district"),
]
