"""Documents of e-service applications: content sniffing, antivirus scanning,
envelope encryption at rest, and the services that store, open, remove and
re-wrap attachments. See docs/eservices-documents.md."""
