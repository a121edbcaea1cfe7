# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""redisops.sentinel.account_status on this machine's accounts (root, Debian's daemon, one
that does not exist) and on temporary directories with chosen modes; the user_in_place policy
on its own."""

import grp
import os
import pwd
import subprocess
import sys

import pytest

from tests.support.paths import REPO

sys.path.insert(0, str(REPO / 'collections'))

# pylint: disable=wrong-import-position
from ansible_collections.redisops.sentinel.plugins.modules.account_status import user_in_place  # noqa: E402


def getent(database, key):
    """getent's fields of one entry, or None."""
    completed = subprocess.run(['getent', database, key], capture_output=True, text=True, check=False)
    return completed.stdout.rstrip('\n').split(':') if completed.returncode == 0 else None


@pytest.fixture
def directories(tmp_path):
    """Directories of this user (root here) with modes 750, 700 and 1777, and one that is missing."""
    made = {}
    for name, mode in (('conf', 0o750), ('log', 0o700), ('run', 0o1777)):
        path = tmp_path / name
        path.mkdir()
        path.chmod(mode)
        made[name] = str(path)
    made['data'] = str(tmp_path / 'data')
    return made


def wanted(directories):
    return [{'path': directories['conf'], 'mode': '0750'}, {'path': directories['log'], 'mode': '0750'},
            {'path': directories['run'], 'mode': '1777'}, {'path': directories['data'], 'mode': '0750'}]


def test_root_is_found_as_getent_sees_it_and_is_never_changed(run_module, directories):
    run = run_module('account_status', dict(user='root', group='root', home='/var/lib/redis',
                                            directories=wanted(directories)))
    assert not run.failed and not run.changed, run.output
    passwd, group = getent('passwd', 'root'), getent('group', 'root')
    assert run.result['user'] == {'name': passwd[0], 'uid': int(passwd[2]), 'gid': int(passwd[3]),
                                  'home': passwd[5], 'shell': passwd[6]}
    assert run.result['group'] == {'name': group[0], 'gid': int(group[2])}
    assert run.result['group_exists'] is True
    # uid 0: another home and shell than the user task's, and still in place.
    assert run.result['user_in_place'] is True


def test_directories_as_stat_prints_them_and_those_to_fix(run_module, directories):
    user, group = pwd.getpwuid(os.geteuid()).pw_name, grp.getgrgid(os.getegid()).gr_name
    args = dict(user=user, group=group, home='/root', directories=wanted(directories))
    run = run_module('account_status', args)
    owner = '%s:%s:' % (user, group)
    assert run.result['directories'] == {directories['conf']: owner + '750', directories['log']: owner + '700',
                                         directories['run']: owner + '1777', directories['data']: ''}
    for path, found in run.result['directories'].items():
        if found:
            assert found == subprocess.run(['stat', '-c', '%U:%G:%a', path], capture_output=True, text=True,
                                           check=True).stdout.strip()
    # The wrong mode and the missing one.
    assert run.result['directories_to_fix'] == [directories['log'], directories['data']]
    # Another owner wanted: every directory.
    other = run_module('account_status', dict(args, user='daemon', group='daemon'))
    assert other.result['directories_to_fix'] == [item['path'] for item in wanted(directories)]
    # A mode as a number (YAML 0750) counts as octal.
    numeric = run_module('account_status', dict(args, directories=[{'path': directories['conf'], 'mode': 0o750}]))
    assert numeric.result['directories_to_fix'] == []


def test_check_mode_reports_the_same(run_module, directories):
    args = dict(user='root', group='root', home='/root', directories=wanted(directories))
    normal = run_module('account_status', args).result
    checked = run_module('account_status', args, check=True).result
    assert not checked.get('failed'), checked
    for key in ('user', 'group', 'group_exists', 'user_in_place', 'directories', 'directories_to_fix'):
        assert checked[key] == normal[key], key


def test_a_system_account_is_in_place_only_as_the_user_task_leaves_it(run_module):
    daemon = getent('passwd', 'daemon')
    assert daemon, 'this machine has no daemon user'
    args = dict(user='daemon', group=getent('group', daemon[3])[0], home=daemon[5], shell=daemon[6])
    assert 0 < int(daemon[2]) < 1000
    assert run_module('account_status', args).result['user_in_place'] is True
    for change in (dict(home='/var/lib/redis'), dict(shell='/bin/sh'), dict(group='root')):
        run = run_module('account_status', dict(args, **change))
        assert run.result['user_in_place'] is False, change


def test_an_absent_user_and_group(run_module, directories):
    run = run_module('account_status', dict(user='redisops-nosuchuser', group='redisops-nosuchgroup',
                                            home='/var/lib/redis', directories=wanted(directories)))
    assert not run.failed, run.output
    result = run.result
    assert (result['user'], result['group'], result['group_exists'], result['user_in_place']) == (None, None, False,
                                                                                                   False)
    assert result['directories_to_fix'] == [item['path'] for item in wanted(directories)]


def test_digits_name_an_id_as_with_getent(run_module):
    run = run_module('account_status', dict(user='0', group='0', home='/root'))
    assert run.result['group'] == {'name': getent('group', '0')[0], 'gid': 0}
    assert run.result['user']['name'] == getent('passwd', '0')[0]
    # That account is not one named "0".
    assert run.result['user_in_place'] is False


def test_a_mode_that_is_not_octal_fails(run_module, tmp_path):
    run = run_module('account_status', dict(user='root', group='root', home='/root',
                                            directories=[{'path': str(tmp_path), 'mode': 'u=rwx'}]))
    assert run.failed and "'u=rwx'" in run.msg, run.result


SYSTEM_USER = {'name': 'redis', 'uid': 102, 'gid': 105, 'home': '/var/lib/redis', 'shell': '/usr/sbin/nologin'}
REDIS_GROUP = {'name': 'redis', 'gid': 105}
WANTED = {'name': 'redis', 'home': '/var/lib/redis', 'shell': '/usr/sbin/nologin'}


@pytest.mark.parametrize('user, group, in_place', [
    (SYSTEM_USER, REDIS_GROUP, True),
    (dict(SYSTEM_USER, home='/home/redis'), REDIS_GROUP, False),
    (dict(SYSTEM_USER, shell='/bin/bash'), REDIS_GROUP, False),
    (dict(SYSTEM_USER, gid=0), REDIS_GROUP, False),
    (SYSTEM_USER, None, False),
    (dict(SYSTEM_USER, uid=999, shell='/bin/bash'), REDIS_GROUP, False),
    # root and people's accounts (uid 0, or 1000 and more) are never changed.
    (dict(SYSTEM_USER, uid=0, home='/root', shell='/bin/bash'), None, True),
    (dict(SYSTEM_USER, uid=1000, home='/home/redis', shell='/bin/bash'), REDIS_GROUP, True),
    (dict(SYSTEM_USER, uid=65534), None, True),
    (None, REDIS_GROUP, False),
    # An entry found under another name (a uid given as the name).
    (dict(SYSTEM_USER, name='alice', uid=1000), REDIS_GROUP, False),
])
def test_the_user_in_place_policy(user, group, in_place):
    assert user_in_place(user, group, WANTED) is in_place
