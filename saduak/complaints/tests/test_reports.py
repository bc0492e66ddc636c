"""Complaint dashboards and public figures (selectors/reports.py, views/reports.py,
views/public.py)."""

from datetime import date

import pytest
from django.utils import timezone

from saduak.accounts.choices import Role
from saduak.areas.models import Office
from saduak.complaints.models import (
    ComplaintCategory,
    ComplaintDurations,
    ComplaintOpenCounts,
    ComplaintReportCounts,
)

pytestmark = pytest.mark.django_db


def test_smoke(small_map, make_staff, client_for, client):
    group = ComplaintCategory.objects.create(code="roads", name_th="ถนน", name_en="Roads")
    leaf = ComplaintCategory.objects.create(code="pothole", name_th="หลุม", name_en="Pothole", parent=group)
    office = Office.objects.get(code="ddc-5001")
    today = timezone.localdate()
    ComplaintReportCounts.objects.create(office=office, district_id="5001", province_id="50", category=leaf, channel="web", day=today, received=3, acknowledged=2, acknowledged_in_time=1, resolved=1, resolved_in_time=1, rated=1, rating_sum=4)
    ComplaintDurations.objects.create(office=office, district_id="5001", province_id="50", category=leaf, channel="web", day=today, measure="acknowledge", working_days=2, count=2)
    ComplaintOpenCounts.objects.create(office=office, district_id="5001", province_id="50", category=leaf, channel="web", subdistrict_code="500101", open=2, overdue=1)
    staff = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    c = client_for(staff)
    for url in ["/staff/complaints/reports/", "/staff/complaints/reports/?level=district&code=5001", "/en/staff/complaints/reports/?level=office&code=ddc-5001", "/staff/complaints/reports/export.csv?level=province&code=50", "/staff/complaints/reports/export.xlsx"]:
        r = c.get(url)
        assert r.status_code == 200, (url, r.content[:3000])
        if url.endswith("5001"):
            open("/tmp/rp/d.html", "wb").write(r.content)
    print(c.get("/staff/complaints/reports/export.csv?level=province&code=50").content.decode())
    for url in ["/complaints/figures/", "/en/complaints/figures/p/50/", "/complaints/figures/d/5001/", "/complaints/figures/data.json", "/complaints/figures/data.csv?province=50"]:
        r = client.get(url)
        assert r.status_code == 200, (url, r.content[:3000])
    print(client.get("/complaints/figures/data.json?district=5001").content.decode()[:1500])
