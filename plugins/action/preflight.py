# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every check of the collection's roles for one host, in one task, before anything changes.

The variables are checked on the controller (plugin_utils/checks.py words what is
wrong); what the host needs is asked of the host: redis-py in the Python of the
modules, and each port its instances will bind free or already theirs (the
module port_check).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import functools
import hashlib
import os
import shlex

from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase

from ansible_collections.redisops.sentinel.plugins.filter.inventory_endpoint import DEFAULT_PORTS, inventory_machine
from ansible_collections.redisops.sentinel.plugins.plugin_utils import checks

ROLES = ('common', 'build', 'server', 'sentinel')
ARGUMENT_SPEC = dict(
    roles=dict(type='list', elements='str', required=True, choices=list(ROLES)),
    ports=dict(type='list', elements='dict', default=[]),
    cluster=dict(type='bool'),
)


@functools.lru_cache(maxsize=None)
def file_sha256(path):
    """The SHA-256 of a file on the controller, None when it is not a file."""
    if not os.path.isfile(path):
        return None
    digest = hashlib.sha256()
    with open(path, 'rb') as stream:
        for block in iter(functools.partial(stream.read, 1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


class ActionModule(ActionBase):

    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        self._vars = task_vars
        roles = set(args['roles'])
        host = task_vars['inventory_hostname']
        facts = task_vars.get('ansible_facts') or {}
        errors = []
        warnings = []
        passed = {}

        if 'common' in roles:
            errors += checks.common_errors(self._values(
                'redis_service_manager', 'redis_service_manager_effective', 'redis_password', 'sentinel_password',
                'redis_allow_no_password', 'sentinel_master_name', user_id=facts.get('user_id')))
            errors += self._tls_errors(task_vars)
            addresses = self._values('redis_announce_ip', 'redis_announce_port', 'redis_hostname',
                                     'sentinel_announce_ip')
            addresses.update(redis_hostnames=boolean(self._value('redis_hostnames', False), strict=False),
                             sentinel_resolve_hostnames=boolean(self._value('sentinel_resolve_hostnames', True),
                                                                strict=False))
            errors += checks.address_errors(addresses)
            link_users = self._values('redis_acl_users', 'sentinel_acl_users',
                                      *(checks.LINK_USER_VARIABLES + checks.LINK_PASSWORD_VARIABLES))
            link_users['acl_mode'] = link_users['redis_acl_users'] is not None
            errors += checks.link_users_errors(link_users)
            link_users.update(self._values('redis_admin_user', 'redis_admin_password', 'redis_password'),
                              redis_default_user=boolean(self._value('redis_default_user', True), strict=False))
            errors += checks.default_user_errors(link_users)
            errors += checks.previous_passwords_errors(dict(
                acl_mode=link_users['acl_mode'], redis_previous_passwords=self._value('redis_previous_passwords')))
        if 'build' in roles:
            values = self._values('redis_flavor', 'redis_version', 'redis_source_checksum', 'redis_make_args',
                                  'redis_build_cache_dir')
            values.update(effective_checksum=self._value('__redis_build_source_checksum'),
                          archive=self._value('__redis_build_source_archive'),
                          known_releases=self._value('__redis_build_known_releases') or [])
            values['redis_build_cache_dir'] = os.path.expanduser('%s' % values['redis_build_cache_dir'])
            errors += checks.build_errors(values, file_sha256)
            passed['redis_build_preflight_passed'] = self._value('__redis_build_preflight_key')
        if 'server' in roles:
            errors += checks.server_errors(self._values(
                'redis_bind', 'redis_maxmemory', 'redis_min_replicas_to_write', 'redis_min_replicas_max_lag',
                'redis_appendonly', 'redis_config'))
            errors += checks.acl_users_errors('redis_acl_users', self._value('redis_acl_users'))
            passed['redis_server_preflight_passed'] = True
        if 'sentinel' in roles:
            errors += checks.sentinel_errors(self._values(
                'sentinel_down_after_milliseconds', 'sentinel_failover_timeout', 'sentinel_parallel_syncs',
                'sentinel_master_reboot_down_after_period', 'sentinel_announce_port', 'sentinel_notification_script',
                'sentinel_client_reconfig_script', 'sentinel_announce_ip', 'sentinel_bind', 'sentinel_update_auth'))
            errors += checks.acl_users_errors('sentinel_acl_users', self._value('sentinel_acl_users'))
            passed['redis_sentinel_preflight_passed'] = True

        # What depends on every host, said once: by the first host of the play unless told.
        cluster = args['cluster']
        if cluster is None:
            cluster = host == (task_vars.get('ansible_play_hosts') or [host])[0]
        if cluster and 'common' in roles:
            errors += self._cluster_errors()
        if cluster and 'sentinel' in roles:
            count = len((task_vars.get('groups') or {}).get('sentinel') or [])
            errors += checks.quorum_errors(self._value('sentinel_quorum'), count)
            warning = checks.sentinel_count_warning(count)
            if warning:
                warnings.append(warning)

        has_redis = None
        if roles & set(('server', 'sentinel')):
            has_redis = self._has_redis(facts)
            installable = self._value('__redisops_python_installable')
            error = checks.python_error(has_redis, installable in (True, 'True', 'true'), facts.get('python', {}).get(
                'executable'), host, facts.get('user_id'), self._value('__redisops_python_package'))
            if error:
                errors.append(error)
        if args['ports']:
            ports = self._execute_module(module_name='redisops.sentinel.port_check', module_args=dict(ports=args['ports']),
                                         task_vars=task_vars)
            if ports.get('failed'):
                errors.append(ports.get('msg', 'port_check failed'))

        notices = list(task_vars.get('redisops_notices') or [])
        for warning in warnings:
            notice = dict(play=self._play_id(), host=host, msg=warning, warning=True)
            if notice not in notices:
                notices.append(notice)
        result['ansible_facts'] = dict(passed, redisops_notices=notices)
        if has_redis is not None:
            result['ansible_facts']['redisops_python_has_redis'] = has_redis
        if warnings:
            result['warnings'] = warnings
        result['changed'] = False
        if errors:
            result.update(failed=True, msg=' '.join(errors), errors=errors)
            # Nothing passed: a later play of the run must check again.
            result['ansible_facts'] = dict(redisops_notices=notices)
        else:
            result['msg'] = 'The variables of %s and this host are fine' % ', '.join(sorted(roles))
        return result

    def _tls_errors(self, task_vars):
        """The TLS variables, then the files: on the controller here, on the host with the module tls_check."""
        values = self._values('redis_tls_plaintext_port', 'sentinel_tls_plaintext_port', 'redis_port',
                              'sentinel_port', 'redis_tls_auth_clients', *checks.TLS_FILE_VARIABLES)
        values['redis_tls'] = boolean(self._value('redis_tls', False), strict=False)
        errors = checks.tls_errors(values)
        if not values['redis_tls'] or errors:
            return errors
        variables = dict(zip(('cert_file', 'key_file', 'ca_file'), checks.TLS_FILE_VARIABLES))
        paths = dict((option, values[variable]) for option, variable in variables.items())
        # The address the modules of this host use, and those every other host, replica and Sentinel uses to reach
        # this one's instances (announced, or host names).
        addresses = [self._value('redis_address')]
        for endpoint in (self._value('redisops_redis_endpoint'), self._value('redisops_sentinel_endpoint')):
            if endpoint and endpoint['host'] not in addresses:
                addresses.append(endpoint['host'])
        if boolean(self._value('redis_tls_remote_src', False), strict=False):
            checked = self._execute_module(module_name='redisops.sentinel.tls_check', task_vars=task_vars,
                                           module_args=dict(paths, addresses=addresses, variables=variables))
            return [checked['msg']] if checked.get('failed') else []
        # Imported only with TLS on: it loads cryptography, which a run without TLS does not need.
        from ansible_collections.redisops.sentinel.plugins.module_utils import tls_files
        if not tls_files.HAS_CRYPTOGRAPHY:
            return ['redis_tls is on, and checking its files needs the Python library cryptography on the '
                    'controller. %s' % tls_files.missing_cryptography_hint()]
        report = tls_files.check_files(dict((name, os.path.expanduser('%s' % path)) for name, path in paths.items()),
                                       variables, addresses)
        if report.problems:
            return ['The TLS files of this host (on the controller): %s' % ' '.join(report.problems)]
        return []

    def _value(self, name, default=None):
        if name not in self._vars:
            return default
        return self._templar.template(self._vars[name])

    def _values(self, *names, **more):
        values = dict((name, self._value(name)) for name in names)
        values.update(more)
        return values

    def _play_id(self):
        return '%s|%s' % (self._vars.get('ansible_play_name', ''), ','.join(self._vars.get('ansible_play_hosts_all', [])))

    def _cluster_errors(self):
        hostvars = self._vars['hostvars']
        redis_hosts = list((self._vars.get('groups') or {}).get('redis') or [])
        instances = []
        # The ports the instances listen on: an endpoint's is the announced one (behind NAT, another).
        for kind, endpoints in (('redis_port', self._value('redisops_redis_endpoints') or []),
                                ('sentinel_port', self._value('redisops_sentinel_endpoints') or [])):
            for endpoint in endpoints:
                values = hostvars[endpoint['name']]
                listening = endpoint['port']
                if checks.as_int(self._templar.template(values.get(kind.replace('_port', '_announce_port'), 0)), 0):
                    listening = self._templar.template(values.get(kind, DEFAULT_PORTS[kind[:-5]]))
                instances.append((kind, endpoint['name'], checks.as_int(listening, 0),
                                  inventory_machine(endpoint['name'], hostvars)))
        errors = checks.cluster_errors(redis_hosts, self._value('redis_bootstrap_primary'), instances)
        groups = self._vars.get('groups') or {}
        cluster_hosts = set(groups.get('redis') or []) | set(groups.get('sentinel') or [])
        known = [host for host in cluster_hosts if host in hostvars]
        return (errors + checks.acl_mode_errors(dict((host, 'redis_acl_users' in hostvars[host]) for host in known))
                + checks.default_user_mix_errors(dict(
                    (host, boolean(self._templar.template(hostvars[host].get('redis_default_user', True)), strict=False))
                    for host in known))
                + checks.hostnames_mix_errors(dict(
                    (host, boolean(self._templar.template(hostvars[host].get('redis_hostnames', False)), strict=False))
                    for host in known)))

    def _has_redis(self, facts):
        executable = (facts.get('python') or {}).get('executable') or self._vars.get('ansible_python_interpreter')
        if not executable:
            return False
        answer = self._low_level_execute_command('%s -c "import redis"' % shlex.quote('%s' % executable))
        return answer.get('rc') == 0
