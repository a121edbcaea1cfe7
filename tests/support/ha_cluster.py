# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A primary, two replicas and three Sentinels on loopback, as real processes,
for the module tests that move or watch the primary."""

from tests.support.servers import PASSWORD, sentinel_lines, wait_until

NAME = 'mymaster'


class HaCluster:
    def __init__(self, data, sentinels):
        self.data = data
        self.sentinels = sentinels

    def by_port(self, port):
        return next(server for server in self.data if server.port == port)

    def views(self):
        return set(tuple(s.client().execute_command('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', NAME))
                   for s in self.sentinels)

    def primary_port(self):
        views = self.views()
        assert len(views) == 1, views
        return int(views.pop()[1])

    def replica_ports(self):
        primary = self.primary_port()
        return sorted(server.port for server in self.data if server.port != primary)

    def settled(self):
        """Every Sentinel agrees, knows both replicas linked and the two other Sentinels, CKQUORUM OK."""
        views = self.views()
        if len(views) != 1:
            return False
        for sentinel in self.sentinels:
            client = sentinel.client()
            master = client.sentinel_master(NAME)
            replicas = client.sentinel_slaves(NAME)
            if master['num-other-sentinels'] != 2 or master.get('failover-state', 'none') != 'none':
                return False
            healthy = [r for r in replicas if r['master-link-status'] == 'ok' and not r['is_sdown']
                       and r['slave-priority'] == 100]
            if len(healthy) != 2:
                return False
            if not client.execute_command('SENTINEL', 'CKQUORUM', NAME).startswith('OK'):
                return False
        return True

    def args(self, **extra):
        args = dict(name=NAME, login_password=PASSWORD, timeout=60,
                    sentinels=[dict(host='127.0.0.1', port=s.port, name='node-%d' % i)
                               for i, s in enumerate(self.sentinels, 1)])
        args.update(extra)
        return args


def start_ha_cluster(servers):
    """A settled cluster from the servers factory (tests/modules/conftest.py)."""
    auth = ['masterauth %s' % PASSWORD]
    primary = servers(auth, password=PASSWORD)
    replicas = [servers(auth + ['replicaof 127.0.0.1 %d' % primary.port], password=PASSWORD) for _ in range(2)]
    # down-after 5 s, as the roles' default: a pause of a second or two must not look like a failure.
    sentinels = [servers(sentinel_lines(primary, quorum=2, down_after=5000, password=PASSWORD)
                         + ['requirepass %s' % PASSWORD], sentinel=True, password=PASSWORD) for _ in range(3)]
    ha = HaCluster([primary] + replicas, sentinels)
    wait_until(ha.settled, 60, 'the Sentinels to know both replicas and each other')
    return ha
