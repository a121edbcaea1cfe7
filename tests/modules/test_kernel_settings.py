# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""redisops.sentinel.kernel_settings on this machine's real kernel (as root): the settings set,
kept in files that record the values before, taken back with state=absent; and, in a mount
namespace where /proc/sys and the huge pages' file are read-only as in a container, notices
instead of changes. Every kernel value a test touches is put back as it was, whatever happens.
The planning of the files on its own at the end."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import BIN, REPO

sys.path.insert(0, str(REPO / 'collections'))

# pylint: disable=wrong-import-position
from ansible_collections.redisops.sentinel.plugins.module_utils.kernel import (  # noqa: E402
    Setting,
    parse_persisted,
    plan_persisted,
    render_persisted,
    selected_thp,
)

OVERCOMMIT = Path('/proc/sys/vm/overcommit_memory')
SOMAXCONN = Path('/proc/sys/net/core/somaxconn')
THP = Path('/sys/kernel/mm/transparent_hugepage/enabled')

pytestmark = pytest.mark.skipif(os.geteuid() != 0 or not THP.exists(),
                                reason='changes kernel settings: needs root and transparent huge pages')


def read(path):
    text = path.read_text().strip()
    return selected_thp(text) if path == THP else text


@pytest.fixture
def kernel():
    """The three settings as they are now; put back at the end of the test."""
    saved = {path: read(path) for path in (OVERCOMMIT, SOMAXCONN, THP)}
    yield saved
    for path, value in saved.items():
        path.write_text(value + '\n')


@pytest.fixture
def files(tmp_path):
    """The module's files in a directory of the test (tmpfiles.d present, as on a systemd host)."""
    (tmp_path / 'sysctl.d').mkdir()
    (tmp_path / 'tmpfiles.d').mkdir()
    return dict(sysctl_file=str(tmp_path / 'sysctl.d' / '60-redisops-sentinel.conf'),
                tmpfiles_file=str(tmp_path / 'tmpfiles.d' / 'redisops-sentinel-thp.conf'))


def test_a_machine_without_the_settings_gets_them_kept_and_taken_back(run_module, kernel, files):
    OVERCOMMIT.write_text('0\n')
    THP.write_text('always\n')
    wanted_backlog = int(kernel[SOMAXCONN]) + 1000
    args = dict(files, somaxconn=wanted_backlog)

    checked = run_module('kernel_settings', args, check=True)
    assert checked.changed and not checked.failed, checked.output
    assert read(OVERCOMMIT) == '0' and read(THP) == 'always'
    assert not os.path.exists(files['sysctl_file']) and not os.path.exists(files['tmpfiles_file'])
    assert sorted(checked.result['files']) == sorted(files.values())

    applied = run_module('kernel_settings', args, diff=True)
    assert applied.changed and not applied.failed, applied.output
    assert read(OVERCOMMIT) == '1' and read(THP) == 'madvise' and read(SOMAXCONN) == str(wanted_backlog)
    settings = {item['name']: (item['before'], item['after']) for item in applied.result['settings']}
    assert settings == {'vm.overcommit_memory': ('0', '1'), 'transparent_hugepage': ('always', 'madvise'),
                        'net.core.somaxconn': (kernel[SOMAXCONN], str(wanted_backlog))}
    assert applied.result['notices'] == []
    sysctl = Path(files['sysctl_file']).read_text()
    assert '\n# before: vm.overcommit_memory = 0\nvm.overcommit_memory = 1\n' in sysctl
    assert '\nnet.core.somaxconn = %d\n' % wanted_backlog in sysctl
    assert ('\n# before: transparent_hugepage = always\nw /sys/kernel/mm/transparent_hugepage/enabled - - - - madvise\n'
            in Path(files['tmpfiles_file']).read_text())
    assert oct(os.stat(files['sysctl_file']).st_mode & 0o777) == '0o644'
    # systemd-sysctl reads the file as the module wrote it (--prefix: only this setting).
    completed = subprocess.run(['sysctl', '-p', files['sysctl_file']], capture_output=True, text=True, check=False)
    assert completed.returncode == 0 and 'vm.overcommit_memory = 1' in completed.stdout, completed.stderr
    assert [item['after_header'] for item in applied.result['diff']] == [files['sysctl_file'], files['tmpfiles_file']]

    again = run_module('kernel_settings', args)
    assert not again.changed and again.result['files'] == [], again.output

    # A value changed by hand since is the operator's: absent does not put the old one back.
    OVERCOMMIT.write_text('2\n')
    taken_back = run_module('kernel_settings', dict(files, state='absent'))
    assert taken_back.changed and not taken_back.failed, taken_back.output
    assert read(OVERCOMMIT) == '2' and read(THP) == 'always' and read(SOMAXCONN) == kernel[SOMAXCONN]
    assert not os.path.exists(files['sysctl_file']) and not os.path.exists(files['tmpfiles_file'])
    assert not run_module('kernel_settings', dict(files, state='absent')).changed


