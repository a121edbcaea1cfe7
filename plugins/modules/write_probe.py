#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: write_probe
short_description: Write through Sentinel as an application does, and report what a move of the primary cost
description:
  - >-
    A client that writes through the Sentinels every O(interval_ms) milliseconds while something else moves the
    primary role (a switchover, an upgrade, a killed host), and reports the acknowledged writes the primary no
    longer has and the longest time between two acknowledged writes. It runs in the background beside the tasks
    whose cost it measures - with O(state=started) and later O(state=stopped), or in one task run with C(async)
    and C(poll: 0) (O(state=run)).
  - First asks the Sentinels for the primary and logs in to it, so that a wrong password or an unknown master
    name fails before anything is written.
  - Then writes C(SET <key_prefix><n> <n>) for n = 1, 2, ... through redis-py's Sentinel client, one attempt per
    write, each key expiring O(max_seconds) + 600 seconds after it was written (so that the keys of a killed
    run vanish); creates O(ready_file) once O(ready_after) writes were acknowledged; and stops when
    O(stop_file) exists or after O(max_seconds) seconds.
  - At the end, waits until the Sentinels agree on a primary that runs as one, counts the acknowledged writes
    it does not have, deletes every key the probe wrote there, and removes O(ready_file) and O(stop_file). It
    leaves nothing behind, and reports C(changed=false).
  - O(state=started) starts the probe as a process of its own on the host that runs the module, in a private
    directory it makes, and returns once O(ready_after) writes were acknowledged (or fails with the probe's error,
    a wrong password for one, within O(ready_timeout) seconds). O(state=stopped) with that RV(probe) stops it,
    waits for its report (the count at the end included), removes the directory and returns the report. The
    process ends by itself after O(max_seconds), so that a probe whose stop never comes does not write forever.
  - O(key_prefix) must be a prefix that no application uses - the probe overwrites and deletes
    C(<key_prefix>1), C(<key_prefix>2) and so on.
version_added: 0.1.0
author:
  - redisops.sentinel developers (@redisops)
extends_documentation_fragment:
  - redisops.sentinel.endpoints
  - redisops.sentinel.login
  - redisops.sentinel.login.sentinel
  - redisops.sentinel.login.master
attributes:
  async:
    support: full
    description: >-
      O(state=run) is meant to run with C(async) and C(poll: 0); give C(async) more seconds than O(max_seconds).
  check_mode:
    support: full
    description: Writes nothing, reads nothing, starts and stops nothing, and returns at once with a message.
  diff_mode:
    support: none
    description: The module changes nothing, so there is nothing to diff.
options:
  state:
    description:
      - V(run) writes until O(stop_file) exists or O(max_seconds) passed, then reports (run it with C(async)).
      - V(started) starts the probe in the background and returns its RV(probe) once it writes.
      - V(stopped) stops the probe O(probe) names and returns its report.
    type: str
    choices: [run, started, stopped]
    default: run
  probe:
    description:
      - The RV(probe) of the O(state=started) task, for O(state=stopped). Nothing else is needed then.
    type: path
  ready_timeout:
    description: Seconds O(state=started) waits for the probe to be ready (O(ready_after) acknowledged writes).
    type: int
    default: 30
  name:
    description:
      - The name of the primary, as the Sentinels monitor it. Required unless O(state=stopped).
    required: false
  sentinels:
    description:
      - Every Sentinel of the primary, each as the roles' endpoints have it. The probe asks them where the primary
        is, as an application's Sentinel client does. Required unless O(state=stopped).
      - O(login_host) and O(login_port) are not used; O(login_user), O(login_password) and the TLS options are
        used for each.
  data_login_user:
    description: The user to log in to the data instances with; by default O(login_user).
    type: str
  data_login_password:
    description:
      - The password of the data instances; by default O(login_password) (then also from C(REDISCLI_AUTH)).
    type: str
  interval_ms:
    description: Milliseconds between the end of one write and the next.
    type: int
    default: 1
  timeout:
    description:
      - Seconds the probe's client waits to connect and for each reply, as an application's socket timeout.
        A write that takes longer counts as failed.
      - O(connect_timeout) applies to the module's own look-ups (the Sentinels, the count at the end).
    type: float
    default: 0.5
  key_prefix:
    description:
      - What the names of the probe's keys start with.
      - By default V(redisops:write-probe:) followed by the time the module started and a colon, for example
        V(redisops:write-probe:20260131T120000.123456Z:).
    type: str
  stop_file:
    description:
      - The probe stops once this file exists (on the host that runs the module). It must not exist when the
        module starts. The module removes it at the end.
      - Without it, the probe runs for O(max_seconds). O(state=run) only.
    type: path
  ready_file:
    description:
      - The module creates this file (on the host that runs the module) once O(ready_after) writes were
        acknowledged, for C(ansible.builtin.wait_for) to wait on. It must not exist when the module starts. The
        module removes it at the end. O(state=run) only.
    type: path
  ready_after:
    description: How many acknowledged writes make the probe ready (see O(ready_file) and O(state=started)).
    type: int
    default: 20
  max_seconds:
    description: Seconds after which the probe stops even when O(stop_file) does not exist or no stop came.
    type: int
    default: 600
