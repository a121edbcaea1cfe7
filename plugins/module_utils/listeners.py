# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which program listens on a TCP port of this host, from Linux's /proc.

/proc/net/tcp and /proc/net/tcp6 list every socket of the host's network
namespace, whoever owns it; the process behind a socket is the one with a
file descriptor pointing at its inode, which /proc/<pid>/fd shows for root,
or for one's own processes only.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import platform
import pwd
import socket
import struct

from ansible_collections.redisops.sentinel.plugins.module_utils.addresses import resolve

TCP_LISTEN = '0A'
PROGRAM_MAX_CHARS = 120
# Redis's `bind` spellings of the wildcard addresses.
WILDCARDS = {'*': '0.0.0.0', '::*': '::'}


class ProcUnavailable(Exception):
    """This host has no /proc/net/tcp (not Linux, or /proc not mounted)."""


def _decode_address(hex_address):
    """An address of /proc/net/tcp{,6}: 32-bit words in host byte order."""
    words = [int(hex_address[i:i + 8], 16) for i in range(0, len(hex_address), 8)]
    packed = b''.join(struct.pack('=I', word) for word in words)
    if len(packed) == 4:
        return socket.inet_ntop(socket.AF_INET, packed)
    if packed[:12] == b'\0' * 10 + b'\xff\xff':
        # An IPv4-mapped address (::ffff:a.b.c.d) is that IPv4 address.
        return socket.inet_ntop(socket.AF_INET, packed[12:])
    return socket.inet_ntop(socket.AF_INET6, packed)


def tcp_listeners(proc='/proc'):
    """Every listening TCP socket: dicts of address, port, uid and inode."""
    tables = [os.path.join(proc, 'net', name) for name in ('tcp', 'tcp6')]
    if not os.path.exists(tables[0]):
        raise ProcUnavailable('this host has no %s, where port_check reads which TCP ports are in use: it works on '
                              'Linux only (this host runs %s)' % (tables[0], platform.system()))
    found = []
    for table in tables:
        if not os.path.exists(table):
            # IPv6 disabled.
            continue
        with open(table) as lines:
            next(lines)
            for line in lines:
                fields = line.split()
                if len(fields) < 10 or fields[3] != TCP_LISTEN:
                    continue
                address, port = fields[1].split(':')
                found.append(dict(address=_decode_address(address), port=int(port, 16), uid=int(fields[7]),
                                  inode=int(fields[9])))
    return found


def _family(ip):
    return socket.AF_INET6 if ':' in ip else socket.AF_INET


def _bind_ips(addresses):
    """The IPs a list of Redis bind addresses stands for; None for all of them."""
    if addresses is None:
        return None
    ips = set()
    for address in addresses:
        # A leading '-' marks an address Redis skips when it is not available.
        address = address.strip()
        address = WILDCARDS.get(address.lstrip('-'), address.lstrip('-'))
        ips |= resolve(address)
    return ips


def overlaps(listener_ip, bind_ips):
    """Whether a listener on listener_ip stops Redis from binding the same port on one of bind_ips.

    Redis binds its IPv6 sockets IPv6-only, so an IPv4 listener never blocks
    them; an IPv6 wildcard listener may be dual-stack (its IPV6_V6ONLY is not
    in /proc), and is taken to block IPv4 as well.
    """
    if bind_ips is None:
        return True
    for ip in bind_ips:
        if ip == listener_ip:
            return True
        if listener_ip == '::' or (listener_ip == '0.0.0.0' and _family(ip) == socket.AF_INET):
            return True
        if ip in ('0.0.0.0', '::') and _family(ip) == _family(listener_ip):
            return True
    return False


def _read(path, mode='r'):
    try:
        with open(path, mode) as handle:
            return handle.read()
    except (IOError, OSError):
        return None


def socket_holders(inodes, proc='/proc'):
    """The pids holding each of the socket inodes, as {inode: [pid, ...]}; a
    socket of a process this user cannot look into is missing."""
    wanted = dict(('socket:[%d]' % inode, inode) for inode in inodes)
    holders = {}
    if not wanted:
        return holders
    for entry in os.listdir(proc):
        if not entry.isdigit():
            continue
        fd_dir = os.path.join(proc, entry, 'fd')
        try:
            fds = os.listdir(fd_dir)
        except OSError:
            # Another user's process, or one that just exited.
            continue
        for fd in fds:
            try:
                target = os.readlink(os.path.join(fd_dir, fd))
            except OSError:
                continue
            if target in wanted:
                holders.setdefault(wanted[target], []).append(int(entry))
    for pids in holders.values():
        pids.sort()
    return holders


def user_name(uid):
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def describe_process(pid, proc='/proc'):
    """pid, user, command (comm) and program (the command line, shortened) of a process."""
    directory = os.path.join(proc, str(pid))
    try:
        uid = os.stat(directory).st_uid
    except OSError:
        uid = None
    command = (_read(os.path.join(directory, 'comm')) or '').strip()
    raw = _read(os.path.join(directory, 'cmdline'), 'rb') or b''
    # Redis pads the process title it writes over its arguments with spaces.
    program = ' '.join(raw.decode('utf-8', 'replace').replace('\0', ' ').split())
    if len(program) > PROGRAM_MAX_CHARS:
        program = program[:PROGRAM_MAX_CHARS - 3] + '...'
    return dict(pid=pid, user=None if uid is None else user_name(uid), command=command,
                program=program or ('[%s]' % command if command else ''))


