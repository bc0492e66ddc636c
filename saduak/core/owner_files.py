"""A file made once, on first use, readable only by its owner (the
development signing keys of the OIDC provider and of the audit checkpoints).

Several server processes may start at once: the content is written to a private
temporary file and linked into place, so every process reads the same complete
file and none sees half of one. Imports nothing from Django (settings use it)."""

import os
from pathlib import Path


def write_once(path: Path, content: bytes) -> bool:
    """Writes `content` to `path` (mode 0600) unless the file exists; True when
    this call made it, False when it was there already or another process made
    it first."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    try:
        os.link(temporary, path)
    except FileExistsError:
        return False
    finally:
        temporary.unlink()
    return True
