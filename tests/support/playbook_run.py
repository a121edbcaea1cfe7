# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading what one ansible-playbook run did from its default (text) output."""

import re

_TASK_RE = re.compile(r'^TASK \[(?P<name>.*)\] \*+$')
# "changed: [h1]", "ok: [h1] => (item=x)", "changed: [h1 -> localhost(127.0.0.1)]",
# "fatal: [h1]: FAILED! => {...}", "failed: [h1] (item=x) => {...}"
_STATUS_RE = re.compile(r'^(?P<status>ok|changed|skipping|fatal|failed|ignoring|rescued): \[(?P<host>[^\]\s]+)')
_INCLUDED_RE = re.compile(r'^included: .* for (?P<hosts>.+)$')
_RECAP_RE = re.compile(r'^(?P<host>\S+)\s+:\s+ok=(?P<ok>\d+)\s+changed=(?P<changed>\d+)\s+unreachable=(?P<unreachable>\d+)'
                       r'\s+failed=(?P<failed>\d+)\s+skipped=(?P<skipped>\d+)\s+rescued=(?P<rescued>\d+)'
                       r'\s+ignored=(?P<ignored>\d+)')


class PlaybookRun:
    """What one ansible-playbook run did, read from its default (text) output.

    `results` is a list of (task name, host, status) in output order; the task name is
    the one printed, e.g. 'redisops.sentinel.redis_build : Compile | make -j2 BUILD_TLS=yes'.
    A looped task gives one entry per item. `recap` maps each host to its recap counters, summed over
    the recaps of the output (one per playbook).
    """

    def __init__(self, command, completed):
        self.command = command
        self.returncode = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr
        self.output = completed.stdout + completed.stderr
        self.results = []
        self.recap = {}
        task = None
        for line in completed.stdout.splitlines():
            match = _TASK_RE.match(line)
            if match:
                task = match.group('name')
                continue
            match = _STATUS_RE.match(line)
            if match and task is not None:
                self.results.append((task, match.group('host'), match.group('status')))
                continue
            match = _INCLUDED_RE.match(line)
            if match and task is not None:
                for host in match.group('hosts').split(', '):
                    self.results.append((task, host.strip(), 'included'))
                continue
            match = _RECAP_RE.match(line)
            if match:
                # Summed over the recaps of the output: `make local` runs two playbooks, and the second one's
                # recap must not hide what the first one changed.
                counters = self.recap.setdefault(match.group('host'), {})
                for key, value in match.groupdict().items():
                    if key != 'host':
                        counters[key] = counters.get(key, 0) + int(value)

    def hosts(self, task_pattern, status):
        """Hosts (sorted, once each) with `status` for a task whose name matches the regex `task_pattern`."""
        return sorted({host for task, host, got in self.results if re.search(task_pattern, task) and got == status})

    def ran(self, task_pattern):
        """Whether any host ran (not skipped) a task whose name matches `task_pattern`."""
        return any(re.search(task_pattern, task) and status != 'skipping' for task, _host, status in self.results)

    @property
    def changed_total(self):
        return sum(counters['changed'] for counters in self.recap.values())

    def explain(self):
        """For assertion messages: the command and the end of the output."""
        tail = '\n'.join(self.output.splitlines()[-80:])
        return 'rc=%s: %s\n--- last lines ---\n%s' % (self.returncode, ' '.join(map(str, self.command)), tail)