def pidfile_pid(pidfile, proc='/proc'):
    """The pid a pidfile names while that process is alive (a zombie is not), else None."""
    if not pidfile:
        return None
    text = (_read(pidfile) or '').strip()
    if not text.isdigit():
        return None
    pid = int(text)
    if not _read(os.path.join(proc, str(pid), 'cmdline'), 'rb'):
        return None
    return pid


def _is_redis(pid, proc='/proc'):
    described = describe_process(pid, proc)
    return any(name in (described['command'] + ' ' + described['program']).lower() for name in ('redis', 'valkey'))


def _fds_visible(pid, proc='/proc'):
    """Whether this user can see what a process's file descriptors point at.

    Root without CAP_SYS_PTRACE (as in a container) can list another user's
    /proc/<pid>/fd, but not read its links.
    """
    fd_dir = os.path.join(proc, str(pid), 'fd')
    try:
        fds = os.listdir(fd_dir)
    except OSError:
        return False
    for fd in fds:
        try:
            os.readlink(os.path.join(fd_dir, fd))
            return True
        except OSError:
            continue
    return False


def _listener_state(listener, holders, own_pid, proc):
    """One listener as the port's result reports it: who holds it and whether it is the instance's own."""
    pids = holders.get(listener['inode'], [])
    entry = dict(address=listener['address'], socket_user=user_name(listener['uid']))
    if pids:
        pid = own_pid if own_pid in pids else pids[0]
        entry.update(describe_process(pid, proc), visible=True, own=pid == own_pid)
    else:
        entry.update(pid=None, user=None, command='', program='', visible=False,
                     # Only the pidfile can tell: its process is a live Redis whose sockets this user cannot see.
                     own=own_pid is not None and not _fds_visible(own_pid, proc) and _is_redis(own_pid, proc))
    return entry


def conflict_message(port_result):
    """The sentence that tells why a port cannot be used and what to do."""
    variable = port_result.get('variable') or 'port'
    subject = '%s %d' % (variable, port_result['port'])
    if port_result.get('name'):
        subject += ' (%s on this host)' % port_result['name']
    holder = port_result['holder']
    if holder['visible']:
        by = 'pid %d, user %s: %s' % (holder['pid'], holder['user'], holder['program'])
        if holder['command'] and any(name in holder['command'] for name in ('redis', 'valkey')) \
                and port_result.get('pidfile'):
            by += ' (not the process its pidfile %s names)' % port_result['pidfile']
    else:
        if os.geteuid() == 0:
            unseen = 'a process that root cannot see here (it needs CAP_SYS_PTRACE, which containers often lack)'
        else:
            unseen = 'a process this user cannot see (run as root to name it)'
        by = '%s; the socket belongs to user %s' % (unseen, holder['socket_user'])
    return '%s is already in use by %s. Stop that program or choose another %s.' % (subject, by, variable)


def check_ports(ports, proc='/proc'):
    """Whether each of `ports` (dicts: port, addresses, name, pidfile, variable) is
    free, held by its own instance, or held by another program.

    Returns (results, conflicts): one dict a port (the input's keys, plus
    state free|own|foreign, pid, user, command, program and listeners) and the
    sentences that tell about each foreign one.
    """
    listeners = tcp_listeners(proc)
    relevant = []
    for wanted in ports:
        bind_ips = _bind_ips(wanted.get('addresses'))
        relevant.append([listener for listener in listeners
                         if listener['port'] == wanted['port'] and overlaps(listener['address'], bind_ips)])
    holders = socket_holders(set(listener['inode'] for found in relevant for listener in found), proc)

    results = []
    conflicts = []
    for wanted, found in zip(ports, relevant):
        own_pid = pidfile_pid(wanted.get('pidfile'), proc)
        states = [_listener_state(listener, holders, own_pid, proc) for listener in found]
        foreign = [state for state in states if not state['own']]
        holder = (foreign or states or [None])[0]
        result = dict(wanted, state='foreign' if foreign else ('own' if states else 'free'), listeners=states,
                      pid=holder and holder['pid'], user=holder and (holder['user'] or holder['socket_user']),
                      command=holder and holder['command'], program=holder and holder['program'])
        results.append(result)
        if foreign:
            conflicts.append(conflict_message(dict(result, holder=holder)))
    conflicts.extend(_shared_ports(ports))
    return results, conflicts


def _shared_ports(ports):
    """Sentences about two instances of the list that would bind the same port."""
    sentences = []
    by_port = {}
    for wanted in ports:
        by_port.setdefault(wanted['port'], []).append(wanted)
    for port, claims in sorted(by_port.items()):
        names = sorted(set(claim.get('name') or '' for claim in claims))
        if len(names) > 1:
            sentences.append('Port %d is set for %s on this host: give each its own port.' % (
                port, ' and '.join('%s (%s)' % (claim.get('variable') or 'port', claim.get('name') or 'unnamed')
                                   for claim in claims)))
    return sentences
