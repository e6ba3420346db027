#!/usr/bin/env python3
"""What must hold when Praxis runs as several instances on one database behind a load balancer,
and when PostgreSQL or an instance fails under load. Run by scripts/scale-out-test.sh, which
starts the instances, nginx and the database; standard library only.

  scale_out_check.py across --lb URL --instance URL --instance URL --admin TOKEN --database-url URL
                            --mail-dir DIR --quota N --window SECONDS
  scale_out_check.py faults --lb URL --admin TOKEN --database-url URL --superuser-url URL
                            --restart 'COMMAND' --seconds N
  scale_out_check.py drain --lb URL --admin TOKEN --database-url URL --pid PID

across: an idempotent retry replays on whichever instance it reaches, also when the same key
  reaches both at once; the instances together allow one anonymous quota (plus what the window
  refills while the burst runs); a session made on one instance works on the other and, once
  ended on one, is refused by both; the outbox is sent once although both instances send.
faults: writes, each with its own idempotency key, stream through the load balancer while every
  application backend is killed (pg_terminate_backend) and PostgreSQL is restarted
  (pg_ctl -m fast). A write that is answered 503 carries Retry-After and is retried with its key.
  Afterwards every write exists exactly once, none was answered 500, and writes succeeded again
  within 2 s of PostgreSQL accepting connections.
drain: writes stream through the load balancer while one instance gets SIGTERM: it finishes what
  it accepted and refuses new connections at once, which the load balancer then sends to the
  other, so every write is answered 201 and exists once.
"""
import argparse, http.client, json, os, re, signal, subprocess, sys, threading, time, urllib.parse, uuid

failures = []


def check(condition, message):
    print(("ok    " if condition else "FAIL  ") + message)
    if not condition:
        failures.append(message)


def request(base, method, path, token=None, body=None, headers=None, timeout=10):
    """(status, headers as a lower-cased dict, body text) over a connection of its own."""
    url = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
    sent = dict(headers or {})
    if token:
        sent["Authorization"] = "Bearer " + token
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    try:
        connection.request(method, path, body=data, headers=sent)
        response = connection.getresponse()
        text = response.read().decode()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text
    finally:
        connection.close()


def psql(url, sql):
    return subprocess.run(["psql", "-qtA", url, "-c", sql], check=True, capture_output=True, text=True).stdout.strip()


def organisation(name):
    return {"name": name, "kind": "government", "country": "KE", "sector": "education"}


def rows_named(database_url, prefix):
    """Organisations whose name starts with prefix, as {name: count}."""
    escaped = prefix.replace("'", "''")
    out = psql(database_url, f"SELECT name, count(*) FROM organisations WHERE name LIKE '{escaped}%' GROUP BY name")
    return {line.split("|")[0]: int(line.split("|")[1]) for line in out.splitlines() if line}


def live_instances(base):
    _, _, text = request(base, "GET", "/metrics")
    found = re.search(r"^praxis_instances (\d+)", text, re.M)
    return int(found.group(1)) if found else None


