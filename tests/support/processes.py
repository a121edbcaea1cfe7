# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""This machine's own processes, without those of the containers.

The Molecule scenarios run beside these tests, and a rootful container's
processes are host processes with the same numeric uids: its `redis` user may
well have the uid of a user the tests create. `pkill -u` and `pgrep -u` match
them too. One such pkill once stopped every Redis of a scenario in the middle
of its converge. So everything here looks only at the processes in the pid
namespace the tests run in.
"""

import os
import signal
from pathlib import Path


def _own_pid_namespace():
    return os.readlink('/proc/self/ns/pid')


def _effective_uid(status_text):
    # Uid: real effective saved filesystem; pgrep -u and pkill -u match the effective one.
    for line in status_text.splitlines():
        if line.startswith('Uid:'):
            return int(line.split()[2])
    return None


def host_processes(uid, command=None):
    """The pids of this pid namespace's processes whose effective uid is `uid` and,
    when `command` is given, whose program name (comm) is `command`."""
    namespace = _own_pid_namespace()
    found = []
    for entry in Path('/proc').iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.readlink(entry / 'ns' / 'pid') != namespace:
                continue
            if _effective_uid((entry / 'status').read_text()) != uid:
                continue
            if command is not None and (entry / 'comm').read_text().strip() != command:
                continue
        except OSError:
            # It exited while we looked.
            continue
        found.append(int(entry.name))
    return found


def kill_host_processes(uid, sig=signal.SIGTERM):
    """Send `sig` (SIGTERM, as pkill) to this pid namespace's processes of `uid`; never to a container's."""
    for pid in host_processes(uid):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass
