"""Operations: what a user asks of an archive (ingest, reextract, forget, check, export)."""
