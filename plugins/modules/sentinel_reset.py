#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: sentinel_reset
short_description: Make the Sentinels forget removed replicas and Sentinels, one Sentinel at a time
description:
  - Sentinels never forget a replica or a Sentinel they have seen, even one that was removed for good; they keep
    counting it (C(num-slaves), C(num-other-sentinels)) and list it as down. The Redis documentation's procedure is
    to send C(SENTINEL RESET <name>) to every Sentinel, one after the other, waiting at least 30 seconds between
    two of them, and then to check that all the Sentinels agree on what they count.
  - This module does that for the Sentinels of O(sentinels), the ones that stay. It resets them only when one of
    them still knows an instance of O(forget) or counts other than expected; otherwise it sends nothing and reports
    no change, so that a re-run is safe.
  - After each reset it waits until that Sentinel has found the others again (and, with O(expected_replicas), the
    replicas) before the spacing to the next reset runs out; at the end it waits until every Sentinel counts the
    same replicas and Sentinels, knows none of O(forget), and answers OK to C(SENTINEL CKQUORUM).
version_added: 0.1.0
author:
  - redisops.sentinel developers (@redisops)
extends_documentation_fragment:
  - redisops.sentinel.endpoints
  - redisops.sentinel.login
  - redisops.sentinel.login.sentinel
  - redisops.sentinel.login.master
  - redisops.sentinel.attributes.changes
options:
  sentinels:
    description:
      - Every Sentinel that stays, each as the roles' endpoints have it. All of them must answer.
      - O(login_host) and O(login_port) are not used; O(login_password) and the TLS options are used for each.
    required: true
  forget:
    description:
      - The removed instances, data instances and Sentinels. After the resets no Sentinel may know them.
    type: list
    elements: dict
    default: []
    suboptions:
      host:
        description: Its address or host name.
        type: str
        required: true
      port:
        description: Its port (no default, a removed instance may be a data instance or a Sentinel).
        type: int
        required: true
      name:
        description: The inventory host it ran on.
        type: str
  expected_replicas:
    description:
      - How many replicas each Sentinel must count in the end. Without it, they must only all count the same.
    type: int
  spacing:
    description:
      - Seconds from one reset to the next. The Redis documentation asks for at least 30, so that each reset
        Sentinel has found the others again before the next one forgets them.
    type: int
    default: 30
  timeout:
    description:
      - Seconds to wait, after each reset and at the end, for the Sentinels to count what they should. On timeout
        the module fails with what they counted last.
    type: int
    default: 120
notes:
  - Stop the removed instances first; a Sentinel reset while they still run would find them again.
  - In check mode the module reports whether it would reset, and the commands, and waits for nothing.
seealso:
  - module: redisops.sentinel.sentinel_info
  - module: redisops.sentinel.sentinel_monitor
'''

EXAMPLES = r'''
# After the instances of node4 were stopped and removed. The password comes from a
# variable (a vars file or a vault), never literally: a failed ad-hoc call prints its
# literal arguments.
- name: Make the Sentinels that stay forget node4
  redisops.sentinel.sentinel_reset:
    name: mymaster
    login_password: "{{ sentinel_password }}"
    sentinels:
      - {host: 10.0.0.5, port: 26379}
      - {host: 10.0.0.6, port: 26379}
      - {host: 10.0.0.7, port: 26379}
    forget:
      - {host: 10.0.0.8, port: 6379}
      - {host: 10.0.0.8, port: 26379}
    expected_replicas: 2
'''

RETURN = r'''
reset:
  description: The Sentinels reset, as V(host:port), in the order they were reset.
  returned: always
  type: list
  elements: str
  sample: ["10.0.0.5:26379", "10.0.0.6:26379", "10.0.0.7:26379"]
counts:
  description: What each Sentinel counts at the end (before, in check mode), by V(host:port).
  returned: always
  type: dict
  sample:
    "10.0.0.5:26379": {replicas: 2, other_sentinels: 2, knows_forgotten: [], ckquorum: "OK 3 usable Sentinels..."}
commands:
  description: The commands that changed something (or would, in check mode), each prefixed with its Sentinel.
  returned: always
  type: list
  elements: str
  sample: ["10.0.0.5:26379: SENTINEL RESET mymaster"]
