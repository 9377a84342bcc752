#!/usr/bin/env bash
# Verification benchmark: N distinct keys against a local server that
# answers like the Anthropic API after a fixed latency. Prints the wall time
# against the ideal, keys / concurrency x latency.
#
#   scripts/bench-verify.sh [KEYS] [LATENCY_MS] [CONCURRENCY]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
keys="${1:-1000}"; latency="${2:-50}"; concurrency="${3:-8}"
(cd "$repo" && cargo build --release --locked -q)
work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

python3 - "$work" "$keys" <<'PY'
import secrets, string, sys
root, n = sys.argv[1], int(sys.argv[2])
url = string.ascii_letters + string.digits + "-_"
with open(f"{root}/keys.env", "w") as f:
    for i in range(n):
        f.write("K%d=%s%s%sAA\n" % (i, "sk-ant-", "api03-", "".join(secrets.choice(url) for _ in range(93))))
PY

# A threaded server on 127.0.0.1 that sleeps LATENCY_MS before each answer.
python3 - "$latency" > "$work/port" <<'PY' &
import http.server, json, sys, time, socketserver
delay = int(sys.argv[1]) / 1000
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        time.sleep(delay)
        body = json.dumps({"data": [], "has_more": False}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 256
s = S(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
PY
server=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
port="$(cat "$work/port")"

start=$(date +%s.%N)
KEYWARD_ANTHROPIC_BASE_URL="http://127.0.0.1:$port" "$repo/target/release/keyward" scan "$work/keys.env" \
  --verify --verify-concurrency "$concurrency" --verify-deadline 600 --format json -o "$work/out.json" 2>"$work/err" || true
end=$(date +%s.%N)
live="$(python3 -c "import json,sys; print(sum(f.get('verification') == 'live' for f in json.load(open(sys.argv[1]))))" "$work/out.json")"
awk -v s="$start" -v e="$end" -v n="$keys" -v c="$concurrency" -v l="$latency" -v live="$live" 'BEGIN {
  wall = e - s; ideal = n / c * l / 1000
  printf "| keys | latency | concurrency | live | wall (s) | ideal (s) | wall / ideal |\n|---:|---:|---:|---:|---:|---:|---:|\n"
  printf "| %d | %d ms | %d | %d | %.2f | %.2f | %.2f |\n", n, l, c, live, wall, ideal, wall / ideal
}'
tail -n 1 "$work/err"
