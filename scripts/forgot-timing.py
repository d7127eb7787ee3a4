"""How long POST /auth/password/forgot takes for an address an account uses and for one none
uses (docs/RECOVERY.md, Enumeration). Run it against a running system whose limits are off:

    RATE_LIMIT_PER_IP=off MAIL_RATE_PER_RECIPIENT=off \
      bash scripts/dev.sh -- python3 scripts/forgot-timing.py [rounds]

It registers one account, then alternates known and unknown addresses on one keep-alive
connection (so both see the same machine state), and prints the median, mean and percentiles of
each and their difference. Standard library only.
"""

import http.client
import json
import os
import statistics
import sys
import time
import urllib.parse
import uuid


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    url = urllib.parse.urlparse(os.environ.get("DEV_AUTH_URL", "http://localhost:8080"))
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    headers = {"Content-Type": "application/json"}

    def post(path, body):
        start = time.perf_counter()
        conn.request("POST", path, json.dumps(body), headers)
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - start

    name = "timing" + uuid.uuid4().hex[:12]
    known = f"{name}@example.com"
    status, _ = post("/auth/register", {"username": name, "email": known,
                                         "full_name": "Timing", "password": "correct horse battery"})
    assert status == 201, status
    samples = {"known": [], "unknown": []}
    for i in range(rounds + 20):
        pairs = [("known", known), ("unknown", f"nobody{i}-{name}@example.com")]
        if i % 2:
            pairs.reverse()
        for kind, email in pairs:
            status, elapsed = post("/auth/password/forgot", {"email": email})
            assert status == 202, (kind, status)
            if i >= 20:  # the first rounds warm the connection and the caches
                samples[kind].append(elapsed * 1000)
    print(f"POST /auth/password/forgot, {rounds} requests each, alternating (ms):")
    print(f"{'':8} {'median':>8} {'mean':>8} {'p10':>8} {'p90':>8} {'p99':>8}")
    for kind, values in samples.items():
        q = statistics.quantiles(values, n=100)
        print(f"{kind:8} {statistics.median(values):8.3f} {statistics.fmean(values):8.3f} "
              f"{q[9]:8.3f} {q[89]:8.3f} {q[98]:8.3f}")
    diff_median = statistics.median(samples["known"]) - statistics.median(samples["unknown"])
    diff_mean = statistics.fmean(samples["known"]) - statistics.fmean(samples["unknown"])
    spread = statistics.stdev(samples["known"] + samples["unknown"])
    print(f"known - unknown: median {diff_median:+.3f} ms, mean {diff_mean:+.3f} ms "
          f"(standard deviation of one request: {spread:.3f} ms)")


if __name__ == "__main__":
    main()
