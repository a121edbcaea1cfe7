# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sentinel replies and names, shared by sentinel_monitor and sentinel_info."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.redisops.sentinel.plugins.module_utils.client import RedisModuleError, validate_login
from ansible_collections.redisops.sentinel.plugins.module_utils.reply_values import int_or_none

# Sentinel accepts any name in SENTINEL MONITOR, but writes it unquoted into its
# config file: a space in a name corrupts that file on the next rewrite.
MASTER_NAME_PATTERN = re.compile(r'^[A-Za-z0-9._-]+$')


def master_name_error(name):
    """Why a master name is not usable, or None."""
    if not name or not MASTER_NAME_PATTERN.match(name):
        return ('name %r is not a valid Sentinel master name: use only letters, digits, '
                '".", "-" and "_"' % (name,))
    return None


def login_and_name_errors(params):
    """The errors of the login options and of the master name, which every module acting on one primary checks."""
    errors = validate_login(params)
    name_error = master_name_error(params['name'])
    if name_error:
        errors.append(name_error)
    return errors


def reply_to_dict(reply):
    """A Sentinel instance description (a flat field/value list) as a dict."""
    if isinstance(reply, dict):
        return dict(reply)
    return dict(zip(reply[0::2], reply[1::2]))


def _flags(raw):
    return [flag for flag in raw.get('flags', '').split(',') if flag]


def master_summary(raw):
    """The fields of SENTINEL MASTER the modules return, with our names and types."""
    port = int_or_none(raw.get('port'))
    return dict(
        name=raw.get('name'),
        ip=raw.get('ip'),
        port=port,
        address='%s:%s' % (raw.get('ip'), port),
        flags=_flags(raw),
        quorum=int_or_none(raw.get('quorum')),
        num_slaves=int_or_none(raw.get('num-slaves')),
        num_other_sentinels=int_or_none(raw.get('num-other-sentinels')),
        config_epoch=int_or_none(raw.get('config-epoch')),
        down_after_milliseconds=int_or_none(raw.get('down-after-milliseconds')),
        failover_timeout=int_or_none(raw.get('failover-timeout')),
        parallel_syncs=int_or_none(raw.get('parallel-syncs')),
        failover_state=raw.get('failover-state', 'none'),
        notification_script=raw.get('notification-script'),
        client_reconfig_script=raw.get('client-reconfig-script'),
        # Sentinel 7.0 accepts this setting but does not report it.
        master_reboot_down_after_period=int_or_none(raw.get('master-reboot-down-after-period')),
    )


def _instance_summary(raw, **fields):
    """What Sentinel says of any instance it knows, plus the fields of its kind."""
    summary = dict(
        name=raw.get('name'),
        ip=raw.get('ip'),
        port=int_or_none(raw.get('port')),
        flags=_flags(raw),
        runid=raw.get('runid') or None,
    )
    summary.update(fields)
    return summary


def replica_summary(raw):
    return _instance_summary(
        raw,
        master_link_status=raw.get('master-link-status'),
        master_host=raw.get('master-host'),
        master_port=int_or_none(raw.get('master-port')),
        replica_priority=int_or_none(raw.get('slave-priority', raw.get('replica-priority'))),
        repl_offset=int_or_none(raw.get('slave-repl-offset', raw.get('replica-repl-offset'))),
        # Milliseconds since this Sentinel's last INFO reply from the replica (0 before the first).
        info_refresh=int_or_none(raw.get('info-refresh')),
    )


def sentinel_summary(raw):
    return _instance_summary(
        raw,
        last_hello_message=int_or_none(raw.get('last-hello-message')),
        voted_leader=raw.get('voted-leader'),
        voted_leader_epoch=int_or_none(raw.get('voted-leader-epoch')),
    )


# Sentinel's answers when it cannot start a failover now but may shortly.
RETRY_FAILOVER_REPLIES = ('NOGOODSLAVE', 'INPROG')


def request_failover(server, name):
    """SENTINEL FAILOVER name; None when the Sentinel accepted it, its refusal when it may accept later.

    A refusal changed nothing, so the command leaves the server's log again.
    Any other error propagates as RedisModuleError.
    """
    try:
        server.change('SENTINEL', 'FAILOVER', name)
        return None
    except RedisModuleError as exc:
        if not exc.reply or not exc.reply.upper().startswith(RETRY_FAILOVER_REPLIES):
            raise
        server.log.commands.pop()
        return exc.reply


def is_no_such_master(error_text):
    return 'no such master' in error_text.lower()


def read_master(server, name):
    """SENTINEL MASTER name as a dict, or None when the Sentinel does not monitor name.

    server: a client.RedisServer logged in to the Sentinel; any other error
    (connection, authentication) propagates as RedisModuleError.
    """
    try:
        return reply_to_dict(server.read('SENTINEL', 'MASTER', name))
    except RedisModuleError as exc:
        if exc.reply and is_no_such_master(exc.reply):
            return None
        raise
