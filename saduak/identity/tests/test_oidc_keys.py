import os
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured

from saduak.identity.oidc import keys

PEM = keys.new_private_key_pem()


def test_a_key_from_the_environment_is_used_as_it_is():
    assert keys.current_key_setting(PEM, development_key_path=None) == PEM


def test_escaped_newlines_from_an_environment_file_are_read():
    escaped = PEM.replace("\n", "\\n")
    assert keys.current_key_setting(escaped, development_key_path=None) == PEM


def test_the_previous_keys_are_read_one_after_another():
    other = keys.new_private_key_pem()
    assert keys.previous_keys_setting(PEM + other) == [PEM, other]
    assert keys.previous_keys_setting("") == []


@pytest.mark.parametrize("value", ["not a key", PEM + PEM])
def test_anything_but_one_current_key_is_a_configuration_error(value):
    with pytest.raises(ImproperlyConfigured):
        keys.current_key_setting(value, development_key_path=None)


def test_previous_keys_that_are_not_keys_are_a_configuration_error():
    with pytest.raises(ImproperlyConfigured):
        keys.previous_keys_setting("garbage")


def test_without_a_key_a_development_key_is_made_at_first_use_and_kept(tmp_path):
    path = tmp_path / "var" / keys.DEVELOPMENT_KEY_NAME
    setting = keys.current_key_setting("", development_key_path=path)
    assert not path.exists()  # nothing happens until something signs
    pem = str(setting)
    assert path.exists() and pem.startswith("-----BEGIN PRIVATE KEY-----")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    keys.development_key.cache_clear()
    assert str(keys.current_key_setting("", development_key_path=path)) == pem
    assert list(path.parent.iterdir()) == [path]


def test_a_key_is_parsed_once():
    assert keys.jwk_from_pem(PEM) is keys.jwk_from_pem(PEM)


# --- The EC (P-256) key for ES256 -------------------------------------------------------
EC_PEM = keys.new_ec_private_key_pem()


def test_an_ec_key_from_the_environment_is_used_as_it_is():
    assert keys.ec_current_key_setting(EC_PEM, development_key_path=None) == EC_PEM
    escaped = EC_PEM.replace("\n", "\\n")
    assert keys.ec_current_key_setting(escaped, development_key_path=None) == EC_PEM


def test_the_previous_ec_keys_are_read_one_after_another():
    other = keys.new_ec_private_key_pem()
    assert keys.ec_previous_keys_setting(EC_PEM + other) == [EC_PEM, other]
    assert keys.ec_previous_keys_setting("") == []


def _p384_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    return (
        ec.generate_private_key(ec.SECP384R1())
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,  # "EC PRIVATE KEY"
            serialization.NoEncryption(),
        )
        .decode()
    )


@pytest.mark.parametrize(
    "value", ["not a key", EC_PEM + EC_PEM, PEM, "PLACEHOLDER_P384"]
)
def test_anything_but_one_p256_key_is_a_configuration_error(value):
    if value == "PLACEHOLDER_P384":
        value = _p384_pem()
    with pytest.raises(ImproperlyConfigured):
        keys.ec_current_key_setting(value, development_key_path=None)


def test_previous_ec_keys_must_be_p256_keys():
    with pytest.raises(ImproperlyConfigured):
        keys.ec_previous_keys_setting(EC_PEM + PEM)
    with pytest.raises(ImproperlyConfigured):
        keys.ec_previous_keys_setting("garbage")


def test_without_an_ec_key_a_development_key_is_made_at_first_use_and_kept(tmp_path):
    path = tmp_path / "var" / keys.EC_DEVELOPMENT_KEY_NAME
    setting = keys.ec_current_key_setting("", development_key_path=path)
    assert not path.exists()
    pem = str(setting)
    assert path.exists() and pem.startswith("-----BEGIN PRIVATE KEY-----")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert keys.jwk_from_pem(pem).get("crv") == "P-256"
    keys.development_ec_key.cache_clear()
    assert str(keys.ec_current_key_setting("", development_key_path=path)) == pem
