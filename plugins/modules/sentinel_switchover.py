#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: sentinel_switchover
short_description: Move the primary role through Sentinel on purpose, without losing an acknowledged write
description:
  - A planned failover (C(SENTINEL FAILOVER)) that loses no write the old primary acknowledged, for maintenance of
    the primary's machine or to put the primary where you want it.
  - Checks first, and changes nothing when a check fails - every listed Sentinel answers and reports the same
    primary, which is up and not failing over, and the replica to promote (O(to_host)) or, without it, at least
    one replica is linked, acknowledged within O(max_lag) seconds and has a non-zero C(replica-priority).
  - With O(to_host), sets C(replica-priority 0) on the other replicas (at runtime only, not in their config files)
    and waits until the Sentinel that fails over has seen it, so that it promotes the chosen one.
  - Then pauses writes on the old primary (C(CLIENT PAUSE <pause_timeout> WRITE), renewed while the move goes
    on), waits until every replica that may be promoted has the old primary's replication offset, asks the last
    Sentinel of O(sentinels) to fail over, waits until every Sentinel gives the new primary to clients
    (C(SENTINEL GET-MASTER-ADDR-BY-NAME)), makes the old primary a replica of it (as Sentinel itself does some
    seconds later), and lifts the pause. Clients blocked meanwhile get C(READONLY) and find the new primary
    through Sentinel. Then, with writes flowing, it waits until the failover has ended on every Sentinel.
  - Any failure lifts the pause and restores the priorities. A pause never outlives the module by more than
    O(pause_timeout) milliseconds, even when the module is killed.
  - Needs Redis 6.2 or later, or Valkey (for C(CLIENT PAUSE ... WRITE)).
version_added: 0.1.0
author:
  - redisops.sentinel developers (@redisops)
extends_documentation_fragment:
  - redisops.sentinel.endpoints
  - redisops.sentinel.endpoints.instances
  - redisops.sentinel.login
  - redisops.sentinel.login.sentinel
  - redisops.sentinel.login.master
  - redisops.sentinel.attributes.changes
options:
  sentinels:
    description:
      - Every Sentinel of the primary, each as the roles' endpoints have it. All of them must answer, unless
        O(min_sentinels) says fewer. The last one that answers carries out the failover (clients ask the
        Sentinels in order, and the others learn the new primary from it sooner than it reports it itself).
      - O(login_host) and O(login_port) are not used; O(login_user), O(login_password) and the TLS options are
        used for each.
    required: true
  min_sentinels:
    description:
      - How many of O(sentinels) must answer; those that do not are left out (they learn the new primary from the
        others when they are back). By default all of them.
      - The module waits until every Sentinel that answered reports the new primary.
    type: int
  from_host:
    description:
      - Switch over only while the primary is at O(from_host):O(from_port), typically the host about to be
        restarted; when it is elsewhere, the module changes nothing. Host names are resolved.
    type: str
  from_port:
    description: The port that goes with O(from_host).
    type: int
  to_host:
    description:
      - The replica to promote, as the Sentinels report it (its announced address; a host name of that address
        works too). Without it, the replica Sentinel itself would choose among those that can be promoted (the
        lowest C(replica-priority), then the smallest run id, their offsets being equal once writes are paused),
        or, with O(short_pause=false), Sentinel chooses during the failover.
      - When it already is the primary, the module changes nothing.
    type: str
  to_port:
    description: The port that goes with O(to_host).
    type: int
  instances:
    description:
      - The data instances as the roles' endpoints have them (C(host), C(port), C(name)), only to name the primaries
        by their inventory hosts in RV(summary).
    default: []
  data_login_user:
    description: The user to log in to the data instances with; by default O(login_user).
    type: str
  data_login_password:
    description:
      - The password of the data instances; by default O(login_password) (then also from C(REDISCLI_AUTH)).
    type: str
  wait_for_old_primary:
    description:
      - Wait at the end until the old primary is a linked replica of the new one. V(false) for an old primary that
        runs an older version than the new one and may be unable to sync before its own upgrade.
    type: bool
    default: true
  short_pause:
    description:
      - Time the failover to the failing-over Sentinel's C(INFO) reads of the replica to promote, so that writes
        stay paused about half a second instead of about one. Sentinel sees the promotion only in its next read
        of the replica, once a second during a failover; the module starts the failover half a second after a
        read, so that the next one comes just after the promotion.
      - Costs up to 10 seconds before the pause (Sentinel reads a replica every 10 s). Without O(to_host) it
        names the replica Sentinel would choose and keeps the others out of the election, as with O(to_host).
      - V(false) starts at once and, without O(to_host), lets Sentinel choose among the replicas.
    type: bool
    default: true
  max_lag:
    description: Seconds since a replica's last acknowledgement to the primary above which it is not promoted.
    type: int
    default: 5
  pause_timeout:
    description:
      - Milliseconds each write pause lasts unless renewed. The module renews it while the move goes on; it bounds
        how long writes stay paused after the module dies.
    type: int
    default: 3000
  catch_up_timeout:
    description:
      - Seconds the replicas that may be promoted have, once writes are paused, to reach the primary's offset;
        when one does not, the module lifts the pause and fails, and nothing moved.
    type: int
    default: 5
  timeout:
    description: Seconds for the whole switchover. On timeout the module fails with the last state it saw.
    type: int
    default: 60
