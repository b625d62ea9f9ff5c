"""HTTP with retries: what the background sender and the blocking calls share."""
import json
import random
import time
import urllib.error
import urllib.request

RETRY_STATUSES = {408, 429, 500, 502, 503, 504}


class AnvilError(Exception):
    """The server refused a request (4xx other than 408/429): retrying would not help."""

    def __init__(self, status, message):
        super().__init__(f"{status}: {message}")
        self.status = status


class Unreachable(Exception):
    """The server could not be reached or kept failing: the caller may spool and try later."""


class Transport:
    def __init__(self, url, token, timeout=30.0):
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def request(self, method, path, body=None, data=None, content_type="application/json", attempts=4):
        """Sends one request; retries connection errors and 408/429/5xx with jittered backoff."""
        payload = data if data is not None else (json.dumps(body).encode() if body is not None else None)
        headers = {"authorization": f"Bearer {self.token}"}
        if payload is not None:
            headers["content-type"] = content_type
        delay = 0.5
        last = None
        for attempt in range(attempts):
            req = urllib.request.Request(self.url + path, data=payload, method=method, headers=headers)
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as res:
                    text = res.read()
                    return json.loads(text) if text else {}
            except urllib.error.HTTPError as err:
                detail = err.read().decode("utf-8", "replace")
                if err.code not in RETRY_STATUSES:
                    try:
                        detail = json.loads(detail).get("error", {}).get("message", detail)
                    except (ValueError, AttributeError):
                        pass
                    raise AnvilError(err.code, detail) from None
                last = f"HTTP {err.code}"
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as err:
                last = str(err)
            if attempt < attempts - 1:
                time.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, 30.0)
        raise Unreachable(last)
