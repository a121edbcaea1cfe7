#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: kernel_settings
short_description: Give a machine the kernel settings Redis asks for at startup, or take them back
description:
  - Redis and Sentinel log a warning at startup when C(vm.overcommit_memory) is not 1 (a background save or a full
    sync can then fail with memory free), when transparent huge pages are C(always) and Redis cannot turn them off
    for itself, and when C(net.core.somaxconn) is below Redis's C(tcp-backlog). With O(state=present) the module
    sets each at runtime and keeps it across reboots in O(sysctl_file) (read at boot by systemd-sysctl and by
    procps) and, for the huge pages, which no sysctl holds, in O(tmpfiles_file) when the host has
    C(/etc/tmpfiles.d) (systemd-tmpfiles).
  - The files record each value as it was before the first change; O(state=absent) removes them and restores those
    values, where they are still the ones the module set.
  - A setting the host cannot change is not an error (a container shares its machine's kernel and sees C(/proc/sys)
    read-only; a user other than root may not write it). Such a setting is left alone, kept out of the files, and
    returned in RV(notices) with what to do on the machine.
version_added: 0.1.0
author:
  - redisops.sentinel developers (@redisops)
extends_documentation_fragment:
  - redisops.sentinel.attributes.changes
options:
  state:
    description: C(present) applies and keeps the settings; C(absent) removes the files and restores the values before.
    type: str
    choices: [present, absent]
    default: present
  overcommit_memory:
    description: Set C(vm.overcommit_memory) to 1, as Redis asks. False leaves it (and its line in the file) alone.
    type: bool
    default: true
  somaxconn:
    description: The least C(net.core.somaxconn) to keep (Redis's C(tcp-backlog)); a higher value stays. 0 leaves it.
    type: int
    default: 511
  transparent_hugepage:
    description:
      - The mode of transparent huge pages. C(madvise) (only where a program asks; C(never) is kept too, as it asks
        for less) or C(never); C(keep) leaves them alone.
    type: str
    choices: [madvise, never, keep]
    default: madvise
  sysctl_file:
    description: The file of the sysctl settings.
    type: path
    default: /etc/sysctl.d/60-redisops-sentinel.conf
  tmpfiles_file:
    description: The systemd-tmpfiles file that sets the huge pages at boot; not written when its directory is missing.
    type: path
    default: /etc/tmpfiles.d/redisops-sentinel-thp.conf
notes:
  - Runs as root to change anything; as another user every setting that is not as wanted becomes a notice.
seealso:
  - name: Redis administration, Linux
    description: The settings Redis recommends.
    link: https://redis.io/docs/latest/operate/oss_and_stack/management/admin/
'''

EXAMPLES = r'''
- name: Give the machine the kernel settings Redis asks for
  redisops.sentinel.kernel_settings:
  register: kernel

- name: Keep what this host could not change for the summary
  redisops.sentinel.notice:
    msg: "{{ item }}"
  loop: "{{ kernel.notices }}"

- name: Take them back when the machine runs no Redis any more
  redisops.sentinel.kernel_settings:
    state: absent
'''

RETURN = r'''
settings:
  description: Each managed setting (C(vm.overcommit_memory), C(net.core.somaxconn), C(transparent_hugepage)) with
    C(before) and C(after) (the value now, or with O(state=absent) the value restored) and C(path).
  returned: always
  type: list
  elements: dict
  sample: [{name: vm.overcommit_memory, path: /proc/sys/vm/overcommit_memory, before: "0", after: "1"}]
notices:
  description: One sentence per setting that is not as wanted and that this host cannot change, with what to do.
  returned: always
  type: list
  elements: str
files:
  description: The files written or removed (or, in check mode, that would be).
  returned: always
  type: list
  elements: str
'''

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.redisops.sentinel.plugins.module_utils.kernel import (
    OVERCOMMIT,
    SOMAXCONN,
    SYSCTL_FILE,
    TMPFILES_FILE,
    THP_NAME,
    THP_PATH,
    KernelError,
    not_here_notice,
    parse_persisted,
    plan_persisted,
    read_file,
    read_value,
    remove_file,
    render_persisted,
    sysctl_path,
    wanted_settings,
    why_not_writable,
    write_text,
    write_value,
)

PATHS = {OVERCOMMIT: sysctl_path(OVERCOMMIT), SOMAXCONN: sysctl_path(SOMAXCONN), THP_NAME: THP_PATH}


def argument_spec():
    return dict(
        state=dict(type='str', choices=['present', 'absent'], default='present'),
        overcommit_memory=dict(type='bool', default=True),
        somaxconn=dict(type='int', default=511),
        transparent_hugepage=dict(type='str', choices=['madvise', 'never', 'keep'], default='madvise'),
        sysctl_file=dict(type='path', default=SYSCTL_FILE),
        tmpfiles_file=dict(type='path', default=TMPFILES_FILE),
    )


def input_errors(params):
    if params['somaxconn'] < 0:
        return ['somaxconn must be 0 (leave it) or a positive number, got %d' % params['somaxconn']]
    return []


def files_of(params):
    """(kind, path) of the files this module keeps; the tmpfiles one only where systemd-tmpfiles reads it."""
    files = [('sysctl', params['sysctl_file'])]
    if params['state'] == 'absent' or os.path.isdir(os.path.dirname(params['tmpfiles_file'])):
        files.append(('tmpfiles', params['tmpfiles_file']))
    return files


def present(params, check_mode):
    readings = dict((name, read_value(path)) for name, path in PATHS.items())
    settings = wanted_settings(readings, params['overcommit_memory'], params['somaxconn'],
                               params['transparent_hugepage'])
    refused = dict((setting.name, why_not_writable(setting.path)) for setting in settings)
    changeable = set(name for name, reason in refused.items() if reason is None)
    file_changes = []
    for kind, path in files_of(params):
        old_text = read_file(path)
        persisted = parse_persisted(old_text, kind)
        entries = plan_persisted(settings, persisted, kind, changeable)
        # An entry of a setting this host cannot change stays as it is: another user (root) wrote it.
        for name, entry in persisted.items():
            if name in refused and name not in changeable:
                entries[name] = entry
        new_text = render_persisted(entries, kind)
        if new_text != old_text:
            file_changes.append((path, old_text, new_text))
    to_set = [setting for setting in settings if not setting.satisfied and setting.name in changeable]
    notices = [not_here_notice(setting, refused[setting.name]) for setting in settings
               if not setting.satisfied and setting.name not in changeable]
    if not check_mode:
        for setting in to_set:
            reason = write_value(setting.path, setting.wanted)
            if reason:
                notices.append(not_here_notice(setting, reason))
        for path, _old, new_text in file_changes:
            if new_text is None:
                remove_file(path)
            else:
                if not os.path.isdir(os.path.dirname(path)):
                    os.makedirs(os.path.dirname(path), 0o755)
                write_text(path, new_text)
    set_names = set(setting.name for setting in to_set)
    reported = [dict(name=setting.name, path=setting.path, before=setting.current,
                     after=setting.wanted if setting.name in set_names else setting.current)
                for setting in settings]
    return to_set or file_changes, reported, notices, file_changes


def absent(params, check_mode):
    reported = []
    file_changes = []
    notices = []
    for kind, path in files_of(params):
        old_text = read_file(path)
        if old_text is None:
            continue
        if not os.access(os.path.dirname(path), os.W_OK):
            # Written by root; a user other than root leaves it, and the values, as they are.
            notices.append('%s stays: uid %d may not remove it; only root may take the kernel settings back'
                           % (path, os.getuid()))
            continue
        file_changes.append((path, old_text, None))
        for name, entry in sorted(parse_persisted(old_text, kind).items()):
            setting_path = PATHS.get(name) or sysctl_path(name)
            current = read_value(setting_path)
            restore = entry['before'] is not None and current == entry['value'] and entry['before'] != current
            reported.append(dict(name=name, path=setting_path, before=current,
                                 after=entry['before'] if restore else current))
            if restore and not check_mode:
                reason = write_value(setting_path, entry['before'])
                if reason:
                    notices.append('%s stays %s (it was %s before the collection set it): %s'
                                   % (name, current, entry['before'], reason))
                    reported[-1]['after'] = current
    if not check_mode:
        for path, _old, _new in file_changes:
            remove_file(path)
    changed = bool(file_changes) or any(item['before'] != item['after'] for item in reported)
    return changed, reported, notices, file_changes


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    errors = input_errors(module.params)
    if errors:
        module.fail_json(msg='; '.join(errors) + '; nothing was changed')
    action = present if module.params['state'] == 'present' else absent
    try:
        changed, reported, notices, file_changes = action(module.params, module.check_mode)
    except KernelError as error:
        module.fail_json(msg='%s' % error)
    result = dict(changed=bool(changed), settings=reported, notices=notices,
                  files=[path for path, _old, _new in file_changes])
    if module._diff:
        result['diff'] = [dict(before_header=path, after_header=path, before=old or '', after=new or '')
                          for path, old, new in file_changes]
    module.exit_json(**result)


if __name__ == '__main__':
    main()
