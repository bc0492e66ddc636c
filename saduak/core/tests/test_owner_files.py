"""core/owner_files.py: a private file is made once, whole, for its owner only."""

import stat

from saduak.core.owner_files import write_once


def test_the_first_call_makes_the_file_for_its_owner_only(tmp_path):
    path = tmp_path / "keys" / "signing.pem"
    assert write_once(path, b"first") is True
    assert path.read_bytes() == b"first"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_later_call_leaves_the_file_as_it_was(tmp_path):
    path = tmp_path / "signing.pem"
    write_once(path, b"first")
    assert write_once(path, b"second") is False
    assert path.read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["signing.pem"]  # no leftovers
