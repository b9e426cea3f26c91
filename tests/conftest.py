"""Settings for every test: the loopback names plus TestClient's ``testserver`` are allowed hosts."""

from __future__ import annotations

import os

os.environ.setdefault("ATMPNAV_ALLOWED_HOSTS", "127.0.0.1,localhost,::1,[::1],testserver")
