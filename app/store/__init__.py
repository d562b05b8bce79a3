"""The inspection store: one SQLite database per station (through sqlite-utils), images beside
it, users and roles, and a hash-chained audit log. See Store for the API.

OpenCV is imported only when an image array has to be encoded.
"""

from app.store.errors import (
    InvalidInput,
    NotFound,
    PermissionDenied,
    StorageFull,
    StoreBusy,
    StoreError,
    VerificationFailed,
)
from app.store.paths import default_data_dir, default_db_path, images_dir_for
from app.store.store import DECISIONS, REVIEW_ACTIONS, ROLES, SORT_KEYS, Page, Store

__all__ = [
    "DECISIONS",
    "REVIEW_ACTIONS",
    "ROLES",
    "SORT_KEYS",
    "InvalidInput",
    "NotFound",
    "Page",
    "PermissionDenied",
    "StorageFull",
    "Store",
    "StoreBusy",
    "StoreError",
    "VerificationFailed",
    "default_data_dir",
    "default_db_path",
    "images_dir_for",
]