def test_settings_already_right_change_nothing_and_need_no_file(run_module, kernel, files):
    OVERCOMMIT.write_text('1\n')
    THP.write_text('never\n')  # never asks for less than madvise: kept
    run = run_module('kernel_settings', dict(files))
    assert not run.changed and not run.failed, run.output
    assert read(THP) == 'never'
    assert not os.path.exists(files['sysctl_file']) and not os.path.exists(files['tmpfiles_file'])


def test_what_is_not_managed_is_left_alone(run_module, kernel, files):
    OVERCOMMIT.write_text('0\n')
    THP.write_text('always\n')
    run = run_module('kernel_settings', dict(files, overcommit_memory=False, somaxconn=0, transparent_hugepage='keep'))
    assert not run.changed and run.result['settings'] == [] and run.result['notices'] == [], run.output
    assert read(OVERCOMMIT) == '0' and read(THP) == 'always'


def test_a_read_only_kernel_gives_notices_and_changes_nothing(ansible_env, kernel, files, tmp_path):
    """As in a container: /proc/sys and the huge pages' file read-only (a private mount namespace)."""
    OVERCOMMIT.write_text('0\n')
    THP.write_text('always\n')
    tree = tmp_path / 'tree'
    ansible = [str(BIN / 'ansible'), 'localhost', '-m', 'redisops.sentinel.kernel_settings',
               '-a', json.dumps(files), '--tree', str(tree)]
    script = ('mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys && '
              'mount --bind {thp} {thp} && mount -o remount,bind,ro {thp} && exec "$@"').format(thp=THP)
    completed = subprocess.run(['unshare', '--mount', '--propagation', 'private', 'sh', '-c', script, 'sh'] + ansible,
                               env=ansible_env, capture_output=True, text=True, timeout=120, check=False)
    assert (tree / 'localhost').exists(), completed.stdout + completed.stderr
    result = json.loads((tree / 'localhost').read_text())
    assert not result.get('failed') and not result['changed'], result
    assert read(OVERCOMMIT) == '0' and read(THP) == 'always'
    assert not os.path.exists(files['sysctl_file']) and not os.path.exists(files['tmpfiles_file'])
    notices = result['notices']
    assert len(notices) == 2, notices
    assert notices[0].startswith('vm.overcommit_memory is 0 and Redis asks for 1 '), notices
    assert 'read-only file system, as in a container' in notices[0]
    assert 'sysctl -w vm.overcommit_memory=1' in notices[0]
    assert notices[1].startswith('transparent_hugepage is always and Redis asks for madvise '), notices
    assert 'redis_kernel_settings: false' in notices[1]


def test_a_negative_backlog_is_refused_naming_the_option(run_module, kernel, files):
    OVERCOMMIT.write_text('0\n')
    run = run_module('kernel_settings', dict(files, somaxconn=-1))
    assert run.failed and 'somaxconn must be 0' in run.msg and 'nothing was changed' in run.msg, run.output
    assert read(OVERCOMMIT) == '0'


# The planning of the files, without a kernel.

def setting(name, current, wanted, satisfied, persist='sysctl'):
    return Setting(name, '/proc/sys/' + name.replace('.', '/'), current, wanted, satisfied, persist)


def test_a_file_keeps_the_value_before_the_first_change_through_later_runs():
    first = plan_persisted([setting('vm.overcommit_memory', '0', '1', False)], {}, 'sysctl', {'vm.overcommit_memory'})
    assert first == {'vm.overcommit_memory': {'value': '1', 'before': '0'}}
    text = render_persisted(first, 'sysctl')
    assert parse_persisted(text, 'sysctl') == first
    # Next run: the kernel has 1 now; the file still says what it was before.
    later = plan_persisted([setting('vm.overcommit_memory', '1', '1', True)], parse_persisted(text, 'sysctl'),
                           'sysctl', {'vm.overcommit_memory'})
    assert render_persisted(later, 'sysctl') == text


def test_a_setting_no_longer_managed_leaves_the_file_and_one_never_changed_never_enters_it():
    persisted = {'vm.overcommit_memory': {'value': '1', 'before': '0'}}
    assert plan_persisted([], persisted, 'sysctl', set()) == {}
    assert render_persisted({}, 'sysctl') is None
    assert plan_persisted([setting('net.core.somaxconn', '4096', '4096', True)], {}, 'sysctl',
                          {'net.core.somaxconn'}) == {}


def test_the_huge_pages_line_is_systemd_tmpfiles_syntax():
    entries = {'transparent_hugepage': {'value': 'never', 'before': 'always'}}
    text = render_persisted(entries, 'tmpfiles')
    assert text.endswith('# before: transparent_hugepage = always\n'
                         'w /sys/kernel/mm/transparent_hugepage/enabled - - - - never\n')
    assert parse_persisted(text, 'tmpfiles') == entries
    assert selected_thp('always [madvise] never') == 'madvise'
