#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: account_status
short_description: Look at the service account and the directories the roles create for it
description:
  - Reports, in one module run, what the roles of the collection decide on before they create the service
    account and its directories - whether the group exists, whether the user is as the user task would leave it
    (or must not be touched), and which directories lack the wanted owner, group or mode.
  - Accounts are looked up as C(getent) does (through NSS, so directory services count too); a name of digits
    only is looked up as an id.
  - Changes nothing, and runs in check mode too.
version_added: 0.1.0
author:
  - redisops.sentinel developers (@redisops)
extends_documentation_fragment:
  - redisops.sentinel.attributes.info
options:
  user:
    description: The service user, C(redis_user); it owns the directories.
    type: str
    required: true
  group:
    description: The user's primary group, C(redis_group); it is the directories' group.
    type: str
    required: true
  home:
    description: The home the user should have, C(redis_data_root).
    type: path
    required: true
  shell:
    description: The login shell the user should have.
    type: str
    default: /usr/sbin/nologin
  directories:
    description: The directories the roles create, each owned by O(user) and O(group).
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: The directory.
        type: path
        required: true
      mode:
        description: Its mode, octal digits as a string (C("0750")) or a number.
        type: raw
        required: true
seealso:
  - module: redisops.sentinel.instance_status
'''

EXAMPLES = r'''
- name: Look at the service account and the directories
  redisops.sentinel.account_status:
    user: redis
    group: redis
    home: /var/lib/redis
    directories:
      - {path: /etc/redis, mode: "0750"}
      - {path: /var/run/redis, mode: "0755"}
  register: account

- name: Create the group that owns Redis files
  ansible.builtin.group:
    name: redis
    system: true
  when: not account.group_exists
'''

RETURN = r'''
group:
  description: The group O(group) names; null when there is none.
  returned: always
  type: dict
  sample: {name: redis, gid: 998}
  contains:
    name:
      description: Its name.
      type: str
    gid:
      description: Its id.
      type: int
group_exists:
  description: Whether RV(group) was found.
  returned: always
  type: bool
user:
  description: The user O(user) names; null when there is none.
  returned: always
  type: dict
  sample: {name: redis, uid: 998, gid: 998, home: /var/lib/redis, shell: /usr/sbin/nologin}
  contains:
    name:
      description: Its name.
      type: str
    uid:
      description: Its id.
      type: int
    gid:
      description: The id of its primary group.
      type: int
    home:
      description: Its home directory.
      type: str
    shell:
      description: Its login shell.
      type: str
user_in_place:
  description:
    - Whether the user needs no change - it exists with O(group) as its primary group, O(home) and O(shell).
    - Also true for an existing account that is not a system account (root, or a person's - uid 0, or 1000 and
      more) whatever it looks like, as changing it would take away its home and shell.
  returned: always
  type: bool
directories:
  description:
    - For each of O(directories), its owner, group and mode as C(stat -c %U:%G:%a) prints them (mode in octal
      digits without leading zeros); empty when it is absent. A symbolic link counts as the directory it points
      to, which the file module sets up.
  returned: always
  type: dict
  sample: {/etc/redis: "redis:redis:750", /var/run/redis: ""}
directories_to_fix:
  description: Those of O(directories) that are absent or whose owner, group or mode differ from O(user), O(group) and their mode.
  returned: always
  type: list
  elements: str
  sample: [/var/run/redis]
'''

import grp
import os
import pwd
import stat

from ansible.module_utils.basic import AnsibleModule

# uids 1 to 999 are system accounts (SYS_UID_MAX of Debian and Red Hat); 0 is root, 1000 and more are people.
FIRST_PERSON_UID = 1000


def _entry(by_name, by_id, key):
    """The account entry as `getent` finds it: digits are an id, anything else a name; None when none."""
    try:
        return by_id(int(key)) if key.isdigit() else by_name(key)
    except (KeyError, OverflowError):
        return None


def find_group(name):
    entry = _entry(grp.getgrnam, grp.getgrgid, name)
    return None if entry is None else {'name': entry.gr_name, 'gid': entry.gr_gid}


def find_user(name):
    entry = _entry(pwd.getpwnam, pwd.getpwuid, name)
    if entry is None:
        return None
    return {'name': entry.pw_name, 'uid': entry.pw_uid, 'gid': entry.pw_gid, 'home': entry.pw_dir,
            'shell': entry.pw_shell}


def user_in_place(user, group, wanted):
    """Whether the user task can be skipped: the account has the primary group, home and shell that task sets
    (`wanted` is {name, home, shell}). An account that exists and is not a system account is never changed:
    a redis_user naming root or a person would otherwise take away their home and shell."""
    if user is None or user['name'] != wanted['name']:
        return False
    if not 0 < user['uid'] < FIRST_PERSON_UID:
        return True
    return (group is not None and user['gid'] == group['gid']
            and user['home'] == wanted['home'] and user['shell'] == wanted['shell'])


def _name(lookup, number):
    # stat's %U and %G for an id without a name.
    try:
        return lookup(number)[0]
    except KeyError:
        return 'UNKNOWN'


def ownership(path):
    """USER:GROUP:MODE as `stat -c %U:%G:%a` prints it, of what a link points to; '' when there is nothing."""
    try:
        info = os.stat(path)
    except OSError:
        return ''
    return '%s:%s:%o' % (_name(pwd.getpwuid, info.st_uid), _name(grp.getgrgid, info.st_gid),
                         stat.S_IMODE(info.st_mode))


def octal_mode(mode):
    """A mode given as octal digits ("0750") or as a number (0o750 in YAML); ValueError otherwise."""
    if isinstance(mode, int) and not isinstance(mode, bool):
        return mode
    try:
        return int(str(mode), 8)
    except ValueError:
        raise ValueError('the mode %r is neither octal digits nor a number' % (mode,))


def look(params):
    group = find_group(params['group'])
    user = find_user(params['user'])
    directories = {}
    to_fix = []
    for directory in params['directories']:
        found = ownership(directory['path'])
        directories[directory['path']] = found
        wanted = '%s:%s:%o' % (params['user'], params['group'], octal_mode(directory['mode']))
        if found != wanted:
            to_fix.append(directory['path'])
    return {
        'group': group,
        'group_exists': group is not None,
        'user': user,
        'user_in_place': user_in_place(user, group, {'name': params['user'], 'home': params['home'],
                                                     'shell': params['shell']}),
        'directories': directories,
        'directories_to_fix': to_fix,
    }


def main():
    module = AnsibleModule(
        argument_spec=dict(
            user=dict(type='str', required=True),
            group=dict(type='str', required=True),
            home=dict(type='path', required=True),
            shell=dict(type='str', default='/usr/sbin/nologin'),
            directories=dict(type='list', elements='dict', default=[], options=dict(
                path=dict(type='path', required=True),
                mode=dict(type='raw', required=True),
            )),
        ),
        supports_check_mode=True,
    )
    try:
        result = look(module.params)
    except ValueError as exc:
        module.fail_json(msg='directories: %s' % exc)
    module.exit_json(changed=False, **result)


if __name__ == '__main__':
    main()
