"""Settings for every test: the loopback names plus TestClient's ``testserver`` are allowed hosts;
argon2 at its floor (t=1, m=8 MiB) so that the many logins of the suite stay quick (the default
for users is RFC 9106's t=3, m=64 MiB)."""

from __future__ import annotations

import os

os.environ.setdefault("ATMPNAV_ALLOWED_HOSTS", "127.0.0.1,localhost,::1,[::1],testserver")
os.environ.setdefault("ATMPNAV_ARGON2_MEMORY_KIB", "8192")
os.environ.setdefault("ATMPNAV_ARGON2_TIME_COST", "1")
