"""Check that the address the server is to listen on is free, so that a busy port is refused with
a message that says what to do (rather than uvicorn's bind error after start-up)."""

from __future__ import annotations

import errno
import socket

from atmpnav.errors import InputError


def ensure_free(host: str, port: int) -> None:
    """Raise :class:`InputError` when ``host:port`` cannot be listened on."""
    if not 0 < port < 65536:
        raise InputError(f"--port: {port} is not a port number (1-65535)")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # The same option uvicorn sets: a port left in TIME_WAIT by a stopped server counts as free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                raise InputError(
                    f"port {port} on {host} is already in use (another `atmpnav serve`?); stop that server or "
                    f"choose another port: `atmpnav serve --port {port + 1}` or `PORT={port + 1} make run`"
                ) from None
            if err.errno in (errno.EACCES, errno.EPERM):
                raise InputError(f"port {port} on {host}: permission denied (ports below 1024 need root); "
                                 "choose a port above 1024") from None
            raise InputError(f"cannot listen on {host}:{port}: {err.strerror}") from None
