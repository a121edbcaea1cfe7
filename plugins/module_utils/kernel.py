# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The kernel settings Redis asks for at startup, and the files that keep them.

Redis and Sentinel log a warning at startup when vm.overcommit_memory is not 1
(a background save or a full sync can then fail, even with memory free), when
transparent huge pages are "always" and Redis cannot turn them off for itself,
and when net.core.somaxconn is below tcp-backlog (511). This module plans and
applies them: the runtime value, and a file that keeps it across reboots
(/etc/sysctl.d for sysctls, read by systemd-sysctl and procps alike;
/etc/tmpfiles.d for the huge pages, which no sysctl holds). Each file records
the value the setting had before the collection changed it, so that removing it
restores that value.

A setting this host cannot change (a container shares its machine's kernel and
sees /proc/sys read-only; a user other than root may not write it) is not an
error: it becomes a notice naming what to do on the machine.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import os
import re

from ansible_collections.redisops.sentinel.plugins.module_utils.files import write_file

SYSCTL_FILE = '/etc/sysctl.d/60-redisops-sentinel.conf'
TMPFILES_FILE = '/etc/tmpfiles.d/redisops-sentinel-thp.conf'
THP_PATH = '/sys/kernel/mm/transparent_hugepage/enabled'
THP_NAME = 'transparent_hugepage'
OVERCOMMIT = 'vm.overcommit_memory'
SOMAXCONN = 'net.core.somaxconn'

HEADER = ('# Written by redisops.sentinel (kernel_settings): what Redis asks for at startup.\n'
          '# Removing the collection\'s last instance of this machine removes this file and\n'
          '# restores each value of a "before:" line that is still in effect.\n')
BEFORE = re.compile(r'^#\s*before:\s*(\S+)\s*=\s*(\S*)\s*$')
SYSCTL_LINE = re.compile(r'^\s*([A-Za-z0-9_.]+)\s*=\s*(\S+)\s*$')
TMPFILES_LINE = re.compile(r'^\s*w\s+' + re.escape(THP_PATH) + r'\s+(?:-\s+){4}(\S+)\s*$')

# Errors that mean "this host may not change it", reported as notices, not failures.
NOT_HERE = (errno.EROFS, errno.EACCES, errno.EPERM)


class KernelError(Exception):
    """A failure that is not one of NOT_HERE: the module fails with it."""


def sysctl_path(name, root='/proc/sys'):
    return os.path.join(root, *name.split('.'))


def selected_thp(text):
    """The mode in brackets of /sys/kernel/mm/transparent_hugepage/enabled ("always [madvise] never")."""
    found = re.search(r'\[(\w+)\]', text)
    return found.group(1) if found else text.strip()


class Setting(object):
    """One setting: where it lives, its value now, and the value wanted."""

    def __init__(self, name, path, current, wanted, satisfied, persist):
        self.name = name
        self.path = path
        self.current = current
        self.wanted = wanted
        self.satisfied = satisfied
        self.persist = persist  # 'sysctl' or 'tmpfiles'


def wanted_settings(readings, overcommit_memory, somaxconn, transparent_hugepage):
    """The settings to manage, from the current readings {name: value or None (absent)}.

    overcommit_memory: bool; somaxconn: the minimum (0: leave it); transparent_hugepage:
    madvise, never or keep. A setting the kernel does not have (None) is left out."""
    settings = []
    current = readings.get(OVERCOMMIT)
    if overcommit_memory and current is not None:
        settings.append(Setting(OVERCOMMIT, sysctl_path(OVERCOMMIT), current, '1', current == '1', 'sysctl'))
    current = readings.get(SOMAXCONN)
    if somaxconn and current is not None:
        low = not current.isdigit() or int(current) < somaxconn
        settings.append(Setting(SOMAXCONN, sysctl_path(SOMAXCONN), current, str(somaxconn) if low else current,
                                not low, 'sysctl'))
    current = readings.get(THP_NAME)
    if transparent_hugepage != 'keep' and current is not None:
        # madvise asks for no more than never gives: never satisfies it.
        ok = current == transparent_hugepage or (transparent_hugepage == 'madvise' and current == 'never')
        settings.append(Setting(THP_NAME, THP_PATH, current, current if ok else transparent_hugepage, ok,
                                'tmpfiles'))
    return settings


