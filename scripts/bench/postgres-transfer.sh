#!/usr/bin/env bash
# The transfer workload side by side: PostgreSQL (pgbench) and Interstice (over the network), in one run, on this machine.
#
# Starts a private PostgreSQL cluster (temporary directory, loopback, a free port), loads N accounts, runs the same
# transfer workload as the Interstice profiles transfer-uniform / transfer-skewed with pgbench (same account law,
# same from != to rule, same amounts, same refusal rule, durable commits), prints throughput and latency, checks that
# the total balance did not change. Then, for the same distribution, starts an Interstice benchmark node in its own JVM
# (`interstice example benchmark`, loopback), loads the same N accounts and runs `interstice benchmark profile
# transfer-uniform|transfer-skewed` with the same connections, skew, amounts and durable acknowledgement, once per
# --interstice-inflight value (1 = one transaction in flight per connection, as pgbench; 64 = pipelined), and prints
# both figures and their ratio. Everything is stopped and deleted at the end. Installs PostgreSQL from Debian's
# packages if it is missing (needs root); builds the Interstice CLI if cli/target has none.
#
# usage: scripts/bench/postgres-transfer.sh [options]
#   --connections N      client connections (pgbench -c, one thread each) (4)
#   --duration S         measured seconds per distribution (10)
#   --warmup S           unmeasured run before each measured one, in seconds (2; 0 = none)
#   --accounts N         accounts 0 .. N-1 (100000)
#   --initial-balance X  starting balance of every account (1000000)
#   --max-amount A       amounts are uniform in 1 .. A (100)
#   --distribution D     uniform | zipf | both (both)
#   --zipf-alpha A       Zipf exponent for zipf (1.5)
#   --mode M             function: one call of a PL/pgSQL function per transfer, one round trip (default);
#                        statements: an interactive transaction (BEGIN, lock, check, 2 UPDATEs, END), 5-6 round trips
#   --json-dir DIR       also write DIR/postgres-transfer-<distribution>.json
#   --keep               keep the cluster directory (printed) instead of deleting it
#   --interstice-inflight "K ..."  Interstice runs: requests in flight per connection, one run per value ("1 64")
#   --interstice-warmup S          Interstice warmup in seconds (5: a fresh JVM compiles its hot paths meanwhile)
#   --no-interstice      PostgreSQL only
#   -h | --help
#
# Transfer semantics (as benchmark-workload's transfer reducer): from == to, amount <= 0, an unknown account or a
# balance below amount refuse the transfer; a refused transfer changes nothing and still commits. Both rows are locked
# in id order, so concurrent transfers never deadlock.
set -euo pipefail

CONNECTIONS=4
DURATION=10
WARMUP=2
ACCOUNTS=100000
INITIAL_BALANCE=1000000
MAX_AMOUNT=100
DISTRIBUTION=both
ZIPF_ALPHA=1.5
MODE=function
JSON_DIR=""
KEEP=0
INTERSTICE_INFLIGHT="1 64"
INTERSTICE_WARMUP=5
INTERSTICE=1

die() { echo "postgres-transfer: $*" >&2; exit 1; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --accounts) ACCOUNTS="$2"; shift 2 ;;
    --initial-balance) INITIAL_BALANCE="$2"; shift 2 ;;
    --max-amount) MAX_AMOUNT="$2"; shift 2 ;;
    --distribution) DISTRIBUTION="$2"; shift 2 ;;
    --zipf-alpha) ZIPF_ALPHA="$2"; shift 2 ;;
    --mode) MODE="$2"; shift 2 ;;
    --json-dir) JSON_DIR="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --interstice-inflight) INTERSTICE_INFLIGHT="$2"; shift 2 ;;
    --interstice-warmup) INTERSTICE_WARMUP="$2"; shift 2 ;;
    --no-interstice) INTERSTICE=0; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (--help)" ;;
  esac
