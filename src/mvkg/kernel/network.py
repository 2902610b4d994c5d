"""Addresses: whether a listening address is reachable from this machine only."""

from __future__ import annotations

import ipaddress


def is_loopback(address: str | None) -> bool:
    """True for an address only this machine reaches (127.0.0.0/8, ::1, localhost). Unset (a
    server's default of every interface) is not."""
    if not address:
        return False
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False