def parse_persisted(text, kind):
    """{name: {'value': v, 'before': b or None}} of a file this module wrote."""
    entries = {}
    before = {}
    for line in (text or '').splitlines():
        found = BEFORE.match(line)
        if found:
            before[found.group(1)] = found.group(2)
            continue
        if line.lstrip().startswith('#'):
            continue
        if kind == 'sysctl':
            found = SYSCTL_LINE.match(line)
            if found:
                entries[found.group(1)] = dict(value=found.group(2), before=before.get(found.group(1)))
        else:
            found = TMPFILES_LINE.match(line)
            if found:
                entries[THP_NAME] = dict(value=found.group(1), before=before.get(THP_NAME))
    return entries


def render_persisted(entries, kind):
    """The file's text for entries as parse_persisted returns them; None when there are none."""
    if not entries:
        return None
    lines = [HEADER]
    for name in sorted(entries):
        entry = entries[name]
        if entry.get('before') is not None:
            lines.append('# before: %s = %s\n' % (name, entry['before']))
        if kind == 'sysctl':
            lines.append('%s = %s\n' % (name, entry['value']))
        else:
            lines.append('w %s - - - - %s\n' % (THP_PATH, entry['value']))
    return ''.join(lines)


def plan_persisted(settings, persisted, kind, changeable):
    """The entries the file of this kind should hold: every managed setting this module
    changed once (already in the file) or changes now, with the wanted value and the value
    it had before the first change. A setting no longer managed leaves the file (its runtime
    value stays as it is); one this host cannot change is not written (a container's files
    would pretend to set what its machine decides)."""
    entries = {}
    for setting in settings:
        if setting.persist != kind or setting.name not in changeable:
            continue
        known = persisted.get(setting.name)
        if known is None and setting.satisfied:
            continue
        before = known['before'] if known else setting.current
        entries[setting.name] = dict(value=setting.wanted, before=before)
    return entries


def not_here_notice(setting, reason):
    how = {
        OVERCOMMIT: 'sysctl -w vm.overcommit_memory=1 and the same line in a file of /etc/sysctl.d',
        SOMAXCONN: 'sysctl -w net.core.somaxconn=%s and the same line in a file of /etc/sysctl.d' % setting.wanted,
        THP_NAME: 'echo %s > %s at every boot' % (setting.wanted, THP_PATH),
    }[setting.name]
    why = {
        OVERCOMMIT: 'else a background save or a full sync can fail even with memory free',
        SOMAXCONN: 'else the kernel shortens Redis\'s tcp-backlog',
        THP_NAME: 'else Redis must turn them off for its own processes (disable-thp)',
    }[setting.name]
    return ('%s is %s and Redis asks for %s (%s), but this host cannot change it (%s); on the machine that runs '
            'it, as root: %s. Set redis_kernel_settings: false to leave the kernel alone without this notice.'
            % (setting.name, setting.current, setting.wanted, why, reason, how))


def read_value(path):
    """The value in path, or None when the kernel has no such file."""
    try:
        with open(path) as handle:
            text = handle.read().strip()
    except (IOError, OSError) as error:
        if error.errno in (errno.ENOENT, errno.ENOTDIR):
            return None
        raise KernelError('could not read %s: %s' % (path, error.strerror or error))
    return selected_thp(text) if path == THP_PATH else ' '.join(text.split())


def read_file(path):
    try:
        with open(path) as handle:
            return handle.read()
    except (IOError, OSError) as error:
        if error.errno == errno.ENOENT:
            return None
        raise KernelError('could not read %s: %s' % (path, error.strerror or error))


def why_not_writable(path):
    """None when this process may write path; else the reason, as the kernel would give it."""
    if os.access(path, os.W_OK):
        return None
    try:
        statvfs = os.statvfs(path)
        if statvfs.f_flag & os.ST_RDONLY:
            return '%s: read-only file system, as in a container, which shares its machine\'s kernel' % path
    except OSError:
        pass
    return '%s: permission denied to uid %d; only root may change it' % (path, os.getuid())


def write_value(path, value):
    """Writes value to a /proc/sys or /sys file; returns None, or the reason it may not here."""
    try:
        with open(path, 'w') as handle:
            handle.write(value + '\n')
    except (IOError, OSError) as error:
        if error.errno in NOT_HERE:
            return '%s: %s' % (path, error.strerror)
        raise KernelError('could not write %s to %s: %s' % (value, path, error.strerror or error))
    return None


def write_text(path, text):
    """Writes text to path atomically (files.write_file), world-readable as sysctl files are."""
    try:
        write_file(path, text.encode('utf-8'), 0o644)
    except (IOError, OSError) as error:
        raise KernelError('could not write %s: %s' % (path, error.strerror or error))


def remove_file(path):
    try:
        os.unlink(path)
    except (IOError, OSError) as error:
        if error.errno != errno.ENOENT:
            raise KernelError('could not remove %s: %s' % (path, error.strerror or error))
