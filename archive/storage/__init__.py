"""Storage: the archive home on disk (originals, the SQLite record store, the write lock)."""