notes:
  - A planned switchover (M(redisops.sentinel.sentinel_switchover)) loses no acknowledged write; a failover of a
    killed or unreachable primary may lose the writes it acknowledged after the promoted replica last received
    them, which RV(lost) counts.
  - The report counts writes, not time - with O(interval_ms=1) a client writes some hundreds of times a second,
    so that a gap is measured to a few milliseconds.
  - The probe writes, so it needs a user that may run C(SET), C(MGET) and C(DEL) on the data instances, and
    C(SENTINEL) on the Sentinels.
seealso:
  - module: redisops.sentinel.sentinel_switchover
  - module: redisops.sentinel.sentinel_failover
  - module: ansible.builtin.async_status
'''

EXAMPLES = r'''
# The probe writes in the background while the primary moves; the passwords come from variables (a vault).
- name: Start writing through Sentinel
  redisops.sentinel.write_probe:
    state: started
    name: mymaster
    sentinels: "{{ redisops_sentinel_endpoints }}"
    login_password: "{{ sentinel_password }}"
    data_login_password: "{{ redis_password }}"
    max_seconds: 900
  register: probe
  delegate_to: localhost
  run_once: true

- name: Move the primary role
  redisops.sentinel.sentinel_switchover:
    name: mymaster
    sentinels: "{{ redisops_sentinel_endpoints }}"
    login_password: "{{ sentinel_password }}"
    data_login_password: "{{ redis_password }}"
  run_once: true

- name: Stop the probe and collect its report
  redisops.sentinel.write_probe:
    state: stopped
    probe: "{{ probe.probe }}"
  register: report
  delegate_to: localhost
  run_once: true

- name: Tell what the move cost
  ansible.builtin.debug:
    msg: "{{ report.lost }} acknowledged writes lost, longest gap {{ report.longest_gap }} s"
  run_once: true

# The same in one task, run in the background with async: it writes until the stop file exists.
- name: Write through Sentinel until /var/tmp/write-probe.stop exists
  redisops.sentinel.write_probe:
    name: mymaster
    sentinels: "{{ redisops_sentinel_endpoints }}"
    login_password: "{{ sentinel_password }}"
    data_login_password: "{{ redis_password }}"
    ready_file: /var/tmp/write-probe.ready
    stop_file: /var/tmp/write-probe.stop
    max_seconds: 900
  async: 960
  poll: 0
  register: probe_job
  delegate_to: localhost
  run_once: true
'''

RETURN = r'''
probe:
  description: The probe's directory, for O(state=stopped) (its O(probe)).
  returned: when O(state=started) started a probe
  type: str
  sample: /tmp/redisops-write-probe-x1y2z3
acknowledged:
  description: How many writes the primary acknowledged.
  returned: when the probe ran (O(state=run) and O(state=stopped))
  type: int
  sample: 41230
lost:
  description: How many of the acknowledged writes the primary at the end does not have.
  returned: when the probe ran and the Sentinels agreed on a primary at the end
  type: int
  sample: 0
errors:
  description: How many writes failed (were not acknowledged).
  returned: when the probe ran
  type: int
  sample: 3
failures:
  description:
    - The failed writes by kind - the error code of an error reply (V(READONLY), V(NOREPLICAS)), else the class
      of redis-py's exception (V(ConnectionError), V(TimeoutError)).
  returned: when the probe ran
  type: dict
  sample: {ConnectionError: 2, TimeoutError: 1}
