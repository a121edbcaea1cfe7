# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading `INFO replication` into the vocabulary the modules return."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.redisops.sentinel.plugins.module_utils.reply_values import int_or_none

_REPLICA_KEY = re.compile(r'^slave(\d+)$')


def _replica_entry(value):
    # redis-py parses "ip=..,port=..,state=..,offset=..,lag=.." into a dict;
    # some versions leave it as the raw string.
    if not isinstance(value, dict):
        value = dict(part.split('=', 1) for part in str(value).split(',') if '=' in part)
    return dict(
        ip=value.get('ip'),
        port=int_or_none(value.get('port')),
        state=value.get('state'),
        offset=int_or_none(value.get('offset')),
        lag=int_or_none(value.get('lag')),
    )


def replication_state(info):
    """The `replication` result: role, primary, link and the replicas seen."""
    is_primary = info.get('role') == 'master'
    numbered = sorted((int(match.group(1)), key)
                      for key, match in ((key, _REPLICA_KEY.match(key)) for key in info) if match)
    replicas = [_replica_entry(info[key]) for _number, key in numbered]
    return dict(
        role='primary' if is_primary else 'replica',
        primary_host=None if is_primary else info.get('master_host'),
        primary_port=None if is_primary else int_or_none(info.get('master_port')),
        link_status=None if is_primary else info.get('master_link_status'),
        sync_in_progress=False if is_primary else bool(int_or_none(info.get('master_sync_in_progress', 0))),
        master_repl_offset=int_or_none(info.get('master_repl_offset')),
        connected_replicas=int_or_none(info.get('connected_slaves', 0)),
        replicas=replicas,
    )
