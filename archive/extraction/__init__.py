"""Page extraction: one capture's bytes to one normalized Record, with no I/O of its own."""
