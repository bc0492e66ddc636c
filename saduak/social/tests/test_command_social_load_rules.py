"""The social_load_rules command."""

from io import StringIO

import pytest
from django.core.management import call_command

from saduak.audit.models import AuditEvent
from saduak.social.models import Rule, RuleSet
from saduak.social.services.rules import default_rules


@pytest.mark.django_db
def test_the_command_makes_the_year_and_loads_the_default_rules_once() -> None:
    out = StringIO()
    call_command("social_load_rules", "--year", "2569", stdout=out)
    assert RuleSet.objects.get().year == 2569
    assert Rule.objects.count() == len(default_rules())
    assert AuditEvent.objects.filter(action="social.rule.add").count() == len(
        default_rules()
    )
    call_command("social_load_rules", "--year", "2569", stdout=out)
    assert Rule.objects.count() == len(default_rules())
    assert "Added 0" in out.getvalue()
