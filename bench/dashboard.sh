#!/usr/bin/env bash
# The director's dashboard and the reports for a 12-month period on an ISP-sized data set
# (100,000 customers, 1,000,000 tickets by default), on SQLite and on PostgreSQL.
#
#   bench/dashboard.sh                 # both databases
#   DBS=sqlite bench/dashboard.sh      # one
#   CUSTOMERS=20000 TICKETS=200000 RUNS=10 bench/dashboard.sh
#   PAGES=/staff/reports bench/dashboard.sh   # only the dashboard
#
# Builds the release binary, generates the data set once per size and database (cached under
# $BENCH_CACHE, default /var/tmp/setia-bench; PostgreSQL in database setia_bench_<size>), starts
# Setia on 127.0.0.1, logs in as a director, and times RUNS sequential requests of each page
# after two warm-up requests. Prints p50, p90 and the slowest, in milliseconds, and writes
# bench/results/dashboard-<db>.json. Not part of `cargo test`; nothing leaves 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-20}
DBS=${DBS:-"sqlite postgres"}
PAGES=${PAGES:-"/staff/reports /staff/reports/complaints /staff/reports/satisfaction \
/staff/reports/technicians /staff/reports/retention /staff/at-risk"}
source bench/lib.sh

cargo build --release --quiet

# Milliseconds of RUNS requests of one URL, sorted.
time_url() {
    local url=$1 jar=$2
    for _ in 1 2; do curl -s -o /dev/null -b "$jar" "http://127.0.0.1:$PORT$url"; done
    for _ in $(seq "$RUNS"); do
        curl -s -o /dev/null -b "$jar" -w '%{http_code} %{time_total}\n' "http://127.0.0.1:$PORT$url"
    done | awk '$1 != 200 { print "HTTP " $1 > "/dev/stderr"; exit 1 } { printf "%.1f\n", $2 * 1000 }' | sort -n
}

measure() {
    local db=$1 jar log out
    jar=$(mktemp) log=$(mktemp)
    start_server "$db" "$PORT"
    local pid=$SERVER_PID
    trap 'kill $pid 2>/dev/null || true' RETURN
    login "$PORT" "$jar" "$DIRECTOR" "$PASSWORD"
    local to from q
    to=$(TZ=Asia/Jakarta date +%d/%m/%Y)
    from=$(TZ=Asia/Jakarta date -d "-1 year +1 day" +%d/%m/%Y)
    q="period=custom&from=$from&to=$to"
    out="bench/results/dashboard-$db.json"
    echo "== $db: $CUSTOMERS customers, $TICKETS tickets, $RUNS runs, 12 months ($from – $to)"
    printf '{"db":"%s","customers":%s,"tickets":%s,"runs":%s,"cores":%s,"date":"%s","pages":{' \
        "$db" "$CUSTOMERS" "$TICKETS" "$RUNS" "$(nproc)" "$(date -u +%FT%TZ)" >"$out"
    local first=1
    for page in $PAGES; do
        local ms p50 p90 max
        ms=$(time_url "$page?$q" "$jar")
        p50=$(echo "$ms" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
        p90=$(echo "$ms" | awk '{ a[NR] = $1 } END { i = int(NR * 0.9 + 0.999); print a[i] }')
        max=$(echo "$ms" | tail -1)
        printf '   %-32s p50 %7s ms   p90 %7s ms   max %7s ms\n' "$page" "$p50" "$p90" "$max"
        [ $first = 1 ] || printf ',' >>"$out"
        first=0
        printf '"%s":{"p50_ms":%s,"p90_ms":%s,"max_ms":%s}' "$page" "$p50" "$p90" "$max" >>"$out"
    done
    printf '}}\n' >>"$out"
    rm -f "$jar" "$log"
}

for db in $DBS; do
    prepare "$db"
    measure "$db"
done
