"""SQLite storage: one aiosqlite connection owned by the service, WAL mode, versioned schema."""

from core.storage.database import Database, StorageError
from core.storage.lock import InstanceLock

__all__ = ["Database", "InstanceLock", "StorageError"]
