# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Deciding whether two host:port pairs are the same server.

Redis and Sentinel report whatever address they were given (a name or an IP),
so `redis1` and `10.0.0.5` must compare equal when they are the same host.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import socket


def resolve(host):
    """The set of IP addresses a host name or literal stands for.

    A name that does not resolve stands for itself, so that comparing two
    unresolvable names still compares their spelling.
    """
    try:
        return set(info[4][0] for info in socket.getaddrinfo(host, None, 0, socket.SOCK_STREAM))
    except (socket.gaierror, UnicodeError):
        return set([host])


def same_endpoint(host_a, port_a, host_b, port_b):
    if int(port_a) != int(port_b):
        return False
    if host_a == host_b:
        return True
    return bool(resolve(host_a) & resolve(host_b))


def _is_local_ip(ip):
    family = socket.AF_INET6 if ':' in ip else socket.AF_INET
    probe = socket.socket(family, socket.SOCK_STREAM)
    try:
        # Only an address of one of this machine's interfaces can be bound.
        probe.bind((ip, 0))
        return True
    except (OSError, socket.error):
        return False
    finally:
        probe.close()


def is_this_machine(host):
    """True when host stands for an address of the machine running the module."""
    return any(_is_local_ip(ip) for ip in resolve(host) if looks_like_ip(ip))


def looks_like_ip(text):
    """Whether text is an IPv4 or IPv6 address literal (not a name)."""
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(family, text)
            return True
        except (OSError, socket.error, ValueError):
            continue
    return False


def same_server(login_host, login_port, other_host, other_port):
    """Whether other_host:other_port reaches the server we are logged in to.

    Equal addresses are the obvious case; the other is two different names for
    addresses of this very machine on the same port (localhost and the host's
    own IP), which reach the same listening server.
    """
    if same_endpoint(login_host, login_port, other_host, other_port):
        return True
    return int(login_port) == int(other_port) and is_this_machine(login_host) and is_this_machine(other_host)
