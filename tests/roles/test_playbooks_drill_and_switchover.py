# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/failover_drill.yml and playbooks/switchover.yml on a real local
deployment: three data instances (7500-7502) and three Sentinels (26500-26502)
on this machine's loopback, deployed once for the module with site.yml and
removed with remove.yml at the end.

The deployment runs TLS only (redis_tls, certificates of a CA the test makes):
every playbook here (site, drill, switchover, status, remove) and every client
of the test talk TLS, and the last tests check what TLS itself promises -
plaintext and a certificate of another CA refused, renewed certificates taken
by the data instances without a restart and by the Sentinels one at a time,
bad TLS variables refused before any change. (The plaintext path is what the
other role tests and the scenarios deploy.)

It also declares ACL users (redis_acl_users, sentinel_acl_users) from its first
deploy on, so that every re-run here that must change nothing checks them too:
an application user on the data instances and the Sentinel docs' client user
on the Sentinels.

The deployment has its own install root and link directory (under /var/tmp),
so that remove.yml removes only its own build and never the one a local
default (make local, on 7000-7002) may be running from. As root it uses the
system layout for the instances' files and init scripts, like make local.
"""

import hashlib
import json
import re
import secrets
import socket
import ssl
import subprocess
from pathlib import Path

import pytest
import redis
import redis.sentinel

from tests.support.certificates import issue, make_ca
from tests.support.loopback_cluster import LoopbackCluster, loopback_cluster
from tests.support.paths import REPO
from tests.support.servers import wait_until
from tests.support.writer import SentinelWriter

HOSTS = ('drill-1', 'drill-2', 'drill-3')
DATA_PORTS = (7500, 7501, 7502)
SENTINEL_PORTS = (26500, 26501, 26502)
DRILL = REPO / 'playbooks' / 'failover_drill.yml'
SWITCHOVER = REPO / 'playbooks' / 'switchover.yml'
ROTATE = REPO / 'playbooks' / 'rotate.yml'
APP_PASSWORD = 'app-%s' % secrets.token_hex(12)
SENTINEL_CLIENT_PASSWORD = 'client-%s' % secrets.token_hex(12)
REPLICATION_PASSWORD = 'replication-%s' % secrets.token_hex(12)
SENTINEL_AUTH_PASSWORD = 'sentinel-%s' % secrets.token_hex(12)
ADMIN_PASSWORD = 'admin-%s' % secrets.token_hex(12)
SENTINEL_PEER_PASSWORD = 'peer-%s' % secrets.token_hex(12)
DISCOVERY_PASSWORD = 'discovery-%s' % secrets.token_hex(12)
APP_RULES = '~app:* &* +@all -@dangerous'
# What a client that only discovers the primary needs on a Sentinel (redis-py asks SENTINEL MASTERS).
SENTINEL_CLIENT_RULES = ('-@all +auth +client|getname +client|id +client|setname +command +hello +ping +role '
                         '+sentinel|get-master-addr-by-name +sentinel|master +sentinel|myid +sentinel|replicas '
                         '+sentinel|sentinels +sentinel|masters')
# The passwords reach the users through variables, as the docs say. ACL mode: replication and the Sentinels
# log in as the role's link users, so every failover and switchover of this deployment goes through them. The
# default user is off: the roles, the drill, the switchover and the status log in as the admin user.
ACL_VARS = dict(
    app_password=APP_PASSWORD, sentinel_client_password=SENTINEL_CLIENT_PASSWORD,
    replication_password=REPLICATION_PASSWORD, sentinel_auth_password=SENTINEL_AUTH_PASSWORD,
    admin_password=ADMIN_PASSWORD, discovery_password=DISCOVERY_PASSWORD, sentinel_peer_password=SENTINEL_PEER_PASSWORD,
    redis_replication_password='{{ replication_password }}', redis_sentinel_auth_password='{{ sentinel_auth_password }}',
    redis_default_user=False, redis_admin_password='{{ admin_password }}',
    redis_acl_users=[dict(name='app', passwords=['{{ app_password }}'], rules=APP_RULES)],
    # The role's read-only sentinel-client takes sentinel_client_password; discovery is the operator's own.
    sentinel_acl_users=[dict(name='discovery', passwords=['{{ discovery_password }}'], rules=SENTINEL_CLIENT_RULES)],
)


class Deployment(LoopbackCluster):
    """The module's cluster, with what the drill and the switchover change."""

    # The admin user's password now (the rotation test changes it for a while).
    admin_password = ADMIN_PASSWORD

    def data(self, port):
        # default is off on the data instances; the Sentinels keep theirs.
        return redis.Redis(host='127.0.0.1', port=port, username='admin', password=self.admin_password,
                           decode_responses=True, socket_timeout=5, **self.client_options)

    def sentinel(self, port):
        return super().data(port)

    def priorities(self):
        return {port: self.data(port).config_get('replica-priority')['replica-priority'] for port in self.data_ports}

    def drill_keys(self, port):
        return self.data(port).keys('redisops:failover-drill:*')


