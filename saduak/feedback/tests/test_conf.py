from django.test import override_settings

from saduak.feedback.conf import DEFAULTS, feedback_setting


def test_a_setting_comes_from_settings_then_the_environment_then_its_default(
    monkeypatch,
):
    name = "FEEDBACK_ANONYMOUS_PER_SOURCE_OFFICE_DAY"
    monkeypatch.delenv(name, raising=False)
    assert feedback_setting(name) == DEFAULTS[name] == 2
    monkeypatch.setenv(name, "7")
    assert feedback_setting(name) == 7
    with override_settings(**{name: 3}):
        assert feedback_setting(name) == 3


def test_a_fractional_weight_is_read_as_a_number(monkeypatch):
    monkeypatch.setenv("FEEDBACK_ANONYMOUS_WEIGHT", "0.25")
    assert feedback_setting("FEEDBACK_ANONYMOUS_WEIGHT") == 0.25
