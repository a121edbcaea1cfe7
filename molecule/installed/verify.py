# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""installed: the README's "Use the roles in your own playbooks", as a user runs it.

1. A fresh virtualenv with the controller's requirements (requirements.txt), and a
   tarball built from the checkout with its ansible-galaxy, in a work directory with
   a home of its own (so ~/.ansible/collections is empty).
2. The section's inventory (inventory.yml) and playbook (deploy.yml), taken from
   README.md as they are written, and its commands, run as they are written:
   ansible-galaxy collection install, the fetch_source playbook, ansible-vault on the
   secrets file, the deploy. The only additions are the test's: host_vars next to the
   inventory that reach db1-db3 in this scenario's containers, the vault password on
   standard input, and the shared caches of sources and builds.
3. The password is the most hostile one the checks accept (molecule.yml). After the
   deploy: a failover (SENTINEL FAILOVER, so that every Sentinel rewrites its config
   file), then every container restarted, so that every Sentinel and data instance
   starts again from what it wrote: all come back, one primary with linked replicas,
   CKQUORUM OK on every Sentinel; the deploy again, and in check mode, changes nothing.
4. The password appears in none of the output of any command.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from cluster import check, main, podman, say, wait_until

# The README's hosts, in the order of this scenario's containers.
README_HOSTS = ('db1', 'db2', 'db3')
VAULT_PASSWORD = 'installed-scenario-vault'
SECTION = '## Use the roles in your own playbooks'


def readme():
    with open(os.path.join(os.environ['MOLECULE_PROJECT_DIRECTORY'], 'README.md')) as stream:
        return stream.read()


def readme_section():
    text = readme()
    check(SECTION in text, 'README.md has no section %r' % SECTION)
    section = text.split(SECTION, 1)[1]
    return section.split('\n## ', 1)[0]


def code_blocks(section, language):
    return [block.strip('\n') for block in re.findall(r'```%s\n(.*?)```' % language, section, re.S)]


def named_file(blocks, name):
    """The YAML block of the section whose first line is `# name`."""
    for block in blocks:
        if block.splitlines()[0].strip() == '# ' + name:
            return block + '\n'
    raise AssertionError('README.md: no ```yaml block starting with "# %s"' % name)


def commands(text):
    """Every command of the shell blocks of text, in order."""
    found = []
    for block in code_blocks(text, 'sh'):
        found.extend(line for line in block.splitlines() if line.strip() and not line.lstrip().startswith('#'))
    return found


class Workplace:
    """A user's directory, home and virtualenv, and the commands run in it."""

    def __init__(self, root, password):
        self.root = root
        self.password = password
        self.home = os.path.join(root, 'home')
        self.work = os.path.join(root, 'work')
        self.venv = os.path.join(root, 'venv')
        os.makedirs(self.home)
        os.makedirs(self.work)
        self.outputs = []
        project = os.environ['MOLECULE_PROJECT_DIRECTORY']
        # containers.podman (for the test's connection to the containers) comes from the
        # test virtualenv's ansible bundle; the collection itself only from the tarball.
        bundle = [path for path in sys.path if os.path.isdir(os.path.join(path, 'ansible_collections', 'containers'))]
        self.env = {key: value for key, value in os.environ.items()
                    if not key.startswith(('ANSIBLE_', 'MOLECULE_', 'VIRTUAL_ENV'))}
        self.env.update(
            HOME=self.home,
            PATH='%s/bin:%s' % (self.venv, os.environ['PATH']),
            ANSIBLE_COLLECTIONS_PATH='%s/.ansible/collections:%s' % (self.home, ':'.join(bundle)),
            ANSIBLE_CONNECTION_PLUGINS=os.path.join(project, 'molecule', 'shared', 'connection_plugins'),
            ANSIBLE_HOST_KEY_CHECKING='false',
            ANSIBLE_NOCOLOR='1',
            ANSIBLE_FORCE_COLOR='0',
            ANSIBLE_LOCALHOST_WARNING='false',
            # The scenarios' shared caches: the verified sources prepare-test-hosts fetched,
            # and the builds another scenario may have compiled already.
            REDISOPS_CACHE_DIR=os.environ.get('REDISOPS_CACHE_DIR')
            or os.path.join(os.path.expanduser('~'), '.cache', 'redisops-sentinel'),
            PIP_CACHE_DIR=os.path.join(os.path.expanduser('~'), '.cache', 'pip'),
        )

    def run(self, command, stdin=None, check_rc=True, timeout=1800, shell=False):
        started = time.monotonic()
        # setsid: no controlling terminal, so that the vault prompts read standard input.
        argv = ['setsid', 'sh', '-c', command] if shell else ['setsid'] + command
        completed = subprocess.run(argv, cwd=self.work, env=self.env, input=stdin, capture_output=True, text=True,
                                   timeout=timeout, check=False)
        output = completed.stdout + completed.stderr
        self.outputs.append((command, output))
        if check_rc:
            check(completed.returncode == 0, '%s failed (rc %d) after %.0f s:\n%s'
                  % (command, completed.returncode, time.monotonic() - started, output[-5000:]))
        return completed.returncode, output

    def readme(self, *script, stdin=None):
        """Commands of the README, each as written there (which is checked), run in one bash, as a
        user's shell would; returns the output."""
        listed = commands(readme())
        for command in script:
            check(command in listed, 'README.md has no command %r (the test runs the README as written: '
                  'change both)' % command)
            say('README: %s' % command)
        return self.run(['bash', '-c', '\n'.join(('set -e',) + script)], stdin=stdin)[1]

    def recap(self, output):
        counts = {}
        for line in output.splitlines():
            match = re.match(r'^(\S+)\s+:\s+ok=\d+\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)', line)
            if match:
                counts[match.group(1)] = int(match.group(2))
        return counts

    def check_no_secret(self):
        escaped = {self.password, json.dumps(self.password)[1:-1], repr(self.password)[1:-1]}
        for command, output in self.outputs:
            for form in escaped:
                check(form not in output, 'the password appears in the output of %s' % command)


