# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a command that takes minutes on the host, and show while it runs that it does.

The command runs through Ansible's own async wrapper (as a task with `async`
would), and this plugin polls it, printing every `interval` seconds how long it
has run, how long it took last time, and the last line of its log. Timings are
kept on the controller in `timing_file`, by `timing_key`.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import re
import tempfile
import time

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

display = Display()

ANSI_ESCAPE = re.compile(r'\x1b\[[0-9;]*[A-Za-z]')

ARGUMENT_SPEC = dict(
    cmd=dict(type='str', required=True),
    chdir=dict(type='path'),
    description=dict(type='str', required=True),
    log=dict(type='path'),
    interval=dict(type='int', default=15),
    timeout=dict(type='int', default=3600),
    timing_file=dict(type='path'),
    timing_key=dict(type='str'),
)


def read_timings(path):
    try:
        with open(path) as stream:
            timings = json.load(stream)
        return timings if isinstance(timings, dict) else {}
    except (IOError, OSError, ValueError):
        return {}


def write_timing(path, key, seconds):
    """Record seconds under key in the JSON file path, by a rename (another run may read it)."""
    timings = read_timings(path)
    timings[key] = round(seconds, 1)
    directory = os.path.dirname(path) or '.'
    try:
        if not os.path.isdir(directory):
            os.makedirs(directory)
        handle, partial = tempfile.mkstemp(dir=directory, prefix='.timings-')
        with os.fdopen(handle, 'w') as stream:
            json.dump(timings, stream, indent=1, sort_keys=True)
        os.chmod(partial, 0o644)
        os.rename(partial, path)
    except (IOError, OSError) as exc:
        display.warning('Could not record the duration in %s: %s' % (path, exc))


def minutes(seconds):
    seconds = int(round(seconds))
    return '%d s' % seconds if seconds < 120 else '%d min %02d s' % divmod(seconds, 60)


class ActionModule(ActionBase):

    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        if args['interval'] < 1 or args['timeout'] < 1:
            raise AnsibleError('interval and timeout must be at least 1 second')
        if self._task.check_mode:
            result.update(skipped=True, changed=False, msg='%s does not run in check mode' % args['description'])
            return result

        host = task_vars.get('inventory_hostname', '?')
        timing_key = args['timing_key']
        last = None
        if args['timing_file'] and timing_key:
            last = read_timings(args['timing_file']).get(timing_key)
        display.display('%s on %s started at %s; %s.' % (
            args['description'], host, time.strftime('%H:%M:%S'),
            'it took %s last time' % minutes(last) if last else 'no duration of it is recorded yet; expect minutes'))
        expected = ' (%s last time)' % minutes(last) if last else ''

        started = time.monotonic()
        status = self._run_async(args, task_vars)
        jid = status.get('ansible_job_id')
        if not jid:
            status.setdefault('msg', 'the command did not start')
            return dict(result, failed=True, **status)
        async_dir = self._remote_expand_user(self.get_shell_option('async_dir', default='~/.ansible_async'))
        try:
            while not status.get('finished'):
                time.sleep(args['interval'])
                elapsed = time.monotonic() - started
                status = self._execute_module(module_name='ansible.legacy.async_status', task_vars=task_vars,
                                              module_args=dict(jid=jid, _async_dir=async_dir))
                if status.get('failed') and not status.get('finished'):
                    return dict(result, **status)
                if not status.get('finished'):
                    if elapsed > args['timeout']:
                        return dict(result, failed=True, msg='%s did not end within %s' % (
                            args['description'], minutes(args['timeout'])))
                    display.display('  %s on %s: %s so far%s%s' % (
                        args['description'], host, minutes(elapsed), expected, self._last_line(args['log'])))
        finally:
            self._execute_module(module_name='ansible.legacy.async_status', task_vars=task_vars,
                                 module_args=dict(jid=jid, mode='cleanup', _async_dir=async_dir))
        elapsed = time.monotonic() - started
        for key in ('ansible_job_id', 'started', 'finished', 'results_file', 'erased'):
            status.pop(key, None)
        result.update(status)
        result.update(changed=True, elapsed=round(elapsed, 1))
        if not result.get('failed') and args['timing_file'] and timing_key:
            write_timing(args['timing_file'], timing_key, elapsed)
        return result

    def _run_async(self, args, task_vars):
        """Start the command in Ansible's async wrapper; the answer holds its job id."""
        module_args = dict(_raw_params=args['cmd'], _uses_shell=True)
        if args['chdir']:
            module_args['chdir'] = args['chdir']
        saved = self._task.async_val
        self._task.async_val = args['timeout']
        try:
            return self._execute_module(module_name='ansible.legacy.command', module_args=module_args,
                                        task_vars=task_vars, wrap_async=True)
        finally:
            self._task.async_val = saved

    def _last_line(self, log):
        if not log:
            return ''
        answer = self._low_level_execute_command('tail -n 1 %s' % self._connection._shell.quote(log))
        # make colours its lines even into a file.
        line = ANSI_ESCAPE.sub('', to_text(answer.get('stdout', ''))).strip()
        return '; last: %s' % (line if len(line) <= 100 else line[:97] + '...') if line else ''