notes:
  - The failover is forced (C(SENTINEL FAILOVER)) and needs no quorum, but the Sentinels must answer (see
    O(min_sentinels)), so that the module can tell when all of them report the new primary.
  - Writes stay paused from the pause until every Sentinel reports the new primary, that is until the Sentinel
    that fails over sees the promoted replica in its next C(INFO) (once a second during a failover) - about half
    a second with O(short_pause), about one without.
  - A module killed midway leaves no write pause behind (it ends within O(pause_timeout)), but the replicas it kept
    out of the election keep C(replica-priority 0) at runtime; the redisops.sentinel.redis_server role's next run
    restores them (C(redis_replica_priority)).
  - The diff shows the address of the primary before and after.
seealso:
  - module: redisops.sentinel.sentinel_failover
  - module: redisops.sentinel.sentinel_info
'''

EXAMPLES = r'''
# The passwords come from variables (a vault), never literals in the task.
- name: Move the primary role to db2, losing no write
  redisops.sentinel.sentinel_switchover:
    name: mymaster
    sentinels: "{{ redisops_sentinel_endpoints }}"
    login_password: "{{ sentinel_password }}"
    data_login_password: "{{ redis_password }}"
    to_host: 10.0.0.6
    to_port: 6379
  register: switchover
  run_once: true

- name: Tell how long writes waited
  ansible.builtin.debug:
    msg: "{{ switchover.previous_primary.host }} -> {{ switchover.primary.host }}, writes paused {{ switchover.paused_seconds }} s"
  when: switchover is changed
  run_once: true
'''

RETURN = r'''
previous_primary:
  description: The primary every Sentinel reported before the switchover.
  returned: when the checks passed
  type: dict
  sample: {host: 10.0.0.5, port: 6379}
primary:
  description: The primary every Sentinel reports after the run (in check mode, still the previous one).
  returned: when the checks passed
  type: dict
  sample: {host: 10.0.0.6, port: 6379}
candidates:
  description:
    - The replicas that could be promoted, as V(host:port) - only O(to_host), or with O(short_pause) the one
      Sentinel would choose; all those that can be promoted with O(short_pause=false) and no O(to_host).
  returned: when the checks passed
  type: list
  elements: str
refused_replicas:
  description: The replicas that could not be promoted, as V(host:port), each with the reasons.
  returned: when the checks passed
  type: dict
  sample: {"10.0.0.7:6379": ["the primary does not list it among its replicas"]}
paused_seconds:
  description: How long writes were paused on the old primary.
  returned: when the checks passed
  type: float
  sample: 1.214