done
for v in CONNECTIONS DURATION WARMUP ACCOUNTS INITIAL_BALANCE MAX_AMOUNT INTERSTICE_WARMUP; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || die "--${v,,} must be a non-negative integer (got ${!v})"
done
[[ "$CONNECTIONS" -ge 1 && "$DURATION" -ge 1 && "$ACCOUNTS" -ge 2 && "$MAX_AMOUNT" -ge 1 ]] || die "bad numbers"
case "$DISTRIBUTION" in uniform|zipf|both) ;; *) die "--distribution must be uniform, zipf or both" ;; esac
case "$MODE" in function|statements) ;; *) die "--mode must be function or statements" ;; esac

# ---- PostgreSQL binaries (install from Debian's packages if missing) ----

find_pg_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
    if [[ -x "$d/initdb" && -x "$d/pg_ctl" && -x "$d/pgbench" && -x "$d/psql" ]]; then echo "$d"; return 0; fi
  done
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null && command -v pgbench >/dev/null; then
    dirname "$(readlink -f "$(command -v initdb)")"; return 0
  fi
  return 1
}

PG_BIN="$(find_pg_bin || true)"
if [[ -z "$PG_BIN" ]]; then
  [[ $EUID -eq 0 ]] || die "PostgreSQL is not installed and installing it needs root (apt-get install postgresql)"
  echo "postgres-transfer: installing PostgreSQL (apt-get)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends postgresql postgresql-contrib >/dev/null
  PG_BIN="$(find_pg_bin)" || die "PostgreSQL binaries not found after installing"
fi
PG_VERSION="$("$PG_BIN/postgres" --version | awk '{print $3}')"

# ---- a private cluster, run by a non-root user ----

OS_USER="$(id -un)"
if [[ $EUID -eq 0 ]]; then
  OS_USER=postgres
  if ! id "$OS_USER" >/dev/null 2>&1; then
    OS_USER=interstice-bench
    id "$OS_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$OS_USER"
  fi
fi
as_pg() {
  if [[ $EUID -eq 0 ]]; then runuser -u "$OS_USER" -- "$@"; else "$@"; fi
}

WORK="$(mktemp -d "${TMPDIR:-/tmp}/pg-transfer.XXXXXX")"
chmod 755 "$WORK"
[[ $EUID -eq 0 ]] && chown "$OS_USER" "$WORK"
DATA="$WORK/data"
STARTED=0

# shellcheck source=interstice-node.sh
source "$(dirname "${BASH_SOURCE[0]}")/interstice-node.sh"
[[ $INTERSTICE -eq 1 ]] && interstice_build

