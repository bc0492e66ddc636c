"""The consent form: django-oauth-toolkit's hidden fields carry the authorization
request from the consent screen back to the server."""

from django import forms
from oauth2_provider.forms import AllowForm


class ConsentForm(AllowForm):
    # Kept so that a person whose session dropped to assurance level 1 while the
    # screen was open is stepped up again before the partner gets a code.
    acr_values = forms.CharField(required=False, widget=forms.HiddenInput())
