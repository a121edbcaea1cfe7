# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A stand-in for an upstream release server, on loopback, for the tests of the
source fetch (tests/scripts and tests/modules/test_redis_source.py)."""

import contextlib
import http.server
import threading


@contextlib.contextmanager
def serving(files):
    """Serve files ({url path: bytes}) on 127.0.0.1 in a thread; yields the base URL.

    Any other path is a 404. Every request's path is appended to the list
    `requests` of the yielded object (a str subclass)."""
    requests = []

    class Handler(http.server.BaseHTTPRequestHandler):

        def do_GET(self):  # pylint: disable=invalid-name
            requests.append(self.path)
            body = files.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # pylint: disable=arguments-differ
            pass

    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = _Base('http://127.0.0.1:%d' % server.server_address[1])
        base.requests = requests
        yield base
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


class _Base(str):
    """The base URL, with the paths requested so far."""

    requests = ()
