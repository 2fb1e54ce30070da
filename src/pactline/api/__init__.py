"""The REST API: translate HTTP to service calls and back; no business rules here."""
