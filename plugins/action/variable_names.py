# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Report the variables with the collection's prefixes that none of its roles knows (typos)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import difflib
import os
import re

import yaml

from ansible.errors import AnsibleActionFail
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

display = Display()

COLLECTION = 'redisops.sentinel'
PREFIXES = ('redis_', 'sentinel_', 'redisops_')
STRICT_VARIABLE = 'redisops_strict_variables'
# How alike a name and a declared one must be (difflib's ratio) for a suggestion.
SUGGESTION_CUTOFF = 0.8
# And how alike once the prefix is set aside.
TAIL_CUTOFF = 0.6

# An identifier with one of the prefixes, not the tail of a longer one (__redis_x is not redis_x).
_IDENTIFIER = re.compile(r'(?<![A-Za-z0-9_])(?:%s)[A-Za-z0-9_]+' % '|'.join(PREFIXES))
# A comment (YAML's, or a line of a template's comment): prose, which may name a typo as an example.
_COMMENT = re.compile(r'(?:^|(?<=\s))#.*$', re.M)
# The collection's root: plugins/action/<this file>.
_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# (declared, known) by collection root, for the life of the process. Ansible runs each task in a new worker
# process, so a play pays for one reading (a few milliseconds) per call; the names are read only when needed.
_NAMES_CACHE = {}


def _files(top, suffixes):
    for directory, subdirectories, files in os.walk(top):
        subdirectories.sort()
        for name in sorted(files):
            if name.endswith(suffixes):
                yield os.path.join(directory, name)


def _read(path):
    with open(path, encoding='utf-8') as text:
        return text.read()


def collection_names(root=_ROOT):
    """(declared, known): the options of every entry point of every role's argument specs, and those plus every
    prefixed identifier in the other files of the roles and the playbooks (defaults, vars, set_fact, register,
    loop_var, templates): what the collection itself sets or reads."""
    if root in _NAMES_CACHE:
        return _NAMES_CACHE[root]
    roles = os.path.join(root, 'roles')
    if not os.path.isdir(roles):
        raise AnsibleActionFail('%s: no roles directory in %s' % (COLLECTION, root))
    loader = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)
    declared = set()
    for role in sorted(os.listdir(roles)):
        specs_path = os.path.join(roles, role, 'meta', 'argument_specs.yml')
        if not os.path.isfile(specs_path):
            continue
        try:
            specs = yaml.load(_read(specs_path), Loader=loader) or {}  # nosec: a safe loader
        except yaml.YAMLError as error:
            raise AnsibleActionFail('%s: cannot read %s: %s' % (COLLECTION, specs_path, error))
        for entry_point in (specs.get('argument_specs') or {}).values():
            declared.update((entry_point or {}).get('options') or {})
    known = set(declared)
    # Not the argument specs again: their descriptions are prose, which may name a typo as an example.
    paths = [path for path in _files(roles, ('.yml', '.yaml', '.j2')) if os.path.basename(path) != 'argument_specs.yml']
    paths.extend(_files(os.path.join(root, 'playbooks'), ('.yml', '.yaml')))
    for path in paths:
        known.update(_IDENTIFIER.findall(_COMMENT.sub('', _read(path))))
    _NAMES_CACHE[root] = (frozenset(declared), frozenset(known))
    return _NAMES_CACHE[root]


def _tail(name):
    """name without its prefix: the part that tells apart names of one prefix."""
    for prefix in PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def suggestion(name, declared):
    """The declared name closest to name, or None when none is close.

    Close means alike as a whole and also once the prefix is set aside, which the long shared prefixes would
    otherwise make alike (sentinel_lines is not sentinel_bind).
    """
    lowered = name.lower()
    if lowered in declared:
        return lowered
    best, best_ratio = None, 0
    for candidate in sorted(declared):
        ratio = difflib.SequenceMatcher(None, lowered, candidate).ratio()
        if ratio >= SUGGESTION_CUTOFF and ratio > best_ratio and \
                difflib.SequenceMatcher(None, _tail(lowered), _tail(candidate)).ratio() >= TAIL_CUTOFF:
            best, best_ratio = candidate, ratio
    return best


def is_prefixed(name):
    return isinstance(name, str) and name.lower().startswith(PREFIXES)


def sentence(unknown):
    """What is wrong with one unknown name: its name and hosts, never its value."""
    text = '%s (set for %s) is not a variable of %s' % (unknown['name'], ', '.join(unknown['hosts']), COLLECTION)
    if unknown['suggestion']:
        text += ': did you mean %s?' % unknown['suggestion']
    return text


class ActionModule(ActionBase):
    """Report the prefixed variables that no role of the collection declares or uses."""

    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(('strict', 'hosts'))
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp

        dummy, args = self.validate_argument_spec(argument_spec=dict(
            strict=dict(type='bool'),
            hosts=dict(type='list', elements='str'),
        ))
        strict = args['strict']
        if strict is None:
            strict = self._strict_variable(task_vars)

        hostvars = task_vars.get('hostvars', {})
        calling = task_vars.get('inventory_hostname')
        hosts = args['hosts']
        if hosts is None:
            hosts = list(task_vars.get('ansible_play_hosts_all') or [])
        missing = [host for host in hosts if host not in hostvars]
        if missing:
            raise AnsibleActionFail('hosts: not hosts of the inventory: %s' % ', '.join(missing))
        if calling is not None and calling not in hosts:
            hosts = [calling] + hosts

        declared, known = collection_names()
        # Name -> the hosts it is set for, in the order of hosts. Only the keys are read, never a value.
        set_for = {}
        for host in hosts:
            host_names = set(name for name in hostvars[host] if is_prefixed(name) and name not in known)
            if host == calling:
                # The calling host also sees the play's variables (play vars, vars_files, role and include
                # parameters, task vars), which hold for every host of the play.
                for name in task_vars:
                    if is_prefixed(name) and name not in known and name not in host_names:
                        set_for.setdefault(name, set()).update(hosts)
            for name in host_names:
                set_for.setdefault(name, set()).add(host)

        unknown = [dict(name=name, hosts=[host for host in hosts if host in set_for[name]],
                        suggestion=suggestion(name, declared))
                   for name in sorted(set_for)]
        for item in unknown:
            item['message'] = sentence(item)
        result.update(changed=False, unknown=unknown)
        if unknown and strict:
            result['failed'] = True
            result['msg'] = '%d unknown variable%s, an error because %s is true. %s' % (
                len(unknown), '' if len(unknown) == 1 else 's', 'strict' if args['strict'] else STRICT_VARIABLE,
                ' '.join(sentence(item) + ('' if item['suggestion'] else '.') for item in unknown))
        else:
            for item in unknown:
                display.warning(sentence(item))
            result['msg'] = ('%d unknown variable%s' % (len(unknown), '' if len(unknown) == 1 else 's')
                             if unknown else 'No unknown variable')
        return result

    def _strict_variable(self, task_vars):
        if STRICT_VARIABLE not in task_vars:
            return False
        value = self._templar.template(task_vars[STRICT_VARIABLE])
        try:
            return boolean(value, strict=True)
        except TypeError:
            raise AnsibleActionFail('%s must be a boolean' % STRICT_VARIABLE)
