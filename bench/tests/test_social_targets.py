"""The social bench's harness (bench/social_targets.py) at a tiny scale on
the small map: two scales generated, imported through the real import
service, screened by the real screening over the default rules, the
targeting selector timed for the busiest subdistrict, and the growth
arithmetic."""

import math

import pytest

from bench.social_targets import (
    growth_exponent,
    growth_summary,
    measure,
    national_seconds,
    page_summary,
)
from saduak.areas.models import Subdistrict
from saduak.social.choices import SourceKind
from saduak.social.models import SourceImport, StagedPerson


def test_the_growth_exponent_and_the_national_time_follow_the_two_points():
    # Linear growth: ten times the rows, ten times the time.
    assert growth_exponent(6.0, 60.0, 0.01, 0.1) == pytest.approx(1.0)
    assert national_seconds(60.0, 0.1, 1.0) == pytest.approx(600.0)
    # Worse than linear: 10x the rows, 20x the time.
    exponent = growth_exponent(3.0, 60.0, 0.01, 0.1)
    assert exponent == pytest.approx(math.log10(20))
    assert national_seconds(60.0, 0.1, exponent) == pytest.approx(1200.0)
    summary = growth_summary(
        "import",
        {"scale": 0.01, "import_s": 40.0},
        {"scale": 0.1, "import_s": 400.0},
        "import_s",
    )
    assert summary["import_exponent"] == pytest.approx(1.0)
    assert summary["import_national_s"] == pytest.approx(4000.0)
    assert summary["import_national_under_1h"] is False


def test_the_page_ratio_is_the_big_scale_over_the_small_one():
    summary = page_summary(
        {"selector_ms": 10.0, "page_ms": None}, {"selector_ms": 15.0, "page_ms": 40.0}
    )
    assert summary["selector_ratio_big_to_small"] == 1.5
    assert summary["selector_within_2x"] is True
    assert "page_ratio_big_to_small" not in summary


@pytest.mark.django_db
def test_the_harness_imports_and_screens_two_scales_and_times_the_page(
    small_map, tmp_path
):
    subdistricts = list(
        Subdistrict.objects.filter(is_active=True)
        .order_by("code")
        .values_list("code", flat=True)
    )
    result = measure(
        scales=[0.00002, 0.00005],
        subdistricts=subdistricts,
        workdir=tmp_path,
        repeat=1,
    )
    small, big = result["runs"]
    assert small["people"] == 760 and big["people"] == 1_900
    for run in (small, big):
        assert run["imports"][SourceKind.BASIC_NEEDS]["rows"] > 0.9 * run["people"]
        assert run["imports"][SourceKind.WELFARE_CARD]["rows"] > 0.2 * run["people"]
        assert run["rows"] == sum(source["rows"] for source in run["imports"].values())
        assert run["people_matched"] > 0
        assert run["households_found"] > 0
        assert run["households_in_subdistrict"] > 0
        assert run["selector_rows"] > 0
    # Each scale started from empty tables: only the last one's rows are left.
    assert StagedPerson.objects.count() == big["rows"]
    assert SourceImport.objects.count() == len(big["imports"]) >= 4
    summary = result["summary"]
    for name in ("import", "screen", "total"):
        assert f"{name}_exponent" in summary
        assert summary[f"{name}_national_s"] >= 0
    assert "selector_ratio_big_to_small" in summary
    assert summary["rules"] > 0
    # The generated files are gone.
    assert not any(path.is_file() for path in tmp_path.rglob("*.csv"))
