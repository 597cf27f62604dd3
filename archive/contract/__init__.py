"""The bottom of the house: what every layer shares (records, errors, process helpers)."""