@pytest.fixture(scope='module')
def deployment(collections_path, source_vars, build_artifacts, tmp_path_factory):
    work = tmp_path_factory.mktemp('drill')
    tls = work / 'tls'
    make_ca(tls, 'drill test CA')
    for host in HOSTS:
        issue(tls, host)
    tls_vars = dict(redis_tls=True, redis_tls_ca_file=str(tls / 'ca.crt'),
                    redis_tls_cert_file='%s/{{ inventory_hostname }}.crt' % tls,
                    redis_tls_key_file='%s/{{ inventory_hostname }}.key' % tls)
    tls_vars.update(ACL_VARS)
    with loopback_cluster('drill', dict(zip(HOSTS, DATA_PORTS)), dict(zip(HOSTS, SENTINEL_PORTS)), collections_path,
                          source_vars, build_artifacts, work, extra_vars=tls_vars, cluster_class=Deployment,
                          client_options=dict(ssl=True, ssl_ca_certs=str(tls / 'ca.crt'))) as cluster:
        cluster.tls_dir = tls
        yield cluster


def drill_figure(run, label):
    match = re.search(r'%s:\s+([0-9.]+) s' % re.escape(label), run.stdout)
    assert match, 'no "%s" in the report:\n%s' % (label, run.explain())
    return float(match.group(1))


def test_drill_refuses_to_run_without_confirm_and_changes_nothing(deployment):
    primary = deployment.healthy_primary_port()
    run_ids = deployment.run_ids()

    refused = deployment.playbook(DRILL, '-e', 'drill_method=kill')
    assert refused.returncode != 0
    assert 'Nothing was changed; run it again with -e confirm=yes' in refused.output, refused.explain()
    # Refused by the first task, before any fact gathering, client or kill.
    assert 'TASK [Gather the addresses of the hosts' not in refused.stdout
    assert refused.changed_total == 0
    assert not refused.ran(r'Kill the primary|Stop the primary|Start a client')

    assert deployment.agreed_primary_port() == primary
    assert deployment.run_ids() == run_ids
    assert not deployment.drill_keys(primary)

    not_yes = deployment.playbook(DRILL, '-e', 'confirm=maybe')
    assert not_yes.returncode != 0 and 'run it again with -e confirm=yes' in not_yes.output
    assert deployment.run_ids() == run_ids


def test_drill_kills_the_primary_reports_the_promoted_replica_and_the_gap_and_the_old_primary_rejoins(deployment):
    old = deployment.healthy_primary_port()
    run_ids = deployment.run_ids()

    drill = deployment.playbook(DRILL, '-v', '-e', 'confirm=yes')
    assert drill.returncode == 0, drill.explain()
    promoted = re.search(r'promoted:\s+(drill-\d) \(127\.0\.0\.1:(\d+)\)', drill.stdout)
    assert promoted, drill.explain()
    new = int(promoted.group(2))
    assert promoted.group(1) == deployment.host_of(new) and new != old
    assert re.search(r'old primary:\s+%s \(127\.0\.0\.1:%d\)' % (deployment.host_of(old), old), drill.stdout)
    assert 'kill -9 of the process' in drill.stdout

    # The client saw writes fail from the kill until Sentinel promoted a replica: at least most of
    # down-after-milliseconds (5000 by default), and not an unbounded time.
    gap = drill_figure(drill, 'client write gap')
    assert 3.0 < gap < 60.0, drill.stdout
    assert re.search(r'gap minus down-after -?[0-9.]+ s', drill.stdout)
    acknowledged = re.search(r'writes: (\d+) acknowledged, (\d+) of them lost', drill.stdout)
    assert acknowledged and int(acknowledged.group(1)) > 100, drill.explain()

    # The end state: the promoted replica is the primary for every Sentinel, and the old primary
    # was started again (a new process) and follows it.
    assert deployment.agreed_primary_port() == new
    assert deployment.data(new).info('replication')['role'] == 'master'
    rejoined = deployment.data(old).info('replication')
    assert (rejoined['role'], rejoined['master_port'], rejoined['master_link_status']) == ('slave', new, 'up')
    assert deployment.data(old).info('server')['run_id'] != run_ids[old]
    assert deployment.healthy_primary_port() == new
    status = subprocess.run(['/etc/init.d/redis_%d' % old, 'status'], capture_output=True, text=True, check=False)
    assert status.returncode == 0 and 'is running' in status.stdout

    # The client's list key is gone, and no secret was printed.
    assert not deployment.drill_keys(new)
    assert deployment.password not in drill.output and ADMIN_PASSWORD not in drill.output


def test_drill_with_a_graceful_stop_goes_through_the_init_script(deployment):
    old = deployment.healthy_primary_port()

    drill = deployment.playbook(DRILL, '-e', 'confirm=yes', '-e', 'drill_method=stop')
    assert drill.returncode == 0, drill.explain()
    assert drill.ran(r'Stop the primary through its service manager \| %s \(127\.0\.0\.1:%d\)'
                     % (deployment.host_of(old), old))
    assert drill.ran(r'Have the control script change the state of the instance')
    assert not drill.ran(r'Kill the primary')
    new = int(re.search(r'promoted:\s+drill-\d \(127\.0\.0\.1:(\d+)\)', drill.stdout).group(1))
    assert new != old
    assert deployment.healthy_primary_port() == new
    assert deployment.password not in drill.output and ADMIN_PASSWORD not in drill.output