longest_gap:
  description: The longest time between two acknowledged writes, in seconds.
  returned: when the probe ran
  type: float
  sample: 1.204
gap_start:
  description: When the longest gap began (the acknowledgement before it), in seconds since the probe started.
  returned: when the probe ran; null until two writes were acknowledged
  type: float
  sample: 12.345
gap_end:
  description: When the longest gap ended (the acknowledgement after it), in seconds since the probe started.
  returned: when the probe ran; null until two writes were acknowledged
  type: float
  sample: 13.549
timeline:
  description:
    - Each change of outcome, in seconds since the probe started - V(ok via) the primary that acknowledged, or
      the kind and text of the failure. The first 100 and the last 100 changes are kept; a line in between says
      how many were left out.
  returned: when the probe ran
  type: list
  elements: str
  sample: ["0.002 s ok via 10.0.0.5:6379", "12.346 s ConnectionError: The previous master is now a slave",
           "13.549 s ok via 10.0.0.6:6379"]
rate:
  description: Acknowledged writes per second.
  returned: when the probe ran
  type: float
  sample: 812.4
primary_at_start:
  description: The primary the Sentinels agreed on before the first write.
  returned: when the probe ran
  type: dict
  sample: {host: 10.0.0.5, port: 6379}
primary_at_end:
  description: The primary the Sentinels agreed on at the end, on which the lost writes were counted.
  returned: when the probe ran and the Sentinels agreed on a primary at the end
  type: dict
  sample: {host: 10.0.0.6, port: 6379}
key_prefix:
  description: What the names of the probe's keys started with.
  returned: when the probe ran
  type: str
  sample: "redisops:write-probe:20260131T120000.123456Z:"
stopped_by:
  description: What ended the writes - V(stop_file) or V(max_seconds).
  returned: when the probe ran
  type: str
  sample: stop_file
