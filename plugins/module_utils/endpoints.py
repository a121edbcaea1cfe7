# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Addresses given to a module as a list: `host:port` strings, `[v6]:port`,
or the roles' endpoint dicts ({name, host, port}) as they are.

An entry is only an address: anything else in it (a password key,
user:password@host) is refused by name, never shown.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible.module_utils.six import string_types

from ansible_collections.redisops.sentinel.plugins.module_utils.client import check_port, hide_values

_BRACKETED = re.compile(r'^\[(?P<host>[^\]]+)\](?::(?P<port>\d+))?$')
# `name` is the inventory host of the roles' endpoint dicts: a label, never used to connect.
ENDPOINT_KEYS = ('host', 'port', 'name')


def unknown_keys(item):
    return sorted('%s' % (key,) for key in item if key not in ENDPOINT_KEYS)


def hide_credentials(module, option):
    """Hide what the entries of option hold beside their address, so that a refusal never shows a password."""
    for item in module.params[option] or ():
        if isinstance(item, dict):
            for key in unknown_keys(item):
                hide_values(module, item[key])
        elif isinstance(item, string_types) and '@' in item:
            hide_values(module, item)


def parse_endpoint(item, default_port, option):
    """(host, port) from a 'host:port' string or a {host, port, name} dict; raises ValueError.

    option names the list in the messages ("a sentinels entry ...").
    """
    entry = 'a %s entry' % option
    if isinstance(item, dict):
        unknown = unknown_keys(item)
        if unknown:
            # Named, never shown: a key such as password may hold one.
            raise ValueError('%s must be a dict with host and optional port, not %s (their values are not shown; '
                             'every server is logged in to with the login options)' % (entry, ', '.join(unknown)))
        if not item.get('host'):
            raise ValueError('%s must be a dict with host and optional port, got %r' % (entry, item))
        host, port = item['host'], item.get('port', default_port)
    elif isinstance(item, string_types):
        if '@' in item:
            raise ValueError('%s looks like an address with credentials (user:password@host): give host:port, and '
                             'the password in login_password' % entry)
        text = item.strip()
        bracketed = _BRACKETED.match(text)
        if bracketed:
            host, port = bracketed.group('host'), bracketed.group('port') or default_port
        elif text.count(':') == 1:
            host, port = text.split(':')
        elif ':' in text:
            raise ValueError('write the IPv6 address %r as [address]:port' % (item,))
        else:
            host, port = text, default_port
        if not host:
            raise ValueError('%s has no host: %r' % (entry, item))
    else:
        raise ValueError('%s must be a host:port string or a dict, got %r' % (entry, item))
    try:
        port = int(port)
    except (TypeError, ValueError):
        raise ValueError('%s has a port that is not a number: %r' % (entry, item))
    port_error = check_port('the port of %s %r' % (entry, item), port)
    if port_error:
        raise ValueError(port_error)
    return host, port


def endpoint_list_errors(items, default_port, option, kind='address'):
    """The errors of a whole list: bad entries, an empty list, an address given twice."""
    if not items:
        return ['%s must list at least one %s' % (option, kind)]
    errors = []
    seen = set()
    for item in items:
        try:
            address = '%s:%s' % parse_endpoint(item, default_port, option)
        except ValueError as exc:
            errors.append(str(exc))
            continue
        if address in seen:
            errors.append('%s lists %s twice' % (option, address))
        seen.add(address)
    return errors


def format_address(host, port):
    """host:port, with an IPv6 address in brackets."""
    return '[%s]:%s' % (host, port) if ':' in '%s' % (host,) else '%s:%s' % (host, port)


def inventory_host(address, endpoints):
    """"name (host:port)" of the endpoint at address ({host, port}), or "host:port (not in the inventory)"."""
    if not address:
        return 'none'
    host, port = address.get('host'), address.get('port')
    shown = format_address(host, port)
    for endpoint in endpoints or ():
        if endpoint and endpoint.get('host') == host and int(endpoint.get('port') or 0) == int(port or 0):
            return '%s (%s)' % (endpoint['name'], shown)
    return '%s (not in the inventory)' % shown


def endpoint_options(default_port=None):
    """The argument_spec suboptions of one endpoint dict ({host, port, name}, as the roles have them).

    default_port: the port when an entry has none; without it the port is required.
    """
    port = dict(type='int', default=default_port) if default_port else dict(type='int', required=True)
    return dict(host=dict(type='str', required=True), port=port, name=dict(type='str'))


def endpoint_dict_errors(endpoints, option, kind=None, unique=True):
    """The errors of a list of endpoint dicts ({host, port}, as the roles have them) that argument_spec checked.

    kind: when given, an empty list is an error ("sentinels must list at least one Sentinel").
    unique: whether an address given twice is an error.
    """
    errors = []
    if kind and not endpoints:
        errors.append('%s must list at least one %s' % (option, kind))
    for endpoint in endpoints:
        port_error = check_port('the port of %s entry %s' % (option, endpoint['host']), endpoint['port'])
        if port_error:
            errors.append(port_error)
    if unique:
        seen = [format_address(endpoint['host'], endpoint['port']) for endpoint in endpoints]
        errors.extend('%s lists %s twice' % (option, item) for item in sorted(set(seen)) if seen.count(item) > 1)
    return errors