def test_switchover_to_a_named_replica_moves_the_primary_there_and_restores_the_priorities(deployment):
    old = deployment.healthy_primary_port()
    replicas = [port for port in DATA_PORTS if port != old]
    # Name the replica that Sentinel would not choose by itself: the other one gets a better
    # (lower) priority of its own, which must be back afterwards.
    target, other = replicas
    deployment.data(other).config_set('replica-priority', 42)
    before = deployment.priorities()

    switched = deployment.playbook(SWITCHOVER, '-e', 'switchover_to=%s' % deployment.host_of(target))
    assert switched.returncode == 0, switched.explain()
    assert 'Switchover of mymaster: %s (127.0.0.1:%d) -> %s (127.0.0.1:%d)' % (
        deployment.host_of(old), old, deployment.host_of(target), target) in switched.stdout, switched.explain()

    # Every Sentinel reports the named replica, which is the primary, and the others follow it.
    assert deployment.sentinel_views() == [('127.0.0.1', str(target))] * 3
    assert deployment.healthy_primary_port() == target
    assert deployment.data(target).info('replication')['role'] == 'master'
    # Priorities are back, at runtime and in the config file that Sentinel's CONFIG REWRITE touched.
    assert deployment.priorities() == before
    assert before[other] == '42'
    assert re.search(r'^replica-priority 42$', Path('/etc/redis/redis_%d.conf' % other).read_text(), re.M)
    assert not re.search(r'^replica-priority 0$', Path('/etc/redis/redis_%d.conf' % other).read_text(), re.M)
    assert deployment.password not in switched.output and ADMIN_PASSWORD not in switched.output

    # Naming the primary again changes nothing.
    again = deployment.playbook(SWITCHOVER, '-e', 'switchover_to=%s' % deployment.host_of(target))
    assert again.returncode == 0, again.explain()
    assert 'already is the primary of mymaster: nothing to do' in again.stdout
    assert again.changed_total == 0
    assert deployment.agreed_primary_port() == target

    deployment.data(other).config_set('replica-priority', 100)
    deployment.data(other).config_rewrite()


def test_switchover_where_sentinel_chooses_loses_no_write_of_a_client_writing_every_millisecond(deployment):
    """The README's first form, `ansible-playbook playbooks/switchover.yml`, twice, under a writer."""
    with SentinelWriter(SENTINEL_PORTS, ADMIN_PASSWORD, sentinel_password=deployment.password,
                        sentinel_options=deployment.client_options,
                        data_options=dict(deployment.client_options, username='admin')) as writer:
        wait_until(lambda: len(writer.acknowledged) > 500, 30, 'the writer to write')
        for _ in range(2):
            old = deployment.healthy_primary_port()
            switched = deployment.playbook(SWITCHOVER)
            assert switched.returncode == 0, switched.explain()
            new = deployment.healthy_primary_port()
            assert new != old
            assert re.search(r'Switchover of mymaster: %s \(127\.0\.0\.1:%d\) -> %s \(127\.0\.0\.1:%d\); writes were '
                             r'paused [0-9.]+ s' % (deployment.host_of(old), old, deployment.host_of(new), new),
                             switched.stdout), switched.explain()
            assert deployment.password not in switched.output and ADMIN_PASSWORD not in switched.output
            wait_until(lambda: deployment.agreed_primary_port() == new, 30, 'the Sentinels to agree')
    lost = writer.lost_on(deployment.data(deployment.healthy_primary_port()))
    print('switchover.yml: %d acknowledged writes, %d lost, longest gap %.3f s'
          % (len(writer.acknowledged), len(lost), writer.longest_gap))
    assert lost == []


def test_switchover_to_an_unknown_host_is_refused_before_anything_changes(deployment):
    primary = deployment.healthy_primary_port()
    priorities = deployment.priorities()

    refused = deployment.playbook(SWITCHOVER, '-e', 'switchover_to=no-such-host')
    assert refused.returncode != 0
    assert 'switchover_to (no-such-host) must be a host of group redis (drill-1, drill-2, drill-3)' \
        in refused.output, refused.explain()
    assert 'TASK [Publish and collect the addresses' not in refused.stdout
    assert refused.changed_total == 0
    assert deployment.agreed_primary_port() == primary
    assert deployment.priorities() == priorities


def test_switchover_to_a_replica_out_of_sync_is_refused_before_anything_changes(deployment):
    primary = deployment.healthy_primary_port()
    target = [port for port in DATA_PORTS if port != primary][0]
    priorities = deployment.priorities()
    replica = deployment.data(target)
    # A replica whose link to the primary is down: it cannot log in to the primary any more.
    masterauth = replica.config_get('masterauth')['masterauth']
    assert masterauth == REPLICATION_PASSWORD
    replica.config_set('masterauth', 'not-the-password')
    try:
        replica.client_kill_filter(_type='master')
        wait_until(lambda: replica.info('replication')['master_link_status'] == 'down', 30, 'the link to go down')

        refused = deployment.playbook(SWITCHOVER, '-e', json.dumps({'switchover_to': deployment.host_of(target)}))
        assert refused.returncode != 0
        assert '127.0.0.1:%d cannot be promoted now: the primary does not list it among its replicas' % target \
            in refused.output, refused.explain()
        assert 'nothing was changed' in refused.output
        assert refused.changed_total == 0
        assert deployment.agreed_primary_port() == primary
        assert deployment.priorities() == priorities
    finally:
        replica.config_set('masterauth', masterauth)
    wait_until(lambda: replica.info('replication')['master_link_status'] == 'up', 60, 'the link to come back')
    assert deployment.healthy_primary_port() == primary


