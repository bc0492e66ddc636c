import io

import pytest
from django.core.management import call_command

from saduak.social.agencies import agencies_from_file, agencies_load
from saduak.social.models import Agency

pytestmark = pytest.mark.django_db


def test_the_migration_loaded_every_agency_of_the_file():
    codes = {row["code"] for row in agencies_from_file()}
    assert len(codes) >= 20
    assert codes <= set(Agency.objects.values_list("code", flat=True))


def test_loading_again_adds_nothing_renames_and_keeps_an_agency_inactive():
    Agency.objects.filter(code="baac").update(is_active=False, name_th="เดิม")
    Agency.objects.filter(code="dop").delete()
    call_command("load_social_agencies", stdout=io.StringIO())
    assert Agency.objects.filter(code="dop").exists()
    baac = Agency.objects.get(code="baac")
    assert (baac.is_active, baac.name_th.startswith("ธนาคาร")) == (False, True)
    assert agencies_load(Agency) == 0


def test_each_agency_has_a_slug_code_and_both_names():
    for row in agencies_from_file():
        assert row["code"] == row["code"].lower()
        assert row["name_th"] and row["name_en"]
