#!/usr/bin/env bash
# The load benchmark: Setia with an ISP-sized data set (100,000 customers, 1,000,000 tickets by
# default) under wrk on 127.0.0.1, 2 threads, 16 and 64 connections, 15 s per scenario, beside
# the ceiling of a bare axum handler rendering a comparable askama page (examples/ceiling.rs).
#
#   bench/load.sh                                   # SQLite, PostgreSQL, PostgreSQL × 2 instances
#   SETUPS=sqlite bench/load.sh                     # one setup
#   ONLY='search|ticket_file' CONNS=16 bench/load.sh  # scenarios whose name matches
#   DURATION=5 CUSTOMERS=20000 TICKETS=200000 bench/load.sh
#   EXTRA_ENV='SETIA_SQLITE_SYNCHRONOUS=full' SETUPS=sqlite ONLY=ticket_file bench/load.sh
#   BIN=/tmp/setia-before SETUPS=sqlite bench/load.sh   # a saved build, not rebuilt
#
# Prints per scenario requests/s, p50/p99 latency, errors, the server's peak memory (VmHWM,
# reset before each scenario) and the fraction of the ceiling; writes bench/results/load-*.json.
# After each write scenario it checks that the rows grew by exactly the acknowledged responses.
#
# Configuration for the run (said again in the output): the per-customer complaint limit and
# the per-address flood shields are raised (one customer and one address make all the load);
# password hashing keeps its bound (hash_concurrency, hash_wait_ms), which the sign-up and login
# floods exercise. Not part of `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."

SETUPS=${SETUPS:-"sqlite postgres postgres2"}
CONNS=${CONNS:-"16 64"}
DURATION=${DURATION:-15}
ONLY=${ONLY:-.}
EXTRA_ENV=${EXTRA_ENV:-}
FILERS=${FILERS:-200}
source bench/lib.sh
[ "$DURATION" -ge 8 ] || { echo "DURATION must be at least 8 (seconds): writes stop 4 s before the end" >&2; exit 1; }
# A two-digit number per run of a setup, in the sign-up flood's phone numbers: distinct across
# runs and across the setups of one run (postgres and postgres2 share a database).
next_run_no() {
    RUN_NO=$(( ($(cat "$CACHE/run-number" 2>/dev/null || echo 0) + 1) % 100 ))
    echo "$RUN_NO" >"$CACHE/run-number"
}

for tool in wrk sqlite3 psql; do
    command -v $tool >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk sqlite3 postgresql-client >/dev/null; }
done
if [ "$BIN" = target/release/setia ]; then
    cargo build --release --quiet --bin setia --example ceiling
fi

LIMITS='{login={per_minute=100000000,burst=100000000},signup={per_minute=100000000,burst=100000000}}'
RUN_ENV="SETIA_TICKETS_PER_HOUR=100000 SETIA_RATE_LIMITS=$LIMITS $EXTRA_ENV"
echo "Run configuration: $RUN_ENV"
echo "  (raised: the complaints per customer and hour, as $FILERS customers file all the load; the"
echo "   per-address flood shields, as one address sends it. Password hashing keeps its bound.)"

# Peak resident memory (kB) of a process since its counter was last reset.
peak_kb() { awk '/VmHWM/ { print $2 }' "/proc/$1/status"; }
reset_peak() { echo 5 >"/proc/$1/clear_refs"; }

# One wrk run; prints its RESULT JSON. Arguments: connections, threads, port, path, then wrk's
# other options.
wrk_json() {
    local conns=$1 threads=$2 port=$3 path=$4
    shift 4
    wrk -t"$threads" -c"$conns" -d"${DURATION}s" --timeout 10s "$@" "http://127.0.0.1:$port$path" |
        sed -n 's/^RESULT //p'
}