def prepare(place, cluster):
    project = os.environ['MOLECULE_PROJECT_DIRECTORY']
    place.run([sys.executable, '-m', 'venv', place.venv])
    place.run([os.path.join(place.venv, 'bin', 'pip'), 'install', '--quiet', '--disable-pip-version-check',
               '-r', os.path.join(project, 'requirements.txt')], timeout=900)
    place.run(['ansible-galaxy', 'collection', 'build', '--output-path', place.work, project])
    tarballs = [name for name in os.listdir(place.work) if name.endswith('.tar.gz')]
    check(len(tarballs) == 1, 'the build made %s' % tarballs)
    section = readme_section()
    yaml_blocks = code_blocks(section, 'yaml')
    for name in ('inventory.yml', 'deploy.yml'):
        with open(os.path.join(place.work, name), 'w') as stream:
            stream.write(named_file(yaml_blocks, name))
    # How the README's hosts are reached here: host_vars beside the inventory, which
    # win over the inventory's own host variables.
    os.makedirs(os.path.join(place.work, 'host_vars'))
    for readme_host, container in zip(README_HOSTS, cluster.hosts):
        with open(os.path.join(place.work, 'host_vars', readme_host + '.yml'), 'w') as stream:
            json.dump({'ansible_connection': 'podman', 'ansible_host': container.name, 'ansible_become': False,
                       'ansible_python_interpreter': '/usr/bin/python3'}, stream)
    say('a fresh virtualenv, %s built, README inventory.yml and deploy.yml written; %s reached as %s'
        % (tarballs[0], ', '.join(README_HOSTS), ', '.join(host.name for host in cluster.hosts)))


VAULT = VAULT_PASSWORD + '\n'
INSTALL = 'ansible-galaxy collection install redisops-sentinel-0.1.0.tar.gz'
FETCH = 'ansible-playbook redisops.sentinel.fetch_source -e redis_version=8.0.2'
SECRETS = 'printf \'vault_redis_password: %s\\n\' "$(openssl rand -hex 16)" > secrets.yml'
ENCRYPT = 'ansible-vault encrypt secrets.yml'
DEPLOY = 'ansible-playbook -i inventory.yml deploy.yml -e @secrets.yml -e @source-redis-8.0.2.yml --ask-vault-pass'
INFO = ("ansible db1 -i inventory.yml -m redisops.sentinel.redis_info -e @secrets.yml --ask-vault-pass "
        "-a 'login_password={{ redis_password }} login_port=6379'")
FAILOVER = ("ansible db1 -i inventory.yml -m redisops.sentinel.sentinel_failover -e @secrets.yml --ask-vault-pass "
            "-a 'login_password={{ redis_password }} name=mymaster from_host=198.51.100.11 from_port=6379'")
EXPORT = 'read -rs REDISCLI_AUTH && export REDISCLI_AUTH'
ASK = ('ansible localhost -m redisops.sentinel.sentinel_info -a \'{"name": "mymaster", "sentinels": '
       '["198.51.100.11:26379", "198.51.100.12:26379", "198.51.100.13:26379"]}\'')
FETCH_TO = 'ansible-playbook redisops.sentinel.fetch_source -e redis_version=8.0.2 -e redisops_source_vars_file=/tmp/src.yml'
SITE = 'ansible-playbook redisops.sentinel.site -i inventory.yml -e @secrets.yml --ask-vault-pass -e @/tmp/src.yml'


def changed_nothing(place, output, what):
    recap = place.recap(output)
    check(sorted(recap) == list(README_HOSTS) and all(changed == 0 for changed in recap.values()),
          '%s changed something: %s' % (what, recap))


