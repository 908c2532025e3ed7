#!/usr/bin/env bash
# Is the sandbox ever the bottleneck of a matrix run? `steprun run --matrix` over TENANTS tenants
# (a vars file each, each with its own run_id) × one workflow (the simple-login tutorial)
# against one `steprun sandbox` process, at each --jobs, with the sandbox pinned to one core and
# steprun to another (taskset), so that each has a core of its own and neither takes the
# other's. Each run gets a fresh sandbox. Per --jobs, the medians over REPEAT runs (each column
# on its own) of:
#
#   wall_s, wf/s     the run's wall time; workflows (tenants) finished a second
#   sbx_ms/wf        the sandbox's CPU time (user + system, /proc/PID/stat, from the run's start
#                    to its end) per workflow: its service demand. It must not grow with --jobs
#                    (no lock contention, no work that grows with concurrency).
#   cli_ms/wf        the same for steprun (GNU time's %U + %S, its start and load included)
#   sbx_busy%        the sandbox's CPU time over the wall time: how much of its core it used
#   cli_busy%        the same for steprun
#   sbx_wait%        how long the sandbox's threads were runnable but waiting for a CPU
#                    (/proc/PID/task/*/schedstat), over the wall time: on a shared machine,
#                    the time other processes held its core
#   sbx@cli_full%    100 × sbx_ms/wf ÷ cli_ms/wf: how busy the sandbox's core is when
#                    steprun's is full. On cores of their own, the side that needs more CPU a
#                    workflow saturates first and bounds the throughput (X ≤ 1 / demand); CPU
#                    seconds, unlike wall time, hardly move with the neighbours' load, so this
#                    column says what an idle machine would show.
#   limit            `sandbox` when its core is saturated (sbx_busy% ≥ BUSY, default 80),
#                    `client` when steprun's is, else `neither` (latency: more --jobs go
#                    faster; or both waiting for CPUs that other processes hold, see sbx_wait%)
#
# The sandbox is not the bottleneck at a --jobs when sbx_busy% and sbx@cli_full% are both
# under BUSY: its core is not saturated now, and would not be even where steprun's is.
#
#   STEPRUN=target/release/steprun benches/sandbox_load.sh
#   TENANTS=300 REPEAT=5 JOBS="1 2 4 8 16 32" benches/sandbox_load.sh
#   SANDBOX_CPU=0 CLIENT_CPU=1 benches/sandbox_load.sh   # the cores (PIN=0: no pinning)
#
# Needs GNU time (/usr/bin/time), taskset (util-linux) and Linux's /proc.
set -euo pipefail

cd "$(dirname "$0")/.."
STEPRUN=${STEPRUN:-target/debug/steprun}
TENANTS=${TENANTS:-300}
JOBS=${JOBS:-"1 2 4 8 16 32"}
REPEAT=${REPEAT:-3}
WORKFLOW=${WORKFLOW:-workflows/sso/simple-login.toml}
TIME=${TIME:-/usr/bin/time}
BUSY=${BUSY:-80}
PIN=${PIN:-1}
SANDBOX_CPU=${SANDBOX_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}

[ -x "$STEPRUN" ] || { echo "no steprun at $STEPRUN (cargo build first, or set STEPRUN)" >&2; exit 2; }
[ -x "$TIME" ] || { echo "GNU time is needed at $TIME for the client's CPU time" >&2; exit 2; }
sandbox_pin=()
client_pin=()
if [ "$PIN" = 1 ]; then
  command -v taskset >/dev/null || { echo "taskset is needed to pin (or PIN=0)" >&2; exit 2; }
  sandbox_pin=(taskset -c "$SANDBOX_CPU")
  client_pin=(taskset -c "$CLIENT_CPU")
fi
ticks=$(getconf CLK_TCK)

tmp=$(mktemp -d)
# shellcheck source=benches/sandbox_process.sh
. benches/sandbox_process.sh

# The sandbox's CPU time so far, in clock ticks: utime + stime of /proc/PID/stat (fields 14
# and 15, counted after the command name, which may hold spaces). Threads that have ended are
# included.
sandbox_ticks() {
  sed 's/^.*) //' "/proc/$sandbox_pid/stat" | awk '{ print $12 + $13 }'
}

# Nanoseconds the sandbox's threads have spent waiting for a CPU while runnable (the second
# field of each thread's /proc/PID/task/TID/schedstat): time it had work but no core.
sandbox_wait_ns() {
  cat "/proc/$sandbox_pid"/task/*/schedstat 2>/dev/null | awk '{ s += $2 } END { printf "%d\n", s }'
}

mkdir -p "$tmp/tenants"
for i in $(seq 1 "$TENANTS"); do
  printf 'run_id = "load-%s"\n' "$i" >"$tmp/tenants/tenant$i.toml"
done

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# The median over the runs of an awk expression of a row's fields: $1 wall, $2 the sandbox's
# CPU, $3 the client's CPU, $4 the sandbox's wait for a CPU (seconds).
column() { awk "{ print $1 }" "$tmp/rows" | median; }

if [ "$PIN" = 1 ]; then
  where="sandbox on CPU $SANDBOX_CPU, steprun on CPU $CLIENT_CPU"
else
  where="not pinned"
fi
echo "$TENANTS tenants × $WORKFLOW, medians of $REPEAT runs, $where"
printf '%-5s %7s %6s %10s %10s %10s %10s %10s %14s  %s\n' \
  jobs wall_s wf/s sbx_ms/wf cli_ms/wf sbx_busy% cli_busy% sbx_wait% sbx@cli_full% limit
for jobs in $JOBS; do
  : >"$tmp/rows"
  for _ in $(seq 1 "$REPEAT"); do
    start_sandbox ${sandbox_pin[@]+"${sandbox_pin[@]}"}
    before=$(sandbox_ticks)
    wait_before=$(sandbox_wait_ns)
    set +e
    "${client_pin[@]}" "$TIME" -f '%e %U %S' -o "$tmp/time" "$STEPRUN" run "$WORKFLOW" \
      --vars "$tmp/sandbox.toml" --matrix "$tmp/tenants/*.toml" --jobs "$jobs" --color never \
      >"$tmp/out" 2>&1
    code=$?
    set -e
    after=$(sandbox_ticks)
    wait_after=$(sandbox_wait_ns)
    stop_sandbox
    if [ "$code" -ne 0 ]; then
      echo "run of $TENANTS tenants at --jobs $jobs exited $code:" >&2
      tail -20 "$tmp/out" >&2
      exit 1
    fi
    read -r wall user sys <"$tmp/time"
    awk -v w="$wall" -v s=$((after - before)) -v t="$ticks" -v u="$user" -v y="$sys" \
      -v q=$((wait_after - wait_before)) 'BEGIN {
        if (w <= 0) w = 0.01
        print w, s / t, u + y, q / 1e9
      }' >>"$tmp/rows"
  done
  awk -v j="$jobs" -v n="$TENANTS" -v busy="$BUSY" \
    -v w="$(column '$1')" -v s="$(column '$2')" -v c="$(column '$3')" \
    -v sb="$(column '100 * $2 / $1')" -v cb="$(column '100 * $3 / $1')" \
    -v sw="$(column '100 * $4 / $1')" -v r="$(column '100 * $2 / $3')" 'BEGIN {
      limit = sb >= busy ? "sandbox" : (cb >= busy ? "client" : "neither")
      printf "%-5d %7.2f %6.1f %10.2f %10.2f %10.0f %10.0f %10.0f %14.0f  %s\n",
        j, w, n / w, 1000 * s / n, 1000 * c / n, sb, cb, sw, r, limit
    }'
done
