"""Uvicorn's HTTP protocol with ``TCP_NODELAY`` on every connection.

With several worker processes uvicorn binds the listening socket itself without naming the TCP
protocol, and asyncio then leaves Nagle's algorithm on for the accepted connections: a response
written as headers and body in two writes waits for the client's delayed ACK, about 40 ms per
request. Setting ``TCP_NODELAY`` when a connection is made avoids that (asyncio does the same for
the sockets it creates itself, as in the single-process server).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket

from uvicorn.protocols.http.auto import AutoHTTPProtocol

_TCP_FAMILIES = (socket.AF_INET, socket.AF_INET6)


class NoDelayHTTPProtocol(AutoHTTPProtocol):  # type: ignore[misc, valid-type]
    """The HTTP protocol uvicorn would pick (httptools if installed, else h11), without Nagle."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in _TCP_FAMILIES:
            with contextlib.suppress(OSError):  # a socket that does not take the option keeps its default
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)  # type: ignore[arg-type]


HTTP_PROTOCOL = f"{__name__}:NoDelayHTTPProtocol"
