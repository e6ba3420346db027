#!/usr/bin/env python3
"""The targets table of bench/run.sh: each scenario through the server under wrk and, in the same
round, its reference (nginx answering the same bytes, or pgbench running the statements the server
ran for one such request), in interleaved rounds at 64 connections; medians reported.

pgbench runs with as many clients as the server has database connections (its pool, 16): that
is the concurrency PostgreSQL sees from the server, and on two cores PostgreSQL is slower with
64 backends than with 16, which would flatter the server.

  bench/table.py measure --results FILE --label LABEL --url URL --pids PID[,PID] --seed-output FILE
                 --database-url URL --superuser-url URL --log POSTGRES_LOG --tmp DIR
                 [--seconds 10] [--rounds 3] [--database-clients 16] [--only NAME,NAME]
  bench/table.py idle --results FILE --port PORT --pid PID [--seconds 10]
  bench/table.py report FILE

`measure` and `idle` append JSON lines to FILE; `report` prints the table with a pass or fail for
each target (issue 15's), the large seed against the small one and one instance against two.
"""
import argparse, hashlib, http.client, json, os, random, re, statistics, subprocess, sys, time, urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from captured_sql import LITERAL, parameterised, pgbench_safe, protocol, statements, substituted  # noqa: E402

CONNECTIONS = 64
POST_BODY = '{"kind":"comment","body":"We leased tablets for 40 schools; maintenance was the hard part."}'


class Scenario:
    def __init__(self, name, title, path, reference="pgbench", ratio=0.6, p99_ms=20.0, method="GET",
                 tokens="member", read=True):
        self.name, self.title, self.path, self.reference = name, title, path, reference
        self.ratio, self.p99_ms, self.method, self.tokens, self.read = ratio, p99_ms, method, tokens, read


def scenarios(seeded, theme):
    community, thread = seeded["community"], seeded["long_thread"]
    return [
        Scenario("healthz", "GET /healthz", "/healthz", reference="nginx", ratio=0.8, p99_ms=None, tokens=None),
        Scenario("me", "GET /v1/me, one token", "/v1/me"),
        Scenario("me-64", "GET /v1/me, 64 tokens", "/v1/me", tokens="members"),
        Scenario("memberships", "a member's communities", "/v1/me/memberships"),
        Scenario("directory", "a directory page (20)", f"/v1/communities/{community}/members?limit=20"),
        Scenario("needs", "needs list, two filters", f"/v1/communities/{community}/needs?theme={theme}&min_urgency=4"),
        Scenario("analysis", "needs analysis", f"/v1/communities/{community}/needs/analysis", p99_ms=50.0),
        Scenario("thread", "thread page (20 posts)", f"/v1/threads/{thread}/posts?limit=20"),
        Scenario("search", "search", f"/v1/search?q=procurement&community_id={community}&limit=20"),
        Scenario("post", "create a post (idempotency key)", f"/v1/threads/{thread}/posts", method="POST",
                 ratio=0.4, p99_ms=None, read=False),
    ]


def run(command, **kwargs):
    return subprocess.run(command, capture_output=True, text=True, **kwargs)


def psql(url, sql):
    result = run(["psql", "-qAtX", url, "-c", sql])
    if result.returncode != 0:
        sys.exit(f"table: psql failed: {result.stderr.strip()}")
    return result.stdout.strip()


def milliseconds(text):
    number, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_seed(path):
    seeded = {"members": []}
    for line in open(path):
        if line.startswith("community: "):
            seeded["community"] = line.split()[1]
        elif line.startswith("long thread "):
            seeded["long_thread"] = line.split()[-1]
        elif line.startswith("member token "):
            seeded["members"].append(line.split()[-1])
    return seeded


