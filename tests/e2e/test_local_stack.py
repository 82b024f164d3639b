"""`make run` keeps its data across restarts: snapshot and restore of the embedded endpoint."""
from __future__ import annotations

from chalicelib.db.models import BookingItem, CapacityItem
from chalicelib.services import bookings
from infra.local.stack import restore, snapshot
from tests.factories import booking_body


def test_data_survives_a_restart(stack, tmp_path):
    day = stack.next_open_day()
    created = bookings.create_booking(booking_body(slot_start=stack.slot(day, 9)))
    state = tmp_path / "dynamodb.json"
    saved = snapshot(state)
    assert saved >= 4  # store profile + services, booking, capacity, messages, link

    stack.reset()  # a new, empty endpoint, as after stopping `make run`
    assert BookingItem.count(created["id"]) == 0

    assert restore(state) == saved
    assert BookingItem.get(created["id"]).reference == created["reference"]
    assert int(CapacityItem.get(day.isoformat(), "09:00").booked) == 1
    token = created["manage_url"].split("token=")[1]
    assert bookings.customer_booking(created["id"], token)["status"] == "booked"


def test_every_page_and_api_answer_of_the_local_server_carries_the_security_headers(stack):
    import urllib.error
    import urllib.request

    from chalicelib.config import get_config

    def get(path):
        try:
            with urllib.request.urlopen(stack.url + path, timeout=30) as resp:
                return resp.status, resp.headers
        except urllib.error.HTTPError as err:
            return err.code, err.headers

    files = f"{get_config().endpoint_url}/{get_config().files_bucket}/"
    pages = ["/", "/manage.html?id=x&token=y", "/portal/", "/assets/book.js", "/nope.html"]
    api = ["/api/store", "/api/bookings/x?token=y", "/api/staff/me", "/api/nope", "/l/nope"]
    statuses = {}
    for path in pages + api:
        status, headers = get(path)
        statuses[path] = status
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["X-Frame-Options"] == "DENY", path
        assert headers["Referrer-Policy"] == "no-referrer", path
        policy = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy, path
        assert "unsafe-eval" not in policy, path
        if path in pages:
            assert "script-src 'self';" in policy, path              # no inline script
            assert f"img-src 'self' data: blob: {files}" in policy    # photos, signatures
            assert f"connect-src 'self' {files}" in policy            # uploads to S3
        else:
            assert "default-src 'none'" in policy, path
        assert "Strict-Transport-Security" not in headers, path      # HTTPS only: deployment
    assert statuses == {"/": 200, "/manage.html?id=x&token=y": 200, "/portal/": 200,
                        "/assets/book.js": 200, "/nope.html": 404, "/api/store": 200,
                        "/api/bookings/x?token=y": 403, "/api/staff/me": 401,
                        "/api/nope": 404, "/l/nope": 404}


def test_a_request_the_server_cannot_read_is_answered_in_the_error_shape(stack):
    """A URL over the HTTP server's 64 KB line (a tampered link, a fuzzer) is 414 in the API.md
    error shape with the security headers, not a dropped connection."""
    import json
    import urllib.error
    import urllib.request
    try:
        urllib.request.urlopen(stack.url + "/api/store?q=" + "x" * 70_000, timeout=30)
        raise AssertionError("a 70 KB URL was answered as if fine")
    except urllib.error.HTTPError as err:
        assert err.code == 414
        assert json.loads(err.read())["error"]["code"] == "request_uri_too_long"
        assert err.headers["X-Content-Type-Options"] == "nosniff"


def test_an_unknown_method_is_405_in_the_error_shape_on_any_path(stack):
    """Issue 14: TRACE, PROPFIND... (no handler in the HTTP server, never forwarded by CloudFront)
    answer 405 in the API.md error shape with the security headers and what the path allows,
    as the deployed edge answers them; a method the edge forwards reaches the API as before."""
    import http.client
    import json
    from urllib.parse import urlsplit

    host, port = urlsplit(stack.url).hostname, urlsplit(stack.url).port

    def send(method, path):
        conn = http.client.HTTPConnection(host, port, timeout=30)
        conn.request(method, path)
        resp = conn.getresponse()
        body = resp.read()
        conn.close()
        return resp.status, resp.headers, body

    allowed = {"/": "GET, HEAD", "/portal/": "GET, HEAD", "/assets/book.js": "GET, HEAD",
               "/api/store": "GET", "/api/staff/accounts": "GET, POST",
               "/api/orders/ro_x/approval": "GET, POST", "/l/abc": "GET"}
    for method in ("TRACE", "PROPFIND", "FOO"):
        for path, allow in allowed.items():
            status, headers, body = send(method, path)
            assert status == 405, (method, path, status)
            assert json.loads(body)["error"]["code"] == "method_not_allowed", (method, path)
            assert headers["Allow"] == allow, (method, path)
            assert headers["Content-Type"] == "application/json", (method, path)
            assert headers["X-Content-Type-Options"] == "nosniff", (method, path)
            assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], (method, path)
    # a method the edge forwards: the API says what the path allows, an unknown path is 404
    status, headers, body = send("DELETE", "/api/store")
    assert status == 405 and headers["Allow"] == "GET"
    assert json.loads(body)["error"]["code"] == "method_not_allowed"
    assert send("DELETE", "/api/nope")[0] == 404
    # HEAD: a page answers as for GET, without a body
    status, headers, body = send("HEAD", "/portal/")
    assert status == 200 and body == b"" and headers["Content-Type"].startswith("text/html")
    status, headers, _ = send("POST", "/portal/")
    assert status == 405 and headers["Allow"] == "GET, HEAD"
