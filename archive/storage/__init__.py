"""Storage: the archive home on disk.

The home folder (home.py), its write lock (lock.py), the originals kept byte for byte
(originals.py), and the SQLite record store (store.py), one module per table over the
connection and schema of database.py.
"""

from archive.contract.exports import lazy

_WHERE = {"Home": ".home", "resolve_home": ".home", "WriteLock": ".lock", "OriginalStore": ".originals",
          "RecordStore": ".store", "SaveResult": ".store", "SCHEMA_VERSION": ".store"}
__all__ = sorted(_WHERE)
__getattr__ = lazy(__name__, _WHERE)