cleanup() {
  local rc=$?
  interstice_node_stop
  if [[ $STARTED -eq 1 ]]; then as_pg "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1 || true; fi
  if [[ $KEEP -eq 1 ]]; then echo "postgres-transfer: cluster kept in $WORK" >&2; else rm -rf "$WORK"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORT=""
start=$((20000 + RANDOM % 20000))
for ((p = start; p < start + 500; p++)); do
  if ! port_in_use "$p"; then PORT=$p; break; fi
done
[[ -n "$PORT" ]] || die "no free port found"

as_pg "$PG_BIN/initdb" -D "$DATA" -U bench --auth=trust -E UTF8 --no-locale >"$WORK/initdb.log" 2>&1 \
  || { cat "$WORK/initdb.log" >&2; die "initdb failed"; }
cat >>"$DATA/postgresql.conf" <<EOF

# postgres-transfer.sh: private cluster on loopback; durable commits; everything else is PostgreSQL's default
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$WORK'
max_connections = $((CONNECTIONS + 10))
fsync = on
synchronous_commit = on
full_page_writes = on
EOF
as_pg "$PG_BIN/pg_ctl" -D "$DATA" -l "$WORK/server.log" -w -t 60 start >/dev/null \
  || { cat "$WORK/server.log" >&2; die "the cluster did not start"; }
STARTED=1

PSQL=(as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U bench)
"${PSQL[@]}" -d postgres -c "CREATE DATABASE bench"
sql() { "${PSQL[@]}" -d bench -At -c "$1"; }

echo "postgres-transfer: PostgreSQL $PG_VERSION on 127.0.0.1:$PORT ($WORK), loading $ACCOUNTS accounts..." >&2
t0=$(date +%s%N)
"${PSQL[@]}" -d bench <<EOF
CREATE TABLE accounts (id integer PRIMARY KEY, balance bigint NOT NULL);
INSERT INTO accounts SELECT i, $INITIAL_BALANCE FROM generate_series(0, $ACCOUNTS - 1) AS i;
VACUUM ANALYZE accounts;
-- The transfer "reducer": lock both rows in id order (no deadlocks), refuse as benchmark-workload does.
CREATE FUNCTION transfer(p_from integer, p_to integer, p_amount bigint) RETURNS void LANGUAGE plpgsql AS \$\$
DECLARE
  r record;
  src bigint;
  dst_found boolean := false;
BEGIN
  IF p_from = p_to OR p_amount <= 0 THEN RETURN; END IF;
  FOR r IN SELECT id, balance FROM accounts WHERE id IN (p_from, p_to) ORDER BY id FOR UPDATE LOOP
    IF r.id = p_from THEN src := r.balance; ELSE dst_found := true; END IF;
  END LOOP;
  IF src IS NULL OR NOT dst_found OR src < p_amount THEN RETURN; END IF;
  UPDATE accounts SET balance = balance - p_amount WHERE id = p_from;
  UPDATE accounts SET balance = balance + p_amount WHERE id = p_to;
END \$\$;
CHECKPOINT;
EOF
LOAD_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "postgres-transfer: loaded in ${LOAD_MS} ms" >&2

# ---- the pgbench scripts ----

write_script() { # $1 = uniform|zipf, $2 = file
  {
    echo '\set n :naccounts'
    if [[ "$1" == zipf ]]; then
      echo '\set from random_zipfian(0, :n - 1, :alpha)'
      echo '\set to random_zipfian(0, :n - 1, :alpha)'
    else
      echo '\set from random(0, :n - 1)'
      echo '\set to random(0, :n - 1)'
    fi
    echo '\if :to = :from'
    echo '\set to (:to + 1) % :n'
    echo '\endif'
    echo '\set amount random(1, :maxamount)'
    if [[ "$MODE" == function ]]; then
      echo 'SELECT transfer(:from, :to, :amount);'
    else
      echo 'BEGIN;'
      echo 'SELECT id FROM accounts WHERE id IN (:from, :to) ORDER BY id FOR UPDATE;'
      echo 'SELECT CASE WHEN balance >= :amount THEN 1 ELSE 0 END AS ok FROM accounts WHERE id = :from \gset'
      echo '\if :ok'
      echo 'UPDATE accounts SET balance = balance - :amount WHERE id = :from;'
      echo 'UPDATE accounts SET balance = balance + :amount WHERE id = :to;'
      echo '\endif'
      echo 'END;'
    fi
  } >"$2"
}

pgbench_run() { # $1 = script, $2 = seconds, $3 = log prefix or "" ; prints pgbench's output
  local args=(-n -c "$CONNECTIONS" -j "$CONNECTIONS" -T "$2" -M prepared -f "$1"
              -D "naccounts=$ACCOUNTS" -D "maxamount=$MAX_AMOUNT" -D "alpha=$ZIPF_ALPHA"
              -h 127.0.0.1 -p "$PORT" -U bench)
  [[ -n "$3" ]] && args+=(-l --log-prefix="$3" -P 1)
  as_pg "$PG_BIN/pgbench" "${args[@]}" bench
}

# Latency percentiles (µs) from pgbench's per-transaction logs: column 3 is the transaction's latency in µs.
percentiles() { # $1 = log prefix
  cat "$1".* 2>/dev/null | awk '$3 ~ /^[0-9]+$/ {print $3}' | sort -n | awk '
    { v[NR] = $1 }
    END {
      if (NR == 0) { print "0 0 0 0 0 0"; exit }
      n = split("50 90 95 99 99.9", ps, " ")
      out = ""
      for (i = 1; i <= n; i++) { k = int(ps[i] / 100 * NR + 0.999999); if (k < 1) k = 1; if (k > NR) k = NR; out = out v[k] " " }
      print out v[NR]
    }'
}

# The Interstice half: called once per distribution after the PostgreSQL run, with DIST, CONNECTIONS, DURATION,
# ACCOUNTS, INITIAL_BALANCE, MAX_AMOUNT, ZIPF_ALPHA and PG_TPS, PG_P50_US, PG_P99_US, PG_VERIFIED set. The node starts at
# the first call and serves every distribution (the accounts are created once; a profile creates only missing ones).
run_interstice_and_compare() {
  [[ $INTERSTICE -eq 1 ]] || return 0
  local profile=transfer-uniform k out tps p50 p99 ver rc
  [[ "$DIST" == zipf ]] && profile=transfer-skewed
  [[ -n "$IB_NODE_PID" ]] || interstice_node_start
  for k in $INTERSTICE_INFLIGHT; do
    local args=(benchmark profile "$profile" "$IB_NODE" --connections "$CONNECTIONS" --inflight "$k" --ack durable
                --duration-ms $((DURATION * 1000)) --warmup-ms $((INTERSTICE_WARMUP * 1000)) --accounts "$ACCOUNTS"
                --initial-balance "$INITIAL_BALANCE" --max-amount "$MAX_AMOUNT" --zipf-alpha "$ZIPF_ALPHA" --quiet)
    [[ -n "$JSON_DIR" ]] && args+=(--output "$JSON_DIR/interstice-transfer-$DIST-k$k.json")
    echo "postgres-transfer: $DIST: Interstice, $CONNECTIONS connections x $k in flight, warmup ${INTERSTICE_WARMUP} s, measuring ${DURATION} s..." >&2
    rc=0
    out=$(interstice_cli "${args[@]}" 2>&1) || rc=$?
    [[ $rc -eq 0 ]] || STATUS=2
    tps=$(echo "$out" | awk '/^throughput/ {gsub(",", "", $2); print $2; exit}')
    p50=$(echo "$out" | awk '/^latency/ {print $3 " " $4; exit}')
    p99=$(echo "$out" | awk '/^latency/ {print $9 " " $10; exit}')
    ver=$(echo "$out" | awk '/^verification/ {print $2 " " $3 " " $4; exit}')
    echo "== interstice-transfer-$DIST: Interstice over TCP, durable acknowledgement ($CONNECTIONS connections x $k in flight, ${DURATION} s) =="
    if [[ -z "$tps" ]]; then
      echo "$out" | tail -20
      echo "interstice: the run failed (exit $rc)"
      continue
    fi
    printf 'throughput    %s tx/s\n' "$tps"
    printf 'latency       p50 %s  p99 %s\n' "$p50" "$p99"
    printf 'verification  %s\n' "$ver"
    printf 'command       interstice %s\n' "${args[*]}"
    printf 'ratio         Interstice (%s in flight) / PostgreSQL = %s / %.0f = %s\n' "$k" "$tps" "${PG_TPS:-0}" \
      "$(awk -v a="$tps" -v b="${PG_TPS:-0}" 'BEGIN {if (b > 0) printf "%.2fx", a / b; else print "n/a"}')"
  done
  printf 'machine       %s cores, load average %s\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
}

# ---- run ----

DISTS=("$DISTRIBUTION")
[[ "$DISTRIBUTION" == both ]] && DISTS=(uniform zipf)
EXPECTED_TOTAL=$((ACCOUNTS * INITIAL_BALANCE))
STATUS=0
for DIST in "${DISTS[@]}"; do
  script="$WORK/transfer-$DIST.sql"
  write_script "$DIST" "$script"
  [[ $EUID -eq 0 ]] && chown "$OS_USER" "$script"
  before=$(sql "SELECT sum(balance) FROM accounts")
  if [[ "$WARMUP" -gt 0 ]]; then
    echo "postgres-transfer: $DIST: warmup ${WARMUP} s..." >&2
    pgbench_run "$script" "$WARMUP" "" >/dev/null 2>&1 || die "pgbench warmup failed"
  fi
  echo "postgres-transfer: $DIST: measuring ${DURATION} s with $CONNECTIONS connections ($MODE)..." >&2
  prefix="$WORK/log-$DIST"
  out=$(pgbench_run "$script" "$DURATION" "$prefix" 2>"$WORK/pgbench-$DIST.progress") \
    || { cat "$WORK/pgbench-$DIST.progress" >&2; echo "$out" >&2; die "pgbench failed"; }
  after=$(sql "SELECT sum(balance) FROM accounts")
  negative=$(sql "SELECT count(*) FROM accounts WHERE balance < 0")
  touched=$(sql "SELECT count(*) FROM accounts WHERE balance <> $INITIAL_BALANCE")
  PG_TPS=$(echo "$out" | awk '/^tps = / {print $3; exit}')
  PG_TX=$(echo "$out" | awk -F': ' '/^number of transactions actually processed/ {print $2; exit}' | awk -F/ '{print $1}')
  PG_FAILED=$(echo "$out" | awk -F': ' '/^number of failed transactions/ {print $2; exit}' | awk '{print $1}')
  PG_FAILED=${PG_FAILED:-0}
  read -r PG_P50_US PG_P90_US PG_P95_US PG_P99_US PG_P999_US PG_MAX_US <<<"$(percentiles "$prefix")"
  PG_VERIFIED=no
  if [[ "$before" == "$after" && "$after" == "$EXPECTED_TOTAL" && "$negative" == 0 ]]; then PG_VERIFIED=yes; else STATUS=2; fi

  echo "== postgresql-transfer-$DIST: PostgreSQL $PG_VERSION, $MODE, pgbench ($CONNECTIONS connections, ${DURATION} s, durable commits) =="
  printf 'throughput    %s tx/s (%s transactions, %s failed)\n' "$PG_TPS" "$PG_TX" "$PG_FAILED"
  printf 'latency       p50 %s µs  p90 %s µs  p99 %s µs  p99.9 %s µs  max %s µs\n' "$PG_P50_US" "$PG_P90_US" "$PG_P99_US" "$PG_P999_US" "$PG_MAX_US"
  printf 'verification  %s: total balance %s -> %s (expected %s), negative balances %s, accounts not at the initial balance %s\n' \
    "$([[ $PG_VERIFIED == yes ]] && echo PASS || echo FAIL)" "$before" "$after" "$EXPECTED_TOTAL" "$negative" "$touched"
  printf 'workload      %s over %s accounts%s, amount 1..%s, load %s ms\n' "$DIST" "$ACCOUNTS" \
    "$([[ $DIST == zipf ]] && echo " (alpha $ZIPF_ALPHA)")" "$MAX_AMOUNT" "$LOAD_MS"
  printf 'machine       %s cores, load average %s\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"

  if [[ -n "$JSON_DIR" ]]; then
    mkdir -p "$JSON_DIR"
    cat >"$JSON_DIR/postgres-transfer-$DIST.json" <<EOF
{
  "name": "postgresql-transfer-$DIST",
  "system": "postgresql $PG_VERSION",
  "mode": "$MODE",
  "distribution": "$DIST",
  "zipf_alpha": $ZIPF_ALPHA,
  "accounts": $ACCOUNTS,
  "initial_balance": $INITIAL_BALANCE,
  "max_amount": $MAX_AMOUNT,
  "connections": $CONNECTIONS,
  "warmup_ms": $((WARMUP * 1000)),
  "duration_ms": $((DURATION * 1000)),
  "ack": "durable (fsync=on, synchronous_commit=on)",
  "throughput_tps": ${PG_TPS:-0},
  "acknowledged": ${PG_TX:-0},
  "errors": $PG_FAILED,
  "latency_us_p50": $PG_P50_US,
  "latency_us_p90": $PG_P90_US,
  "latency_us_p95": $PG_P95_US,
  "latency_us_p99": $PG_P99_US,
  "latency_us_p999": $PG_P999_US,
  "latency_us_max": $PG_MAX_US,
  "verification": {"passed": $([[ $PG_VERIFIED == yes ]] && echo true || echo false), "total_before": $before, "total_after": $after, "negative_balances": $negative, "accounts_changed": $touched},
  "environment": {"available_processors": $(nproc), "load_average": "$(cut -d' ' -f1-3 /proc/loadavg)"}
}
EOF
    echo "wrote $JSON_DIR/postgres-transfer-$DIST.json"
  fi
  run_interstice_and_compare
  echo
done
exit $STATUS
