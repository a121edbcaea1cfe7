#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: sentinel_info
short_description: Report what one or several Sentinels know about their primaries
description:
  - Reads, from one Sentinel or from each Sentinel of a list, the monitored primaries, their replicas, the other
    Sentinels, the result of C(SENTINEL CKQUORUM) and the C(INFO sentinel) section. Changes nothing.
  - With O(sentinels), also says for each primary which address most Sentinels report and whether a majority of
    all the listed Sentinels agree on it (RV(agreement)). Sentinels that cannot be reached are listed in
    RV(unreachable_sentinels) and counted as not agreeing; they do not make the module fail.
version_added: 0.1.0
author:
  - redisops.sentinel developers (@redisops)
extends_documentation_fragment:
  - redisops.sentinel.login
  - redisops.sentinel.login.sentinel
  - redisops.sentinel.attributes.info
options:
  name:
    description:
      - Report only this primary (master name). Without it, every primary the Sentinel monitors.
    type: str
  check_quorum:
    description:
      - Run C(SENTINEL CKQUORUM) for each reported primary.
    type: bool
    default: true
  sentinels:
    description:
      - Query each of these Sentinels instead of O(login_host):O(login_port), with the same credentials and
        TLS settings.
      - Each item is a V(host:port) string (V([v6addr]:port) for IPv6; the port defaults to 26379) or a dict with
        C(host) and optional C(port) and C(name) (the roles' endpoint dicts, whose C(name) is only a label).
      - An item is only an address. An item with anything else, such as a C(password) key or V(user:password@host),
        is refused without showing it.
    type: list
    elements: raw
seealso:
  - module: redisops.sentinel.sentinel_monitor
  - module: redisops.sentinel.redis_replication
'''

EXAMPLES = r'''
- name: What does the local Sentinel know?
  redisops.sentinel.sentinel_info:
    login_password: "{{ sentinel_password }}"
  register: sentinel_view

- name: Ask all Sentinels where mymaster is
  redisops.sentinel.sentinel_info:
    name: mymaster
    login_password: "{{ sentinel_password }}"
    sentinels:
      - 10.0.0.5:26379
      - 10.0.0.6:26379
      - host: 10.0.0.7
        port: 26379
  register: sentinel_view

- name: The same from the controller, once, with the password in REDISCLI_AUTH exported before ansible-playbook
  redisops.sentinel.sentinel_info:
    name: mymaster
    sentinels:
      - 10.0.0.5:26379
      - 10.0.0.6:26379
      - 10.0.0.7:26379
  delegate_to: localhost
  run_once: true
  register: sentinel_view

- name: Fail unless a majority agree and every Sentinel can reach quorum
  ansible.builtin.assert:
    that:
      - sentinel_view.agreement.mymaster.consensus
      - sentinel_view.agreement.mymaster.ckquorum_ok == sentinel_view.agreement.mymaster.listed
'''

RETURN = r'''
masters:
  description:
    - Monitored primaries by name, from O(login_host) or, with O(sentinels), from the first Sentinel that answered.
  returned: always
  type: dict
  sample:
    mymaster:
      name: mymaster
      ip: 10.0.0.5
      port: 6379
      address: 10.0.0.5:6379
      flags: [master]
      quorum: 2
      num_slaves: 2
      num_other_sentinels: 2
      config_epoch: 0
      down_after_milliseconds: 5000
      failover_timeout: 60000
      parallel_syncs: 1
      failover_state: none
      master_reboot_down_after_period: null
      notification_script: null
      client_reconfig_script: null
replicas:
  description:
    - Replicas of each primary, by master name; each has C(name), C(ip), C(port), C(flags), C(runid),
      C(master_link_status), C(master_host), C(master_port), C(replica_priority) and C(repl_offset).
  returned: always
  type: dict
  sample:
    mymaster:
      - {name: "10.0.0.6:6379", ip: 10.0.0.6, port: 6379, flags: [slave], runid: 4d3c..., master_link_status: ok,
         master_host: 10.0.0.5, master_port: 6379, replica_priority: 100, repl_offset: 52830}
sentinels:
  description:
    - The other Sentinels each primary has, by master name; each has C(name), C(ip), C(port), C(flags), C(runid),
      C(last_hello_message), C(voted_leader) and C(voted_leader_epoch).
  returned: always
  type: dict
  sample:
    mymaster:
      - {name: 2f5a..., ip: 10.0.0.6, port: 26379, flags: [sentinel], runid: 2f5a..., last_hello_message: 412,
         voted_leader: "?", voted_leader_epoch: 0}
ckquorum:
  description:
    - Result of C(SENTINEL CKQUORUM) by master name (with O(check_quorum)); C(ok) is true when the Sentinels
      can reach the quorum and authorise a failover, C(message) is the Sentinel's answer.
  returned: always
  type: dict
  sample:
    mymaster: {ok: true, message: OK 3 usable Sentinels. Quorum and failover authorization can be reached}
info:
  description:
    - The C(INFO sentinel) section, for example C(sentinel_tilt) (1 when the Sentinel is in TILT mode),
      C(sentinel_running_scripts) and C(sentinel_scripts_queue_length).
  returned: always
  type: dict
  sample: {sentinel_masters: 1, sentinel_tilt: 0, sentinel_running_scripts: 0, sentinel_scripts_queue_length: 0}
myid:
  description: The Sentinel's own ID (C(SENTINEL MYID)), from the same Sentinel as RV(masters).
  returned: when a Sentinel answered
  type: str
  sample: 8c9d5f1e0b7a4c3d2e1f0a9b8c7d6e5f4a3b2c1d
reports:
  description:
    - One entry per listed Sentinel, in the order of O(sentinels), each with C(address), C(reachable), C(error)
      (null when reachable), C(myid), C(masters), C(replicas), C(sentinels), C(ckquorum) and C(info) as above.
  returned: when O(sentinels) is given
  type: list
  elements: dict
unreachable_sentinels:
  description: The listed Sentinels that could not be queried, each with C(address) and C(error).
  returned: when O(sentinels) is given
  type: list
  elements: dict
  sample: [{address: "10.0.0.7:26379", error: "Cannot connect to 10.0.0.7:26379: Connection refused."}]
agreement:
  description:
    - By master name, what the listed Sentinels say about the primary's address.
  returned: when O(sentinels) is given
  type: dict
  contains:
    address:
      description: The V(ip:port) that most Sentinels report (null when none reports the name).
      type: str
    ip:
      description: The address part of RV(agreement.address).
      type: str
    port:
      description: The port part of RV(agreement.address).
      type: int
    reported_by:
      description: How many Sentinels report RV(agreement.address).
      type: int
    answered:
      description: How many listed Sentinels answered.
      type: int
    listed:
      description: How many Sentinels were listed.
      type: int
    consensus:
      description: True only when more than half of all listed Sentinels report the same address.
      type: bool
    ckquorum_ok:
      description: How many Sentinels answered OK to C(SENTINEL CKQUORUM) for this primary.
      type: int
    views:
      description: The address each answering Sentinel reports, by Sentinel address (null when it does not
        monitor the name).
      type: dict
  sample:
    mymaster:
      address: 10.0.0.5:6379
      ip: 10.0.0.5
      port: 6379
      reported_by: 3
      answered: 3
      listed: 3
      consensus: true
      ckquorum_ok: 3
      views: {"10.0.0.5:26379": "10.0.0.5:6379", "10.0.0.6:26379": "10.0.0.5:6379", "10.0.0.7:26379": "10.0.0.5:6379"}
commands:
  description: The read-only commands sent, each prefixed with the Sentinel it went to.
  returned: always
  type: list
  elements: str
  sample: ["127.0.0.1:26379: SENTINEL MASTERS", "127.0.0.1:26379: SENTINEL CKQUORUM mymaster"]
'''

import re

from ansible_collections.redisops.sentinel.plugins.module_utils.client import (
    SENTINEL_DEFAULT_PORT,
    LoginModule,
    RedisModuleError,
    RedisServer,
    login_argument_spec,
    refuse_bad_input,
    validate_login,
)
from ansible_collections.redisops.sentinel.plugins.module_utils.cluster_view import agreement_of, sentinel_report
from ansible_collections.redisops.sentinel.plugins.module_utils.command_log import CommandLog, render_command
from ansible_collections.redisops.sentinel.plugins.module_utils.endpoints import (
    endpoint_list_errors,
    format_address,
    hide_credentials,
    parse_endpoint,
)
from ansible_collections.redisops.sentinel.plugins.module_utils.sentinel import (
    master_name_error,
    master_summary,
    read_master,
    replica_summary,
    reply_to_dict,
    sentinel_summary,
)

_INFO_MASTER_KEY = re.compile(r'^master\d+$')


def argument_spec():
    spec = login_argument_spec(SENTINEL_DEFAULT_PORT)
    spec.update(
        name=dict(type='str'),
        check_quorum=dict(type='bool', default=True),
        sentinels=dict(type='list', elements='raw'),
    )
    return spec


def input_errors(params):
    errors = validate_login(params)
    if params['name'] is not None:
        name_error = master_name_error(params['name'])
        if name_error:
            errors.append(name_error)
    if params['sentinels'] is not None:
        errors.extend(endpoint_list_errors(params['sentinels'], SENTINEL_DEFAULT_PORT, 'sentinels', 'Sentinel'))
    return errors


class SentinelQuery:
    """The reads sent to one Sentinel, logged with its address."""

    def __init__(self, server, log):
        self.server = server
        self.log = log

    def ask(self, *args):
        self.log.commands.append('%s: %s' % (self.server.address, render_command(args)))
        return self.server.read(*args)

    def masters(self, name):
        if name is None:
            return [reply_to_dict(entry) for entry in self.ask('SENTINEL', 'MASTERS')]
        self.log.commands.append('%s: %s' % (self.server.address, render_command(('SENTINEL', 'MASTER', name))))
        raw = read_master(self.server, name)
        return [] if raw is None else [raw]

    def ckquorum(self, name):
        try:
            return dict(ok=True, message=self.ask('SENTINEL', 'CKQUORUM', name))
        except RedisModuleError as exc:
            if exc.reply is None:
                raise
            return dict(ok=False, message=exc.reply)

    def myid(self):
        try:
            return self.ask('SENTINEL', 'MYID')
        except RedisModuleError as exc:
            # Sentinels before 6.2 have no SENTINEL MYID.
            if exc.reply is None:
                raise
            return None

    def info(self):
        self.log.commands.append('%s: INFO sentinel' % self.server.address)
        section = self.server.info('sentinel')
        return dict((key, value) for key, value in section.items() if not _INFO_MASTER_KEY.match(key))


def report_of(server, log, params):
    """Everything one Sentinel says, for the names asked about."""
    query = SentinelQuery(server, log)
    masters = dict((raw['name'], master_summary(raw)) for raw in query.masters(params['name']))
    names = [params['name']] if params['name'] is not None else sorted(masters)
    report = dict(
        myid=query.myid(),
        masters=masters,
        replicas={},
        sentinels={},
        ckquorum={},
        info=query.info(),
    )
    for name in names:
        if name in masters:
            report['replicas'][name] = [replica_summary(reply_to_dict(entry))
                                        for entry in query.ask('SENTINEL', 'REPLICAS', name)]
            report['sentinels'][name] = [sentinel_summary(reply_to_dict(entry))
                                         for entry in query.ask('SENTINEL', 'SENTINELS', name)]
        if params['check_quorum']:
            report['ckquorum'][name] = query.ckquorum(name)
    return report


def query_one(params, host, port, log):
    server = None
    try:
        server = RedisServer(params, host=host, port=port)
        return report_of(server, log, params)
    finally:
        if server:
            server.close()


def agreement_on(name, reports):
    """What the listed Sentinels say of name's address, decided as everywhere in the collection (cluster_view)."""
    sentinels = []
    for report in reports:
        entry = sentinel_report(report['address'], report['masters'].get(name))
        entry.update(reachable=report['reachable'], ckquorum=report['ckquorum'].get(name, dict(ok=False)))
        sentinels.append(entry)
    agreement = agreement_of(sentinels)
    return dict(
        address=agreement['address'],
        ip=agreement['host'],
        port=agreement['port'],
        reported_by=agreement['reported_by'],
        answered=agreement['answered'],
        listed=agreement['listed'],
        consensus=agreement['majority'],
        ckquorum_ok=agreement['ckquorum_ok'],
        views=agreement['views'],
    )


def query_all(params, log):
    reports = []
    for item in params['sentinels']:
        host, port = parse_endpoint(item, SENTINEL_DEFAULT_PORT, 'sentinels')
        address = format_address(host, port)
        try:
            report = query_one(params, host, port, log)
            report.update(address=address, reachable=True, error=None)
        except RedisModuleError as exc:
            report = dict(address=address, reachable=False, error=str(exc), myid=None, masters={}, replicas={},
                          sentinels={}, ckquorum={}, info={})
        reports.append(report)

    names = set([params['name']]) if params['name'] is not None else set(
        name for report in reports for name in report['masters'])
    first = next((report for report in reports if report['reachable']), None)
    result = dict(
        reports=reports,
        unreachable_sentinels=[dict(address=report['address'], error=report['error'])
                               for report in reports if not report['reachable']],
        agreement=dict((name, agreement_on(name, reports)) for name in sorted(names)),
    )
    for key in ('masters', 'replicas', 'sentinels', 'ckquorum', 'info'):
        result[key] = first[key] if first else {}
    if first:
        result['myid'] = first['myid']
    return result


def main():
    module = LoginModule(argument_spec=argument_spec(), supports_check_mode=True)
    hide_credentials(module, 'sentinels')
    refuse_bad_input(module, input_errors(module.params))

    log = CommandLog()
    try:
        if module.params['sentinels'] is None:
            result = query_one(module.params, None, None, log)
        else:
            result = query_all(module.params, log)
    except RedisModuleError as exc:
        module.fail_json(msg=str(exc), commands=log.commands)
    module.exit_json(changed=False, commands=log.commands, **result)


if __name__ == '__main__':
    main()
