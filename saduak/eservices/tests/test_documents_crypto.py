import base64
import io
import os

import pytest

from saduak.core.uploads import crypto
from saduak.eservices.tests.document_fixtures import KEY_ONE, KEY_TWO

SMALL = 16  # a chunk size that makes chunk boundaries easy to reach


def key() -> bytes:
    return crypto.new_data_key()


@pytest.mark.parametrize("size", [0, 1, SMALL - 1, SMALL, SMALL + 1, 3 * SMALL + 5])
def test_content_of_any_length_comes_back_exactly(size):
    data_key = key()
    plain = os.urandom(size)
    sealed = crypto.encrypt_bytes(plain, data_key, chunk_size=SMALL)
    assert len(sealed) == crypto.encrypted_size(size, SMALL)
    assert crypto.decrypt_bytes(sealed, data_key) == plain


def test_a_large_file_round_trips_with_the_default_chunk_size():
    data_key = key()
    plain = os.urandom(5 * crypto.CHUNK_SIZE + 123)
    sealed = crypto.encrypt_bytes(plain, data_key)
    assert len(sealed) == crypto.encrypted_size(len(plain))
    chunks = list(crypto.decrypt_stream(io.BytesIO(sealed), data_key))
    assert b"".join(chunks) == plain
    assert max(len(chunk) for chunk in chunks) == crypto.CHUNK_SIZE


def test_the_reader_counts_and_hashes_the_plaintext_it_encrypts():
    import hashlib

    plain = os.urandom(3 * SMALL + 2)
    reader = crypto.EncryptingReader(io.BytesIO(plain), key(), chunk_size=SMALL)
    reader.read()
    assert reader.size == len(plain)
    assert reader.sha256 == hashlib.sha256(plain).hexdigest()


def test_reads_return_exactly_what_was_asked_until_the_end():
    # boto3's multipart upload of a non-seekable stream needs full parts.
    plain = os.urandom(10 * SMALL)
    reader = crypto.EncryptingReader(io.BytesIO(plain), key(), chunk_size=SMALL)
    total = crypto.encrypted_size(len(plain), SMALL)
    sizes = []
    while part := reader.read(50):
        sizes.append(len(part))
    assert sum(sizes) == total
    assert all(size == 50 for size in sizes[:-1])


def test_the_same_content_encrypts_differently_every_time():
    data_key = key()
    plain = b"same content" * 10
    first = crypto.encrypt_bytes(plain, data_key)
    second = crypto.encrypt_bytes(plain, data_key)
    assert first != second
    assert plain not in first


def test_the_header_names_the_format_and_the_chunk_size():
    sealed = crypto.encrypt_bytes(b"x", key(), chunk_size=SMALL)
    magic, version, _reserved, chunk_size, _prefix = crypto.HEADER.unpack(
        sealed[: crypto.HEADER.size]
    )
    assert (magic, version, chunk_size) == (b"SDKENC", 1, SMALL)


def sealed_chunks(plain: bytes, data_key: bytes) -> tuple[bytes, list[bytes]]:
    sealed = crypto.encrypt_bytes(plain, data_key, chunk_size=SMALL)
    header, body = sealed[: crypto.HEADER.size], sealed[crypto.HEADER.size :]
    step = SMALL + crypto.TAG_BYTES
    return header, [body[i : i + step] for i in range(0, len(body), step)]


def test_a_changed_byte_fails_to_decrypt():
    data_key = key()
    sealed = bytearray(crypto.encrypt_bytes(os.urandom(100), data_key, SMALL))
    sealed[crypto.HEADER.size + 20] ^= 0x01
    with pytest.raises(crypto.DecryptionError, match="chunk 0"):
        crypto.decrypt_bytes(bytes(sealed), data_key)


