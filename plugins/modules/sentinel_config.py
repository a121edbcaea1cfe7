#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: sentinel_config
short_description: Keep a Sentinel's own settings at runtime with SENTINEL CONFIG
description:
  - Sets the global settings of one Sentinel (not those of a monitored primary, which
    M(redisops.sentinel.sentinel_monitor) keeps) with C(SENTINEL CONFIG SET), each only when
    C(SENTINEL CONFIG GET) shows another value, so that a second run sends nothing. Sentinel writes every change
    into its config file itself.
  - Used by the Sentinel role for C(sentinel-user) and C(sentinel-pass), the user and password a Sentinel logs in
    to the other Sentinels with.
version_added: 0.1.0
author:
  - redisops.sentinel developers (@redisops)
extends_documentation_fragment:
  - redisops.sentinel.login
  - redisops.sentinel.login.sentinel
  - redisops.sentinel.attributes.changes
options:
  settings:
    description:
      - Setting names and the values they must have, as C(SENTINEL CONFIG SET) takes them, for example
        C(sentinel-user) V(sentinel-peer). Booleans are sent as V(yes) and V(no). An empty value unsets
        C(sentinel-user) or C(sentinel-pass).
      - The names are Sentinel's own (C(announce-ip), C(announce-port), C(resolve-hostnames),
        C(announce-hostnames), C(sentinel-user), C(sentinel-pass), and more in later versions); a name this
        Sentinel does not know is refused before anything changes.
    type: dict
    default: {}
  secret_settings:
    description:
      - Like O(settings), for values that must never be shown, such as C(sentinel-pass). They appear nowhere in
        the output, the diff or the logs. Give them through variables.
    type: dict
    default: {}
notes:
  - A new C(sentinel-user) or C(sentinel-pass) makes the Sentinel drop its links to the data instances and the
    other Sentinels; it connects again at once, logging in with the new values.
  - Needs C(SENTINEL CONFIG GET) and C(SENTINEL CONFIG SET) on the Sentinel.
seealso:
  - module: redisops.sentinel.sentinel_monitor
  - module: redisops.sentinel.redis_acl
'''

EXAMPLES = r'''
# The password comes from a variable (a vault-encrypted vars file), never literally.
- name: Log in to the other Sentinels as sentinel-peer
  redisops.sentinel.sentinel_config:
    login_password: "{{ sentinel_password }}"
    settings:
      sentinel-user: sentinel-peer
    secret_settings:
      sentinel-pass: "{{ sentinel_peer_password }}"
'''

RETURN = r'''
changed_settings:
  description: The names of the settings the run changed (would change, in check mode), in the order sent.
  returned: always
  type: list
  elements: str
  sample: [sentinel-user, sentinel-pass]
commands:
  description:
    - The commands that changed the Sentinel (would, in check mode), values of O(secret_settings) masked.
  returned: always
  type: list
  elements: str
  sample: ["SENTINEL CONFIG SET sentinel-user sentinel-peer", "SENTINEL CONFIG SET sentinel-pass ********"]
diff:
  description: With C(--diff), the values of O(settings) before and after; never those of O(secret_settings).
  returned: when diff mode is on
  type: dict
'''

from ansible_collections.redisops.sentinel.plugins.module_utils.client import (
    SENTINEL_DEFAULT_PORT,
    LoginModule,
    RedisModuleError,
    is_sentinel,
    login_argument_spec,
    refuse_bad_input,
    run_on_server,
    validate_login,
)

SENTINEL_CONFIG = ('SENTINEL', 'CONFIG')


def argument_spec():
    spec = login_argument_spec(SENTINEL_DEFAULT_PORT)
    spec.update(
        settings=dict(type='dict', default={}),
        secret_settings=dict(type='dict', default={}, no_log=True),
    )
    return spec


def as_text(value):
    """A value as SENTINEL CONFIG GET shows it: booleans as yes/no (YAML reads yes as true)."""
    if isinstance(value, bool):
        return 'yes' if value else 'no'
    return '' if value is None else '%s' % (value,)


def input_errors(params):
    errors = validate_login(params)
    both = sorted(set(params['settings']) & set(params['secret_settings']))
    if both:
        errors.append('%s given in both settings and secret_settings: give each setting once' % ', '.join(both))
    return errors


def run(module, server):
    wanted = [(name, as_text(value), False) for name, value in module.params['settings'].items()]
    wanted += [(name, as_text(value), True) for name, value in module.params['secret_settings'].items()]
    if not is_sentinel(server.info('server')):
        raise RedisModuleError('%s is not a Sentinel (its INFO server mode is not sentinel): use redis_config for a '
                               'data instance; nothing was changed' % server.address)
    current = {}
    for name, _value, _secret in wanted:
        reply = server.read(*(SENTINEL_CONFIG + ('GET', name)))
        values = reply if isinstance(reply, dict) else dict(zip(reply[0::2], reply[1::2]))
        if name not in values:
            raise RedisModuleError('%s does not know the Sentinel setting %s (SENTINEL CONFIG GET returned nothing); '
                                   'nothing was changed' % (server.address, name))
        current[name] = as_text(values[name])
    pending = [(name, value, secret) for name, value, secret in wanted if current[name] != value]
    for name, value, secret in pending:
        server.change(*(SENTINEL_CONFIG + ('SET', name, value)), secret_positions=(4,) if secret else (),
                      dry_run=module.check_mode)
    result = dict(changed=bool(pending), changed_settings=[name for name, _value, _secret in pending],
                  commands=server.log.commands)
    if module._diff:
        shown = [(name, value) for name, value, secret in wanted if not secret]
        result['diff'] = dict(before=dict((name, current[name]) for name, _value in shown), after=dict(shown))
    return result


def main():
    module = LoginModule(argument_spec=argument_spec(), supports_check_mode=True)
    refuse_bad_input(module, input_errors(module.params))
    run_on_server(module, run)


if __name__ == '__main__':
    main()