# A scenario on one or two instances: runs wrk (split over the instances), returns JSON with
# the combined figures and the peak memory of the largest instance.
# Arguments: name, kind (read|write), path, cookie, then environment for write.lua.
scenario() {
    local name=$1 kind=$2 path=$3 cookie=$4
    shift 4
    [[ $name =~ $ONLY ]] || return 0
    local conns
    for conns in $CONNS; do
        # The write check: rows past the table's mark (its newest id, or newest session).
        local table=${TABLE_OF[$name]:-} mark=${MARK_OF[$name]:-} before=""
        [ -n "$table" ] && before=$(sql "$DB" "SELECT MAX($mark) FROM $table")
        local pid results=() files=() jobs=() i=0
        for pid in "${PIDS[@]}"; do reset_peak "$pid"; done
        local per=$((conns / ${#PORTS[@]})) threads=$((2 / ${#PORTS[@]}))
        for port in "${PORTS[@]}"; do
            local out
            out=$(mktemp)
            files+=("$out")
            if [ "$kind" = read ]; then
                wrk_json "$per" "$threads" "$port" "$path" -H "Cookie: $cookie" -s bench/wrk/read.lua >"$out" &
                jobs+=($!)
            else
                (
                    export "$@" COOKIE="$cookie" ORIGIN="http://127.0.0.1:$port" \
                        RUN="$name-$conns-$i-$RANDOM" WRITE_SECONDS=$((DURATION - 4)) \
                        PHONE_PREFIX="0857$(printf %02d "$RUN_NO")$i$((conns == 16 ? 1 : 6))"
                    wrk_json "$per" "$threads" "$port" "$path" -s bench/wrk/write.lua
                ) >"$out" &
                jobs+=($!)
            fi
            i=$((i + 1))
        done
        wait "${jobs[@]}"
        for out in "${files[@]}"; do results+=("$(cat "$out")"); rm -f "$out"; done
        local peak=0 p
        for pid in "${PIDS[@]}"; do p=$(peak_kb "$pid"); [ "$p" -gt "$peak" ] && peak=$p; done
        local growth=null
        if [ -n "$table" ]; then
            growth=$(sql "$DB" "SELECT COUNT(*) FROM $table WHERE $mark > '$before'")
        fi
        # Combine the instances: requests/s and counts add up, latencies are the worse one.
        local line
        line=$(printf '%s\n' "${results[@]}" | jq -sc --arg name "$name" --argjson conns "$conns" \
            --argjson peak "$peak" --argjson growth "$growth" --argjson ceiling "${CEILING[$conns]:-0}" '
            { scenario: $name, connections: $conns,
              rps: (map(.rps) | add), p50_ms: (map(.p50_ms) | max), p99_ms: (map(.p99_ms) | max),
              errors: (map(.errors) | add), peak_rss_mb: (($peak / 1024) * 10 | round / 10) }
            + (if $ceiling > 0 then { of_ceiling: ((map(.rps) | add) / $ceiling * 1000 | round / 1000) } else {} end)
            + (if .[0].acknowledged != null then
                 { acknowledged: (map(.acknowledged) | add), refused_503: (map(.refused_503) | add),
                   rows_grew: $growth } else {} end)')
        echo "$line" >>"$OUT_LINES"
        echo "$line" | jq -r '"  \(.scenario | .[0:22] | . + " " * (22 - length)) c=\(.connections)  \(.rps | floor) req/s  p50 \(.p50_ms) ms  p99 \(.p99_ms) ms  errors \(.errors)  peak \(.peak_rss_mb) MB"
            + (if .of_ceiling then "  \(.of_ceiling * 100 | floor) % of ceiling" else "" end)
            + (if .acknowledged != null then "  acked \(.acknowledged) rows +\(.rows_grew)"
                + (if .refused_503 > 0 then " (503: \(.refused_503))" else "" end)
                + (if .rows_grew == .acknowledged then " ✓" else " ✗ LOST OR EXTRA WRITES" end) else "" end)'
        if [ -n "$table" ] && [ "$(echo "$line" | jq '.rows_grew == .acknowledged')" != true ]; then
            WRITE_CHECK_FAILED=1
        fi
    done
}

# Logs in COUNT customers with an active subscription and writes, one line each, their cookie,
# CSRF token and subscription for bench/wrk/write.lua (complaints spread over customers, as they
# arrive in an office; each stays under the raised per-customer limit).
filers_file() {
    local port=$1 count=$2 file=$3
    sql "$DB" "SELECT u.phone || ' ' || s.id FROM subscriptions s
        JOIN customers c ON c.id = s.customer_id JOIN users u ON u.id = c.user_id
        WHERE s.status = 'active' ORDER BY s.id DESC LIMIT $count" |
        while read -r phone sub; do
            local jar
            jar=$(mktemp)
            login "$port" "$jar" "$phone" "$CUSTOMER_PASSWORD"
            printf '%s\t%s\t%s\n' "$(cookie_of "$jar")" "$(csrf_of "$port" "$jar" /portal/tickets/new)" "$sub"
            rm -f "$jar"
        done >"$file"
}

# Rows that each write scenario adds one of per acknowledged response.
declare -A TABLE_OF=([ticket_file]=tickets [staff_reply]=ticket_messages [signup_flood]=registrations [login_flood]=sessions)
declare -A MARK_OF=([ticket_file]=id [staff_reply]=id [signup_flood]=id [login_flood]=created_at)
declare -A CEILING=()
WRITE_CHECK_FAILED=0
command -v jq >/dev/null || { apt-get update -qq && apt-get install -y -qq jq >/dev/null; }

echo "== ceiling: bare axum + askama page (examples/ceiling.rs)"
target/release/examples/ceiling 127.0.0.1:18090 &
CEILING_PID=$!
trap 'kill $CEILING_PID 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf http://127.0.0.1:18090/ >/dev/null && break; sleep 0.1; done
for conns in $CONNS; do
    CEILING[$conns]=$(wrk_json "$conns" 2 18090 / -s bench/wrk/read.lua | jq .rps)
    echo "  ceiling c=$conns  ${CEILING[$conns]} req/s"
done
kill $CEILING_PID

for setup in $SETUPS; do
    case $setup in
        sqlite) DB=sqlite PORTS=("$PORT") ;;
        postgres) DB=postgres PORTS=("$PORT") ;;
        postgres2) DB=postgres PORTS=("$PORT" $((PORT + 1))) ;;
    esac
    prepare "$DB"
    next_run_no
    PIDS=()
    for port in "${PORTS[@]}"; do
        start_server "$DB" "$port" $RUN_ENV
        PIDS+=("$SERVER_PID")
    done
    trap 'kill ${PIDS[*]} $CEILING_PID 2>/dev/null || true' EXIT
    p=${PORTS[0]}
    staff=$(mktemp) director=$(mktemp) customer=$(mktemp) anon=$(mktemp)
    login "$p" "$staff" "$ADMIN" "$PASSWORD"
    login "$p" "$director" "$DIRECTOR" "$PASSWORD"
    # A customer with an active subscription, whose portal and complaints are measured.
    read -r cphone < <(sql "$DB" "SELECT u.phone FROM subscriptions s
        JOIN customers c ON c.id = s.customer_id JOIN users u ON u.id = c.user_id
        WHERE s.status = 'active' ORDER BY s.id DESC LIMIT 1")
    login "$p" "$customer" "$cphone" "$CUSTOMER_PASSWORD"
    anon_csrf=$(csrf_of "$p" "$anon" /login)
    staff_csrf=$(csrf_of "$p" "$staff" /staff/tickets/new)
    ticket=$(sql "$DB" "SELECT MAX(id) FROM tickets")
    open_tickets=$(sql "$DB" "SELECT id FROM tickets WHERE status IN ('new', 'open', 'waiting') ORDER BY id DESC LIMIT 200" | paste -sd,)
    customer_id=$(sql "$DB" "SELECT MAX(id) FROM customers")
    name=$(sql "$DB" "SELECT name FROM customers WHERE id = $customer_id" | awk '{ print $1 }')
    read -r area package < <(sql "$DB" "SELECT a.id || ' ' || p.id FROM areas a, packages p
        WHERE a.published AND p.published ORDER BY a.id, p.id LIMIT 1")
    to=$(TZ=Asia/Jakarta date +%d/%m/%Y)
    from=$(TZ=Asia/Jakarta date -d "-1 year +1 day" +%d/%m/%Y)
    tickets_now=$(sql "$DB" "SELECT COUNT(*) FROM tickets")

    OUT_LINES=$(mktemp)
    echo "== $setup: ${#PORTS[@]} instance(s), $tickets_now tickets, wrk 2 threads, ${DURATION} s per scenario"
    scenario public_home read / "$(cookie_of "$anon")"
    scenario signup_form read /signup "$(cookie_of "$anon")"
    scenario staff_tickets read /staff/tickets "$(cookie_of "$staff")"
    scenario ticket_thread read "/staff/tickets/$ticket" "$(cookie_of "$staff")"
    scenario staff_customers read /staff/customers "$(cookie_of "$staff")"
    scenario customer_page read "/staff/customers/$customer_id" "$(cookie_of "$staff")"
    scenario customer_search read "/staff/customers?q=$name" "$(cookie_of "$staff")"
    scenario customer_search_none read "/staff/customers?q=zzqxw" "$(cookie_of "$staff")"
    scenario ticket_search read "/staff/tickets?q=lambat" "$(cookie_of "$staff")"
    scenario portal_home read /portal "$(cookie_of "$customer")"
    scenario dashboard_12m read "/staff/reports?period=custom&from=$from&to=$to" "$(cookie_of "$director")"
    filers=$(mktemp)
    [[ ticket_file =~ $ONLY ]] && filers_file "$p" "$FILERS" "$filers"
    scenario ticket_file write /portal/tickets/new "" KIND=ticket FILERS="$filers"
    scenario staff_reply write /staff/tickets "$(cookie_of "$staff")" \
        KIND=reply CSRF="$staff_csrf" IDS="$open_tickets"
    scenario signup_flood write /signup "$(cookie_of "$anon")" \
        KIND=signup CSRF="$anon_csrf" AREA="$area" PACKAGE="$package"
    scenario login_flood write /login "$(cookie_of "$anon")" \
        KIND=login CSRF="$anon_csrf" LOGIN="$cphone" PASSWORD="$CUSTOMER_PASSWORD"

    out="bench/results/load-$setup.json"
    jq -s --arg setup "$setup" --argjson cores "$(nproc)" --arg date "$(date -u +%FT%TZ)" \
        --arg env "$RUN_ENV" --argjson tickets "$tickets_now" --argjson customers "$CUSTOMERS" \
        --argjson ceiling "$(for c in "${!CEILING[@]}"; do echo "{\"$c\": ${CEILING[$c]}}"; done | jq -s 'add // {}')" \
        '{ setup: $setup, cores: $cores, date: $date, customers: $customers, tickets: $tickets,
           run_env: $env, ceiling_rps: $ceiling, scenarios: . }' "$OUT_LINES" >"$out"
    echo "   written to $out"
    kill "${PIDS[@]}" 2>/dev/null || true
    wait "${PIDS[@]}" 2>/dev/null || true
    rm -f "$staff" "$director" "$customer" "$anon" "$filers" "$OUT_LINES"
done

[ "$WRITE_CHECK_FAILED" = 0 ] || { echo "A write scenario's rows did not match its acknowledged responses" >&2; exit 1; }
