"""Small, whole files of the kinds applicants upload, made in code: for the
demo's applications, the load benchmark and the tests. Whole, because every
upload is decoded before it is stored (inspect.py) and a truncated sample
would be refused. No Django here: the benchmark imports it outside Django."""

import struct
import zlib
from collections.abc import Sequence

# A catalog, its page tree and one A4 page whose contents are object 4.
PAGE_OBJECTS = (
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
)


def pdf_file(objects: Sequence[bytes]) -> bytes:
    """A PDF made of `objects` (numbered from 1, the first the catalog), with
    a correct cross-reference table."""
    out = b"%PDF-1.7\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    return out + b"startxref\n%d\n%%%%EOF\n" % xref


def pdf_stream(data: bytes, entries: bytes = b"") -> bytes:
    """A stream object holding `data` as it is (with more dictionary `entries`,
    e.g. b"/Filter /FlateDecode" for data already compressed)."""
    return (
        b"<< /Length %d %s >>\nstream\n" % (len(data), entries) + data + b"\nendstream"
    )


def one_page_pdf(contents: bytes = b"") -> bytes:
    """A one-page PDF whose page's contents stream holds `contents`."""
    return pdf_file([*PAGE_OBJECTS, pdf_stream(contents)])


def png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data)
    return struct.pack("!I", len(data)) + kind + data + struct.pack("!I", crc)


def png_of_one_colour(side: int) -> bytes:
    """A side x side black-and-white PNG, all white: 1 bit a pixel compressed
    row by row, so even a 20000 x 20000 one is about 50 KB."""
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\xff" * ((side + 7) // 8)
    data = b"".join(compressor.compress(row) for _ in range(side))
    data += compressor.flush()
    header = struct.pack("!IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", data)
        + png_chunk(b"IEND", b"")
    )
