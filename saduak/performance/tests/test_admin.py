from typing import Any

import pytest

from saduak.performance.models import KpiResult
from saduak.performance.services.results import result_record
from saduak.performance.tests.factories import SYSTEM, Built


@pytest.mark.parametrize(
    "path",
    [
        "/admin/performance/framework/",
        "/admin/performance/kpi/",
        "/admin/performance/kpiresult/",
        "/admin/performance/breakdownimport/",
        "/admin/performance/pmqaassessment/",
        "/admin/performance/pmqaagencyaverage/",
    ],
)
def test_the_admin_lists_performance_data_read_only(
    admin_client: Any, built: Built, path: str
) -> None:
    assert admin_client.get(path).status_code == 200
    assert admin_client.get(path + "add/").status_code == 403


def test_a_result_opens_in_the_admin_but_cannot_be_changed(
    admin_client: Any, built: Built
) -> None:
    from decimal import Decimal

    result_record(
        actor=SYSTEM,
        kpi=built.kpis["1.1"],
        round=built.rounds[6],
        numerator=Decimal(1),
        denominator=Decimal(2),
    )
    result = KpiResult.objects.get()
    page = f"/admin/performance/kpiresult/{result.pk}/change/"
    assert admin_client.get(page).status_code == 200
    assert admin_client.post(page, {}).status_code == 403
    framework = f"/admin/performance/framework/{built.framework.pk}/change/"
    assert admin_client.get(framework).status_code == 200
