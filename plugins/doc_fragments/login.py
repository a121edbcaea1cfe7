# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    # Kept in sync with login_argument_spec() in plugins/module_utils/client.py;
    # validate-modules compares the two on every sanity run.
    DOCUMENTATION = r'''
options:
  login_host:
    description:
      - Host name or IP address of the server to connect to.
    type: str
    default: localhost
  login_user:
    description:
      - ACL user name to authenticate as (Redis 6 and later).
      - Without it, O(login_password) authenticates the C(default) user, as C(requirepass) expects.
    type: str
  login_password:
    description:
      - Password to authenticate with, the C(requirepass) of the server or the password of O(login_user). The module
        never shows it in its output, its diff or its logs.
      - >-
        When it is not given, the module takes the environment variable E(REDISCLI_AUTH), as C(redis-cli) does, on
        the host that runs the module. That is the controller for C(ansible localhost), C(delegate_to: localhost)
        and C(connection: local), where the module inherits the environment of C(ansible) or C(ansible-playbook)
        (but not through C(become) with sudo, which resets the environment). An empty O(login_password) logs in
        without a password despite E(REDISCLI_AUTH).
      - >-
        Pass the password through a variable, for example C(login_password: "{{ redis_password }}") with
        C(redis_password) in a vars file encrypted with Ansible Vault (C(-e @secrets.yml) on the command line), or
        through E(REDISCLI_AUTH), never literally. Ansible prints the literal arguments of a failed ad-hoc call
        (C(ansible -m ... -a 'login_password=...')), C(no_log) or not, and a literal in a playbook is in its file;
        given as a variable, only the template C({{ redis_password }}) shows.
      - >-
        Do not set E(REDISCLI_AUTH) with the C(environment) task keyword: Ansible writes the environment of a task
        into the command it runs on the target, which C(-vvv) prints and the target's process list shows.
    type: str
  tls:
    description:
      - Connect with TLS.
    type: bool
    default: false
  ca_certs:
    description:
      - Path to the CA certificates that sign the server certificate, when O(tls=true).
    type: path
  certfile:
    description:
      - Path to a client certificate, for servers that require one (C(tls-auth-clients yes)).
    type: path
  keyfile:
    description:
      - Path to the private key of O(certfile).
    type: path
  validate_certs:
    description:
      - Verify the server certificate and its host name when O(tls=true).
      - Setting this to V(false) accepts any certificate; use it only on trusted networks.
    type: bool
    default: true
  connect_timeout:
    description:
      - Seconds to wait for the connection and for each reply.
    type: int
    default: 5
requirements:
  - redis-py (the Python C(redis) package) on the host that runs the module
'''

    # Redis data instances listen on 6379 by default.
    REDIS = r'''
options:
  login_port:
    description:
      - TCP port of the Redis server.
    type: int
    default: 6379
'''

    # Sentinels listen on 26379 by default.
    SENTINEL = r'''
options:
  login_port:
    description:
      - TCP port of the Sentinel.
    type: int
    default: 26379
'''

    # The monitored primary, for the Sentinel modules that act on one.
    MASTER = r'''
options:
  name:
    description:
      - Name of the monitored primary (the master name), for example V(mymaster).
    type: str
    required: true
'''
