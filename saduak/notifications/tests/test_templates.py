import datetime

import pytest

from saduak.core.errors import InvalidInput
from saduak.notifications.choices import NotificationChannel
from saduak.notifications.templates import (
    register_template,
    registered_templates,
    render_message,
)


def test_the_welcome_message_renders_in_thai_from_the_gettext_catalog():
    message = render_message(
        template_key="account.welcome",
        channel=NotificationChannel.EMAIL,
        language="th",
        context={"first_name": "สมชาย"},
    )

    assert message.subject == "ยินดีต้อนรับสู่ระบบสะดวก"
    assert message.body.startswith("สวัสดีคุณสมชาย\n\nบัญชีระบบสะดวกของคุณพร้อมใช้งานแล้ว")
    assert "ที่ว่าการอำเภอ" in message.body


def test_the_welcome_message_renders_in_english():
    message = render_message(
        template_key="account.welcome",
        channel=NotificationChannel.EMAIL,
        language="en",
        context={"first_name": "Somchai"},
    )

    assert message.subject == "Welcome to Saduak"
    assert message.body.startswith("Hello Somchai,\n\nYour Saduak account is ready.")
    assert message.body.endswith("please contact your district office.")


def test_an_sms_gets_the_short_text_and_not_the_e_mail_body():
    message = render_message(
        template_key="account.welcome",
        channel=NotificationChannel.SMS,
        language="th",
        context={"first_name": "สมชาย"},
    )

    assert message.body == "ระบบสะดวก: สวัสดีคุณสมชาย บัญชีของคุณพร้อมใช้งานแล้ว"


def test_a_generic_message_is_sent_as_written_without_html_escaping():
    message = render_message(
        template_key="generic.message",
        channel=NotificationChannel.LINE,
        language="en",
        context={"subject": "Q&A <today>", "body": 'Bring your ID & "house book".'},
    )

    assert message.subject == "Q&A <today>"
    assert message.body == 'Bring your ID & "house book".'


def test_a_subject_is_always_one_line():
    message = render_message(
        template_key="generic.message",
        channel=NotificationChannel.EMAIL,
        language="th",
        context={"subject": "line one\nline two", "body": "text"},
    )

    assert message.subject == "line one line two"


def test_an_unknown_template_key_is_refused_by_name():
    with pytest.raises(InvalidInput) as error:
        render_message(
            template_key="account.farewell",
            channel=NotificationChannel.EMAIL,
            language="en",
            context={},
        )

    assert error.value.code == "unknown-template"
    assert str(error.value.message) == ("ไม่มีแม่แบบการแจ้งเตือนชื่อ “account.farewell”")


def test_a_missing_context_value_is_refused_naming_the_value():
    with pytest.raises(InvalidInput) as error:
        render_message(
            template_key="generic.message",
            channel=NotificationChannel.EMAIL,
            language="en",
            context={"subject": "Hello"},
        )

    assert error.value.code == "missing-context"
    assert str(error.value.message).endswith(": body")


def test_a_language_the_platform_does_not_offer_is_refused():
    with pytest.raises(InvalidInput) as error:
        render_message(
            template_key="generic.message",
            channel=NotificationChannel.EMAIL,
            language="fr",
            context={"subject": "Bonjour", "body": "Salut"},
        )

    assert error.value.code == "unknown-language"


def test_a_context_that_cannot_be_stored_as_json_is_refused():
    with pytest.raises(InvalidInput) as error:
        render_message(
            template_key="generic.message",
            channel=NotificationChannel.EMAIL,
            language="en",
            context={"subject": "Hi", "body": "text", "extra": object()},
        )

    assert error.value.code == "invalid-context"


def test_dates_in_the_context_are_accepted():
    message = render_message(
        template_key="generic.message",
        channel=NotificationChannel.EMAIL,
        language="en",
        context={"subject": "Hi", "body": "text", "on": datetime.date(2026, 1, 2)},
    )

    assert message.body == "text"


@pytest.mark.parametrize("language", ["th", "en"])
@pytest.mark.parametrize("channel", NotificationChannel.values)
def test_every_registered_template_renders_in_each_language_on_each_channel(
    language, channel
):
    for template in registered_templates():
        context = {name: "value" for name in template.required_context}
        message = render_message(
            template_key=template.key,
            channel=channel,
            language=language,
            context=context,
        )
        assert message.subject
        assert message.body


def test_registering_a_key_twice_is_a_mistake():
    with pytest.raises(ValueError):
        register_template("account.welcome", description="again")
