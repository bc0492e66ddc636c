"""Uploaded files kept private and encrypted, for any app: content sniffing
(`sniffing.py`), decoding under limits (`inspect.py`), antivirus scanning and
`ScanStatus` (`antivirus.py`), envelope encryption at rest (`crypto.py`), the
storing and opening of one encrypted file that names no application
(`store.py`), the abstract model of its row (`models.EncryptedFile`), a form
field's document limits (`fields.py`) and whole sample files (`sample_files.py`).
Moved down from `eservices/documents/` in issue 15 so that complaints use the
same pipeline. See docs/eservices-documents.md."""