def test_a_changed_header_fails_to_decrypt():
    data_key = key()
    sealed = bytearray(crypto.encrypt_bytes(os.urandom(100), data_key, SMALL))
    sealed[crypto.HEADER.size - 1] ^= 0x01  # the nonce prefix
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_bytes(bytes(sealed), data_key)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda chunks: chunks[:-1], id="last chunk dropped"),
        pytest.param(lambda chunks: chunks[:1], id="truncated at a boundary"),
        pytest.param(
            lambda chunks: [chunks[1], chunks[0], *chunks[2:]], id="reordered"
        ),
        pytest.param(lambda chunks: [*chunks, chunks[-1]], id="final chunk repeated"),
        pytest.param(lambda chunks: [chunks[0], *chunks], id="first chunk repeated"),
        pytest.param(lambda chunks: [], id="header only"),
        pytest.param(lambda chunks: [*chunks[:-1], chunks[-1][:-1]], id="cut short"),
    ],
)
def test_chunks_cannot_be_dropped_reordered_repeated_or_cut(change):
    data_key = key()
    header, chunks = sealed_chunks(os.urandom(4 * SMALL + 3), data_key)
    assert len(chunks) == 5
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_bytes(header + b"".join(change(chunks)), data_key)


def test_bytes_appended_after_the_final_chunk_fail_to_decrypt():
    data_key = key()
    sealed = crypto.encrypt_bytes(os.urandom(2 * SMALL), data_key, SMALL)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_bytes(sealed + b"\x00" * 5, data_key)


def test_another_files_key_does_not_open_it():
    sealed = crypto.encrypt_bytes(b"secret", key())
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_bytes(sealed, key())


@pytest.mark.parametrize(
    "sealed",
    [b"", b"SDKENC", b"NOTOURS" + b"\x00" * 40],
    ids=["empty", "short header", "foreign file"],
)
def test_what_is_not_an_encrypted_attachment_is_refused(sealed):
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_bytes(sealed, key())


def test_a_header_claiming_huge_chunks_is_refused_before_reading_them():
    header = crypto.HEADER.pack(b"SDKENC", 1, 0, 2**31, b"\x00" * 8)
    with pytest.raises(crypto.DecryptionError, match="chunk size"):
        crypto.decrypt_bytes(header + b"\x00" * 32, key())


def test_a_data_key_wraps_and_unwraps_with_its_master_key():
    master, data_key = key(), key()
    wrapped = crypto.wrap_key(data_key, master)
    assert len(wrapped) == 40 and data_key not in wrapped
    assert crypto.unwrap_key(memoryview(wrapped), master) == data_key
    with pytest.raises(crypto.DecryptionError):
        crypto.unwrap_key(wrapped, key())


def test_master_keys_are_parsed_with_the_first_one_current():
    keys = crypto.parse_master_keys(f" two:{KEY_TWO} , one:{KEY_ONE},")
    assert keys.current_id == "two"
    assert keys.key("one") == bytes(range(32))
    assert keys.key("two") == bytes(range(32, 64))


def test_url_safe_base64_without_padding_is_accepted():
    raw = bytes([251] * 32)
    encoded = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    assert crypto.parse_master_keys(f"k:{encoded}").key("k") == raw


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "no key"),
        ("nokey", "id:base64key"),
        (f"bad id:{KEY_ONE}", "id:base64key"),
        ("k:not base64!", "not base64"),
        (f"k:{base64.b64encode(b'short').decode()}", "5 bytes"),
        (f"k:{KEY_ONE},k:{KEY_TWO}", "twice"),
    ],
)
def test_malformed_master_keys_are_refused_with_the_reason(value, message):
    with pytest.raises(crypto.MasterKeyError, match=message):
        crypto.parse_master_keys(value)


def test_an_unknown_key_id_is_a_configuration_error():
    keys = crypto.parse_master_keys(f"one:{KEY_ONE}")
    with pytest.raises(crypto.MasterKeyError, match="'gone'"):
        keys.key("gone")


def test_without_master_keys_a_development_key_is_derived_from_the_secret_key(
    settings,
):
    settings.ESERVICES_MASTER_KEYS = ""
    settings.SECRET_KEY = "development secret"
    keys = crypto.master_keys()
    assert keys.current_id == "dev"
    assert keys.key("dev") == crypto.development_master_key("development secret")
    assert keys.key("dev") != crypto.development_master_key("another secret")
    assert len(keys.key("dev")) == 32


def test_the_settings_master_keys_are_used_when_set(settings):
    settings.ESERVICES_MASTER_KEYS = f"one:{KEY_ONE}"
    assert crypto.master_keys().current_id == "one"