'''

import errno
import json
import os
import tempfile
import time

from ansible_collections.redisops.sentinel.plugins.module_utils.client import (
    SENTINEL_DEFAULT_PORT,
    LoginModule,
    RedisModuleError,
    RedisServer,
    login_argument_spec,
    refuse_bad_input,
    tls_options,
)
from ansible_collections.redisops.sentinel.plugins.module_utils.cluster_view import data_params
from ansible_collections.redisops.sentinel.plugins.module_utils.cluster_view import look as look_at_cluster
from ansible_collections.redisops.sentinel.plugins.module_utils.endpoints import endpoint_dict_errors, endpoint_options, format_address
from ansible_collections.redisops.sentinel.plugins.module_utils.sentinel import login_and_name_errors
from ansible_collections.redisops.sentinel.plugins.module_utils.waiting import WaitTimeout, wait_for
from ansible_collections.redisops.sentinel.plugins.module_utils.write_probe import SentinelWriter

DEFAULT_PREFIX = 'redisops:write-probe:'
# Seconds a key outlives the longest run: the count at the end must find every key still there.
KEY_TTL_MARGIN = 600
# Seconds the Sentinels have to agree on a primary, at the start and at the end.
SETTLE_SECONDS = 30
STOP_POLL = 0.05
# Seconds state=stopped waits for the report: the probe's wait for the Sentinels at the end, and its count.
REPORT_SECONDS = SETTLE_SECONDS + 60


class ProbeFailed(RedisModuleError):
    """A failure after the probe ran: its report goes with the message."""

    def __init__(self, message, result):
        super(ProbeFailed, self).__init__(message)
        self.result = result


def argument_spec():
    spec = login_argument_spec(SENTINEL_DEFAULT_PORT)
    spec.update(
        state=dict(type='str', choices=['run', 'started', 'stopped'], default='run'),
        probe=dict(type='path'),
        ready_timeout=dict(type='int', default=30),
        name=dict(type='str'),
        sentinels=dict(type='list', elements='dict', options=endpoint_options(SENTINEL_DEFAULT_PORT)),
        data_login_user=dict(type='str'),
        data_login_password=dict(type='str', no_log=True),
        interval_ms=dict(type='int', default=1),
        timeout=dict(type='float', default=0.5),
        key_prefix=dict(type='str', no_log=False),
        stop_file=dict(type='path'),
        ready_file=dict(type='path'),
        ready_after=dict(type='int', default=20),
        max_seconds=dict(type='int', default=600),
    )
    return spec


def file_errors(params):
    errors = []
    for option in ('stop_file', 'ready_file'):
        path = params[option]
        if path is None:
            continue
        directory = os.path.dirname(path) or '.'
        if os.path.lexists(path):
            errors.append('%s %s exists already (left by an earlier run?): remove it first' % (option, path))
        elif not os.path.isdir(directory):
            errors.append('%s %s is in a directory that does not exist' % (option, path))
        elif option == 'ready_file' and not os.access(directory, os.W_OK):
            errors.append('ready_file %s is in a directory the module cannot write to' % path)
    if params['stop_file'] is not None and params['stop_file'] == params['ready_file']:
        errors.append('stop_file and ready_file must be different files')
    return errors


def state_errors(params):
    """What each state needs: a probe to stop, or a primary to write to (and no files of state=run's)."""
    if params['state'] == 'stopped':
        return [] if params['probe'] else ['state=stopped needs probe, the probe a state=started task returned']
    errors = ['state=%s needs %s' % (params['state'], option) for option in ('name', 'sentinels')
              if params[option] is None]
    if params['state'] == 'started':
        errors.extend('%s is for state=run: state=started makes its own in its directory' % option
                      for option in ('stop_file', 'ready_file') if params[option] is not None)
        if params['ready_timeout'] < 1:
            errors.append('ready_timeout must be at least 1, got %s' % params['ready_timeout'])
    return errors


def input_errors(params):
    errors = state_errors(params)
    if errors or params['state'] == 'stopped':
        return errors
    errors = login_and_name_errors(params)
    errors.extend(endpoint_dict_errors(params['sentinels'], 'sentinels', 'Sentinel'))
    if params['interval_ms'] < 1:
        errors.append('interval_ms must be at least 1 millisecond, got %s' % params['interval_ms'])
    if not params['timeout'] > 0:
        errors.append('timeout must be more than 0 seconds, got %s' % params['timeout'])
    if params['key_prefix'] is not None and not params['key_prefix'].strip():
        errors.append('key_prefix must not be empty: the probe would write and delete keys named 1, 2, 3 ...')
    for option in ('ready_after', 'max_seconds'):
        if params[option] < 1:
            errors.append('%s must be at least 1, got %s' % (option, params[option]))
    return errors + file_errors(params)


def redis_py_options(params, user):
    """redis-py's connection arguments for the user and the TLS options, as client.RedisServer has them."""
    options = dict(username=user) if user else {}
    options.update(tls_options(params))
    return options


def current_primary(params, patient):
    """{host, port} of the primary the Sentinels agree on (cluster_view's policy) and that runs as one.

    patient: whether Sentinels that do not answer and a primary that cannot be logged in to are states to
    wait out (at the end, after a move) or failures (at the start, before anything was written)."""
    sentinels_only = dict(params, instances=[])

    def look():
        view = look_at_cluster(sentinels_only, [])
        if not patient and view['agreement']['reported_by'] == 0:
            raise RedisModuleError('No Sentinel told where the primary of %s is: %s'
                                   % (params['name'], '; '.join(view['problems'])))
        state = dict(view=view, role=None)
        primary = view['primary']
        if primary:
            server = None
            try:
                server = RedisServer(data_params(params), host=primary['host'], port=primary['port'])
                state['role'] = server.info('replication').get('role')
            except RedisModuleError as exc:
                if not patient:
                    raise
                state['role'] = str(exc)
            finally:
                if server:
                    server.close()
        return state

    def describe(state):
        primary = state['view']['primary']
        if primary is None:
            return '; '.join(state['view']['problems'])
        return 'the Sentinels agree on %s, which answers role %s' % (primary['address'], state['role'])

    state = wait_for(look, lambda state: state['role'] == 'master', SETTLE_SECONDS,
                     'the Sentinels of %s agreeing on a primary that runs as one' % params['name'], describe,
                     interval=0.5)
    return dict(host=state['view']['primary']['host'], port=state['view']['primary']['port'])


def default_prefix():
    now = time.time()
    return '%s%s.%06dZ:' % (DEFAULT_PREFIX, time.strftime('%Y%m%dT%H%M%S', time.gmtime(now)), now % 1 * 1000000)


def make_probe(params, prefix):
    data = data_params(params)
    return SentinelWriter([(endpoint['host'], endpoint['port']) for endpoint in params['sentinels']],
                          data['login_password'], sentinel_password=params['login_password'], name=params['name'],
                          prefix=prefix, interval=params['interval_ms'] / 1000.0, timeout=params['timeout'],
                          expire=params['max_seconds'] + KEY_TTL_MARGIN,
                          sentinel_options=redis_py_options(params, params['login_user']),
                          data_options=redis_py_options(params, data['login_user']))


def touch(path, option):
    try:
        with open(path, 'w') as handle:
            handle.write('ready\n')
    except (IOError, OSError) as exc:
        raise RedisModuleError('Cannot create %s %s: %s' % (option, path, exc))


def remove(path):
    try:
        os.remove(path)
    except (IOError, OSError):
        # Absent already, or never created.
        pass


def write_until_stopped(params, probe):
    """Let the probe write until stop_file exists or max_seconds passed; returns which of them."""
    deadline = time.monotonic() + params['max_seconds']
    ready = params['ready_file'] is None
    while True:
        if not ready and len(probe.acknowledged) >= params['ready_after']:
            touch(params['ready_file'], 'ready_file')
            ready = True
        if params['stop_file'] is not None and os.path.exists(params['stop_file']):
            return 'stop_file'
        if time.monotonic() >= deadline:
            return 'max_seconds'
        time.sleep(STOP_POLL)


def count_and_clean(probe, primary, timeout, warnings, expiry):
    """How many acknowledged writes primary lacks; deletes the probe's keys there.

    A deletion that fails (a primary that refuses writes for now, NOREPLICAS) is a warning: the count is
    what the caller wants, and the keys expire anyway."""
    address = format_address(primary['host'], primary['port'])
    client = probe.client_for(primary['host'], primary['port'], timeout=timeout)
    try:
        try:
            lost = len(probe.lost_on(client))
        except Exception as exc:  # pylint: disable=broad-except
            raise RedisModuleError('Counting the lost writes on %s failed: %s: %s'
                                   % (address, exc.__class__.__name__, exc))
        try:
            probe.delete_on(client)
        except Exception as exc:  # pylint: disable=broad-except
            warnings.append('could not delete the probe\'s keys on %s (they expire within %d s): %s: %s'
                            % (address, expiry, exc.__class__.__name__, exc))
        return lost
    finally:
        client.connection_pool.disconnect()


def summary(result):
    return ('%(acknowledged)d writes acknowledged (%(rate).0f/s), %(errors)d failed, %(lost)s lost; longest gap '
            '%(longest_gap).3f s' % result)


def run(params, warnings):
    prefix = params['key_prefix'] or default_prefix()
    result = dict(changed=False, key_prefix=prefix, primary_at_start=current_primary(params, False))
    probe = make_probe(params, prefix)
    probe.start()
    try:
        result['stopped_by'] = write_until_stopped(params, probe)
    finally:
        probe.stop()
        for option in ('ready_file', 'stop_file'):
            if params[option] is not None:
                remove(params[option])
        result.update(probe.report())
    if result['acknowledged'] < params['ready_after']:
        warnings.append('only %d writes were acknowledged, fewer than ready_after (%d)'
                        % (result['acknowledged'], params['ready_after']))
    try:
        result['primary_at_end'] = current_primary(params, True)
        result['lost'] = count_and_clean(probe, result['primary_at_end'], params['connect_timeout'], warnings,
                                         params['max_seconds'] + KEY_TTL_MARGIN)
    except RedisModuleError as exc:
        raise ProbeFailed('%s; the probe measured: %s; its keys (%s...) expire within %d s'
                          % (exc, summary(dict(result, lost='?')), prefix, params['max_seconds'] + KEY_TTL_MARGIN),
                          result)
    if not result['acknowledged']:
        raise ProbeFailed('No write was acknowledged (stopped by %s): %s'
                          % (result['stopped_by'], '; '.join(result['timeline'])), result)
    result['msg'] = summary(result)
    return result


def outcome(params):
    """run()'s result, or its failure, as one dict: {ok, msg, result, warnings}."""
    warnings = []
    try:
        return dict(ok=True, result=run(params, warnings), warnings=warnings)
    except RedisModuleError as exc:
        return dict(ok=False, msg=str(exc), result=getattr(exc, 'result', {}), warnings=warnings)


def write_atomically(path, data):
    with open(path + '.part', 'w') as handle:
        json.dump(data, handle)
    os.rename(path + '.part', path)


def detach(run_in_background):
    """Run run_in_background() in a process of its own that outlives the module (a double fork, as
    ansible's async wrapper does): no terminal, no inherited standard streams, so that the module's reply
    reaches Ansible at once. Every module_utils it needs is imported already: the module's files vanish
    when the module returns."""
    child = os.fork()
    if child:
        os.waitpid(child, 0)
        return
    try:
        os.setsid()
        if os.fork():
            os._exit(0)
        devnull = os.open(os.devnull, os.O_RDWR)
        for stream in (0, 1, 2):
            os.dup2(devnull, stream)
        run_in_background()
    finally:
        os._exit(0)


def probe_files(directory):
    return dict((name, os.path.join(directory, name)) for name in ('ready', 'stop', 'pid', 'report.json'))


def run_in_background(params, directory):
    """The probe's process: run() until the stop file, then its outcome in report.json."""
    files = probe_files(directory)
    write_atomically(files['pid'], os.getpid())
    try:
        report = outcome(dict(params, stop_file=files['stop'], ready_file=files['ready']))
    except Exception as exc:  # pylint: disable=broad-except
        report = dict(ok=False, msg='The probe failed: %s: %s' % (exc.__class__.__name__, exc), result={},
                      warnings=[])
    write_atomically(files['report.json'], report)


def start(params):
    """state=started: the probe in the background, in a directory of its own; returns once it writes."""
    primary = current_primary(params, False)
    directory = tempfile.mkdtemp(prefix='redisops-write-probe-')
    files = probe_files(directory)
    detach(lambda: run_in_background(params, directory))
    try:
        wait_for(lambda: os.path.exists(files['ready']) or os.path.exists(files['report.json']), bool,
                 params['ready_timeout'], 'the probe being ready', str, interval=STOP_POLL)
    except WaitTimeout:
        pass
    if not os.path.exists(files['ready']):
        report = stop(directory)
        measured = dict(report['result'])
        measured_summary = measured.pop('msg', '')
        raise ProbeFailed(report.get('msg') or 'The probe did not have %d writes acknowledged within %d s: %s'
                          % (params['ready_after'], params['ready_timeout'], measured_summary), measured)
    return dict(changed=False, probe=directory, primary_at_start=primary,
                msg='writing through Sentinel to %s; stop it with state=stopped and probe=%s'
                    % (format_address(primary['host'], primary['port']), directory))


def probe_running(files):
    """Whether the probe's process still runs (or has not written its pid yet)."""
    try:
        with open(files['pid']) as handle:
            os.kill(int(handle.read()), 0)
    except (IOError, OSError, ValueError) as exc:
        return getattr(exc, 'errno', None) != errno.ESRCH
    return True


def stop(directory):
    """Tell the probe in directory to stop, wait for its report, remove the directory; returns the report."""
    files = probe_files(directory)
    if not os.path.isdir(directory):
        raise RedisModuleError('probe %s is no directory of a running probe (stopped already?)' % directory)
    touch(files['stop'], 'the stop file')
    seen = wait_for(lambda: dict(ended=os.path.exists(files['report.json']), running=probe_running(files)),
                    lambda seen: seen['ended'] or not seen['running'], REPORT_SECONDS,
                    'the report of the probe in %s' % directory, str, interval=STOP_POLL)
    if not seen['ended'] and not os.path.exists(files['report.json']):
        raise RedisModuleError('The probe in %s ended without a report' % directory)
    with open(files['report.json']) as handle:
        report = json.load(handle)
    for path in files.values():
        remove(path)
    os.rmdir(directory)
    return report


def main():
    module = LoginModule(argument_spec=argument_spec(), supports_check_mode=True)
    params = module.params
    refuse_bad_input(module, input_errors(params))
    if module.check_mode:
        module.exit_json(changed=False, msg='Check mode: the probe wrote nothing')
    try:
        if params['state'] == 'started':
            module.exit_json(**start(params))
        report = stop(params['probe']) if params['state'] == 'stopped' else outcome(params)
    except RedisModuleError as exc:
        module.fail_json(msg=str(exc), **getattr(exc, 'result', {}))
    for warning in report['warnings']:
        module.warn(warning)
    if not report['ok']:
        module.fail_json(msg=report['msg'], **report['result'])
    module.exit_json(**report['result'])


if __name__ == '__main__':
    main()
