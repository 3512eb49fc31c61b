"""SQLite storage: one aiosqlite connection owned by the service, WAL mode, versioned schema."""

from core.storage.database import Database, StorageError

__all__ = ["Database", "StorageError"]