class Measure:
    def __init__(self, args):
        self.args = args
        self.url = urllib.parse.urlsplit(args.url)
        self.seeded = parse_seed(args.seed_output)
        self.token = self.seeded["members"][0]
        theme = psql(args.superuser_url,
                     f"SELECT id FROM themes WHERE community_id = '{self.seeded['community']}' ORDER BY name LIMIT 1")
        chosen = args.only.split(",") if args.only else None
        self.scenarios = [s for s in scenarios(self.seeded, theme) if chosen is None or s.name in chosen]
        self.run_id = f"{args.label}-{random.randrange(1 << 40):x}"
        self.nginx = None

    def request(self, scenario, key=None, token=None):
        connection = http.client.HTTPConnection(self.url.hostname, self.url.port, timeout=30)
        headers = {"Authorization": f"Bearer {token or self.token}"} if scenario.tokens else {}
        body = None
        if scenario.method == "POST":
            headers.update({"Content-Type": "application/json", "Idempotency-Key": key or self.key()})
            body = POST_BODY
        connection.request(scenario.method, scenario.path, body=body, headers=headers)
        response = connection.getresponse()
        answer = response.read()
        if response.status >= 300:
            sys.exit(f"table: {scenario.method} {scenario.path} answered {response.status}: {answer[:300]!r}")
        return response, answer

    def key(self):
        return f"bench-{self.run_id}-{random.randrange(1 << 60):x}"

    # References

    def capture(self, scenario):
        """The statements the server ran for one request, and its answer."""
        superuser = self.args.superuser_url
        psql(superuser, "ALTER SYSTEM SET log_min_duration_statement = 0")
        psql(superuser, "SELECT pg_reload_conf()")
        time.sleep(1)
        marker = f"bench-marker-{random.randrange(1 << 40):x}"
        psql(superuser, f"SELECT '{marker}'")
        _, answer = self.request(scenario)
        time.sleep(1)
        psql(superuser, "ALTER SYSTEM RESET log_min_duration_statement")
        psql(superuser, "SELECT pg_reload_conf()")
        with open(self.args.log, encoding="utf-8", errors="replace") as log:
            captured = statements(log.read(), marker)
        if not captured:
            sys.exit(f"table: no statements logged for {scenario.path}")
        return captured, answer

    def statements_per_request(self, scenario):
        """Executions per request by pg_stat_statements, over ten requests."""
        superuser = self.args.superuser_url
        psql(superuser, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        psql(superuser, "SELECT pg_stat_statements_reset()")
        for _ in range(10):
            self.request(scenario)
        calls = psql(superuser,
                     "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%'"
                     " AND query NOT LIKE '%server_instances%' AND query NOT LIKE '%advisory%'")
        return float(calls) / 10

    def pgbench_scripts(self, scenario):
        """pgbench scripts for the scenario's statements (one, or one per token), their variables
        and how many statements a request runs. Reads run as the server runs them (prepared with
        parameters, or planned for their values); a post's values are made new in each
        transaction, so it runs with literals."""
        captured, answer = self.capture(scenario)
        folder = os.path.join(self.args.tmp, f"{self.args.label}-{scenario.name}")
        os.makedirs(folder, exist_ok=True)
        scripts, variables = [], {}
        if scenario.tokens == "members":
            me = json.loads(answer)["id"]
            first_hash = hashlib.sha256(self.seeded["members"][0].encode()).hexdigest()
            for number, token in enumerate(self.seeded["members"]):
                _, other = self.request(scenario, token=token)
                lines, values = parameterised(captured, f"t{number}")
                mine = {first_hash: hashlib.sha256(token.encode()).hexdigest(), me: json.loads(other)["id"]}
                variables.update({name: mine.get(value, value) for name, value in values.items()})
                scripts.append(self.write(folder, f"token-{number}.sql", "\n".join(lines)))
        elif scenario.method == "POST":
            literal = [substituted(sql, values, lambda _, value: value) for sql, values, _ in captured]
            scripts.append(self.write(folder, "script.sql", self.varied(literal, json.loads(answer)["id"])))
        else:
            lines, variables = parameterised(captured, "")
            scripts.append(self.write(folder, "script.sql", "\n".join(lines)))
        return (scripts, variables, protocol(captured)), len(captured)

    @staticmethod
    def write(folder, name, text):
        path = os.path.join(folder, name)
        with open(path, "w") as file:
            file.write(text + "\n")
        return path

    @staticmethod
    def varied(captured, post_id):
        """The captured transaction with the new post's id and the idempotency scope made new in
        each pgbench transaction: from a random :n, the id time-ordered as the server's are."""
        scope = next(m.group(1) for s in captured for m in [re.search(r"scope = '([0-9a-f]{64})'", s)] if m)
        post_expression = ("(lpad(to_hex((extract(epoch FROM now()) * 1000000)::bigint), 13, '0')"
                           " || substr(md5(:client_id::text || '-' || :n::text), 1, 19))")
        scope_expression = "encode(sha256((:client_id::text || '/' || :n::text)::bytea), 'hex')"
        expressions = {post_id: post_expression, scope: scope_expression}
        pattern = re.compile("|".join(re.escape(value) for value in expressions))

        def vary(match):
            inner = match.group(0)[1:-1]
            if inner == post_id:
                return f"({post_expression})::uuid"
            if inner == scope:
                return f"({scope_expression})"
            if not pattern.search(inner):
                return pgbench_safe(match.group(0))
            parts, last = [], 0
            for found in pattern.finditer(inner):
                parts += [pgbench_safe("'" + inner[last:found.start()] + "'"), expressions[found.group(0)]]
                last = found.end()
            parts.append(pgbench_safe("'" + inner[last:] + "'"))
            return "(" + " || ".join(parts) + ")"

        return "\\set n random(1, 1000000000000)\n" + "\n".join(LITERAL.sub(vary, s) for s in captured)

    def start_nginx(self, scenario):
        response, answer = self.request(scenario)
        folder = os.path.join(self.args.tmp, f"nginx-{self.args.label}")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "healthz"), "wb") as file:
            file.write(answer)
        port = free_port()
        temp = "\n".join(f"  {kind}_temp_path {folder};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        with open(os.path.join(folder, "nginx.conf"), "w") as file:
            file.write(f"""worker_processes auto;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
{temp}
  server {{
    listen 127.0.0.1:{port};
    location = /healthz {{ root {folder}; default_type "{response.getheader("Content-Type")}"; try_files /healthz =404; }}
  }}
}}
""")
        self.nginx = subprocess.Popen(["nginx", "-c", os.path.join(folder, "nginx.conf")])
        for _ in range(50):
            if run(["curl", "-sf", f"http://127.0.0.1:{port}/healthz"]).returncode == 0:
                return f"http://127.0.0.1:{port}/healthz"
            time.sleep(0.1)
        sys.exit("table: nginx did not start")

    # Load

    def lua(self, scenario, round_number):
        folder = os.path.join(self.args.tmp, f"{self.args.label}-{scenario.name}")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, f"round-{round_number}.lua")
        if scenario.tokens == "members":
            tokens = ", ".join(f'"{t}"' for t in self.seeded["members"])
            script = f"""local tokens = {{{tokens}}}
local next_token = 0
function request()
  next_token = next_token % #tokens + 1
  return wrk.format(nil, nil, {{["Authorization"] = "Bearer " .. tokens[next_token]}})
end
"""
        elif scenario.method == "POST":
            script = f"""local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
local sent = 0
function request()
  sent = sent + 1
  return wrk.format("POST", nil, {{["Authorization"] = "Bearer {self.token}",
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = "bench-{self.run_id}-{round_number}-" .. id .. "-" .. sent}}, {json.dumps(POST_BODY)})
end
"""
        else:
            return None
        with open(path, "w") as file:
            file.write(script)
        return path

    def wrk(self, scenario, url, round_number):
        command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{self.args.seconds}s", "--timeout", "10s", "--latency"]
        lua = self.lua(scenario, round_number) if url.startswith(self.args.url) else None
        if lua:
            command += ["-s", lua]
        elif scenario.tokens and url.startswith(self.args.url):
            command += ["-H", f"Authorization: Bearer {self.token}"]
        output = run(command + [url]).stdout
        latency = {}
        for line in output.splitlines():
            found = re.match(r"\s+(50|99)\.000%\s+(\S+)", line) or re.match(r"\s+(50|99)%\s+(\S+)", line)
            if found:
                latency[found.group(1)] = milliseconds(found.group(2))
        rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
        failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        errors = re.search(r"Socket errors: (.*)", output)
        if not rate or "99" not in latency:
            sys.exit(f"table: wrk gave no figures for {url}: {output}")
        return {"rate": float(rate.group(1)), "p50": latency["50"], "p99": latency["99"],
                "failed": int(failed.group(1)) if failed else 0, "errors": errors.group(1) if errors else ""}

    def pgbench(self, reference, label):
        scripts, variables, mode = reference
        prefix = os.path.join(self.args.tmp, f"pgbench-{label}")
        command = ["pgbench", "-n", "-M", mode, f"-c{self.args.database_clients}", "-j2", f"-T{self.args.seconds}", "-l",
                   f"--log-prefix={prefix}"]
        for script in scripts:
            command += ["-f", script]
        for name, value in variables.items():
            command += ["-D", f"{name}={value}"]
        output = run(command + [self.args.database_url], cwd=self.args.tmp)
        text = output.stdout + output.stderr
        tps = re.search(r"tps = ([\d.]+)", text)
        if output.returncode != 0 or not tps or "failed" in text and not re.search(r"failed transactions: 0 ", text):
            sys.exit(f"table: pgbench failed: {text[-2000:]}")
        latencies = []
        for name in os.listdir(self.args.tmp):
            path = os.path.join(self.args.tmp, name)
            if path.startswith(prefix + "."):
                with open(path) as log:
                    latencies += [int(line.split()[2]) / 1000 for line in log]
                os.remove(path)
        latencies.sort()
        return {"rate": float(tps.group(1)), "p50": latencies[len(latencies) // 2],
                "p99": latencies[int(len(latencies) * 0.99)]}

    def cpu_seconds(self):
        """User and system CPU of the server's processes so far."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in self.args.pids.split(","):
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        return total

    def peak_reset(self):
        for pid in self.args.pids.split(","):
            try:
                with open(f"/proc/{pid}/clear_refs", "w") as file:
                    file.write("5")
            except OSError:
                pass

    def peak_mib(self):
        peaks = []
        for pid in self.args.pids.split(","):
            with open(f"/proc/{pid}/status") as status:
                peaks += [int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:")]
        return round(max(peaks), 1)

    def measure(self):
        references, counts = {}, {}
        for scenario in self.scenarios:
            self.request(scenario)  # a first request warms what a first request computes
            if scenario.reference == "nginx":
                references[scenario.name] = self.start_nginx(scenario)
                counts[scenario.name] = (0, 0.0)
            else:
                scripts, captured = self.pgbench_scripts(scenario)
                references[scenario.name] = scripts
                counts[scenario.name] = (captured, self.statements_per_request(scenario))
        with open(self.args.results, "a") as results:
            for round_number in range(1, self.args.rounds + 1):
                for scenario in self.scenarios:
                    self.peak_reset()
                    cpu_before = self.cpu_seconds()
                    server = self.wrk(scenario, self.args.url + scenario.path, round_number)
                    server["cpu_us"] = 1e6 * (self.cpu_seconds() - cpu_before) / (server["rate"] * self.args.seconds)
                    server["peak_rss_mib"] = self.peak_mib()
                    reference = references[scenario.name]
                    if scenario.reference == "nginx":
                        measured = self.wrk(scenario, reference, round_number)
                    else:
                        measured = self.pgbench(reference, f"{self.args.label}-{scenario.name}-{round_number}")
                    record = {"kind": "scenario", "label": self.args.label, "name": scenario.name,
                              "database_clients": self.args.database_clients,
                              "title": scenario.title, "reference": scenario.reference, "target_ratio": scenario.ratio,
                              "target_p99_ms": scenario.p99_ms, "read": scenario.read, "round": round_number,
                              "statements": counts[scenario.name][0], "executions": counts[scenario.name][1],
                              "server": server, "measured_reference": measured}
                    results.write(json.dumps(record) + "\n")
                    results.flush()
                    print(f"  {self.args.label} round {round_number} {scenario.name}: {server['rate']:.0f} req/s "
                          f"p99 {server['p99']:.1f} ms; {scenario.reference} {measured['rate']:.0f}", file=sys.stderr)
        if self.nginx:
            self.nginx.terminate()
            self.nginx.wait()


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def idle(args):
    output = run([sys.executable, os.path.join(os.path.dirname(__file__), "idle-clients.py"), str(args.port),
                  str(args.pid), "--seconds", str(args.seconds)]).stdout
    result = json.loads(output.strip().splitlines()[-1])
    result["kind"] = "idle"
    with open(args.results, "a") as results:
        results.write(json.dumps(result) + "\n")


# Report

def report(path):
    records = [json.loads(line) for line in open(path)]
    scenario_records = [r for r in records if r["kind"] == "scenario"]
    labels = list(dict.fromkeys(r["label"] for r in scenario_records))

    def medians(label, name):
        mine = [r for r in scenario_records if r["label"] == label and r["name"] == name]
        if not mine:
            return None
        pick = lambda f: statistics.median(f(r) for r in mine)  # noqa: E731
        return {
            "title": mine[0]["title"], "reference": mine[0]["reference"], "target_ratio": mine[0]["target_ratio"],
            "target_p99_ms": mine[0]["target_p99_ms"], "read": mine[0]["read"], "rounds": len(mine),
            "statements": mine[0]["statements"], "executions": mine[0]["executions"],
            "database_clients": mine[0]["database_clients"],
            "rate": pick(lambda r: r["server"]["rate"]), "p50": pick(lambda r: r["server"]["p50"]),
            "p99": pick(lambda r: r["server"]["p99"]), "failed": sum(r["server"]["failed"] for r in mine),
            "cpu_us": pick(lambda r: r["server"]["cpu_us"]),
            "peak": max(r["server"]["peak_rss_mib"] for r in mine),
            "reference_rate": pick(lambda r: r["measured_reference"]["rate"]),
            "reference_p99": pick(lambda r: r["measured_reference"]["p99"]),
            "ratio": pick(lambda r: r["server"]["rate"] / r["measured_reference"]["rate"]),
        }

    main = labels[0]
    names = list(dict.fromkeys(r["name"] for r in scenario_records if r["label"] == main))
    print(f"### Scenarios ({main} seed, {CONNECTIONS} connections, medians of interleaved rounds)")
    print()
    print("| scenario | SQL per request | server req/s | p50 | p99 | server CPU per request | reference | reference req/s "
          "| reference p99 | server ÷ reference | peak RSS | target | met |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- | --- |")
    read_peaks = []
    for name in names:
        m = medians(main, name)
        missed = []
        if m["ratio"] < m["target_ratio"]:
            # Two cores for everything: what the server spends per request, PostgreSQL cannot.
            database_us = 2e6 / m["reference_rate"]
            missed.append(f"ratio (the server spends {m['cpu_us']:.0f} µs of CPU a request; a whole request of "
                          f"the reference, load generator included, takes {database_us:.0f} µs of the two cores)")
        if m["target_p99_ms"] is not None and m["p99"] >= m["target_p99_ms"]:
            # Little's law: 64 requests always in flight wait 64 ÷ throughput on average.
            floor = 1000 * CONNECTIONS / m["reference_rate"]
            missed.append(f"p99 (at the reference's rate, {CONNECTIONS} connections wait {floor:.0f} ms on average)")
        if m["failed"]:
            missed.append(f"{m['failed']} non-2xx")
        target = f"≥ {m['target_ratio']}×" + (f", p99 < {m['target_p99_ms']:.0f} ms" if m["target_p99_ms"] else "")
        reference = ("nginx, same bytes" if m["reference"] == "nginx"
                     else f"pgbench, same SQL, {m['database_clients']} clients")
        statements = "" if m["reference"] == "nginx" else f"{m['statements']} ({m['executions']:g})"
        if m["read"]:
            read_peaks.append(m["peak"])
        print(f"| {m['title']} | {statements} | {m['rate']:,.0f} | {m['p50']:.2f} ms | {m['p99']:.2f} ms "
              f"| {m['cpu_us']:.0f} µs | {reference} "
              f"| {m['reference_rate']:,.0f} | {m['reference_p99']:.2f} ms | {m['ratio']:.2f} | {m['peak']:.0f} MiB "
              f"| {target} | {'yes' if not missed else 'no: ' + ', '.join(missed)} |")
    print()
    if read_peaks:
        peak = max(read_peaks)
        print(f"Peak RSS under the read scenarios: {peak:.0f} MiB (target < 100 MiB: {'met' if peak < 100 else 'missed'}).")
        print()

    for label in labels[1:]:
        if label.startswith("instances-"):
            continue
        print(f"### The {label} seed against the {main} one")
        print()
        print(f"| scenario | {main} req/s | {label} req/s | {main} p99 | {label} p99 | {label} ÷ {main} | target | met |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |")
        for name in dict.fromkeys(r["name"] for r in scenario_records if r["label"] == label):
            small, large = medians(main, name), medians(label, name)
            ratio = large["rate"] / small["rate"]
            print(f"| {large['title']} | {small['rate']:,.0f} | {large['rate']:,.0f} | {small['p99']:.2f} ms "
                  f"| {large['p99']:.2f} ms | {ratio:.2f} | within 1.5× (≥ 0.67) | {'yes' if ratio >= 1 / 1.5 else 'no'} |")
        print()

    instances = [label for label in labels if label.startswith("instances-")]
    if instances:
        print("### One instance against two, behind nginx")
        print()
        print("| scenario | " + " | ".join(f"{label[len('instances-'):]} req/s | p99" for label in instances)
              + " | two ÷ one |")
        print("| --- |" + " ---: | ---: |" * len(instances) + " ---: |")
        for name in dict.fromkeys(r["name"] for r in scenario_records if r["label"] == instances[0]):
            figures = [medians(label, name) for label in instances]
            cells = " | ".join(f"{m['rate']:,.0f} | {m['p99']:.2f} ms" for m in figures)
            print(f"| {figures[0]['title']} | {cells} | {figures[-1]['rate'] / figures[0]['rate']:.2f} |")
        print()

    for result in (r for r in records if r["kind"] == "idle"):
        p99 = milliseconds(result["new_client_p99"]) if result["new_client_p99"] != "n/a" else float("inf")
        met = result["held"] == result["clients"] and p99 < 20 and result["rss_mib_peak"] < 300
        print("### Idle keep-alive clients")
        print()
        print("| clients | held | threads | RSS peak | new client req/s | new client p99 | target | met |")
        print("| ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |")
        print(f"| {result['clients']:,} | {result['held']:,} | {result['threads']} | {result['rss_mib_peak']:.0f} MiB "
              f"| {result['new_client_req_s']} | {result['new_client_p99']} | all held, p99 < 20 ms, RSS < 300 MiB "
              f"| {'yes' if met else 'no'} |")
        print()


def main():
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    measure = commands.add_parser("measure")
    for option in ("--results", "--label", "--url", "--pids", "--seed-output", "--database-url", "--superuser-url",
                   "--log", "--tmp"):
        measure.add_argument(option, required=True)
    measure.add_argument("--seconds", type=int, default=10)
    measure.add_argument("--rounds", type=int, default=3)
    measure.add_argument("--database-clients", type=int, default=16)
    measure.add_argument("--only")
    idle_parser = commands.add_parser("idle")
    idle_parser.add_argument("--results", required=True)
    idle_parser.add_argument("--port", type=int, required=True)
    idle_parser.add_argument("--pid", type=int, required=True)
    idle_parser.add_argument("--seconds", type=int, default=10)
    report_parser = commands.add_parser("report")
    report_parser.add_argument("results")
    args = parser.parse_args()
    if args.command == "measure":
        Measure(args).measure()
    elif args.command == "idle":
        idle(args)
    else:
        report(args.results)


if __name__ == "__main__":
    main()
