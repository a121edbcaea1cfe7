# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What Redis data instance directives accept, and when two spellings of a value are equal.

The lists below were read from Redis 7.0.15 itself (CONFIG SET of every
directive CONFIG GET reports); newer servers may know more, and the module
falls back on Redis's own answers for those.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

# Directives that take a memory value (CONFIG SET accepts 1k, 1kb, 1m, ...;
# CONFIG GET answers in bytes).
MEMORY_DIRECTIVES = frozenset((
    'active-defrag-ignore-bytes', 'auto-aof-rewrite-min-size', 'client-query-buffer-limit',
    'cluster-link-sendbuf-limit', 'hash-max-listpack-value', 'hash-max-ziplist-value', 'hll-sparse-max-bytes',
    'maxmemory', 'maxmemory-clients', 'proto-max-bulk-len', 'repl-backlog-size', 'stream-node-max-bytes',
    'zset-max-listpack-value', 'zset-max-ziplist-value',
))

# Enumerations Redis reads case-insensitively and reports in lower case
# (booleans, reported as yes/no, are recognised by their value).
ENUM_DIRECTIVES = frozenset((
    'acl-pubsub-default', 'appendfsync', 'cluster-preferred-endpoint-type', 'enable-debug-command',
    'enable-module-command', 'enable-protected-configs', 'loglevel', 'maxmemory-policy', 'oom-score-adj',
    'propagation-error-behavior', 'repl-diskless-load', 'sanitize-dump-payload', 'shutdown-on-sigint',
    'shutdown-on-sigterm', 'supervised', 'syslog-facility', 'tls-auth-clients',
))

# CONFIG SET answers "can't set immutable config" (or "can't set protected
# config", for dir and dbfilename unless enable-protected-configs is on):
# only the config file and a restart change them.
RESTART_DIRECTIVES = frozenset((
    'aclfile', 'always-show-logo', 'aof_rewrite_cpulist', 'appenddirname', 'appendfilename', 'bgsave_cpulist',
    'bio_cpulist', 'cluster-config-file', 'cluster-enabled', 'cluster-port', 'daemonize', 'databases',
    'dbfilename', 'dir', 'disable-thp', 'enable-debug-command', 'enable-module-command', 'enable-protected-configs',
    'io-threads', 'io-threads-do-reads', 'logfile', 'pidfile', 'rdbchecksum', 'server_cpulist', 'set-proc-title',
    'socket-mark-id', 'supervised', 'syslog-enabled', 'syslog-facility', 'syslog-ident', 'tcp-backlog',
    'unixsocket', 'unixsocketperm',
))
RUNTIME_REFUSALS = ("can't set immutable config", "can't set protected config")

# Valid in the config file only: CONFIG GET does not report them and CONFIG SET does not know them.
# Each may stand on several lines, one per command, module or included file.
FILE_ONLY_DIRECTIVES = frozenset(('rename-command', 'include', 'loadmodule'))

# Directives whose values are secrets, which must not be shown.
SECRET_DIRECTIVES = frozenset(('masterauth', 'requirepass', 'tls-client-key-file-pass', 'tls-key-file-pass'))

# Directives whose value is several arguments, so that a string value is
# written to the config file as it is rather than quoted as one argument.
MULTI_ARGUMENT_DIRECTIVES = FILE_ONLY_DIRECTIVES | frozenset((
    'bind', 'client-output-buffer-limit', 'latency-tracking-info-percentiles', 'oom-score-adj-values', 'save',
    'shutdown-on-sigint', 'shutdown-on-sigterm',
))

_MEMORY = re.compile(r'^(\d+)(b|k|kb|m|mb|g|gb)?$', re.IGNORECASE)
_MEMORY_FACTORS = {'': 1, 'b': 1, 'k': 1000, 'kb': 1024, 'm': 1000 ** 2, 'mb': 1024 ** 2,
                   'g': 1000 ** 3, 'gb': 1024 ** 3}
_BOOLEANS = ('yes', 'no')
# What the flag A of notify-keyspace-events stands for, in Redis 7.0.
_ALL_KEYSPACE_EVENTS = 'g$lshzxetd'
_BUFFER_CLASS_ALIASES = {'slave': 'replica'}


def memory_bytes(text):
    """A memory value in bytes, with Redis's units (k=1000, kb=1024, ...), or None when it is not one."""
    match = _MEMORY.match(text.strip())
    if not match:
        return None
    return int(match.group(1)) * _MEMORY_FACTORS[(match.group(2) or '').lower()]


def is_runtime_refusal(reply):
    """Whether a CONFIG SET error means that only a restart can change the directive."""
    return any(refusal in (reply or '') for refusal in RUNTIME_REFUSALS)


def value_arguments(value):
    """An option value as directive arguments: booleans are yes/no, lists are several arguments."""
    if isinstance(value, bool):
        return ['yes' if value else 'no']
    if isinstance(value, (list, tuple)):
        arguments = []
        for item in value:
            arguments.extend(value_arguments(item))
        return arguments
    return ['%s' % (value,)]


def value_text(value):
    """An option value as the one string CONFIG SET takes; `""` means empty, as in redis.conf."""
    text = ' '.join(value_arguments(value))
    return '' if text in ('""', "''") else text


def _buffer_limits(normal):
    """client-output-buffer-limit as {class: (hard bytes, soft bytes, seconds)}."""
    words = normal.split(' ') if normal else []
    if len(words) % 4:
        return None
    limits = {}
    for index in range(0, len(words), 4):
        hard, soft = memory_bytes(words[index + 1]), memory_bytes(words[index + 2])
        if hard is None or soft is None:
            return None
        name = words[index].lower()
        limits[_BUFFER_CLASS_ALIASES.get(name, name)] = (hard, soft, words[index + 3])
    return limits


def _keyspace_events(normal):
    return set(normal.replace('A', _ALL_KEYSPACE_EVENTS))


def _normal(name, text):
    """The comparable form of a value: whitespace collapsed, units and case as Redis reads them."""
    normal = ' '.join(('%s' % (text,)).split())
    if normal in ('""', "''"):
        return ''
    if name in MEMORY_DIRECTIVES and memory_bytes(normal) is not None:
        return '%d' % memory_bytes(normal)
    if name in ENUM_DIRECTIVES or normal.lower() in _BOOLEANS:
        return normal.lower()
    return normal


def same_value(name, reported, wanted):
    """Whether the value Redis reports for directive name is the wanted one, however it is spelled.

    For client-output-buffer-limit only the client classes that are wanted are compared,
    because Redis reports all three classes whichever ones were set.
    """
    if name == 'client-output-buffer-limit':
        have, want = _buffer_limits(_normal(name, reported)), _buffer_limits(_normal(name, wanted))
        if have is not None and want is not None:
            return all(have.get(client_class) == limits for client_class, limits in want.items())
    if name == 'notify-keyspace-events':
        return _keyspace_events(_normal(name, reported)) == _keyspace_events(_normal(name, wanted))
    return _normal(name, reported) == _normal(name, wanted)
