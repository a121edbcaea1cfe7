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
      - Password to authenticate with. Never shown in output or logs.
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
