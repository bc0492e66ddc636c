"""The source import, rollback and purge services (services/sources.py)."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import Workbook

from saduak.accounts.choices import Role
from saduak.areas.models import Province
from saduak.audit.models import AuditEvent
from saduak.core.errors import Conflict, InvalidInput, NotFound, PermissionDeniedError
from saduak.core.personal_id import with_check_digit
from saduak.social.choices import ImportStatus, SourceKind
from saduak.social.layouts import LAYOUTS, fixed_columns
from saduak.social.models import SourceImport, StagedPerson
from saduak.social.services.sources import (
    SourceFileRefused,
    source_import,
    source_import_rollback,
    sources_purge_expired,
)
from saduak.social.source_files import WrongLayout

pytestmark = pytest.mark.django_db

HEADER = "เลขประจำตัวประชาชน,รหัสบ้าน,ชื่อ-สกุล,รหัสตำบล,ได้รับบัตร,รายได้ต่อเดือน,วงเงินต่อเดือน"


def pid(n: int) -> str:
    return with_check_digit(f"1{n:011d}")


def bad_pid(n: int) -> str:
    good = pid(n)
    return good[:12] + str((int(good[12]) + 1) % 10)


def welfare_csv(rows: list[str], header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def row(n: int, sub: str = "500101", card: str = "ใช่", income: str = '"2,500"') -> str:
    return f"{pid(n)},H{n:05d},นาย ทดสอบ {n},{sub},{card},{income},300"


@pytest.fixture
def province_staff(make_staff):
    return make_staff(Role.PROVINCIAL_STAFF, "pao-50")


@pytest.fixture
def hq(make_staff):
    return make_staff(Role.HQ_ADMIN, "hq")


def do_import(
    actor, content, province="50", kind=SourceKind.WELFARE_CARD, name="w.csv"
):
    return source_import(
        kind=kind,
        year=2569,
        province=Province.objects.get(code=province) if province else None,
        file_name=name,
        content=content,
        actor=actor,
    )


def test_a_province_imports_a_welfare_card_file_and_each_row_becomes_a_staged_person(
    province_staff,
):
    imported = do_import(
        province_staff, welfare_csv([row(1), row(2, card="N", income="")])
    )
    assert imported.status == ImportStatus.APPLIED
    assert (imported.rows_read, imported.rows_imported, imported.rows_superseded) == (
        2,
        2,
        0,
    )
    assert imported.layout == "csv"
    first = StagedPerson.objects.get(personal_id=pid(1))
    assert first.has_welfare_card is True
    assert first.monthly_income == 2500
    assert first.subdistrict_id == "500101"
    assert (first.district_code, first.province_code) == ("5001", "50")
    assert first.extra == {"card_credit": "300"}
    assert first.line_number == 2
    second = StagedPerson.objects.get(personal_id=pid(2))
    assert second.has_welfare_card is False and second.monthly_income is None
    event = AuditEvent.objects.get(action="social.source.import")
    assert event.actor_id == province_staff.pk
    assert event.after["rows_imported"] == 2
    assert event.province_code == "50"
    assert pid(1) not in str(event.after)


def test_a_file_with_bad_rows_is_refused_whole_with_each_line_and_its_reason(
    province_staff,
):
    content = welfare_csv(
        [
            row(1),
            f"{bad_pid(2)},H2,x,500101,Y,100,",
            row(3, sub="999999"),
            row(4, sub="100101"),
            row(5, card="maybe"),
            row(6, income="lots"),
            row(1),
        ]
    )
    with pytest.raises(SourceFileRefused) as refused:
        do_import(province_staff, content)
    problems = {p.line: p.code for p in refused.value.problems}
    assert problems == {
        3: "pid-check-digit",
        4: "subdistrict-unknown",
        5: "subdistrict-outside",
        6: "boolean",
        7: "integer",
        8: "duplicate",
    }
    assert refused.value.total == 6
    assert "ได้รับบัตร" in refused.value.problems[3].message
    assert not SourceImport.objects.exists()
    assert not StagedPerson.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="social.").exists()


def test_a_file_without_the_required_columns_is_refused_naming_them(province_staff):
    with pytest.raises(WrongLayout) as refused:
        do_import(
            province_staff, welfare_csv([row(1)], header="personal_id,house_code")
        )
    assert any("ได้รับบัตร" in column for column in refused.value.missing)
    assert any("รหัสตำบล" in column for column in refused.value.missing)


def test_the_same_file_again_is_refused_as_a_duplicate(province_staff):
    content = welfare_csv([row(1)])
    do_import(province_staff, content)
    with pytest.raises(Conflict):
        do_import(province_staff, content)
    assert SourceImport.objects.count() == 1


def test_a_newer_import_supersedes_the_older_rows_and_rollback_restores_them(
    province_staff, hq
):
    national = do_import(hq, welfare_csv([row(1), row(2, sub="100101")]), province="")
    provincial = do_import(province_staff, welfare_csv([row(1), row(3)]))
    assert provincial.rows_superseded == 1  # only Chiang Mai's row of the national file
    current = StagedPerson.objects.filter(superseded_by__isnull=True)
    assert sorted(current.values_list("personal_id", "source_import")) == sorted(
        [(pid(1), provincial.pk), (pid(3), provincial.pk), (pid(2), national.pk)]
    )
    with pytest.raises(Conflict):
        source_import_rollback(source_import=national, actor=hq)
    source_import_rollback(source_import=provincial, actor=province_staff)
    provincial.refresh_from_db()
    assert provincial.status == ImportStatus.ROLLED_BACK
    assert sorted(
        StagedPerson.objects.filter(superseded_by__isnull=True).values_list(
            "personal_id", flat=True
        )
    ) == [pid(1), pid(2)]
    event = AuditEvent.objects.get(action="social.source.rollback")
    assert event.after == {
        "status": "rolled_back",
        "rows_deleted": 2,
        "rows_restored": 1,
    }
    with pytest.raises(Conflict):
        source_import_rollback(source_import=provincial, actor=province_staff)


def test_a_national_import_supersedes_every_older_import_of_its_source_and_year(
    province_staff, hq
):
    provincial = do_import(province_staff, welfare_csv([row(1)]))
    national = do_import(hq, welfare_csv([row(1), row(2)]), province="")
    assert national.rows_superseded == 1
    assert StagedPerson.objects.get(source_import=provincial).superseded_by == national


def test_only_hq_imports_for_the_whole_country_and_a_province_only_its_own(
    province_staff, make_staff
):
    with pytest.raises(PermissionDeniedError):
        do_import(province_staff, welfare_csv([row(1)]), province="")
    with pytest.raises((PermissionDeniedError, NotFound)):
        do_import(province_staff, welfare_csv([row(1, sub="100101")]), province="10")
    district = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    with pytest.raises((PermissionDeniedError, NotFound)):
        do_import(district, welfare_csv([row(1)]))
    assert not SourceImport.objects.exists()


def test_subdistricts_may_be_named_in_thai_or_english_and_unknown_names_are_reported(
    province_staff,
):
    header = "personal_id,house_code,subdistrict,district,card_holder,income"
    rows = [
        f"{pid(1)},H1,ตำบลศรีภูมิ,,1,100",
        f"{pid(2)},H2,Phra Sing,Mueang Chiang Mai,0,",
        f"{pid(3)},H3,บ้านหลวง,จอมทอง,true,5",
    ]
    imported = do_import(province_staff, welfare_csv(rows, header=header))
    assert dict(
        StagedPerson.objects.filter(source_import=imported).values_list(
            "personal_id", "subdistrict"
        )
    ) == {pid(1): "500101", pid(2): "500102", pid(3): "500201"}
    with pytest.raises(SourceFileRefused) as refused:
        do_import(
            province_staff,
            welfare_csv(
                [f"{pid(4)},H4,ศรีภูมี,,1,1", f"{pid(5)},H5,Nowhere,,1,1"], header=header
            ),
        )
    codes = {p.line: p.code for p in refused.value.problems}
    assert codes == {2: "subdistrict-name-likely", 3: "subdistrict-name-unknown"}
    assert "500101" in refused.value.problems[0].message


def test_a_utf16_tis620_xlsx_and_fixed_width_file_import_alike(province_staff):
    text = "\n".join([HEADER, row(1)]) + "\n"
    do_import(province_staff, text.encode("utf-16"), name="a.csv")
    assert StagedPerson.objects.get(personal_id=pid(1)).full_name == "นาย ทดสอบ 1"
    do_import(
        province_staff, text.replace(pid(1), pid(2)).encode("cp874"), name="b.csv"
    )
    assert StagedPerson.objects.get(personal_id=pid(2)).full_name == "นาย ทดสอบ 1"
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append([int(pid(3)), "H3", "x", 500101, "Y", 2500.0, None])
    buffer = io.BytesIO()
    book.save(buffer)
    imported = do_import(province_staff, buffer.getvalue(), name="c.xlsx")
    assert imported.layout == "xlsx"
    staged = StagedPerson.objects.get(personal_id=pid(3))
    assert (staged.subdistrict_id, staged.monthly_income) == ("500101", 2500)
    layout = LAYOUTS[SourceKind.WELFARE_CARD]
    values = {
        "personal_id": pid(4),
        "house_code": "H4",
        "full_name": "ชื่อ",
        "subdistrict_code": "500102",
        "has_welfare_card": "Y",
        "monthly_income": "1200",
        "card_credit": "",
    }
    line = "".join(values[c.target].ljust(c.width) for c in fixed_columns(layout))
    imported = do_import(province_staff, (line + "\n").encode("cp874"), name="d.txt")
    assert imported.layout == "fixed"
    assert StagedPerson.objects.get(personal_id=pid(4)).monthly_income == 1200
    with pytest.raises(SourceFileRefused) as refused:
        do_import(
            province_staff,
            (line.replace(pid(4), pid(5)) + "\n" + line[:-3] + "\n").encode(),
            name="e.txt",
        )
    assert [p.code for p in refused.value.problems] == ["width"]


def test_the_purge_deletes_expired_rows_and_keeps_the_counts(province_staff):
    imported = do_import(province_staff, welfare_csv([row(1), row(2)]))
    assert sources_purge_expired(today=timezone.localdate()) == 0
    later = imported.retain_until + timedelta(days=1)
    assert sources_purge_expired(today=later) == 1
    imported.refresh_from_db()
    assert imported.status == ImportStatus.PURGED
    assert imported.rows_imported == 2
    assert not StagedPerson.objects.exists()
    event = AuditEvent.objects.get(action="social.source.purge")
    assert event.after == {"status": "purged", "rows_deleted": 2}
    with pytest.raises(Conflict):
        source_import_rollback(source_import=imported, actor=province_staff)


def test_an_empty_file_and_a_wrong_year_are_refused(province_staff):
    with pytest.raises(InvalidInput):
        do_import(province_staff, b"")
    with pytest.raises(InvalidInput):
        do_import(province_staff, welfare_csv([]))
    with pytest.raises(InvalidInput):
        source_import(
            kind="welfare_card",
            year=2026,
            province=None,
            file_name="x",
            content=b"x",
            actor=province_staff,
        )


def test_the_command_imports_a_file_from_disk(small_map, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "w.csv"
    path.write_bytes(welfare_csv([row(1), row(2)]))
    call_command(
        "social_import_source", str(path), kind="welfare_card", year=2569, province="50"
    )
    imported = SourceImport.objects.get()
    assert imported.rows_imported == 2 and imported.imported_by is None
    assert AuditEvent.objects.get(action="social.source.import").actor_label == (
        "command:social_import_source"
    )


def test_the_daily_task_purges_through_the_service(province_staff):
    from saduak.social.tasks import social_purge_expired_sources

    imported = do_import(province_staff, welfare_csv([row(1)]))
    SourceImport.objects.filter(pk=imported.pk).update(
        retain_until=timezone.localdate() - timedelta(days=1)
    )
    assert social_purge_expired_sources() == 1
    event = AuditEvent.objects.get(action="social.source.purge")
    assert event.actor_label == "task:social_purge"


def test_text_that_no_encoding_reads_or_that_holds_nul_is_refused(province_staff):
    with pytest.raises(InvalidInput) as refused:
        do_import(province_staff, "\ufeff".encode("utf-16-le")[:2] + b"\x00\xd8a\x00")
    assert refused.value.code == "file-encoding"
    with pytest.raises(InvalidInput) as refused:
        do_import(province_staff, welfare_csv([row(1)]) + b"\x00")
    assert refused.value.code == "file-type"
    with pytest.raises(InvalidInput) as refused:
        do_import(province_staff, "ก".encode() + b"\xff\xfc")
    assert refused.value.code == "file-encoding"
    assert not SourceImport.objects.exists()
