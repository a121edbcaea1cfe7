# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the scenarios' checks share: the scenario's hosts (podman containers),
real clients on them, a client that writes through Sentinel throughout, and
ansible-playbook to converge again.

The checks run on the controller, as a user's client would: they reach the
containers at their addresses on the scenario's podman network.
"""

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import redis
import yaml

# The collection's module_utils, from the checkout (where
# collections/ansible_collections/redisops/sentinel leads back to it).
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / 'collections'))
# pylint: disable=wrong-import-position
from ansible_collections.redisops.sentinel.plugins.module_utils import write_probe  # noqa: E402
from ansible_collections.redisops.sentinel.plugins.module_utils.client import tls_options  # noqa: E402

MASTER = 'mymaster'
DATA_PORT = 6379
SENTINEL_PORT = 26379


class CheckFailed(AssertionError):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


def say(message):
    print(message, flush=True)


def podman(*args, check_rc=True, timeout=120):
    completed = subprocess.run(('podman',) + args, capture_output=True, text=True, timeout=timeout, check=False)
    if check_rc and completed.returncode != 0:
        raise CheckFailed('podman %s failed: %s' % (' '.join(args), completed.stderr.strip()))
    return completed.stdout


def wait_until(predicate, timeout, what, interval=0.2):
    """The first true value of predicate() within timeout seconds, or CheckFailed."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except (redis.RedisError, OSError, CheckFailed) as exc:
            last_error = exc
        time.sleep(interval)
    raise CheckFailed('timed out after %.0f s waiting for %s (last error: %s)' % (timeout, what, last_error))


def refused(call, error, what):
    """The exception call() raises, which must be of exactly the class error (redis-py's AuthenticationError,
    for one, is also a ConnectionError: a subclass is another reason); CheckFailed when call passes or fails
    otherwise. what: what call does, for the message."""
    try:
        result = call()
    except Exception as exc:  # pylint: disable=broad-except
        if exc.__class__ is not error:
            raise CheckFailed('%s failed with %s (%s), not with %s' % (what, exc.__class__.__name__, exc,
                                                                      error.__name__))
        return exc
    raise CheckFailed('%s was not refused: it returned %r' % (what, result))


def _counts_all(client, answers, expected):
    """A predicate: the Sentinel's CKQUORUM answer (noted in answers) starts with expected."""
    def counts_all():
        answers.append(client.execute_command('SENTINEL', 'CKQUORUM', MASTER))
        return answers[-1].startswith(expected)
    return counts_all


class Host:
    """One container of the scenario. by_name: the cluster uses host names (redis_hostnames), so that
    Redis and the Sentinels report the host by its name, not by its address."""

    def __init__(self, name, by_name=False):
        self.name = name
        self.ip = None
        self.by_name = by_name

    @property
    def address(self):
        """The host as Redis and the Sentinels report it: its name with host names, else its address.
        The checks connect to ip either way: this controller does not resolve the containers' names."""
        return self.name if self.by_name else self.ip

    def refresh(self):
        networks = json.loads(podman('inspect', '--format', '{{json .NetworkSettings.Networks}}', self.name) or '{}')
        addresses = [network.get('IPAddress') for network in networks.values() if network.get('IPAddress')]
        self.ip = addresses[0] if addresses else None
        return self

    def __repr__(self):
        return '%s(%s)' % (self.name, self.ip)


def molecule_inventory():
    """The scenario's inventory as Molecule wrote it: {group: {'hosts': {host: vars}, ...}, ...}."""
    with open(os.environ['MOLECULE_INVENTORY_FILE']) as stream:
        return yaml.safe_load(stream)


def inventory_group(group):
    """The names of the hosts of a group of the scenario's inventory, in inventory order ([] for no such group)."""
    return list(((molecule_inventory() or {}).get(group) or {}).get('hosts') or {})