def across(args):
    run = uuid.uuid4().hex[:8]
    first, second = args.instance
    # Idempotent replay: the retry reaches the other instance, then the load balancer.
    key = str(uuid.uuid4())
    name = f"replay-{run}"
    answers = [request(base, "POST", "/v1/organisations", args.admin, organisation(name), {"Idempotency-Key": key})
               for base in (first, second, args.lb)]
    check(answers[0][0] == 201, f"a write on one instance is 201 ({answers[0][0]})")
    check(all(a[0] == 201 and a[2] == answers[0][2] for a in answers[1:]),
          "its retry on the other instance and through the load balancer replays the same answer")
    check(all(a[1].get("idempotent-replayed") == "true" for a in answers[1:]), "the replays say Idempotent-Replayed")
    check(rows_named(args.database_url, name) == {name: 1}, "the write exists once")

    # The same key on both instances at once: one write, every other answer a replay or 409.
    key = str(uuid.uuid4())
    name = f"race-{run}"
    results = []
    def race(base):
        results.append(request(base, "POST", "/v1/organisations", args.admin, organisation(name),
                               {"Idempotency-Key": key}))
    threads = [threading.Thread(target=race, args=(base,)) for base in (first, second) * 4]
    for thread in threads: thread.start()
    for thread in threads: thread.join()
    fresh = [r for r in results if r[0] == 201 and r[1].get("idempotent-replayed") != "true"]
    others = [r for r in results if r not in fresh]
    check(len(fresh) == 1, f"eight racing retries of one key make one write ({len(fresh)} fresh answers)")
    check(all((r[0] == 201 and r[2] == fresh[0][2]) or r[0] == 409 for r in others) if fresh else False,
          "the others are replays of it or 409 (still in progress)")
    check(rows_named(args.database_url, name) == {name: 1}, "the raced write exists once")

    # One quota between the instances.
    for _ in range(100):
        if live_instances(first) == 2 and live_instances(second) == 2: break
        time.sleep(0.1)
    check(live_instances(first) == 2 and live_instances(second) == 2, "each instance sees two in its group")
    address = f"198.51.100.{int(run[:2], 16) % 250 + 1}"
    started = time.monotonic()
    statuses = [request(args.lb, "GET", "/v1", headers={"X-Forwarded-For": address})[0]
                for _ in range(3 * args.quota)]
    elapsed = time.monotonic() - started
    allowed = statuses.count(200)
    bound = args.quota + int(args.quota * elapsed / args.window) + 1
    check(statuses.count(200) + statuses.count(429) == len(statuses), "every answer is 200 or 429")
    check(args.quota - 1 <= allowed <= bound,
          f"one client through the load balancer is allowed {allowed} of {len(statuses)} "
          f"(quota {args.quota}, bound {bound} for {elapsed:.2f} s)")

    # A session made on one instance, ended on the other.
    email = f"session-{run}@example.org"
    status, _, _ = request(args.lb, "POST", "/v1/accounts", args.admin,
                           {"email": email, "display_name": "Session", "password": "a long passphrase",
                            "member_kind": "official", "country": "KE"})
    check(status == 201, f"an account for the session check ({status})")
    status, _, text = request(first, "POST", "/v1/sessions", body={"email": email, "password": "a long passphrase"},
                              headers={"X-Forwarded-For": "192.0.2.10"})
    session = json.loads(text).get("token") if status == 201 else None
    check(session is not None, f"signed in on one instance ({status})")
    check(request(second, "GET", "/v1/me", session)[0] == 200, "the session works on the other")
    check(request(second, "DELETE", "/v1/sessions/current", session)[0] == 204, "logged out on the other")
    check(request(first, "GET", "/v1/me", session)[0] == 401, "the first instance refuses it at once")
    check(request(args.lb, "GET", "/v1/me", session)[0] == 401, "and so does the load balancer")

    # The outbox is sent once, though both instances send.
    addresses = [f"once-{run}-{i}@example.org" for i in range(12)]
    for address in addresses:
        request(args.lb, "POST", "/v1/accounts", args.admin,
                {"email": address, "display_name": "Once", "member_kind": "official", "country": "KE"})
    def received():
        counts = {}
        for entry in os.listdir(args.mail_dir):
            if entry.endswith(".json"):
                with open(os.path.join(args.mail_dir, entry)) as file:
                    for recipient in json.load(file)["rcpt_tos"]:
                        counts[recipient] = counts.get(recipient, 0) + 1
        return counts
    for _ in range(150):
        if all(a in received() for a in addresses): break
        time.sleep(0.1)
    time.sleep(3)   # two more rounds of both senders: nothing may go twice
    counts = received()
    check(all(counts.get(a) == 1 for a in addresses),
          f"{len(addresses)} activation messages, each received exactly once ({[counts.get(a) for a in addresses]})")


class Writes:
    """Writes of organisations named prefix-N, each with its own idempotency key, retried with
    that key while answered 503 or while the connection fails before an answer."""

    def __init__(self, base, token, prefix):
        self.base, self.token, self.prefix = base, token, prefix
        self.lock = threading.Lock()
        self.next = 0
        self.created = {}          # name -> id
        self.statuses = {}         # status -> count
        self.unavailable_without_retry_after = 0
        self.successes = []        # monotonic times of 201 answers to requests sent after `since`
        self.stop = threading.Event()

    def one(self, name, key, deadline):
        """Retries `name` until 201 or the deadline; returns the final status."""
        while time.monotonic() < deadline:
            sent_at = time.monotonic()
            try:
                status, headers, text = request(self.base, "POST", "/v1/organisations", self.token,
                                                organisation(name), {"Idempotency-Key": key}, timeout=15)
            except (OSError, http.client.HTTPException):
                status, headers, text = "no answer", {}, ""
            with self.lock:
                self.statuses[status] = self.statuses.get(status, 0) + 1
                if status == 503 and "retry-after" not in headers:
                    self.unavailable_without_retry_after += 1
                if status == 201:
                    self.created[name] = json.loads(text)["id"]
                    self.successes.append(sent_at)
            if status == 201: return status
            if status not in (503, 409, "no answer"): return status
            time.sleep(0.2)
        return "gave up"

    def worker(self, deadline):
        while not self.stop.is_set():
            with self.lock:
                self.next += 1
                name = f"{self.prefix}-{self.next}"
            self.one(name, str(uuid.uuid4()), deadline)


