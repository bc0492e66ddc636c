"""Saduak never asks an office for a password or a secret (issue 17: a real
provincial directive once asked its offices to e-mail their usernames and
passwords). Two pure checks, used wherever a report form or an answer is
saved or sent:

- `secret_fields(form_definition)`: the fields (and table columns) whose key,
  Thai or English label or help looks like it asks for a credential;
- `secret_values(answers)`: the answers whose text looks like a credential
  ("password: ...", "รหัสผ่าน ...", a long random token).

`refuse_secret_fields` / `refuse_secret_values` raise `InvalidInput` naming
the field, with the explanation (`SECRET_EXPLANATION`) in the user's
language. No database access."""

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saduak.core.errors import InvalidInput

SECRET_EXPLANATION = gettext_lazy(
    "Saduak never asks an office for a password or a secret: a person who needs "
    "access gets their own account (docs/performance-collection.md)."
)

# What a field asking for a credential says, in English, after the key's
# underscores and dashes become spaces and everything is lower case.
_ENGLISH_FIELD = re.compile(
    r"\b(?:"
    r"pass\s*words?|passwd|pwd|pass\s*codes?|pass\s*phrases?|"
    r"pins?|pin\s*codes?|otps?|one\s*time\s*(?:password|code)s?|"
    r"secrets?|secret\s*keys?|tokens?|access\s*tokens?|"
    r"api\s*keys?|private\s*keys?|credentials?|log\s*in\s*details?|"
    r"sign\s*in\s*details?"
    r")\b"
)
# The same in Thai, once every space is removed (Thai has no word spaces:
# "รหัส ผ่าน" is "รหัสผ่าน"). รหัส alone is a code of any kind (a postal
# code, an office code) and is allowed.
_THAI_FIELD = re.compile(
    r"รหัสผ่าน|พาสเวิร์ด|พาสเวิด|ชื่อผู้ใช้และรหัส|ชื่อผู้ใช้งานและรหัส|"
    r"ยูสเซอร์และรหัส|รหัสotp|โอทีพี|รหัสลับ|รหัสpin|รหัสพิน|พินโค้ด|"
    r"รหัสเข้าระบบ|รหัสเข้าใช้|รหัสยืนยันตัวตน|โทเคน|โทเค็น|คีย์ลับ"
)

# An answer that gives a credential: a label followed by a value.
_ENGLISH_VALUE = re.compile(
    r"\b(?:pass\s*words?|passwd|pwd|pass\s*codes?|pins?|otp|secrets?|tokens?|"
    r"api\s*keys?|private\s*keys?)\b\s*(?:is|=|:|-)\s*\S+"
)
_THAI_VALUE = re.compile(
    r"(?:รหัสผ่าน|พาสเวิร์ด|พาสเวิด|รหัสลับ|รหัสotp|รหัสเข้าระบบ|รหัสเข้าใช้)"
    r"(?:คือ|=|:|-)?\S+"
)
_USER_AND_PASSWORD = re.compile(r"\b(?:user(?:name)?|login)\s*[:=]?\s*\S+\s*/\s*\S+")
# A private key block or a well-known token shape (JWT, cloud keys, LINE or
# GitHub tokens).
_KNOWN_TOKEN = re.compile(
    r"-{5}BEGIN [A-Z ]*PRIVATE KEY-{5}|"
    r"\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}|"
    r"\b(?:AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{30,}|sk_(?:live|test)_[A-Za-z0-9]{16,}|"
    r"xox[abpr]-[A-Za-z0-9-]{10,})"
)
# A long run of letters and digits mixing upper case, lower case and digits:
# what a generated password or token looks like. Words, numbers, personal IDs
# and telephone numbers are not like this.
_LONG_RUN = re.compile(r"[A-Za-z0-9_\-+/=]{20,}")
_URL = re.compile(r"https?://\S+")
_URL_SECRET = re.compile(
    r"[?&](?:password|passwd|pwd|token|access_token|api_key|apikey|key|secret)=",
    re.IGNORECASE,
)


def _english(text: str) -> str:
    return re.sub(r"[_\-]+", " ", text).lower()


