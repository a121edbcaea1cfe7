# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Molecule scenarios' connection to their containers: containers.podman's
podman connection with pipelining.

Molecule's podman driver writes `ansible_connection: podman` for every host;
the scenarios' ansible.cfg puts this directory first among the connection
plugins, so that name finds this plugin. Why: without pipelining, every task
on every host costs `podman mount` and three `podman exec` (make a temporary
directory, copy the module, run it), each a podman process plus runc's. On a
two-core machine running several scenarios that was most of the scenarios'
time. With `podman exec --interactive` the module goes through stdin: one
`podman exec` per task, and the container is mounted only for the tasks that
copy files (copy, template, fetch).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = """
    name: podman
    short_description: containers.podman.podman with pipelining, for the test containers
    description:
        - Runs commands in an existing podman container with C(podman exec --interactive), the module on
          stdin (pipelining); mounts the container only to copy files.
    author: redisops.sentinel developers
    extends_documentation_fragment:
        - connection_pipelining
    options:
      remote_addr:
        description: The name or ID of the container.
        default: inventory_hostname
        vars:
          - name: ansible_host
          - name: inventory_hostname
          - name: ansible_podman_host
      remote_user:
        description: User to run commands as inside the container.
        vars:
          - name: ansible_user
      podman_extra_args:
        description: Extra arguments to the podman command line.
        default: ''
        vars:
          - name: ansible_podman_extra_args
      podman_executable:
        description: The podman command.
        default: podman
        vars:
          - name: ansible_podman_executable
"""

import shlex

from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.connection import ConnectionBase, ensure_connect
from ansible_collections.containers.podman.plugins.connection.podman import Connection as PodmanConnection


class Connection(PodmanConnection):
    transport = 'podman'
    has_pipelining = True

    def __init__(self, *args, **kwargs):
        super(Connection, self).__init__(*args, **kwargs)
        self._mount_tried = False

    def _connect(self):
        # No mount here: most tasks never copy a file.
        ConnectionBase._connect(self)  # pylint: disable=protected-access
        self._connected = True
        return self

    def _ensure_mount(self):
        if not self._mount_tried:
            self._mount_tried = True
            PodmanConnection._connect(self)  # pylint: disable=protected-access

    @ensure_connect
    def exec_command(self, cmd, in_data=None, sudoable=False):
        ConnectionBase.exec_command(self, cmd, in_data=in_data, sudoable=sudoable)
        exec_args = ['exec', '--interactive']
        if self.user:
            exec_args.extend(('--user', self.user))
        return self._podman(exec_args, shlex.split(to_native(cmd, errors='surrogate_or_strict')), in_data)

    def put_file(self, in_path, out_path):
        self._ensure_mount()
        super(Connection, self).put_file(in_path, out_path)

    def fetch_file(self, in_path, out_path):
        self._ensure_mount()
        super(Connection, self).fetch_file(in_path, out_path)
