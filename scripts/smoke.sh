#!/usr/bin/env bash
# The README walkthrough as a check against any running deployment:
#
#   ADMIN_EMAIL=editor@example.com ADMIN_PASSWORD='…' scripts/smoke.sh http://localhost:3000
#
# Signs in as the admin, registers a new reader, posts a comment on an article (the seed article unless
# SMOKE_ARTICLE names another), checks that it is pending and not counted, approves it as the admin, and checks that
# the single and the bulk count went up by exactly one. Needs only curl and node (for reading JSON). Prints one line
# per step; exits 1 at the first unexpected answer (showing it), 2 when used wrongly. Safe to run again: every run
# registers its own reader and adds one approved comment.
set -euo pipefail

usage() { echo "usage: ADMIN_EMAIL=… ADMIN_PASSWORD=… $0 BASE_URL   (e.g. http://localhost:3000)" >&2; exit 2; }
[ $# -eq 1 ] || usage
[ -n "${ADMIN_EMAIL:-}" ] && [ -n "${ADMIN_PASSWORD:-}" ] || usage
for tool in curl node; do command -v "$tool" >/dev/null || { echo "smoke: $tool is required" >&2; exit 2; }; done

base=${1%/}
base=${base%/api}/api
slug=${SMOKE_ARTICLE:-zelenski-ukrayna-iska-savmestno-proizvodstvo-na-sistemi-za-pvo-s-yaponia}
run=$(node -e 'process.stdout.write(require("crypto").randomBytes(5).toString("hex"))')
body_file=$(mktemp)
trap 'rm -f "$body_file"' EXIT

fail() { echo "FAIL  $1" >&2; [ -s "$body_file" ] && { head -c 2000 "$body_file" >&2; echo >&2; }; exit 1; }
ok() { echo "ok    $1"; }

# req METHOD PATH EXPECTED_STATUS [JSON_BODY] [TOKEN]: the response body lands in $body_file.
req() {
  local method=$1 path=$2 expected=$3 data=${4:-} token=${5:-} status
  local args=(-sS -o "$body_file" -w '%{http_code}' --max-time 15 -X "$method" -H 'Accept: application/json')
  [ -n "$data" ] && args+=(-H 'Content-Type: application/json' --data-binary "$data")
  [ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
  status=$(curl "${args[@]}" "$base$path") || fail "$method $path: no answer from $base"
  [ "$status" = "$expected" ] || fail "$method $path: expected HTTP $expected, got $status"
}

# field PATH: a value from the last response, e.g. `field comment.status`; empty when absent.
field() {
  node -e '
    const v = process.argv[1].split(".").reduce((o, k) => (o == null ? undefined : o[k]), JSON.parse(require("fs").readFileSync(process.argv[2], "utf8")));
    process.stdout.write(v === undefined || v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));
  ' "$1" "$body_file" || fail "response is not JSON"
}

# json KEY VALUE ...: a JSON object with string values, encoded by node (no quoting mistakes).
json() { node -e 'const a = process.argv.slice(1), o = {}; for (let i = 0; i < a.length; i += 2) o[a[i]] = a[i + 1]; process.stdout.write(JSON.stringify(o))' "$@"; }

counts() {
  req GET "/articles/$slug/comments/count" 200
  single=$(field count)
  req GET "/comments/counts?articles=$slug" 200
  bulk=$(field "counts.$slug")
}

req GET /health 200
[ "$(field status)" = ok ] || fail "GET /health: status is not ok"
ok "service and database are up ($base)"

req GET "/articles/$slug" 200
ok "article $slug exists"

req POST /auth/login 200 "$(json login "$ADMIN_EMAIL" password "$ADMIN_PASSWORD")"
admin=$(field accessToken)
[ "$(field user.role)" = admin ] || fail "$ADMIN_EMAIL is not an admin"
ok "signed in as admin $ADMIN_EMAIL"

reader_email="smoke-$run@example.com"
req POST /auth/register 201 "$(json email "$reader_email" username "smoke_$run" password "smoke-password-$run")"
reader=$(field accessToken)
[ -n "$reader" ] || fail "registration returned no access token"
ok "registered reader $reader_email"

counts
before=$single
[ "$bulk" = "$before" ] || fail "bulk count ($bulk) differs from the single count ($before)"
ok "count before: $before"

req POST "/articles/$slug/comments" 201 "$(json body "Smoke test comment $run: does the walkthrough still work?")" "$reader"
comment=$(field comment.id)
[ "$(field comment.status)" = pending ] || fail "a new comment should be pending (pre-moderated article), got '$(field comment.status)'"
ok "reader posted comment $comment: pending"

req GET "/comments/$comment" 404
ok "the pending comment is hidden from the public"
req GET "/comments/$comment" 200 "" "$reader"
[ "$(field comment.status)" = pending ] || fail "the author should see the comment as pending"
ok "its author sees it as pending"

counts
[ "$single" = "$before" ] && [ "$bulk" = "$before" ] || fail "pending comment was counted: single $single, bulk $bulk, before $before"
ok "not counted while pending (single $single, bulk $bulk)"

req PATCH "/admin/comments/$comment" 200 "$(json status approved reason 'smoke test')" "$admin"
[ "$(field adminComment.status)" = approved ] || fail "approval did not return status approved"
ok "admin approved it"

req GET "/comments/$comment" 200
ok "the approved comment is public"

# Counts may be cached by the service for a moment: allow a few seconds for the new value to show.
expected=$((before + 1))
for _ in 1 2 3 4 5 6 7 8 9 10; do
  counts
  [ "$single" = "$expected" ] && [ "$bulk" = "$expected" ] && break
  sleep 0.5
done
[ "$single" = "$expected" ] && [ "$bulk" = "$expected" ] || fail "after approval the counts should be $expected: single $single, bulk $bulk"
ok "counted after approval: single $single, bulk $bulk"
echo "smoke: all checks passed against $base"