def check_summary(output):
    """The deploy's summary is empty, but for the notices of the kernel settings that these
    containers cannot change (their machine's kernel decides: this machine's tests may have
    set vm.overcommit_memory by then, or not)."""
    summary = output.rsplit('Summarize what needs the operator', 1)[-1].split('PLAY RECAP', 1)[0]
    lines = re.findall(r'^\s+"(.*)",?$', summary, re.M)
    others = [line for line in lines if ' and Redis asks for ' not in line or 'cannot change it' not in line]
    check('Nothing needs the operator.' in summary or (lines and not others),
          'the deploy did not end with an empty summary:\n%s' % summary)


def installed(cluster):
    started = time.monotonic()
    root = tempfile.mkdtemp(prefix='redisops-installed-')
    place = Workplace(root, cluster.password)
    try:
        prepare(place, cluster)
        place.readme(INSTALL)
        place.readme(FETCH)
        check(os.path.isfile(os.path.join(place.work, 'source-redis-8.0.2.yml')),
              'the fetch_source playbook wrote no source-redis-8.0.2.yml')
        place.readme(SECRETS)
        # This scenario's password instead of the random one.
        with open(os.path.join(place.work, 'secrets.yml'), 'w') as stream:
            stream.write('vault_redis_password: %s\n' % json.dumps(cluster.password))
        place.readme(ENCRYPT, stdin=VAULT + VAULT)

        took = time.monotonic()
        output = place.readme(DEPLOY, stdin=VAULT)
        check_summary(output)
        check(sorted(place.recap(output)) == list(README_HOSTS), 'the deploy ran on %s' % sorted(place.recap(output)))
        say('the README deploy with the installed collection took %.0f s' % (time.monotonic() - took))
        primary = cluster.check_topology()
        check(primary is cluster.hosts[0], 'the primary of a new cluster is %s, not db1' % primary.name)
        output = place.readme(INFO, stdin=VAULT)
        check('"role": "primary"' in output, 'redis_info on db1 did not report a primary:\n%s' % output[-2000:])

        # The README's failover (from db1, which is the primary): every Sentinel rewrites its file.
        place.readme(FAILOVER, stdin=VAULT)
        promoted = wait_until(lambda: cluster.new_primary(primary), 60, 'the Sentinels to agree on a new primary')
        wait_until(lambda: cluster.role(primary) == ('slave', promoted.ip, 'up'), 60,
                   '%s to be a linked replica of %s' % (primary.name, promoted.name))
        written = [cluster.exec(host, 'grep', '-c', '^sentinel auth-pass ', '/etc/redis/sentinel_26379.conf').strip()
                   for host in cluster.hosts]
        check(written == ['1'] * len(cluster.hosts), 'auth-pass lines in the Sentinels\' files: %s' % written)
        output = place.readme(EXPORT, ASK, stdin=cluster.password + '\n')
        check('"%s:6379"' % promoted.ip in output and '"consensus": true' in output,
              'sentinel_info through REDISCLI_AUTH did not report %s by consensus:\n%s' % (promoted.name, output[-2000:]))
        say('the README\'s sentinel_failover: %s promoted; every Sentinel rewrote its config file (auth-pass '
            'unquoted); sentinel_info with REDISCLI_AUTH agrees' % promoted.name)

        podman('restart', *[host.name for host in cluster.hosts], timeout=300)
        for host in cluster.hosts:
            wait_until(lambda host=host: host.refresh().ip, 30, '%s to have an address again' % host.name)
            # systemd starts them at boot, from the files they rewrote.
            wait_until(lambda host=host: cluster.data(host).ping() and cluster.sentinel(host).ping(), 60,
                       'the data instance and the Sentinel of %s to answer after the restart' % host.name)
        now_primary = cluster.check_topology()
        say('every container restarted: all %d data instances and Sentinels came back with the hostile password, '
            'primary %s, CKQUORUM OK on each' % (len(cluster.hosts), now_primary.name))

        changed_nothing(place, place.readme(DEPLOY, stdin=VAULT), 'the deploy again')
        changed_nothing(place, place.run(DEPLOY + ' --check', stdin=VAULT, shell=True)[1], 'the deploy in check mode')
        try:
            place.readme(FETCH_TO)
            changed_nothing(place, place.readme(SITE, stdin=VAULT), 'the site playbook')
        finally:
            if os.path.exists('/tmp/src.yml'):
                os.unlink('/tmp/src.yml')
        check(cluster.agreed_primary() is now_primary, 'the primary moved during the re-runs')
        say('the deploy again, in check mode, and the site playbook with the other vars file: changed=0 on '
            'every host; the primary stayed %s' % now_primary.name)
        place.check_no_secret()
        say('the password appears in the output of none of the %d commands' % len(place.outputs))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    say('verify took %.0f s' % (time.monotonic() - started))


if __name__ == '__main__':
    main(installed)
