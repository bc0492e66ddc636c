"""The performance dashboard in Chromium: HQ opens the department's dashboard
on a phone (charts and the province map drawn by static/js/charts.js under
the page's own Content-Security-Policy, each with its table beside it) in Thai
and English; a province sees only its own districts' rows; the happiness trend
is drawn by the same script."""

import pytest
from django.utils import translation
from django.utils.translation import pgettext
from playwright.sync_api import expect

from saduak.accounts.choices import Role
from saduak.areas.models import Office
from saduak.feedback.choices import VoteChannel
from saduak.feedback.keys import Voter
from saduak.feedback.services.votes import vote_cast
from saduak.performance.tests.report_data import department
from tests.browser.conftest import PHONE, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"
REPORT = "performance report"


def th(message, context=REPORT):
    with translation.override("th"):
        return pgettext(context, message)


def sign_in(page, personal_id):
    page.goto("/accounts/login/")
    page.fill("#id_username", personal_id)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def watch_errors(page):
    """Console errors (a CSP refusal is one) and uncaught exceptions."""
    errors = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def all_drawn(page):
    figures = page.locator("figure[data-chart]")
    expect(page.locator("figure[data-chart][data-chart-drawn]")).to_have_count(
        figures.count()
    )
    return figures.count()


def painted(page, selector):
    """How many pixels of the canvas are not blank."""
    return page.evaluate(
        """selector => {
          const canvas = document.querySelector(selector);
          const pixels = canvas.getContext("2d")
            .getImageData(0, 0, canvas.width, canvas.height).data;
          let count = 0;
          for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) count++;
          return count;
        }""",
        selector,
    )


def test_hq_opens_the_dashboard_drawn_under_the_pages_own_csp(
    open_page, small_map, make_staff
):
    data = department()
    hq = make_staff(Role.HQ_ADMIN, "hq")
    page = open_page(viewport=PHONE, locale="th-TH", bypass_csp=False)
    errors = watch_errors(page)
    sign_in(page, hq.personal_id)
    page.goto(f"/staff/performance/reports/{data.framework.public_id}/")
    expect(page.locator("h1")).to_contain_text(data.framework.name_th)
    assert all_drawn(page) == 4  # components, KPIs, the trend and the map
    assert page.locator("figure[data-chart] canvas").count() == 4
    assert painted(page, "figure[data-chart=map] canvas") > 5000
    assert painted(page, "figure[data-chart=bar] canvas") > 1000
    # The tables stay beside the charts; the map's is folded under its summary.
    expect(page.locator("figure[data-chart=bar] table").first).to_be_visible()
    page.locator("figure[data-chart=map] summary").click()
    map_rows = page.locator("figure[data-chart=map] tbody tr")
    expect(map_rows).to_have_count(2)
    expect(map_rows.filter(has_text="เชียงใหม่")).to_contain_text("84.09")
    assert errors == []


@pytest.mark.parametrize("language", ["th", "en"])
def test_the_dashboard_on_a_phone_in_thai_and_english(
    open_page, small_map, make_staff, language
):
    data = department()
    hq = make_staff(Role.HQ_ADMIN, "hq")
    page = open_page(viewport=PHONE, locale="th-TH" if language == "th" else "en-US")
    sign_in(page, hq.personal_id)
    prefix = "/en" if language == "en" else ""
    page.goto(f"{prefix}/staff/performance/reports/{data.framework.public_id}/")
    all_drawn(page)
    heading = "Scores" if language == "en" else th("Scores")
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    assert fits_the_screen(page)
    assert_accessible(page, f"performance-dashboard-{language}")


def test_a_province_sees_only_its_own_districts(open_page, small_map, make_staff):
    data = department()
    staff = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    page = open_page(viewport=PHONE, locale="th-TH", bypass_csp=False)
    errors = watch_errors(page)
    sign_in(page, staff.personal_id)
    page.goto(f"/staff/performance/reports/{data.framework.public_id}/")
    all_drawn(page)
    expect(page.locator("figure[data-chart=map]")).to_have_count(0)
    page.locator(".perf-breakdown summary").click()
    rows = page.locator(".perf-breakdown tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("จอมทอง")
    expect(rows.last).to_contain_text("เมืองเชียงใหม่")
    expect(page.locator("main")).not_to_contain_text("พระนคร")
    assert errors == []
    response = page.goto(
        f"/staff/performance/reports/{data.framework.public_id}/?level=country"
    )
    assert response.status == 403


def test_the_happiness_trend_is_drawn_by_the_same_script(open_page, small_map):
    office = Office.objects.get(code="reg-5001")
    for number, score in enumerate((4, 5, 3)):
        vote_cast(
            office=office,
            score=score,
            voter=Voter(key=f"k{number}", source=f"s{number}", channel=VoteChannel.QR),
        )
    page = open_page(viewport=PHONE, locale="th-TH", bypass_csp=False)
    errors = watch_errors(page)
    page.goto("/happiness/d/5001/")
    all_drawn(page)
    assert painted(page, "figure[data-chart=line] canvas") > 500
    expect(page.locator("figure[data-chart=line] details")).not_to_have_attribute(
        "open", ""
    )
    assert errors == []
    page.locator("figure[data-chart=line] summary").click()
    expect(page.locator("figure[data-chart=line] td").first).to_have_text("4.00")
    # axe is injected as a script, which the page's own policy refuses.
    checked = open_page(viewport=PHONE, locale="th-TH")
    checked.goto("/happiness/d/5001/")
    all_drawn(checked)
    assert fits_the_screen(checked)
    assert_accessible(checked, "happiness-trend-th")
