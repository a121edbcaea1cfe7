# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""valkey: the default scenario's checks with Valkey 8.1.1 built from source,
deployed secure (molecule.yml): TLS only with client certificates required,
the default user off, the built-in ACL users and an application user app.

First what the deployment must refuse, each beside a control that passes, so
that a refusal for another reason (a wrong password, a missing certificate)
fails the check: plaintext, a client certificate of another CA, the default
user, and each built-in user outside the rules the roles give it (which must
be exactly those). Then kill the primary's container: the Sentinels promote a
replica over their TLS links as their own users, no acknowledged write is
lost, the writing client (redis-py's Sentinel client, over TLS as app)
reconnects by itself, the old host rejoins as a replica and converging again
changes nothing."""

import os
from pathlib import Path

import redis

from cluster import DATA_PORT, MASTER, SENTINEL_PORT, check, main, refused, say, wait_until
from failover_checks import kill_primary_and_rejoin

# The collection's ACL GETUSER reader and hashes (cluster put the collection on sys.path).
from ansible_collections.redisops.sentinel.plugins.module_utils import acl  # pylint: disable=wrong-import-order

# prepare.yml's certificate of another CA with the same name as the scenario's.
INTRUDER = Path(os.environ['MOLECULE_EPHEMERAL_DIRECTORY']) / 'tls-other-ca'
DATA_LOG = '/var/log/redis/redis_%d.log' % DATA_PORT
SENTINEL_LOG = '/var/log/redis/sentinel_%d.log' % SENTINEL_PORT
# What a client does wrong on a TLS port with tls-auth-clients yes (redis-py arguments beside the scenario's
# TLS ones), and the reason OpenSSL gives for ending the session.
TLS_REFUSALS = (
    ('plaintext', dict(ssl=False), 'wrong version number'),
    ('no client certificate', dict(ssl_certfile=None, ssl_keyfile=None), 'peer did not return a certificate'),
    ('a certificate of another CA of the same name',
     dict(ssl_certfile=str(INTRUDER / 'intruder.crt'), ssl_keyfile=str(INTRUDER / 'intruder.key')),
     'certificate verify failed'),
)
# The rules each built-in user must have on Valkey 8.1.1, as ACL GETUSER
# shows them (keys, channels, commands): those of roles/redis_common/vars/main.yml
# (the replication and Sentinel docs' rules; +failover for sentinel only from
# Valkey 9 on), and molecule.yml's for app.
# What both users for Sentinel clients start with (the Sentinel docs' rules for a client).
SENTINEL_CLIENT_COMMANDS = '-@all +auth +client|getname +client|id +client|setname +command +hello +ping +role'
DATA_USERS = {
    'admin': '~* &* +@all',
    'app': '~* &* +@all -@dangerous',
    'replication': '-@all +psync +replconf +ping',
    'sentinel': '&* -@all +multi +slaveof +ping +exec +subscribe +config|rewrite +role +publish +info '
                '+client|setname +client|kill +script|kill',
}
SENTINEL_USERS = {
    'app': SENTINEL_CLIENT_COMMANDS + ' +sentinel|get-master-addr-by-name +sentinel|master +sentinel|masters '
                                      '+sentinel|myid +sentinel|replicas +sentinel|sentinels',
    'sentinel-client': SENTINEL_CLIENT_COMMANDS + ' +info +sentinel|get-master-addr-by-name +sentinel|master '
                                                  '+sentinel|masters +sentinel|myid +sentinel|replicas '
                                                  '+sentinel|slaves +sentinel|sentinels +sentinel|ckquorum',
    'sentinel-peer': '&__sentinel__:hello -@all +auth +client|setname +ping +publish +sentinel|is-master-down-by-addr',
}


def check_runs_valkey(cluster):
    for host in cluster.hosts:
        server = cluster.data(host).info('server')
        check(server.get('server_name') == 'valkey' and 'valkey_version' in server,
              '%s does not run Valkey: INFO server says %s'
              % (host.name, {key: server.get(key) for key in ('server_name', 'redis_version', 'executable')}))
        say('%s runs valkey %s (%s)' % (host.name, server['valkey_version'], server.get('executable', '?')))


def check_users(cluster, client, expected, place):
    """client's ACL users are exactly default and expected {name: rules}, each of these on, with exactly its
    rules and its one password (compared as hashes: never shown)."""
    names = sorted(client.acl_users())
    check(names == sorted(['default'] + list(expected)), '%s has the users %s, not %s'
          % (place, names, sorted(['default'] + list(expected))))
    for name, rules in sorted(expected.items()):
        user = acl.parse_user(client.execute_command('ACL', 'GETUSER', name))
        check(acl.rules_text(user) == rules and not user['selectors'],
              '%s: %s has the rules "%s", not "%s"' % (place, name, acl.rules_text(user), rules))
        check(acl.is_enabled(user) and user['passwords'] == [acl.password_hash(cluster.passwords[name])],
              '%s: %s is not on with exactly its password (flags %s, %d passwords)'
              % (place, name, user['flags'], len(user['passwords'])))


def check_acl_users(cluster):
    """Every instance has exactly the users the roles and molecule.yml give it, with their rules."""
    for host in cluster.hosts:
        admin = cluster.data(host)
        check_users(cluster, admin, DATA_USERS, '%s data instance' % host.name)
        default = acl.parse_user(admin.execute_command('ACL', 'GETUSER', 'default'))
        check(not acl.is_enabled(default) and not default['passwords'] and acl.rules_text(default) == '-@all',
              '%s: default is not off without a password or a right: flags %s, rules "%s", %d passwords'
              % (host.name, default['flags'], acl.rules_text(default), len(default['passwords'])))
        check_users(cluster, cluster.sentinel(host), SENTINEL_USERS, '%s Sentinel' % host.name)
    say('ACL users: on every data instance default off and %s; on every Sentinel %s; each with exactly '
        'its rules and password' % (', '.join(sorted(DATA_USERS)), ', '.join(sorted(SENTINEL_USERS))))


def tls_refusals(cluster, host):
    """TLS only on host's data instance; plaintext, no client certificate and one of another CA refused on
    its data port and Sentinel port, each for the reason OpenSSL gives in the instance's log."""
    admin = cluster.data(host)
    settings = admin.config_get('*port') | admin.config_get('tls-auth-clients')
    check((settings['port'], settings['tls-port'], settings['tls-auth-clients']) == ('0', str(DATA_PORT), 'yes'),
          '%s: the data instance is not TLS only with client certificates required: port %s, tls-port %s, '
          'tls-auth-clients %s' % (host.name, settings['port'], settings['tls-port'], settings['tls-auth-clients']))
    for port_name, connect, log in (('data port', cluster.data, DATA_LOG), ('Sentinel port', cluster.sentinel,
                                                                          SENTINEL_LOG)):
        check(connect(host).ping(), 'the control failed: no TLS PING on the %s of %s with the CA\'s client '
              'certificate' % (port_name, host.name))
        for what, options, reason in TLS_REFUSALS:
            attempt = '%s on the %s of %s' % (what, port_name, host.name)
            before = logged_refusals(cluster, host, log, reason)
            # What the client sees depends on who writes first after the handshake (an alert, a reset or EOF):
            # the server's log says why it ended the session.
            refused(lambda connect=connect, options=options: connect(host, **options).ping(), redis.ConnectionError,
                    attempt)
            wait_until(lambda log=log, reason=reason: logged_refusals(cluster, host, log, reason) > before, 10,
                       '%s to log "%s" for %s' % (log, reason, attempt))
        say('%s %s: TLS with the CA\'s client certificate answers; refused, as its log says: %s'
            % (host.name, port_name, '; '.join('%s (%s)' % (what, reason) for what, _, reason in TLS_REFUSALS)))


def logged_refusals(cluster, host, log, reason):
    """How many connections the instance logging to log on host refused for reason."""
    pattern = 'Error accepting a client connection: .*%s' % reason
    return int(cluster.exec(host, 'grep', '-c', pattern, log, check_rc=False).strip() or 0)


def acl_refusals(cluster, primary):
    """The default user refused, and each built-in user outside its rules (NOPERM, redis-py's NoPermissionError),
    each beside what it may do."""
    admin = cluster.data(primary)
    check(admin.acl_whoami() == 'admin', 'the control failed: the checks are not logged in as admin')
    with_password = refused(lambda: cluster.data(primary, username=None, password=cluster.password).ping(),
                            redis.AuthenticationError, 'default with the password on %s' % primary.name)
    without = refused(lambda: cluster.data(primary, username=None, password=None).ping(), redis.AuthenticationError,
                      'a client that does not log in, on %s' % primary.name)
    say('default refused on %s: with redis_password (%s), without a login (%s)' % (primary.name, with_password,
                                                                                   without))

    as_sentinel = cluster.data(primary, user='sentinel')
    check(as_sentinel.execute_command('ROLE')[0] == 'master', 'the control failed: sentinel cannot ask ROLE')
    reading = refused(lambda: as_sentinel.get('checks:any'), redis.exceptions.NoPermissionError,
                      'GET as sentinel on %s' % primary.name)
    as_replication = cluster.data(primary, user='replication')
    check(as_replication.ping(), 'the control failed: replication cannot PING')
    writing = refused(lambda: as_replication.set('checks:written-by-replication', 'no'),
                      redis.exceptions.NoPermissionError, 'SET as replication on %s' % primary.name)
    as_reader = cluster.sentinel(primary, user='sentinel-client')
    check(as_reader.execute_command('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER)[0] == primary.ip,
          'the control failed: sentinel-client cannot ask for the primary')
    failover = refused(lambda: as_reader.execute_command('SENTINEL', 'FAILOVER', MASTER),
                       redis.exceptions.NoPermissionError, 'SENTINEL FAILOVER as sentinel-client')
    for user, what, exc in (('sentinel', 'GET', reading), ('replication', 'SET', writing),
                            ('sentinel-client', 'SENTINEL FAILOVER', failover)):
        say('%s refused to %s: NOPERM %s' % (what, user, exc))


def controller_users(client, cluster):
    """The users of the connections to client's server from outside the scenario's hosts: the checks' own
    and the writing client's."""
    hosts = [host.ip for host in cluster.hosts]
    return sorted(set(entry['user'] for entry in client.client_list() if entry['addr'].rsplit(':', 1)[0] not in hosts))


def check_writer_logged_in_as_app(cluster, old_primary, promoted):
    """After the failover the writing client is logged in as app on the new primary and on the Sentinels it
    asked (kill_primary_and_rejoin's after_rejoin, while it still writes)."""
    del old_primary  # the writer no longer writes there
    on_primary = controller_users(cluster.data(promoted), cluster)
    on_sentinels = dict((host.name, controller_users(cluster.sentinel(host), cluster)) for host in cluster.hosts)
    check(cluster.app_user in on_primary and any(cluster.app_user in users for users in on_sentinels.values()),
          'the writing client is not logged in as %s on the new primary and a Sentinel: users from the '
          'controller on %s %s, on the Sentinels %s' % (cluster.app_user, promoted.name, on_primary, on_sentinels))
    say('the writing client is logged in as %s: users from the controller on %s %s, on the Sentinels %s'
        % (cluster.app_user, promoted.name, on_primary, on_sentinels))


def secure_valkey_failover(cluster):
    """Valkey, what the secure deployment refuses, its users, then the default scenario's failover checks."""
    check_runs_valkey(cluster)
    primary = cluster.check_topology()
    for host in cluster.hosts:
        tls_refusals(cluster, host)
    acl_refusals(cluster, primary)
    check_acl_users(cluster)
    kill_primary_and_rejoin(cluster, after_rejoin=check_writer_logged_in_as_app)


if __name__ == '__main__':
    main(secure_valkey_failover)