@pytest.mark.parametrize('status', [REPO / 'playbooks' / 'status.yml', 'redisops.sentinel.status'],
                         ids=['checkout', 'fqcn'])
def test_status_prints_every_instance_and_sentinel_and_changes_nothing(deployment, status):
    """Both forms of the status playbook's header: the checkout's file and the installed collection's name."""
    primary = deployment.healthy_primary_port()
    shown = deployment.playbook(status)
    assert shown.returncode == 0, shown.explain()
    assert shown.changed_total == 0
    host = deployment.host_of(primary)
    assert re.search(r'%s\s+127\.0\.0\.1:%d\s+primary' % (host, primary), shown.stdout), shown.explain()
    for port in DATA_PORTS:
        if port != primary:
            assert re.search(r'%s\s+127\.0\.0\.1:%d\s+replica\s+127\.0\.0\.1:%d\s+up' % (
                deployment.host_of(port), port, primary), shown.stdout), shown.explain()
    assert 'Sentinels (the primary is agreed by 3 of 3)' in shown.stdout
    for port in SENTINEL_PORTS:
        assert re.search(r'127\.0\.0\.1:%d\s+127\.0\.0\.1:%d\s+2\s+2\s+OK 3 usable Sentinels' % (port, primary),
                         shown.stdout), shown.explain()
    assert 'mymaster: the primary is %s (127.0.0.1:%d); 3 of 3 Sentinels report it' % (host, primary) in shown.stdout
    assert deployment.password not in shown.output and ADMIN_PASSWORD not in shown.output


def test_switchover_by_its_collection_name_moves_the_primary(deployment):
    """`ansible-playbook redisops.sentinel.switchover -e switchover_to=...`, as the README gives it."""
    old = deployment.healthy_primary_port()
    target = [port for port in DATA_PORTS if port != old][0]
    switched = deployment.playbook('redisops.sentinel.switchover', '-e', 'switchover_to=%s' % deployment.host_of(target))
    assert switched.returncode == 0, switched.explain()
    assert 'Switchover of mymaster: %s (127.0.0.1:%d) -> %s (127.0.0.1:%d)' % (
        deployment.host_of(old), old, deployment.host_of(target), target) in switched.stdout, switched.explain()
    wait_until(lambda: deployment.healthy_primary_port() == target, 30, 'the cluster to settle on the new primary')
    assert deployment.password not in switched.output and ADMIN_PASSWORD not in switched.output


# What TLS itself promises, on the same deployment.