def faults(args):
    prefix = f"fault-{uuid.uuid4().hex[:8]}"
    writes = Writes(args.lb, args.admin, prefix)
    deadline = time.monotonic() + args.seconds + 30
    workers = [threading.Thread(target=writes.worker, args=(deadline,)) for _ in range(4)]
    for worker in workers: worker.start()
    time.sleep(1)
    killed = psql(args.superuser_url,
                  "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = 'praxis_app'")
    print(f"      terminated {killed} application backends")
    time.sleep(1.5)
    subprocess.run(args.restart, shell=True, check=True)
    back = time.monotonic()
    print("      PostgreSQL restarted")
    time.sleep(max(0, args.seconds - 2.5))
    writes.stop.set()
    for worker in workers: worker.join()

    print(f"      answers: {writes.statuses}")
    check(500 not in writes.statuses, "no write was answered 500")
    check(set(writes.statuses) <= {201, 409, 503, "no answer"}, f"every answer is 201, 409 or 503")
    check(writes.statuses.get(503, 0) > 0, "the faults were seen: some writes were answered 503")
    check(writes.unavailable_without_retry_after == 0, "every 503 carries Retry-After")
    recovered = min((t for t in writes.successes if t >= back), default=None)
    check(recovered is not None and recovered - back < 2,
          "writes succeed again within 2 s of PostgreSQL accepting connections"
          + (f" ({recovered - back:.2f} s)" if recovered is not None else ""))
    rows = rows_named(args.database_url, prefix + "-")
    check(len(writes.created) > 0 and set(rows) == set(writes.created), f"{len(writes.created)} writes answered 201 "
          f"and {len(rows)} in the database, the same names")
    check(all(count == 1 for count in rows.values()), "each exists exactly once")
    ids = dict(line.split("|") for line in psql(
        args.database_url, f"SELECT name, id FROM organisations WHERE name LIKE '{prefix}-%'").splitlines())
    check(all(ids.get(name) == id for name, id in writes.created.items()), "with the id its answer gave")


def drain(args):
    prefix = f"drain-{uuid.uuid4().hex[:8]}"
    lock = threading.Lock()
    outcomes = {}
    created = {}
    stop = threading.Event()

    def worker(number):
        count = 0
        while not stop.is_set():
            count += 1
            name = f"{prefix}-{number}-{count}"
            try:
                status, _, text = request(args.lb, "POST", "/v1/organisations", args.admin, organisation(name),
                                          {"Idempotency-Key": str(uuid.uuid4())}, timeout=15)
            except (OSError, http.client.HTTPException):
                status, text = "no answer", ""
            with lock:
                outcomes[status] = outcomes.get(status, 0) + 1
                if status == 201: created[name] = json.loads(text)["id"]

    workers = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for w in workers: w.start()
    time.sleep(1.5)
    os.kill(args.pid, signal.SIGTERM)
    stopped = time.monotonic()
    exited = None
    while time.monotonic() - stopped < 15:
        try:
            os.kill(args.pid, 0)
        except ProcessLookupError:
            exited = time.monotonic() - stopped
            break
        time.sleep(0.05)
    time.sleep(1.5)
    stop.set()
    for w in workers: w.join()
    print(f"      answers: {outcomes}")
    # Its answers close their connections, so nginx's keep-alive pool leaves it: it stops as
    # soon as the requests in flight are answered, not at SHUTDOWN_TIMEOUT (10 s).
    check(exited is not None and exited < 3,
          "the instance stopped within 3 s of SIGTERM" + (f" ({exited:.2f} s)" if exited else ""))
    check(set(outcomes) == {201}, "every write sent through the load balancer was answered 201")
    rows = rows_named(args.database_url, prefix + "-")
    check(set(rows) == set(created) and all(count == 1 for count in rows.values()),
          f"the {len(created)} writes exist once each, and no other")


parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
commands = parser.add_subparsers(dest="command", required=True)
one = commands.add_parser("across")
one.add_argument("--lb", required=True)
one.add_argument("--instance", action="append", required=True)
one.add_argument("--admin", required=True)
one.add_argument("--database-url", required=True)
one.add_argument("--mail-dir", required=True)
one.add_argument("--quota", type=int, required=True)
one.add_argument("--window", type=float, required=True)
two = commands.add_parser("faults")
two.add_argument("--lb", required=True)
two.add_argument("--admin", required=True)
two.add_argument("--database-url", required=True)
two.add_argument("--superuser-url", required=True)
two.add_argument("--restart", required=True)
two.add_argument("--seconds", type=float, default=6)
three = commands.add_parser("drain")
three.add_argument("--lb", required=True)
three.add_argument("--admin", required=True)
three.add_argument("--database-url", required=True)
three.add_argument("--pid", type=int, required=True)
arguments = parser.parse_args()
{"across": across, "faults": faults, "drain": drain}[arguments.command](arguments)
sys.exit(1 if failures else 0)
