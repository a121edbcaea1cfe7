#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: sentinel_cluster
short_description: One view of a primary's Sentinels and data instances; require or wait for a state
description:
  - Asks every listed Sentinel what it knows of one primary (C(SENTINEL MASTER), C(REPLICAS), C(CKQUORUM)) and
    every listed data instance for its replication and process (C(INFO replication), C(INFO server)), and
    returns one view - the primary, each Sentinel's and each instance's report, which replicas are linked and
    which can be promoted, and which conditions hold, with a message for each that does not. Changes nothing.
  - B(Where the primary is.) When Sentinels report a primary, it is the address that more than half of all the
    listed Sentinels report (unreachable ones count as not agreeing). When none reports one (none deployed yet,
    all stopped, or a wrong password), it is the one primary that the replicas among O(instances) follow, or,
    when no instance follows another, O(bootstrap_primary). Anything else leaves the primary undecided.
  - O(require) fails at once, with every unmet condition's message, when a condition does not hold.
    O(wait_for) looks again every O(interval) seconds until the conditions hold, and fails after O(timeout)
    seconds with the last view. In check mode the module looks once and waits for nothing.
version_added: 0.1.0
author:
  - redisops.sentinel developers (@redisops)
extends_documentation_fragment:
  - redisops.sentinel.endpoints
  - redisops.sentinel.endpoints.instances
  - redisops.sentinel.login
  - redisops.sentinel.login.sentinel
  - redisops.sentinel.login.master
  - redisops.sentinel.attributes.info