steps:
  description:
    - Seconds from the start of the write pause to the end of each step - C(caught_up) (every candidate has the
      offset), C(failover_accepted), C(replica_promoted), C(sentinels_agree), C(old_primary_demoted), C(unpaused),
      C(failover_ended) (every Sentinel reports the new primary in C(SENTINEL MASTER), no failover in progress).
  returned: when writes were paused
  type: dict
  sample: {caught_up: 0.004, failover_accepted: 0.006, replica_promoted: 0.21, sentinels_agree: 1.9,
           old_primary_demoted: 1.901, unpaused: 1.902}
summary:
  description: One line on what the switchover did, or why it did nothing.
  returned: when the checks passed
  type: str
  sample: "Switchover of mymaster: db1 (10.0.0.5:6379) -> db2 (10.0.0.6:6379); writes were paused 0.54 s, every
    Sentinel reports the new primary and db1 (10.0.0.5:6379) follows it"
info_aligned:
  description: Whether the failover started at the moment of Sentinel's INFO reads that O(short_pause) waits for.
  returned: when writes were paused
  type: bool
offset:
  description: The old primary's replication offset once writes were paused, which the new primary had.
  returned: when writes were paused
  type: int
commands:
  description:
    - The commands that changed a server, each prefixed with that server's address, in order; in check mode,
      those that would have been sent. Renewals of the pause are not listed.
  returned: always
  type: list
  elements: str
  sample: ["10.0.0.5:6379: CLIENT PAUSE 3000 WRITE", "10.0.0.5:26379: SENTINEL FAILOVER mymaster",
           "10.0.0.5:6379: REPLICAOF 10.0.0.6 6379", "10.0.0.5:6379: CLIENT UNPAUSE"]