def _thai(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def text_asks_for_secret(text: str) -> bool:
    """Whether a field's key, label or help looks like it asks for a
    credential."""
    if not text:
        return False
    return bool(
        _ENGLISH_FIELD.search(_english(text)) or _THAI_FIELD.search(_thai(text))
    )


def _texts_of(raw: Mapping[str, Any]) -> list[str]:
    texts = [str(raw.get("key") or "")]
    for name in ("label", "help"):
        value = raw.get(name)
        if isinstance(value, Mapping):
            texts.extend(str(part or "") for part in value.values())
        elif value:
            texts.append(str(value))
    return texts


def _fields_of(definition: Any) -> Iterable[tuple[str, Mapping[str, Any]]]:
    if not isinstance(definition, Mapping):
        return
    sections = definition.get("sections")
    if not isinstance(sections, list):
        return
    for section in sections:
        if not isinstance(section, Mapping) or not isinstance(
            section.get("fields"), list
        ):
            continue
        for raw in section["fields"]:
            if not isinstance(raw, Mapping):
                continue
            key = str(raw.get("key") or "")
            yield key, raw
            for column in raw.get("columns") or []:
                if isinstance(column, Mapping):
                    yield f"{key}.{column.get('key') or ''}", column


def secret_fields(form_definition: Any) -> list[str]:
    """The keys of the fields (a table's column as `table.column`) of a form
    definition (the stored JSON, checked or not) that look like they ask for
    a password, a PIN, an OTP, a secret, a token or a key."""
    return [
        key
        for key, raw in _fields_of(form_definition)
        if any(text_asks_for_secret(text) for text in _texts_of(raw))
    ]


def _looks_random(run: str) -> bool:
    kinds = (
        any(ch.islower() for ch in run)
        + any(ch.isupper() for ch in run)
        + any(ch.isdigit() for ch in run)
    )
    return kinds == 3


def text_looks_like_secret(text: str) -> bool:
    """Whether an answer's text gives a credential: "password: ...",
    "รหัสผ่าน ...", "user: x / y", a private key, a known token shape, or a
    long random run of letters and digits (outside a plain link)."""
    if not text:
        return False
    if _URL_SECRET.search(text):
        return True
    without_links = _URL.sub(" ", text)
    if _ENGLISH_VALUE.search(_english(without_links).replace("_", " ")):
        return True
    if _THAI_VALUE.search(_thai(without_links)):
        return True
    if _USER_AND_PASSWORD.search(without_links.lower()):
        return True
    if _KNOWN_TOKEN.search(without_links):
        return True
    return any(_looks_random(run) for run in _LONG_RUN.findall(without_links))


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def secret_values(answers: Any) -> list[str]:
    """The keys of the answers (a mapping of field key to value; tables and
    addresses walked through) whose text looks like a credential."""
    if not isinstance(answers, Mapping):
        return []
    return [
        str(key)
        for key, value in answers.items()
        if any(text_looks_like_secret(text) for text in _strings(value))
    ]


def _label_of(definition: Any, key: str) -> str:
    for field_key, raw in _fields_of(definition):
        if field_key == key:
            label = raw.get("label")
            if isinstance(label, Mapping):
                return str(label.get("th") or label.get("en") or key)
            return str(label or key)
    return key


def refuse_secret_fields(form_definition: Any, *, field: str = "form") -> None:
    """Raises InvalidInput (code "secret-field") naming the fields that ask
    for a credential, with the explanation."""
    found = secret_fields(form_definition)
    if not found:
        return
    names = ", ".join(f"“{_label_of(form_definition, key)}”" for key in found)
    raise InvalidInput(
        _(
            "A report form may not ask for a password, PIN, OTP, token or other "
            "secret (%(fields)s). %(explanation)s"
        )
        % {"fields": names, "explanation": SECRET_EXPLANATION},
        code="secret-field",
        field=field,
        extra={"fields": found},
    )


def refuse_secret_values(answers: Any, *, form_definition: Any = None) -> None:
    """Raises InvalidInput (code "secret-value") on the first answer whose
    text looks like a credential, naming the field, with the explanation."""
    found = secret_values(answers)
    if not found:
        return
    label = _label_of(form_definition, found[0])
    raise InvalidInput(
        _(
            "“%(field)s” looks like a password or another secret; remove it. "
            "%(explanation)s"
        )
        % {"field": label, "explanation": SECRET_EXPLANATION},
        code="secret-value",
        field=found[0],
        extra={"fields": found},
    )
