import pytest

from saduak.core.text import (
    UnstorableText,
    text_cleaned,
    text_encodable,
    text_fault,
    text_faults,
    text_for_xml,
    text_refuse,
)


@pytest.mark.parametrize(
    "value",
    ["", "สมศรี ใจดี", "tab\tnew line\n\r", "emoji \U0001f600", "\x01 bell \x07"],
)
def test_ordinary_text_and_control_characters_other_than_nul_can_be_stored(
    value: str,
) -> None:
    assert text_fault(value) is None
    assert list(text_faults({"a": [value]})) == []


@pytest.mark.parametrize(
    ("value", "code"),
    [("a\ud800b", "U+D800"), ("\udfff", "U+DFFF"), ("a\x00", "U+0000")],
)
def test_a_lone_surrogate_or_a_nul_cannot_be_stored_and_the_reason_names_it(
    value: str, code: str
) -> None:
    reason = text_fault(value)
    assert reason is not None and code in reason


def test_faults_are_found_at_any_depth_and_in_keys_with_their_path() -> None:
    data = {
        "answers": {"reason": "a\ud800b", "rows": [{"name": "ok"}, {"name": "\x00"}]},
        "\udc00": "key",
        "count": 3,
    }
    names = [name for name, _reason in text_faults(data)]
    assert names == ["answers.reason", "answers.rows.1.name", "\ufffd"]


def test_refusing_names_each_field_and_where_it_was_sent() -> None:
    with pytest.raises(UnstorableText) as raised:
        text_refuse({"q": "a\x00", "ok": "b"}, where="query")
    error = raised.value
    assert error.status == 400 and error.code == "unencodable-text"
    assert error.field == "q"
    assert [(p["name"], p["in"]) for p in error.extra["invalid_params"]] == [
        ("q", "query")
    ]
    text_refuse({"ok": "สวัสดี"})  # nothing to refuse


def test_a_whole_body_that_is_one_bad_string_is_named_after_where_it_was_sent() -> None:
    with pytest.raises(UnstorableText) as raised:
        text_refuse("\ud800", where="body")
    assert raised.value.extra["invalid_params"][0]["name"] == "body"


def test_output_replaces_what_cannot_be_written_with_the_replacement_character() -> (
    None
):
    assert text_encodable("a\ud800b\x00") == "a\ufffdb\x00"
    assert text_encodable("a\U0001f600") == "a\U0001f600"
    assert text_cleaned("a\ud800b\x00") == "a\ufffdb\ufffd"
    assert text_for_xml("a\x01\tb\x0b\ud800\uffff") == "a\ufffd\tb\ufffd\ufffd\ufffd"
