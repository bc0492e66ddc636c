from saduak.notifications.checks import channel_settings_check


def test_the_default_console_channels_pass_the_checks(settings):
    settings.SMS_BACKEND = "console"
    settings.LINE_BACKEND = "console"

    assert channel_settings_check() == []


def test_a_real_provider_without_its_settings_fails_the_checks(settings):
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = ""
    settings.LINE_BACKEND = "line"
    settings.LINE_CHANNEL_ACCESS_TOKEN = ""

    ids = [error.id for error in channel_settings_check()]

    assert ids == ["notifications.E002", "notifications.E004"]


def test_an_unknown_backend_name_fails_the_checks(settings):
    settings.SMS_BACKEND = "pigeon"
    settings.LINE_BACKEND = "telegram"

    ids = [error.id for error in channel_settings_check()]

    assert ids == ["notifications.E001", "notifications.E003"]