options:
  connect_timeout:
    description:
      - Seconds to wait for the connection to each Sentinel and data instance, and for each reply. An instance
        that takes longer counts as not answering for this look.
    default: 2
  sentinels:
    description:
      - Every Sentinel of the primary, each as the roles' endpoints have it (C(host), C(port), C(name) of the
        inventory host, used as a label). O(login_host) and O(login_port) are not used; O(login_user),
        O(login_password) and the TLS options are used for each.
    default: []
  instances:
    description:
      - The data instances of the primary's group, each as the roles' endpoints have it; their C(port) has no
        default. With them, the view says which inventory host is the primary and how each instance replicates.
    default: []
  bootstrap_primary:
    description:
      - The instance that becomes the primary of a new cluster, when no Sentinel reports a primary and no
        instance follows another.
    type: dict
    suboptions:
      host:
        description: Its address, as in O(instances).
        type: str
        required: true
      port:
        description: Its port (no default).
        type: int
        required: true
      name:
        description: Its inventory host.
        type: str
  data_login_user:
    description: The user to log in to the data instances with; by default O(login_user).
    type: str
  data_login_password:
    description: The password of the data instances; by default O(login_password).
    type: str
  require:
    description:
      - Conditions that must hold now; the module fails with the message of each one that does not.
      - V(sentinels_reachable) every listed Sentinel answers; V(majority) more than half of them report the same
        primary; V(unanimous) all of them do; V(ckquorum) every one answers OK to C(SENTINEL CKQUORUM);
        V(sentinels_know_each_other) every one knows all the others; V(primary_known) a primary is decided (see
        above) and, with O(instances), is one of them; V(primary_in_inventory) it is one of O(instances);
        V(primary_healthy) no Sentinel flags it down or fails it over; V(primary_is) it is O(primary);
        V(primary_is_not) a primary is agreed and it is not O(not_primary); V(promotable_replica) Sentinel
        knows a replica that is up, linked and has a C(replica-priority) above 0; V(instances_reachable) every
        data instance answers; V(replicas_follow) every instance but the primary is its replica;
        V(replicas_linked) and is linked and not syncing; V(replicas_linked_unless_upgrading) as
        V(replicas_linked), except that a replica running another binary than C(server) of O(binaries) while the
        primary runs it may be unlinked (an interrupted rolling upgrade, where an old version cannot load a
        newer primary's data); V(sentinels_see_replicas) every Sentinel lists every instance but the primary as a
        replica that is up; V(runs_binaries) every instance and Sentinel runs the executables of O(binaries).
    type: list
    elements: str
    default: []
    choices: &conditions [sentinels_reachable, majority, unanimous, ckquorum, sentinels_know_each_other,
                          primary_known, primary_in_inventory, primary_healthy, primary_is, primary_is_not,
                          promotable_replica, instances_reachable, replicas_follow, replicas_linked,
                          replicas_linked_unless_upgrading, sentinels_see_replicas, runs_binaries]
  wait_for:
    description:
      - Conditions, as in O(require), to wait for; the module fails after O(timeout) seconds with the last view.
    type: list
    elements: str
    default: []
    choices: *conditions
  primary:
    description:
      - The primary that V(primary_is) expects, a dict with C(host) and C(port); other keys are ignored, so that
        the RV(primary) of an earlier run can be given as it is.
    type: dict
  not_primary:
    description:
      - The instance that V(primary_is_not) expects no longer to be the primary, as O(primary).
    type: dict
  binaries:
    description:
      - The executables that V(runs_binaries) and V(replicas_linked_unless_upgrading) expect, as C(INFO server)
        reports them.
    type: dict
    suboptions:
      server:
        description: The data instances' executable, for example V(/opt/redis/redis-8.0.2/bin/redis-server).
        type: path
        required: true
      sentinel:
        description: The Sentinels' executable.
        type: path
        required: true
  timeout:
    description: Seconds O(wait_for) waits, on a monotonic clock.
    type: int
    default: 60
  interval:
    description: Seconds between two looks while waiting.
    type: float
    default: 1.0
notes:
  - The conditions are evaluated on one look at every server; a Sentinel or an instance that does not answer is
    in the view (C(reachable=false) with its error) and does not make the module fail unless a condition needs it.
seealso:
  - module: redisops.sentinel.sentinel_info
  - module: redisops.sentinel.sentinel_switchover
'''

EXAMPLES = r'''
# The roles' topology (redisops.sentinel.redis_common, tasks_from topology) publishes the endpoint lists.
- name: Refuse to go on unless every Sentinel agrees on a primary of the inventory and can fail over
  redisops.sentinel.sentinel_cluster:
    name: mymaster
    sentinels: "{{ redisops_sentinel_endpoints }}"
    instances: "{{ redisops_redis_endpoints }}"
    login_password: "{{ sentinel_password }}"
    data_login_password: "{{ redis_password }}"
    require: [unanimous, ckquorum, primary_in_inventory, promotable_replica]
  register: cluster
  run_once: true

- name: Wait until the Sentinels have promoted another instance
  redisops.sentinel.sentinel_cluster:
    name: mymaster
    sentinels: "{{ redisops_sentinel_endpoints }}"
    instances: "{{ redisops_redis_endpoints }}"
    login_password: "{{ sentinel_password }}"
    data_login_password: "{{ redis_password }}"
    not_primary: "{{ cluster.primary }}"
    wait_for: [unanimous, primary_is_not]
    timeout: 60
  run_once: true

- name: Show the cluster as a table
  ansible.builtin.debug:
    var: cluster.table
  run_once: true
'''

RETURN = r'''
primary:
  description:
    - The primary (see the description for how it is decided), with C(name) (its inventory host, or its address
      when it is none of O(instances)), C(host), C(port), C(address), C(in_inventory) and C(source) (V(sentinel),
      V(instances) or V(bootstrap)). Null when undecided.
  returned: always
  type: dict
  sample: {name: db1, host: 10.0.0.5, port: 6379, address: "10.0.0.5:6379", in_inventory: true, source: sentinel}
agreement:
  description:
    - What the listed Sentinels say of the primary's address - C(address), C(host) and C(port) of the most reported
      one, C(reported_by), C(answered), C(listed), C(majority), C(unanimous), C(ckquorum_ok) (how many answer OK
      to CKQUORUM) and C(views) (by Sentinel address, the primary it reports, null when it does not monitor it).
  returned: always
  type: dict
  sample: {address: "10.0.0.5:6379", host: 10.0.0.5, port: 6379, reported_by: 3, answered: 3, listed: 3,
           majority: true, unanimous: true, ckquorum_ok: 3, views: {"10.0.0.5:26379": "10.0.0.5:6379"}}
master:
  description:
    - The settings of the primary as the first Sentinel that reports it has them (as the C(masters)
      of M(redisops.sentinel.sentinel_info) has them), for example C(quorum) and C(down_after_milliseconds). Null when no Sentinel reports the primary.
  returned: always
  type: dict
sentinels:
  description:
    - One report per listed Sentinel, in order - C(name), C(address), C(host), C(port), C(reachable), C(error),
      C(monitors), C(master) (its summary of the primary), C(replicas) (as it sees them), C(ckquorum) (C(ok),
      C(message)), C(executable) and C(version) (from C(INFO server)).
  returned: always
  type: list
  elements: dict
instances:
  description:
    - One report per listed data instance, in order - C(name), C(address), C(host), C(port), C(reachable),
      C(error), C(role) (V(primary) or V(replica)), C(primary_host), C(primary_port), C(link_status),
      C(sync_in_progress), C(offset), C(executable), C(version), C(process_id), and C(is_primary),
      C(follows_primary), C(linked) relative to RV(primary).
  returned: always
  type: list
  elements: dict
linked_replicas:
  description: The names of the instances that are linked replicas of RV(primary), not syncing.
  returned: always
  type: list
  elements: str
unlinked_replicas:
  description: The names of the other instances but the primary (down, syncing, or following something else).
  returned: always
  type: list
  elements: str
promotable_replicas:
  description: The replicas Sentinel would promote now, as V(host:port), as the first agreeing Sentinel sees them.
  returned: always
  type: list
  elements: str
conditions:
  description: Each condition that applies (see O(require)) and whether it holds, on the last look.
  returned: always
  type: dict
  sample: {sentinels_reachable: true, majority: true, unanimous: true, ckquorum: true, primary_known: true}
problems:
  description: A message for each condition that does not hold, on the last look.
  returned: always
  type: list
  elements: str
summary:
  description: One line saying where the cluster stands.
  returned: always
  type: str
  sample: "mymaster: the primary is db1 (10.0.0.5:6379); 3 of 3 Sentinels report it, 3 answer OK to CKQUORUM; 2 of 2 replicas linked"
table:
  description: The view as the lines of a table of the data instances and the Sentinels.
  returned: always
  type: list
  elements: str
waited:
  description: Seconds spent waiting for O(wait_for).
  returned: always
  type: float
commands:
  description: The read-only commands of the last look, each prefixed with the server it went to.
  returned: always
  type: list
  elements: str
  sample: ["10.0.0.5:26379: SENTINEL MASTER mymaster", "10.0.0.5:6379: INFO replication"]
'''

import time

from ansible_collections.redisops.sentinel.plugins.module_utils.client import (
    SENTINEL_DEFAULT_PORT,
    LoginModule,
    check_port,
    login_argument_spec,
    refuse_bad_input,
)
from ansible_collections.redisops.sentinel.plugins.module_utils.cluster_view import (
    BINARY_CONDITIONS,
    CONDITIONS,
    INSTANCE_CONDITIONS,
    look,
    summary,
    table,
    unmet,
)
from ansible_collections.redisops.sentinel.plugins.module_utils.endpoints import endpoint_dict_errors, endpoint_options
from ansible_collections.redisops.sentinel.plugins.module_utils.sentinel import login_and_name_errors
from ansible_collections.redisops.sentinel.plugins.module_utils.waiting import WaitTimeout, wait_for

# Keys of the view that are the module's results.
RESULT_KEYS = ('primary', 'agreement', 'master', 'sentinels', 'instances', 'linked_replicas', 'unlinked_replicas',
               'promotable_replicas', 'conditions', 'problems')
# Conditions that hold or fail on what the Sentinels say.
SENTINEL_CONDITIONS = ('sentinels_reachable', 'majority', 'unanimous', 'ckquorum', 'sentinels_know_each_other',
                       'primary_healthy', 'primary_is_not', 'promotable_replica', 'sentinels_see_replicas')


def argument_spec():
    spec = login_argument_spec(SENTINEL_DEFAULT_PORT)
    # A view asks every instance of the group: one host that is down must not hold it 5 s per look.
    spec['connect_timeout']['default'] = 2
    spec.update(
        name=dict(type='str', required=True),
        sentinels=dict(type='list', elements='dict', default=[], options=endpoint_options(SENTINEL_DEFAULT_PORT)),
        instances=dict(type='list', elements='dict', default=[], options=endpoint_options()),
        bootstrap_primary=dict(type='dict', options=endpoint_options()),
        data_login_user=dict(type='str'),
        data_login_password=dict(type='str', no_log=True),
        require=dict(type='list', elements='str', default=[], choices=list(CONDITIONS)),
        wait_for=dict(type='list', elements='str', default=[], choices=list(CONDITIONS)),
        # Plain dicts: the primary a previous look returned ({name, host, port, address, ...}) can be given as it is.
        primary=dict(type='dict'),
        not_primary=dict(type='dict'),
        binaries=dict(type='dict', options=dict(server=dict(type='path', required=True),
                                                sentinel=dict(type='path', required=True))),
        timeout=dict(type='int', default=60),
        interval=dict(type='float', default=1.0),
    )
    return spec


def given_endpoint(value):
    """{host, port} from a dict that has at least those, or None."""
    try:
        port = int(value.get('port'))
    except (TypeError, ValueError):
        return None
    if not value.get('host') or check_port('port', port):
        return None
    return dict(host=value['host'], port=port)


def input_errors(params):
    errors = login_and_name_errors(params)
    errors.extend(endpoint_dict_errors(params['sentinels'], 'sentinels'))
    errors.extend(endpoint_dict_errors(params['instances'], 'instances'))
    wanted = set(params['require']) | set(params['wait_for'])
    for condition in sorted(wanted):
        if condition in INSTANCE_CONDITIONS and not params['instances']:
            errors.append('%s needs the data instances: give instances' % condition)
        if condition in SENTINEL_CONDITIONS and not params['sentinels']:
            errors.append('%s needs the Sentinels: give sentinels' % condition)
    for option in ('primary', 'not_primary'):
        if params[option] is not None and given_endpoint(params[option]) is None:
            errors.append('%s must be a dict with host and port (a primary this module returned will do), got '
                          'the keys %s' % (option, ', '.join(sorted(params[option])) or 'none'))
    for condition in sorted(wanted):
        if condition in BINARY_CONDITIONS and params['binaries'] is None:
            errors.append('%s needs binaries, the executables to expect ({server, sentinel})' % condition)
    if 'primary_is' in wanted and params['primary'] is None:
        errors.append('primary_is needs primary, the expected primary ({host, port})')
    if 'primary_is_not' in wanted and params['not_primary'] is None:
        errors.append('primary_is_not needs not_primary, the former primary ({host, port})')
    if params['timeout'] < 0:
        errors.append('timeout must be 0 or more seconds, got %s' % params['timeout'])
    if params['interval'] <= 0:
        errors.append('interval must be more than 0 seconds, got %s' % params['interval'])
    return errors


def results(view, commands, waited):
    result = dict((key, view[key]) for key in RESULT_KEYS)
    result.update(summary=summary(view), table=table(view), waited=round(waited, 3), commands=commands)
    return result


def main():
    module = LoginModule(argument_spec=argument_spec(), supports_check_mode=True)
    refuse_bad_input(module, input_errors(module.params))
    params = dict(module.params)
    for option in ('primary', 'not_primary'):
        if params[option] is not None:
            params[option] = given_endpoint(params[option])

    started = time.monotonic()
    last = {}

    def look_once():
        commands = []
        view = look(params, commands)
        last['commands'] = commands
        return view

    view = look_once()
    problems = unmet(view, params['require'])
    if problems:
        module.fail_json(msg='The cluster of %s is not as required: %s' % (params['name'], '; '.join(problems)),
                         **results(view, last['commands'], 0.0))
    if params['wait_for']:
        try:
            view = wait_for(look_once, lambda state: not unmet(state, params['wait_for']), params['timeout'],
                            'the cluster of %s' % params['name'], lambda state: '; '.join(unmet(state, params['wait_for'])),
                            interval=params['interval'], wait=not module.check_mode)
        except WaitTimeout as exc:
            module.fail_json(msg='Waited %s s for the cluster of %s; on the last look: %s'
                             % (params['timeout'], params['name'], '; '.join(unmet(exc.state, params['wait_for']))),
                             **results(exc.state, last['commands'], exc.waited))
    module.exit_json(changed=False, **results(view, last['commands'], time.monotonic() - started))


if __name__ == '__main__':
    main()
