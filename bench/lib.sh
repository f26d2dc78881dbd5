# Shared by the benchmark scripts (sourced, not run): the release binary, the cached ISP-sized
# data set per database, starting Setia and logging in. Nothing leaves 127.0.0.1.

CUSTOMERS=${CUSTOMERS:-100000}
TICKETS=${TICKETS:-1000000}
CACHE=${BENCH_CACHE:-/var/tmp/setia-bench}
PG=${PG_URL:-postgres://postgres@127.0.0.1:5432}
PORT=${PORT:-18080}
# A saved binary may be given (BIN=/tmp/setia-before) to compare two builds without rebuilding.
BIN=${BIN:-target/release/setia}
DIRECTOR=bench-director@setia.local
ADMIN=bench-admin@setia.local
PASSWORD=bench-direktur-2026
# Every generated customer shares the demo customers' password (src/demo/mod.rs).
CUSTOMER_PASSWORD=pelanggan-demo-2026
size="${CUSTOMERS}_${TICKETS}"

mkdir -p "$CACHE" bench/results

# Environment selecting one database, for the setia commands below.
db_env() {
    case "$1" in
        sqlite) echo "SETIA_DATA_DIR=$CACHE/sqlite-$size" ;;
        postgres) echo "SETIA_DATA_DIR=$CACHE/pg-$size SETIA_DATABASE_URL=$PG/setia_bench_$size" ;;
    esac
}

# One value from the database (a row count, an id).
sql() {
    case "$1" in
        sqlite) sqlite3 "$CACHE/sqlite-$size/setia.db" "$2" ;;
        postgres) psql -qtAX "$PG/setia_bench_$size" -c "$2" ;;
    esac
}

# Generates the data set once per size and database, with a director and an admin to log in,
# and keeps a pristine copy of it; every run starts from that copy, so what earlier runs wrote
# (thousands of complaints filed by the write scenarios stay open) does not change the next
# run's lists and counts.
prepare() {
    local db=$1 pristine="$CACHE/$1-$size.pristine"
    if [ ! -e "$pristine" ]; then
        echo "== generating $CUSTOMERS customers and $TICKETS tickets on $db (once; cached)"
        if [ "$db" = sqlite ]; then
            rm -rf "$CACHE/sqlite-$size"
        else
            psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS setia_bench_$size" -c "CREATE DATABASE setia_bench_$size"
        fi
        mkdir -p "$CACHE/sqlite-$size" "$CACHE/pg-$size"
        env $(db_env "$db") "$BIN" migrate >/dev/null
        local started=$SECONDS
        env $(db_env "$db") "$BIN" demo --customers "$CUSTOMERS" --tickets "$TICKETS" >"$CACHE/$db-$size.demo.log"
        echo "   generated in $((SECONDS - started)) s"
        echo "$((SECONDS - started))" >"$CACHE/$db-$size.seconds"
        bench_users "$db"
        # The copy is made under a temporary name and renamed once whole, so an interrupted
        # copy is made again next time. PostgreSQL's copy is vacuumed and frozen first (else
        # every run would set hint bits on millions of rows while it measures reads).
        if [ "$db" = sqlite ]; then
            sqlite3 "$CACHE/sqlite-$size/setia.db" ".backup '$pristine.tmp'"
            mv "$pristine.tmp" "$pristine"
        else
            psql -v ON_ERROR_STOP=1 "$PG/setia_bench_$size" -qc "VACUUM (FREEZE, ANALYZE)"
            psql -v ON_ERROR_STOP=1 "$PG/postgres" -qc "DROP DATABASE IF EXISTS setia_bench_${size}_pristine" \
                -c "CREATE DATABASE setia_bench_${size}_pristine TEMPLATE setia_bench_$size STRATEGY FILE_COPY"
            touch "$pristine"
        fi
    fi
    echo "== $db: the generated data set, as generated"
    if [ "$db" = sqlite ]; then
        cp "$pristine" "$CACHE/sqlite-$size/setia.db.tmp"
        # Written out before the run: else the copy's 1.9 GB are written back during the first
        # scenarios, and the first checkpoint's fsync of the database waits for all of them.
        sync "$CACHE/sqlite-$size/setia.db.tmp"
        rm -f "$CACHE/sqlite-$size/setia.db-wal" "$CACHE/sqlite-$size/setia.db-shm"
        mv "$CACHE/sqlite-$size/setia.db.tmp" "$CACHE/sqlite-$size/setia.db"
    else
        psql -v ON_ERROR_STOP=1 "$PG/postgres" -qc "DROP DATABASE IF EXISTS setia_bench_$size" \
            -c "CREATE DATABASE setia_bench_$size TEMPLATE setia_bench_${size}_pristine STRATEGY FILE_COPY"
    fi
}

# The director and admin the scripts log in as (kept when they exist).
bench_users() {
    local db=$1 role email
    for role in director admin; do
        email=$DIRECTOR
        [ $role = admin ] && email=$ADMIN
        [ "$(sql "$db" "SELECT COUNT(*) FROM users WHERE email = '$email'")" = 1 ] && continue
        echo "$PASSWORD" | env $(db_env "$db") "$BIN" user create --role $role \
            --email "$email" --name "Bench ${role^}" --password-stdin >/dev/null
    done
}

# Starts Setia on the given port in the background (extra environment after the port); sets
# $SERVER_PID and waits until it answers.
start_server() {
    local db=$1 port=$2
    shift 2
    env $(db_env "$db") "$@" "$BIN" serve --listen "127.0.0.1:$port" >>"$CACHE/serve-$db-$port.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 300); do
        curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return
        kill -0 "$SERVER_PID" 2>/dev/null || { echo "Setia did not start: $CACHE/serve-$db-$port.log" >&2; exit 1; }
        sleep 0.2
    done
    echo "Setia did not answer on port $port" >&2
    exit 1
}

# The CSRF token of a page, with the cookie jar updated.
csrf_of() {
    local port=$1 jar=$2 path=$3
    curl -s -b "$jar" -c "$jar" "http://127.0.0.1:$port$path" |
        sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1
}

# Logs in (email or phone) into the cookie jar; fails loudly when the login is refused.
login() {
    local port=$1 jar=$2 who=$3 password=$4 csrf status
    csrf=$(csrf_of "$port" "$jar" /login)
    status=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" \
        -H "Origin: http://127.0.0.1:$port" --data-urlencode "_csrf=$csrf" \
        --data-urlencode "login=$who" --data-urlencode "password=$password" \
        "http://127.0.0.1:$port/login")
    [ "$status" = 303 ] || { echo "login as $who failed: HTTP $status" >&2; exit 1; }
}

# The Cookie header value of a jar.
cookie_of() {
    awk '!/^#/ || /^#HttpOnly_/ { if (NF >= 7) printf "%s%s=%s", (n++ ? "; " : ""), $6, $7 }' "$1"
}