def served_certificate(port):
    """The DER certificate the TLS port serves (without verification: the test compares it)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with context.wrap_socket(socket.create_connection(('127.0.0.1', port), timeout=5)) as connection:
        return connection.getpeercert(binary_form=True)


def sentinel_run_ids(deployment):
    return {port: deployment.sentinel(port).info('server')['run_id'] for port in SENTINEL_PORTS}


def test_tls_only_refuses_plaintext_and_a_client_certificate_of_another_ca(deployment, tmp_path):
    deployment.healthy_primary_port()
    for port in DATA_PORTS + SENTINEL_PORTS:
        conf = Path('/etc/redis/%s_%d.conf' % ('redis' if port in DATA_PORTS else 'sentinel', port)).read_text()
        assert re.search(r'^port 0$', conf, re.M) and re.search(r'^tls-port %d$' % port, conf, re.M), conf
        assert re.search(r'^tls-replication yes$', conf, re.M)
        with pytest.raises(redis.ConnectionError):
            redis.Redis(host='127.0.0.1', port=port, password=deployment.password, socket_timeout=3).ping()
    # tls-auth-clients optional (the default): no client certificate is fine, one of another CA is refused,
    # even with the right CA for the server and the right password.
    other = tmp_path / 'other-ca'
    make_ca(other, 'drill test CA')
    issue(other, 'intruder')
    for port, client in ((DATA_PORTS[0], deployment.data), (SENTINEL_PORTS[0], deployment.sentinel)):
        assert client(port).ping()
        intruder = redis.Redis(host='127.0.0.1', port=port, password=deployment.password, socket_timeout=3,
                               ssl_certfile=str(other / 'intruder.crt'), ssl_keyfile=str(other / 'intruder.key'),
                               **deployment.client_options)
        with pytest.raises(redis.ConnectionError):
            intruder.ping()


def acl_user_names(deployment):
    return dict([(port, sorted(deployment.data(port).acl_users())) for port in DATA_PORTS]
                + [(port, sorted(deployment.sentinel(port).acl_users())) for port in SENTINEL_PORTS])


def test_acl_users_let_an_application_find_the_primary_and_write_its_keys_only_and_an_empty_list_deletes_them(
        deployment):
    primary = deployment.healthy_primary_port()
    run_ids = deployment.run_ids()
    tls = dict(ssl=True, ssl_ca_certs=str(deployment.tls_dir / 'ca.crt'), socket_timeout=5)
    # A Sentinel-aware client that knows only its two users: sentinel-client on the Sentinels, app on the data.
    sentinel = redis.sentinel.Sentinel(
        [('127.0.0.1', port) for port in SENTINEL_PORTS],
        sentinel_kwargs=dict(username='sentinel-client', password=SENTINEL_CLIENT_PASSWORD, **tls),
        username='app', password=APP_PASSWORD, decode_responses=True, **tls)
    assert sentinel.discover_master('mymaster') == ('127.0.0.1', primary)
    app = sentinel.master_for('mymaster')
    assert app.execute_command('ACL', 'WHOAMI') == 'app'
    app.set('app:acl-check', 'yes')
    assert app.get('app:acl-check') == 'yes'
    with pytest.raises(redis.exceptions.NoPermissionError):
        app.set('other:acl-check', 'no')
    with pytest.raises(redis.exceptions.NoPermissionError):
        app.execute_command('FLUSHALL')
    app.delete('app:acl-check')
    # On the replicas too (ACL users are not replicated: the role made them on each instance).
    for port in DATA_PORTS:
        assert redis.Redis(host='127.0.0.1', port=port, username='app', password=APP_PASSWORD, **tls).ping()
    client = redis.Redis(host='127.0.0.1', port=SENTINEL_PORTS[0], username='sentinel-client',
                         password=SENTINEL_CLIENT_PASSWORD, **tls)
    with pytest.raises(redis.exceptions.NoPermissionError):
        client.execute_command('SENTINEL', 'FAILOVER', 'mymaster')
    # Persisted, as hashes: a restart keeps the users.
    for kind, port, user, password in ([('redis', port, 'app', APP_PASSWORD) for port in DATA_PORTS]
                                       + [('sentinel', port, 'discovery', DISCOVERY_PASSWORD)
                                          for port in SENTINEL_PORTS]):
        conf = Path('/etc/redis/%s_%d.conf' % (kind, port)).read_text()
        assert re.search(r'^user %s on .*#%s' % (user, hashlib.sha256(password.encode()).hexdigest()), conf, re.M)
        assert password not in conf
    assert acl_user_names(deployment) == dict(
        [(port, ['admin', 'app', 'default', 'replication', 'sentinel']) for port in DATA_PORTS]
        + [(port, ['default', 'discovery', 'sentinel-client', 'sentinel-peer']) for port in SENTINEL_PORTS])

    emptied = deployment.site('-e', json.dumps(dict(redis_acl_users=[], sentinel_acl_users=[])))
    assert emptied.returncode == 0, emptied.explain()
    assert emptied.changed_total == 6, emptied.explain()
    # Still ACL mode: the link users stay.
    assert acl_user_names(deployment) == dict(
        [(port, ['admin', 'default', 'replication', 'sentinel']) for port in DATA_PORTS]
        + [(port, ['default', 'sentinel-client', 'sentinel-peer']) for port in SENTINEL_PORTS])
    for secret in (deployment.password, APP_PASSWORD, SENTINEL_CLIENT_PASSWORD, REPLICATION_PASSWORD,
                   SENTINEL_AUTH_PASSWORD, ADMIN_PASSWORD, DISCOVERY_PASSWORD, SENTINEL_PEER_PASSWORD):
        assert secret not in emptied.output
    assert deployment.run_ids() == run_ids and deployment.healthy_primary_port() == primary


def test_replication_and_the_sentinels_log_in_as_their_link_users_with_the_docs_rules_and_nothing_more(deployment):
    tls = dict(ssl=True, ssl_ca_certs=str(deployment.tls_dir / 'ca.crt'), socket_timeout=5, decode_responses=True)
    primary = deployment.healthy_primary_port()
    for port in DATA_PORTS:
        admin = deployment.data(port)
        assert admin.config_get('masteruser') == {'masteruser': 'replication'}
        # The replicas' links are up, logged in as replication (the drill and switchovers before moved the primary
        # and repointed them; the old primary rejoined through this user).
        if port != primary:
            info = admin.info('replication')
            assert info['master_port'] == primary and info['master_link_status'] == 'up', info
        # Exactly the docs' rules: what each link needs passes, the rest is refused.
        assert admin.execute_command('ACL', 'DRYRUN', 'replication', 'PSYNC', '?', '-1') == 'OK'
        assert admin.execute_command('ACL', 'DRYRUN', 'sentinel', 'SLAVEOF', 'NO', 'ONE') == 'OK'
        assert admin.execute_command('ACL', 'DRYRUN', 'sentinel', 'CONFIG', 'REWRITE') == 'OK'
        for user, command in (('replication', ('SET', 'k', 'v')), ('replication', ('INFO',)),
                              ('sentinel', ('GET', 'k')), ('sentinel', ('CONFIG', 'SET', 'maxmemory', '1')),
                              ('sentinel', ('ACL', 'LIST'))):
            assert admin.execute_command('ACL', 'DRYRUN', user, *command) != 'OK', (user, command)
    # The negative checks as a client meets them: each link user logs in and is refused what is not its own.
    as_replication = redis.Redis(host='127.0.0.1', port=primary, username='replication',
                                 password=REPLICATION_PASSWORD, **tls)
    assert as_replication.ping()
    with pytest.raises(redis.exceptions.NoPermissionError):
        as_replication.set('app:written-by-replication', 'no')
    as_sentinel = redis.Redis(host='127.0.0.1', port=primary, username='sentinel', password=SENTINEL_AUTH_PASSWORD,
                              **tls)
    assert as_sentinel.execute_command('ROLE')[0] == 'master'
    with pytest.raises(redis.exceptions.NoPermissionError):
        as_sentinel.get('app:acl-check')
    # Sentinel's config names its auth-user; the Sentinels see every data instance up through it.
    for port in SENTINEL_PORTS:
        conf = Path('/etc/redis/sentinel_%d.conf' % port).read_text()
        assert re.search(r'^sentinel auth-user mymaster sentinel$', conf, re.M), conf
        sentinel = deployment.sentinel(port)
        assert sentinel.sentinel_master('mymaster')['flags'] == 'master'
        assert all(replica['flags'] == 'slave' and replica['master-link-status'] == 'ok'
                   for replica in sentinel.sentinel_slaves('mymaster'))
    for port in DATA_PORTS:
        conf = Path('/etc/redis/redis_%d.conf' % port).read_text()
        assert re.search(r'^masteruser "?replication"?$', conf, re.M), conf
        assert SENTINEL_AUTH_PASSWORD not in conf


def test_the_sentinels_log_in_to_each_other_as_the_peer_user_and_offer_a_read_only_user(deployment):
    tls = dict(ssl=True, ssl_ca_certs=str(deployment.tls_dir / 'ca.crt'), socket_timeout=5, decode_responses=True)
    primary = deployment.healthy_primary_port()
    for port in SENTINEL_PORTS:
        sentinel = deployment.sentinel(port)
        assert sentinel.execute_command('SENTINEL', 'CONFIG', 'GET', 'sentinel-user') == ['sentinel-user',
                                                                                           'sentinel-peer']
        assert re.search(r'^sentinel sentinel-user sentinel-peer$',
                         Path('/etc/redis/sentinel_%d.conf' % port).read_text(), re.M)
        # Each of the two other Sentinels is logged in here as sentinel-peer (CLIENT SETNAME sentinel-<id>-cmd),
        # and nothing it sent was refused: the drill's votes and the failovers went through this user.
        peers = [client for client in sentinel.client_list() if re.match(r'sentinel-[0-9a-f]{8}-cmd\Z', client['name'])]
        assert len(peers) == 2 and all(client['user'] == 'sentinel-peer' for client in peers), peers
        assert [entry for entry in sentinel.acl_log() if entry.get('username') == 'sentinel-peer'] == []
    as_peer = redis.Redis(host='127.0.0.1', port=SENTINEL_PORTS[0], username='sentinel-peer',
                          password=SENTINEL_PEER_PASSWORD, **tls)
    assert as_peer.ping()
    with pytest.raises(redis.exceptions.NoPermissionError):
        as_peer.execute_command('SENTINEL', 'MASTERS')
    # The read-only user: what a client and a monitoring check ask passes, a change is refused.
    reader = redis.Redis(host='127.0.0.1', port=SENTINEL_PORTS[1], username='sentinel-client',
                         password=SENTINEL_CLIENT_PASSWORD, **tls)
    assert reader.execute_command('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mymaster') == ['127.0.0.1', str(primary)]
    assert reader.execute_command('SENTINEL', 'CKQUORUM', 'mymaster').startswith('OK')
    assert reader.info('sentinel')['sentinel_masters'] == 1
    for command in (('SENTINEL', 'SET', 'mymaster', 'quorum', '1'), ('SENTINEL', 'FAILOVER', 'mymaster'),
                    ('SENTINEL', 'RESET', 'mymaster'), ('ACL', 'LIST'), ('SENTINEL', 'CONFIG', 'GET', '*')):
        with pytest.raises(redis.exceptions.NoPermissionError):
            reader.execute_command(*command)


def test_the_default_user_is_off_and_the_collection_logs_in_as_the_admin_user(deployment):
    # Every test of this deployment (drill, switchovers, status, renewal, re-runs) ran with default off; here is
    # what a client meets.
    tls = dict(ssl=True, ssl_ca_certs=str(deployment.tls_dir / 'ca.crt'), socket_timeout=5, decode_responses=True)
    deployment.healthy_primary_port()
    for port in DATA_PORTS:
        with pytest.raises(redis.exceptions.AuthenticationError):
            redis.Redis(host='127.0.0.1', port=port, password=deployment.password, **tls).ping()
        with pytest.raises(redis.exceptions.AuthenticationError):
            redis.Redis(host='127.0.0.1', port=port, **tls).ping()
        admin = deployment.data(port)
        assert admin.acl_whoami() == 'admin'
        default = admin.acl_getuser('default')
        assert 'off' in default['flags'] and default['passwords'] == [], default
        assert admin.execute_command('ACL', 'DRYRUN', 'default', 'GET', 'k') != 'OK'
        conf = Path('/etc/redis/redis_%d.conf' % port).read_text()
        assert re.search(r'^user default off ', conf, re.M), conf
        # redis_password let the first run in only: no longer in the file.
        assert not re.search(r'^requirepass', conf, re.M) and deployment.password not in conf
        assert ADMIN_PASSWORD not in conf
    # The Sentinels keep their default user (sentinel_password).
    for port in SENTINEL_PORTS:
        assert deployment.sentinel(port).ping()


def test_renewed_certificates_reach_the_data_instances_without_a_restart_and_the_sentinels_one_by_one(deployment):
    primary = deployment.healthy_primary_port()
    run_ids = deployment.run_ids()
    sentinels = sentinel_run_ids(deployment)
    served = {port: served_certificate(port) for port in DATA_PORTS + SENTINEL_PORTS}
    for host in HOSTS:
        issue(deployment.tls_dir, host)

    renewed = deployment.site()
    assert renewed.returncode == 0, renewed.explain()
    assert deployment.password not in renewed.output and ADMIN_PASSWORD not in renewed.output
    # The data instances loaded the new files at runtime: same processes, new certificate served.
    assert deployment.run_ids() == run_ids
    assert renewed.ran(r'Apply the settings of the data instance at runtime')
    # The Sentinels cannot: each was restarted, one at a time, and they agree on the same primary.
    for port in SENTINEL_PORTS:
        assert renewed.ran(r'Restart the Sentinel .*sentinel_%d' % port), renewed.explain()
    assert all(sentinel_run_ids(deployment)[port] != sentinels[port] for port in SENTINEL_PORTS)
    for port in DATA_PORTS + SENTINEL_PORTS:
        assert served_certificate(port) != served[port], port
    assert deployment.healthy_primary_port() == primary

    again = deployment.site()
    assert again.returncode == 0, again.explain()
    assert again.changed_total == 0, again.explain()


# The passwords rotate.yml changes: the inventory's variable, and the role's variable it feeds.
ROTATED = dict(replication_password='redis_replication_password', sentinel_auth_password='redis_sentinel_auth_password',
               sentinel_peer_password='sentinel_peer_password', sentinel_client_password='sentinel_client_password',
               admin_password='redis_admin_password')


def acl_passwords(client, user):
    return client.acl_getuser(user)['passwords']


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


def admin_client(deployment, port, password):
    tls = dict(ssl=True, ssl_ca_certs=str(deployment.tls_dir / 'ca.crt'), socket_timeout=5, decode_responses=True)
    return redis.Redis(host='127.0.0.1', port=port, username='admin', password=password, **tls)


def reset_acl_logs(deployment, admin_password):
    for port in DATA_PORTS:
        admin_client(deployment, port, admin_password).acl_log_reset()
    for port in SENTINEL_PORTS:
        deployment.sentinel(port).acl_log_reset()


def check_links_use(deployment, passwords):
    """Every user the roles own has exactly its password in passwords, and every link logs in with it.

    The links are made to log in again (replicas: CLIENT KILL TYPE master; the Sentinels dropped theirs at
    SENTINEL SET auth-pass and SENTINEL CONFIG SET sentinel-pass), and no login failed since reset_acl_logs.
    """
    primary = deployment.healthy_primary_port()

    def admin(port):
        return admin_client(deployment, port, passwords['admin_password'])

    for port in DATA_PORTS:
        for user, name in (('replication', 'replication_password'), ('sentinel', 'sentinel_auth_password'),
                           ('admin', 'admin_password')):
            assert acl_passwords(admin(port), user) == [sha256(passwords[name])], (port, user)
        if port != primary:
            assert admin(port).config_get('masterauth') == {'masterauth': passwords['replication_password']}
            admin(port).execute_command('CLIENT', 'KILL', 'TYPE', 'master')
    for port in DATA_PORTS:
        if port != primary:
            wait_until(lambda port=port: admin(port).info('replication')['master_link_status'] == 'up', 30,
                       'replica %d to log in again' % port)
    wait_until(lambda: len([client for client in admin(primary).client_list()
                            if client['name'].startswith('sentinel-') and client['user'] == 'sentinel']) == 6,
               30, 'the Sentinels to log in to the primary again (cmd and pubsub each)')
    for port in SENTINEL_PORTS:
        sentinel = deployment.sentinel(port)
        assert sentinel.execute_command('SENTINEL', 'CONFIG', 'GET', 'sentinel-pass') == [
            'sentinel-pass', passwords['sentinel_peer_password']]
        for user, name in (('sentinel-peer', 'sentinel_peer_password'), ('sentinel-client', 'sentinel_client_password')):
            assert acl_passwords(sentinel, user) == [sha256(passwords[name])], (port, user)
        wait_until(lambda sentinel=sentinel: len([
            client for client in sentinel.client_list()
            if re.match(r'sentinel-[0-9a-f]{8}-cmd\Z', client['name']) and client['user'] == 'sentinel-peer']) == 2,
            30, 'the other Sentinels to log in to %d again' % port)
    failed = [(port, entry) for port, client in ([(port, admin(port)) for port in DATA_PORTS]
                                                 + [(port, deployment.sentinel(port)) for port in SENTINEL_PORTS])
              for entry in client.acl_log() if entry.get('reason') == 'auth']
    assert failed == []


def test_rotate_moves_every_link_to_new_passwords_with_no_restart_and_no_failed_write(deployment):
    primary = deployment.healthy_primary_port()
    run_ids, sentinel_ids = deployment.run_ids(), sentinel_run_ids(deployment)
    refused = deployment.playbook(ROTATE, '-e', '@%s' % deployment.source_vars)
    assert refused.returncode != 0 and 'redis_previous_passwords is empty' in refused.output, refused.explain()
    assert refused.changed_total == 0

    old = dict(replication_password=REPLICATION_PASSWORD, sentinel_auth_password=SENTINEL_AUTH_PASSWORD,
               sentinel_peer_password=SENTINEL_PEER_PASSWORD, sentinel_client_password=SENTINEL_CLIENT_PASSWORD,
               admin_password=ADMIN_PASSWORD)
    new = dict((name, 'new-%s' % secrets.token_hex(12)) for name in old)

    def rotate(current, wanted, playbook=ROTATE):
        extra = dict(wanted, redis_previous_passwords=dict((ROTATED[name], current[name]) for name in current))
        return deployment.playbook(playbook, '-e', '@%s' % deployment.source_vars, '-e', json.dumps(extra))

    # A client of its own users (app, and the Sentinels' default) writes every millisecond throughout.
    with SentinelWriter(SENTINEL_PORTS, APP_PASSWORD, sentinel_password=deployment.password, prefix='app:rotation:',
                        sentinel_options=deployment.client_options,
                        data_options=dict(deployment.client_options, username='app')) as writer:
        wait_until(lambda: len(writer.acknowledged) > 500, 30, 'the writer to write')
        reset_acl_logs(deployment, old['admin_password'])
        rotated = rotate(old, new)
        assert rotated.returncode == 0, rotated.explain()
        deployment.admin_password = new['admin_password']
        check_links_use(deployment, new)
        # The previous passwords no longer log in.
        tls = dict(ssl=True, ssl_ca_certs=str(deployment.tls_dir / 'ca.crt'), socket_timeout=5)
        with pytest.raises(redis.exceptions.AuthenticationError):
            redis.Redis(host='127.0.0.1', port=primary, username='admin', password=ADMIN_PASSWORD, **tls).ping()
        with pytest.raises(redis.exceptions.AuthenticationError):
            redis.Redis(host='127.0.0.1', port=SENTINEL_PORTS[0], username='sentinel-client',
                        password=SENTINEL_CLIENT_PASSWORD, **tls).ping()
        # And back, so that the deployment's inventory holds the passwords again: by the collection's name.
        reset_acl_logs(deployment, new['admin_password'])
        back = rotate(new, old, playbook='redisops.sentinel.rotate')
        deployment.admin_password = old['admin_password']
        assert back.returncode == 0, back.explain()
        check_links_use(deployment, old)
    lost = writer.lost_on(deployment.data(primary))
    print('rotate.yml twice: %d acknowledged writes, %d errors, %d lost, longest gap %.3f s'
          % (len(writer.acknowledged), writer.errors, len(lost), writer.longest_gap))
    assert writer.errors == 0 and lost == []
    assert deployment.run_ids() == run_ids and sentinel_run_ids(deployment) == sentinel_ids
    assert deployment.healthy_primary_port() == primary
    for run in (rotated, back):
        for secret in list(old.values()) + list(new.values()):
            assert secret not in run.output


@pytest.mark.parametrize('variables, expected', [
    ({'redis_tls_cert_file': '', 'sentinel_tls_plaintext_port': SENTINEL_PORTS[0]},
     ['redis_tls is on but redis_tls_cert_file is empty',
      'sentinel_tls_plaintext_port is %d, the same as sentinel_port' % SENTINEL_PORTS[0]]),
    # The roles' argument specs refuse a value out of the choices, naming the variable.
    ({'redis_tls_auth_clients': 'sometimes'},
     ['value of redis_tls_auth_clients must be one of: yes, optional, no, got: sometimes']),
    ({'redis_tls_cert_file': '/nonexistent/drill.crt'}, ['redis_tls_cert_file /nonexistent/drill.crt ']),
    ({'redis_address': '127.0.0.2'},
     ['covers none of the addresses 127.0.0.2: its subjectAltName has IP 127.0.0.1']),
    # ACL users: the role's default user, and a password put in the rules (never printed back).
    ({'redis_acl_users': [{'name': 'default', 'passwords': ['{{ app_password }}']}],
      'sentinel_acl_users': [{'name': 'monitor', 'rules': '+ping >%s' % APP_PASSWORD}]},
     ["redis_acl_users[0] (default): the default user is the role's own, its password is redis_password",
      'sentinel_acl_users[0] (monitor): rules must not hold passwords']),
    # ACL mode without a link password, and an application user named like a link user.
    ({'redis_sentinel_auth_password': '', 'sentinel_peer_password': '',
      'redis_acl_users': [{'name': 'replication', 'passwords': ['{{ app_password }}']}]},
     ['set redis_sentinel_auth_password and sentinel_peer_password (the same on every host)',
      'redis_acl_users declares "replication", which is redis_replication_user']),
    # default off without the admin user's password, and an admin user named like a link user.
    ({'redis_admin_password': '', 'redis_admin_user': 'replication'},
     ['set redis_admin_password (the same on every host)',
      'redis_admin_user is "replication", the name of redis_replication_user']),
    # A rotation of a password the roles do not own.
    ({'redis_previous_passwords': {'redis_password': '{{ app_password }}'}},
     ['redis_previous_passwords names redis_password: it takes redis_replication_password']),
], ids=['variables', 'choices', 'missing file', 'address not covered', 'acl users', 'link users', 'default user',
        'rotation'])
def test_bad_tls_and_acl_variables_are_refused_before_anything_changes(deployment, variables, expected):
    primary = deployment.healthy_primary_port()
    run_ids = deployment.run_ids()
    refused = deployment.site('-e', json.dumps(variables))
    assert refused.returncode != 0
    for text in expected:
        assert text in refused.output, refused.explain()
    assert refused.changed_total == 0
    assert APP_PASSWORD not in refused.output
    assert deployment.run_ids() == run_ids and deployment.agreed_primary_port() == primary