'''

import time

from ansible_collections.redisops.sentinel.plugins.module_utils.addresses import same_endpoint
from ansible_collections.redisops.sentinel.plugins.module_utils.client import (
    LoginModule,
    RedisModuleError,
    RedisServer,
    SENTINEL_DEFAULT_PORT,
    login_argument_spec,
    refuse_bad_input,
)
from ansible_collections.redisops.sentinel.plugins.module_utils.command_log import CommandLog, render_command
from ansible_collections.redisops.sentinel.plugins.module_utils.endpoints import endpoint_dict_errors, endpoint_options, format_address
from ansible_collections.redisops.sentinel.plugins.module_utils.sentinel import (
    login_and_name_errors,
    read_master,
    reply_to_dict,
)
from ansible_collections.redisops.sentinel.plugins.module_utils.reply_values import int_or_none
from ansible_collections.redisops.sentinel.plugins.module_utils.waiting import sleep_until, wait_for


def argument_spec():
    spec = login_argument_spec(SENTINEL_DEFAULT_PORT)
    spec.update(
        name=dict(type='str', required=True),
        sentinels=dict(type='list', elements='dict', required=True, options=endpoint_options(SENTINEL_DEFAULT_PORT)),
        forget=dict(type='list', elements='dict', default=[], options=endpoint_options()),
        expected_replicas=dict(type='int'),
        spacing=dict(type='int', default=30),
        timeout=dict(type='int', default=120),
    )
    return spec


def address(endpoint):
    return format_address(endpoint['host'], endpoint['port'])


def input_errors(params):
    errors = login_and_name_errors(params)
    errors.extend(endpoint_dict_errors(params['sentinels'], 'sentinels', 'Sentinel'))
    errors.extend(endpoint_dict_errors(params['forget'], 'forget', unique=False))
    for endpoint in params['forget']:
        if any(same_endpoint(endpoint['host'], endpoint['port'], kept['host'], kept['port'])
               for kept in params['sentinels']):
            errors.append('%s is both in sentinels and in forget' % address(endpoint))
    if params['spacing'] < 0:
        errors.append('spacing must be 0 or more seconds, got %s' % params['spacing'])
    if params['timeout'] < 1:
        errors.append('timeout must be at least 1 second, got %s' % params['timeout'])
    if params['expected_replicas'] is not None and params['expected_replicas'] < 0:
        errors.append('expected_replicas must be 0 or more, got %s' % params['expected_replicas'])
    return errors


class Sentinel:
    """One Sentinel that stays, and what it counts of the monitored primary."""

    def __init__(self, params, endpoint):
        self.params = params
        self.address = address(endpoint)
        self.server = RedisServer(params, host=endpoint['host'], port=endpoint['port'])

    def counts(self):
        name = self.params['name']
        raw = read_master(self.server, name)
        if raw is None:
            raise RedisModuleError('Sentinel %s does not monitor %s' % (self.address, name))
        known = [reply_to_dict(entry) for entry in self.server.read('SENTINEL', 'REPLICAS', name)]
        known += [reply_to_dict(entry) for entry in self.server.read('SENTINEL', 'SENTINELS', name)]
        forgotten = ['%s:%s' % (entry.get('ip'), entry.get('port')) for entry in known
                     if any(same_endpoint(entry.get('ip'), entry.get('port') or 0, gone['host'], gone['port'])
                            for gone in self.params['forget'])]
        try:
            ckquorum = self.server.read('SENTINEL', 'CKQUORUM', name)
        except RedisModuleError as exc:
            if exc.reply is None:
                raise
            ckquorum = exc.reply
        return dict(replicas=int_or_none(raw.get('num-slaves')),
                    other_sentinels=int_or_none(raw.get('num-other-sentinels')),
                    knows_forgotten=sorted(forgotten), ckquorum=ckquorum)

    def reset(self, log):
        log.commands.append('%s: %s' % (self.address, render_command(('SENTINEL', 'RESET', self.params['name']))))
        self.server.change('SENTINEL', 'RESET', self.params['name'])

    def close(self):
        self.server.close()


class Expectation:
    """What every Sentinel that stays must count."""

    def __init__(self, params):
        self.other_sentinels = len(params['sentinels']) - 1
        self.replicas = params['expected_replicas']

    def met_by(self, counts):
        return (counts['other_sentinels'] == self.other_sentinels and not counts['knows_forgotten']
                and (self.replicas is None or counts['replicas'] == self.replicas))

    def met_by_all(self, all_counts):
        replicas = set(counts['replicas'] for counts in all_counts.values())
        return (len(replicas) == 1 and all(self.met_by(counts) for counts in all_counts.values())
                and all(counts['ckquorum'].upper().startswith('OK') for counts in all_counts.values()))

    def describe(self):
        return '%s other Sentinels%s each, and none of forget' % (
            self.other_sentinels, '' if self.replicas is None else ' and %s replicas' % self.replicas)


def describe(all_counts):
    return '; '.join('%s counts %s replicas and %s other Sentinels%s, CKQUORUM: %s' % (
        where, counts['replicas'], counts['other_sentinels'],
        ', still knows %s' % ', '.join(counts['knows_forgotten']) if counts['knows_forgotten'] else '',
        counts['ckquorum']) for where, counts in sorted(all_counts.items()))


def run(module, sentinels, log):
    params = module.params
    expected = Expectation(params)
    before = dict((sentinel.address, sentinel.counts()) for sentinel in sentinels)
    result = dict(changed=False, reset=[], counts=before, commands=log.commands)
    if expected.met_by_all(before):
        return result
    result['changed'] = True
    if module.check_mode:
        for sentinel in sentinels:
            log.commands.append('%s: %s' % (sentinel.address, render_command(('SENTINEL', 'RESET', params['name']))))
            result['reset'].append(sentinel.address)
        return result

    next_reset = time.monotonic()
    for sentinel in sentinels:
        sleep_until(next_reset)
        sentinel.reset(log)
        next_reset = time.monotonic() + params['spacing']
        result['reset'].append(sentinel.address)
        wait_for(sentinel.counts, expected.met_by, params['timeout'],
                 'Sentinel %s counting %s again after its reset' % (sentinel.address, expected.describe()),
                 lambda counts, where=sentinel.address: describe({where: counts}))

    def all_counts():
        return dict((sentinel.address, sentinel.counts()) for sentinel in sentinels)

    result['counts'] = wait_for(all_counts, expected.met_by_all, params['timeout'],
                                'Every Sentinel counting the same, %s' % expected.describe(), describe)
    return result


def main():
    module = LoginModule(argument_spec=argument_spec(), supports_check_mode=True)
    refuse_bad_input(module, input_errors(module.params))
    log = CommandLog()
    sentinels = []
    try:
        for endpoint in module.params['sentinels']:
            sentinels.append(Sentinel(module.params, endpoint))
        result = run(module, sentinels, log)
    except RedisModuleError as exc:
        module.fail_json(msg=str(exc), commands=log.commands)
    finally:
        for sentinel in sentinels:
            sentinel.close()
    module.exit_json(**result)


if __name__ == '__main__':
    main()
