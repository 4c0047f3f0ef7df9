"""The library's storage: ORM models, the database engine and sessions, the original-file store."""