class Cluster:
    """The scenario's hosts, from the environment verify.yml sets.

    names: the hosts to check, when not all of the scenario's (REDISOPS_TEST_HOSTS)."""

    def __init__(self, names=None):
        if names is None:
            names = os.environ['REDISOPS_TEST_HOSTS'].split()
        # A scenario deployed with host names everywhere (quorum) says so here.
        self.by_name = os.environ.get('REDISOPS_TEST_HOSTNAMES') == 'true'
        self.hosts = [Host(name, self.by_name).refresh() for name in names]
        self.password = os.environ['REDISOPS_TEST_PASSWORD']
        self.down_after = int(os.environ.get('REDISOPS_TEST_DOWN_AFTER', '5000')) / 1000.0
        # A scenario deployed with TLS and ACL users (valkey) says so here; for the others these are empty
        # and every client logs in as default with the password, in plaintext.
        # The redis-py arguments are those of the collection's modules, with the checks' client certificate.
        ca_file = os.environ.get('REDISOPS_TEST_TLS_CA') or None
        self.tls = tls_options(dict(tls=bool(ca_file), ca_certs=ca_file, validate_certs=True,
                                    certfile=os.environ.get('REDISOPS_TEST_TLS_CERT') or None,
                                    keyfile=os.environ.get('REDISOPS_TEST_TLS_KEY') or None))
        # The password of each ACL user the checks may log in as, by user name.
        self.passwords = json.loads(os.environ.get('REDISOPS_TEST_USERS') or '{}')
        # Who data() logs in as (with default off, the admin user); the Writer's user on the data instances
        # and the Sentinels (an application user). None: default.
        self.data_user = os.environ.get('REDISOPS_TEST_DATA_USER') or None
        self.app_user = os.environ.get('REDISOPS_TEST_APP_USER') or None

    def host(self, name_or_ip):
        for host in self.hosts:
            if name_or_ip in (host.name, host.ip):
                return host
        raise CheckFailed('no host %s in %s' % (name_or_ip, self.hosts))

    def login(self, user=None):
        """redis-py's arguments to log in as user: its username and password, or default's password for None."""
        if user is None:
            return dict(password=self.password)
        return dict(username=user, password=self.passwords[user])

    def data(self, host, timeout=2, user=None, **options):
        """A client of host's data instance, logged in as user (None: data_user) with the scenario's TLS.
        options: more redis-py arguments, which win (ssl=False for a plaintext client ...)."""
        return self._client(host, DATA_PORT, user or self.data_user, timeout, options)

    def sentinel(self, host, timeout=2, user=None, **options):
        """A client of host's Sentinel, as data() (user None: default, which the Sentinels keep)."""
        return self._client(host, SENTINEL_PORT, user, timeout, options)

    def _client(self, host, port, user, timeout, options):
        arguments = dict(self.login(user), decode_responses=True, socket_timeout=timeout,
                         socket_connect_timeout=timeout, **self.tls)
        arguments.update(options)
        return redis.Redis(host=host.ip, port=port, **arguments)

    def sentinel_views(self, hosts=None):
        """What each Sentinel says the primary is: {host name: ip or None when it cannot be asked}."""
        views = {}
        for host in hosts or self.hosts:
            try:
                address = self.sentinel(host).execute_command('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER)
                views[host.name] = address[0] if address else None
            except (redis.RedisError, OSError):
                views[host.name] = None
        return views

    def agreed_primary(self, hosts=None):
        """The host a majority of all the Sentinels report as primary, or None."""
        views = self.sentinel_views(hosts)
        counts = {}
        for ip in views.values():
            if ip:
                counts[ip] = counts.get(ip, 0) + 1
        for ip, count in counts.items():
            if count * 2 > len(self.hosts):
                return self.host(ip)
        return None

    def new_primary(self, old, hosts=None):
        """The host a majority of all the Sentinels report as primary when it is not old, else None."""
        primary = self.agreed_primary(hosts)
        return primary if primary is not None and primary is not old else None

    def role(self, host):
        info = self.data(host).info('replication')
        return info['role'], info.get('master_host'), info.get('master_link_status')

    def check_topology(self):
        """One primary, the others linked replicas of it, CKQUORUM OK on every Sentinel, distinct myids."""
        primary = wait_until(self.agreed_primary, 60, 'the Sentinels to agree on a primary')
        check(self.role(primary)[0] == 'master', '%s is reported primary but is not one' % primary)
        for host in self.hosts:
            if host is not primary:
                wait_until(lambda host=host: self.role(host) == ('slave', primary.address, 'up'), 60,
                           '%s to be a linked replica of %s' % (host.name, primary.name))
        myids = set()
        expected = 'OK %d usable Sentinels' % len(self.hosts)
        for host in self.hosts:
            client = self.sentinel(host)
            answers = []
            # A Sentinel that just started or was just told to monitor counts
            # the others only once their hello messages have reached it.
            try:
                wait_until(_counts_all(client, answers, expected), 30, 'CKQUORUM on %s' % host.name)
            except CheckFailed as exc:
                raise CheckFailed('CKQUORUM on %s: %s (%s)' % (host.name, answers[-1] if answers else None, exc))
            myids.add(client.execute_command('SENTINEL', 'MYID'))
        check(len(myids) == len(self.hosts), 'the Sentinels do not have distinct myids: %s' % myids)
        say('topology: primary %s, replicas %s, CKQUORUM OK on %d Sentinels, %d distinct myids'
            % (primary.name, ', '.join(h.name for h in self.hosts if h is not primary), len(self.hosts), len(myids)))
        return primary

    def write_acknowledged(self, primary, count, prefix):
        """Write count keys on the primary, each acknowledged by at least one replica (WAIT 1)."""
        client = self.data(primary)
        for index in range(count):
            client.set('%s:%d' % (prefix, index), index)
            acknowledged = client.execute_command('WAIT', 1, 2000)
            check(acknowledged >= 1, 'write %d was not acknowledged by a replica' % index)
        return ['%s:%d' % (prefix, index) for index in range(count)]

    def kill(self, host):
        podman('kill', host.name)

    def start(self, host):
        podman('start', host.name)
        wait_until(lambda: host.refresh().ip, 30, '%s to have an address again' % host.name)

    def exec(self, host, *command, check_rc=True):
        return podman('exec', host.name, *command, check_rc=check_rc)

    def service(self, host, name, action):
        """start, stop, restart or status of an instance (redis_6379, sentinel_26379) on host,
        through systemd or its init script, as an operator would; returns (rc, output)."""
        systemd = subprocess.run(['podman', 'exec', host.name, 'test', '-d', '/run/systemd/system'],
                                 capture_output=True, check=False).returncode == 0
        command = ['systemctl', action, name] if systemd else ['/etc/init.d/%s' % name, action]
        completed = subprocess.run(['podman', 'exec', host.name] + command, capture_output=True, text=True,
                                   timeout=120, check=False)
        return completed.returncode, completed.stdout + completed.stderr

    def converge(self, extra_vars=None, inventories=()):
        """Run the scenario's converge again; returns the recap {host: changed count}.

        extra_vars: a dict given to ansible-playbook with -e, for a converge with other settings.
        inventories: more inventory sources, given with -i after the scenario's (to add hosts to groups)."""
        scenario = os.environ['MOLECULE_SCENARIO_DIRECTORY']
        return self.playbook(os.path.join(scenario, '..', 'shared', 'converge.yml'), extra_vars, inventories)[0]

    def playbook(self, playbook, extra_vars=None, inventories=(), args=()):
        """Run a playbook on the scenario's inventory (and inventories); returns (recap {host: changed count},
        output). It must succeed. args: more arguments for ansible-playbook (--limit ...)."""
        env = dict(os.environ, ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0', PY_COLORS='0')
        env.setdefault('ANSIBLE_CONFIG', os.path.join(os.environ['MOLECULE_EPHEMERAL_DIRECTORY'], 'ansible.cfg'))
        command = ['ansible-playbook', '-i', os.environ['MOLECULE_INVENTORY_FILE']]
        for inventory in inventories:
            command.extend(['-i', inventory])
        command.append(playbook)
        command.extend(args)
        if extra_vars:
            command.extend(['-e', json.dumps(extra_vars)])
        completed = subprocess.run(command, capture_output=True, text=True, env=env, timeout=1800, check=False)
        name = os.path.basename(playbook)
        check(completed.returncode == 0, '%s failed:\n%s' % (name, completed.stdout[-4000:]))
        check('PLAY RECAP' in completed.stdout, '%s printed no recap:\n%s' % (name, completed.stdout[-2000:]))
        recap = {}
        for line in re.sub(r'\x1b\[[0-9;]*m', '', completed.stdout).splitlines():
            match = re.match(r'^(\S+)\s+:\s+ok=\d+\s+changed=(\d+)', line)
            if match:
                recap[match.group(1)] = int(match.group(2))
        return recap, completed.stdout

    def print_logs(self):
        """The Sentinel and Redis logs of every host, for a failed scenario."""
        for host in self.hosts:
            say('===== logs of %s =====' % host.name)
            say(self.exec(host, 'sh', '-c', 'for f in /var/log/redis/*.log; do echo "--- $f"; tail -n 60 "$f"; done',
                          check_rc=False))


class Writer(write_probe.SentinelWriter):
    """A client that writes through Sentinel every `interval` seconds, as an application would:
    the collection's write probe (plugins/module_utils/write_probe.py).

    It uses redis-py's Sentinel(...).master_for(...), so it finds the new primary by
    itself after a failover, and records which writes the primary acknowledged,
    each failed attempt (errors, and failures by kind), the longest gap and a
    timeline of outcomes.

    Each write is one attempt, with 0.5 s timeouts, as in
    playbooks/failover_drill.yml: redis-py's default retries with exponential
    backoff, against a primary and a Sentinel that are gone, can hold one call
    for 10 s and more, which would measure redis-py rather than the cluster
    (bench/failover prints both).
    """

    def __init__(self, cluster, interval=0.01, prefix='writer'):
        # As the scenario's application user, on the Sentinels and the data instances alike, when it has one.
        login = cluster.login(cluster.app_user)
        password = login.pop('password')
        options = dict(cluster.tls, **login)
        super(Writer, self).__init__([(host.ip, SENTINEL_PORT) for host in cluster.hosts], password,
                                     name=MASTER, prefix=prefix + ':', interval=interval, timeout=0.5,
                                     sentinel_options=options, data_options=options)

    @property
    def started_at(self):
        return self.started

    def lost(self, client):
        """The keys of the acknowledged writes a primary does not have."""
        return [self.key(number) for number in self.lost_on(client)]


def main(checks):
    """Run a scenario's checks; on failure print every host's logs and exit 1."""
    cluster = Cluster()
    try:
        checks(cluster)
    except Exception as exc:  # pylint: disable=broad-except
        say('CHECK FAILED: %s: %s' % (exc.__class__.__name__, exc))
        cluster.print_logs()
        sys.exit(1)
    say('all checks passed')
