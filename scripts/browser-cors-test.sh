#!/usr/bin/env bash
# Calls the API from a web page, in headless Chromium, as a web client does: a page served from one
# loopback port (an allowed origin) reads `/v1/me` with a bearer token and changes it with a
# preflighted PATCH (Authorization, If-Match, application/merge-patch+json); the same page served
# from another port (an origin the server does not list) must be refused by the browser itself.
# The server must run with CORS_ORIGINS=http://127.0.0.1:ALLOWED_PORT.
#
#   scripts/browser-cors-test.sh URL TOKEN ALLOWED_PORT WORK_DIRECTORY
set -euo pipefail
cd "$(dirname "$0")/.."
url=$1 token=$2 allowed_port=$3 work=$4
scripts/setup-system.sh chromium
mkdir -p "$work/site"

cat >"$work/site/index.html" <<HTML
<!doctype html>
<html><body><pre id="result">pending</pre><script>
const api = "$url", token = "$token";
(async () => {
  const result = {};
  try {
    const me = await fetch(api + "/v1/me", { headers: { Authorization: "Bearer " + token } });
    result.read = me.status;
    result.etag = me.headers.get("ETag");
    const changed = await fetch(api + "/v1/me", {
      method: "PATCH",
      headers: { Authorization: "Bearer " + token, "If-Match": result.etag,
                 "Content-Type": "application/merge-patch+json" },
      body: JSON.stringify({ job_title: "Changed from a browser" }),
    });
    result.patch = changed.status;
    result.request_id = changed.headers.get("X-Request-Id");
    result.job_title = (await changed.json()).job_title;
  } catch (error) {
    result.refused = String(error);
  }
  document.getElementById("result").textContent = JSON.stringify(result);
})();
</script></body></html>
HTML

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
other_port=$(free_port)
python3 -m http.server "$allowed_port" --bind 127.0.0.1 --directory "$work/site" >/dev/null 2>&1 &
allowed_pid=$!
python3 -m http.server "$other_port" --bind 127.0.0.1 --directory "$work/site" >/dev/null 2>&1 &
other_pid=$!
trap 'kill $allowed_pid $other_pid 2>/dev/null || true' EXIT
for port in "$allowed_port" "$other_port"; do
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.1; done
done

# What the page wrote once its requests settled (the DOM after the scripts ran).
run_page() {
  chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
    --user-data-dir="$work/profile-$1" --virtual-time-budget=10000 --dump-dom "http://127.0.0.1:$1/" 2>/dev/null |
    python3 -c 'import re, sys; print(re.search(r"<pre id=\"result\">(.*?)</pre>", sys.stdin.read(), re.S).group(1))'
}

allowed=$(run_page "$allowed_port")
other=$(run_page "$other_port")
python3 - "$allowed" "$other" <<'PY'
import html, json, sys
allowed, other = (json.loads(html.unescape(text)) for text in sys.argv[1:3])
failures = []
if allowed.get("read") != 200 or not allowed.get("etag"):
    failures.append(f"the allowed origin could not read /v1/me with its ETag: {allowed}")
if allowed.get("patch") != 200 or allowed.get("job_title") != "Changed from a browser" or not allowed.get("request_id"):
    failures.append(f"the allowed origin's preflighted PATCH failed: {allowed}")
if "refused" not in other:
    failures.append(f"an origin the server does not list read the API: {other}")
if failures:
    print("browser: " + "\nbrowser: ".join(failures), file=sys.stderr)
    sys.exit(1)
print("browser: headless Chromium read and changed /v1/me from the allowed origin; another origin was refused")
PY
