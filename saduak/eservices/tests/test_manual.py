"""The citizen's manual: checked, trimmed, complete before publishing."""

from collections.abc import Iterator

import pytest
from django.utils import translation

from saduak.core.errors import InvalidInput
from saduak.eservices.manual import manual_clean
from saduak.eservices.tests.test_builder_services import MANUAL


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """The messages these tests read are the English source texts."""
    with translation.override("en"):
        yield


def test_a_complete_manual_is_kept_and_trimmed():
    cleaned = manual_clean({**MANUAL, "fees": {"th": "  ฟรี  ", "en": " Free "}})
    assert cleaned["fees"] == {"th": "ฟรี", "en": "Free"}
    assert cleaned["processing_days"] == 5
    assert cleaned["amount"] == {"th": "", "en": ""}


def test_a_draft_manual_may_be_incomplete():
    cleaned = manual_clean({"steps": [{"th": "ยื่นคำขอ"}]}, complete=False)
    assert cleaned["steps"] == [{"th": "ยื่นคำขอ", "en": ""}]
    assert "processing_days" not in cleaned


@pytest.mark.parametrize(
    "missing", ["steps", "processing_days", "documents", "fees", "complaints"]
)
def test_publishing_needs_each_part_the_law_names(missing):
    manual = {**MANUAL, missing: None}
    with pytest.raises(InvalidInput) as refused:
        manual_clean(manual)
    assert refused.value.field == missing
    assert refused.value.code == "manual-incomplete"


@pytest.mark.parametrize("days", [0, 366, "soon", True])
def test_the_processing_time_is_1_to_365_working_days(days):
    with pytest.raises(InvalidInput) as refused:
        manual_clean({**MANUAL, "processing_days": days}, complete=False)
    assert refused.value.field == "processing_days"


def test_a_step_without_thai_is_refused_even_in_a_draft():
    with pytest.raises(InvalidInput, match="Thai") as refused:
        manual_clean({"steps": [{"en": "Apply"}]}, complete=False)
    assert refused.value.field == "steps"


def test_a_manual_that_is_not_an_object_is_refused():
    with pytest.raises(InvalidInput):
        manual_clean(["steps"])
    with pytest.raises(InvalidInput):
        manual_clean({"steps": "one line"}, complete=False)
