"""Persistence: schema, sessions, migrations, ingest, outbox, leases and the audit log."""
