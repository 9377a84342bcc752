# Sourced by the end-to-end checks: a scratch directory removed on exit, a
# fixed git identity, PASS/FAIL counting (a failure shows the tail of
# "$log"), timing, and keys made at run time (none is ever committed).
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export GIT_AUTHOR_NAME=e2e GIT_AUTHOR_EMAIL=e2e@example.invalid
export GIT_COMMITTER_NAME=e2e GIT_COMMITTER_EMAIL=e2e@example.invalid
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE

passed=0; failed=0
log="$work/log"
pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); [ -f "$log" ] && sed 's/^/    /' "$log" | tail -30; }
# The closing line; fails when any check did.
finish() { echo "$1: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; }

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

body() { head -c 4000 /dev/urandom | tr -dc "$2" | head -c "$1"; }
anthropic_key() { printf '%s%s%sAA' "sk-ant-" "api03-" "$(body 93 'A-Za-z0-9_-')"; }
replicate_token() { printf '%s%s' "r8" "_$(body 37 'A-Za-z0-9')"; }