'''

from ansible_collections.redisops.sentinel.plugins.module_utils.client import (
    SENTINEL_DEFAULT_PORT,
    LoginModule,
    RedisModuleError,
    check_port,
    login_argument_spec,
    refuse_bad_input,
    validate_login,
)
from ansible_collections.redisops.sentinel.plugins.module_utils.endpoints import (
    endpoint_dict_errors,
    endpoint_options,
    format_address,
    inventory_host,
)
from ansible_collections.redisops.sentinel.plugins.module_utils.sentinel import master_name_error
from ansible_collections.redisops.sentinel.plugins.module_utils.switchover import (
    Clock,
    Cluster,
    Switchover,
    plan,
)


def argument_spec():
    spec = login_argument_spec(SENTINEL_DEFAULT_PORT)
    spec.update(
        name=dict(type='str', required=True),
        sentinels=dict(type='list', elements='dict', required=True, options=endpoint_options(SENTINEL_DEFAULT_PORT)),
        min_sentinels=dict(type='int'),
        from_host=dict(type='str'),
        from_port=dict(type='int'),
        to_host=dict(type='str'),
        to_port=dict(type='int'),
        data_login_user=dict(type='str'),
        data_login_password=dict(type='str', no_log=True),
        wait_for_old_primary=dict(type='bool', default=True),
        short_pause=dict(type='bool', default=True),
        instances=dict(type='list', elements='dict', default=[], options=endpoint_options()),
        max_lag=dict(type='int', default=5),
        pause_timeout=dict(type='int', default=3000),
        catch_up_timeout=dict(type='int', default=5),
        timeout=dict(type='int', default=60),
    )
    return spec


def input_errors(params):
    errors = validate_login(params)
    errors.extend(error for error in (master_name_error(params['name']), check_port('to_port', params['to_port']),
                                      check_port('from_port', params['from_port'])) if error)
    errors.extend(endpoint_dict_errors(params['sentinels'], 'sentinels', 'Sentinel'))
    if params['min_sentinels'] is not None and not 1 <= params['min_sentinels'] <= len(params['sentinels']):
        errors.append('min_sentinels must be between 1 and the number of sentinels (%d), got %s'
                      % (len(params['sentinels']), params['min_sentinels']))
    for option in ('from_host', 'to_host'):
        if params[option] is not None and not params[option].strip():
            errors.append('%s must not be empty' % option)
    if params['max_lag'] < 0:
        errors.append('max_lag must be 0 or more seconds, got %s' % params['max_lag'])
    if params['pause_timeout'] < 100:
        errors.append('pause_timeout must be at least 100 milliseconds, got %s' % params['pause_timeout'])
    for option in ('catch_up_timeout', 'timeout'):
        if params[option] < 1:
            errors.append('%s must be at least 1 second, got %s' % (option, params[option]))
    return errors


def dry_run(cluster, the_plan):
    """The commands a real run would send, in order, without sending them."""
    for replica in the_plan.excluded:
        cluster.data(replica['ip'], replica['port']).change('CONFIG', 'SET', 'replica-priority', '0', dry_run=True)
    primary = cluster.data(the_plan.primary['host'], the_plan.primary['port'])
    primary.change('CLIENT', 'PAUSE', cluster.params['pause_timeout'], 'WRITE', dry_run=True)
    cluster.leader.change('SENTINEL', 'FAILOVER', cluster.name, dry_run=True)
    primary.change('REPLICAOF', '(the new primary)', '', dry_run=True)
    primary.change('CLIENT', 'UNPAUSE', dry_run=True)


def run(module, cluster, clock, warnings):
    result = dict(changed=False, commands=cluster.commands)
    the_plan, primary = plan(cluster, module.params, wait=not module.check_mode)
    result['previous_primary'] = result['primary'] = primary
    if module._diff:
        result['diff'] = dict(before=dict(primary=format_address(primary['host'], primary['port'])),
                              after=dict(primary=format_address(primary['host'], primary['port'])))
    if the_plan is None:
        result['summary'] = '%s already is the primary of %s: nothing to do' % (
            inventory_host(primary, module.params['instances']), cluster.name)
        return result
    result.update(candidates=[format_address(c['ip'], c['port']) for c in the_plan.candidates],
                  refused_replicas=the_plan.refusals, paused_seconds=0.0)
    result['changed'] = True
    if module.check_mode:
        dry_run(cluster, the_plan)
        result['summary'] = 'Check mode: the primary of %s, %s, would move to %s' % (
            cluster.name, inventory_host(primary, module.params['instances']), ', '.join(result['candidates']))
        if module._diff:
            result['diff']['after']['primary'] = (result['candidates'][0] if len(result['candidates']) == 1
                                                  else '(a replica that Sentinel chooses)')
        return result
    switchover = Switchover(module.params, cluster, the_plan, clock, warnings)
    try:
        result['primary'] = switchover.run()
    finally:
        result['paused_seconds'] = switchover.pause.seconds
        result['offset'] = switchover.offset
        result['steps'] = switchover.steps
        result['info_aligned'] = switchover.info_aligned
    if module._diff:
        result['diff']['after']['primary'] = format_address(result['primary']['host'], result['primary']['port'])
    old = inventory_host(primary, module.params['instances'])
    result['summary'] = 'Switchover of %s: %s -> %s; writes were paused %s s, every Sentinel reports the new primary%s' % (
        cluster.name, old, inventory_host(result['primary'], module.params['instances']), result['paused_seconds'],
        ' and %s follows it' % old if module.params['wait_for_old_primary'] else '')
    return result


def main():
    module = LoginModule(
        argument_spec=argument_spec(),
        required_together=[('to_host', 'to_port'), ('from_host', 'from_port')],
        supports_check_mode=True,
    )
    refuse_bad_input(module, input_errors(module.params))
    commands = []
    warnings = []
    clock = Clock(module.params['timeout'])
    cluster = None
    result = dict(commands=commands)
    try:
        cluster = Cluster(module.params, commands)
        result = run(module, cluster, clock, warnings)
    except RedisModuleError as exc:
        for warning in warnings:
            module.warn(warning)
        module.fail_json(msg=str(exc), commands=commands)
    finally:
        if cluster:
            cluster.close()
    for warning in warnings:
        module.warn(warning)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
