"""Test settings: production settings with a throwaway key, fast hashing and an isolated data dir.

The suite runs on SQLite, or on PostgreSQL when TANDEM_TEST_ON_POSTGRES=1 and
TANDEM_TEST_DATABASE_URL point at a server (``make test`` does both when the URL is set).
"""

import os
import tempfile

os.environ.setdefault("TANDEM_SECRET_KEY", "test-" + "x" * 60)
os.environ.setdefault("TANDEM_DATA_DIR", tempfile.mkdtemp(prefix="tandem-test-"))
os.environ.setdefault("TANDEM_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ["TANDEM_HTTPS"] = "false"
if os.environ.get("TANDEM_TEST_ON_POSTGRES") == "1":
    os.environ["TANDEM_DATABASE_URL"] = os.environ["TANDEM_TEST_DATABASE_URL"]
else:
    os.environ["TANDEM_DATABASE_URL"] = "sqlite:///" + os.path.join(
        os.environ["TANDEM_DATA_DIR"], "test.sqlite3"
    )

from tandem.config.settings import *  # noqa: F403
from tandem.config.settings import DATABASES, STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file (not :memory:) so that live-server threads and backup tests share one database.
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(os.environ["TANDEM_DATA_DIR"], "test_db.sqlite3")}
os.makedirs(STATIC_ROOT, exist_ok=True)  # noqa: F405 (WhiteNoise warns when it is missing)
