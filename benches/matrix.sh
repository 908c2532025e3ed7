#!/usr/bin/env bash
# Matrix benchmark: `steprun run --matrix` over N tenants (one vars file each, each with its own
# run_id) × one workflow (the simple-login tutorial) against one sandbox, at each --jobs.
# Prints, per run: tenants, jobs, wall time, throughput (workflows/s, steps/s) and peak RSS.
# Each run gets a sandbox of its own (`steprun sandbox`, a separate process, so its memory is
# not counted), started fresh so one run's leftovers do not slow the next.
#
#   benches/matrix.sh                     # 10, 100, 1000 tenants at --jobs 1 (the default) and 32
#   SIZES="10 100" JOBS=32 benches/matrix.sh
#   STEPRUN=path/to/steprun benches/matrix.sh
#   REPORTS="json junit html" benches/matrix.sh   # also write these reports (to a temp dir)
#
# Needs GNU time (/usr/bin/time) for the peak RSS.
set -euo pipefail

cd "$(dirname "$0")/.."
STEPRUN=${STEPRUN:-target/debug/steprun}
SIZES=${SIZES:-"10 100 1000"}
JOBS=${JOBS:-"1 32"}
WORKFLOW=${WORKFLOW:-workflows/sso/simple-login.toml}
TIME=${TIME:-/usr/bin/time}
REPORTS=${REPORTS:-}

[ -x "$STEPRUN" ] || { echo "no steprun at $STEPRUN (cargo build first, or set STEPRUN)" >&2; exit 2; }
[ -x "$TIME" ] || { echo "GNU time is needed at $TIME for the peak RSS" >&2; exit 2; }

tmp=$(mktemp -d)
# shellcheck source=benches/sandbox_process.sh
. benches/sandbox_process.sh

for n in $SIZES; do
  mkdir -p "$tmp/t$n"
  for i in $(seq 1 "$n"); do
    printf 'run_id = "bench%s-%s"\n' "$n" "$i" >"$tmp/t$n/tenant$i.toml"
  done
done

report_args=()
for format in $REPORTS; do
  report_args+=(--report "$format=$tmp/report.$format")
done

printf '%-8s %-5s %10s %12s %10s %14s\n' tenants jobs wall_s workflows/s steps/s peak_rss_MB
for jobs in $JOBS; do
  for n in $SIZES; do
    start_sandbox
    set +e
    "$TIME" -f '%e %M' -o "$tmp/time" "$STEPRUN" run "$WORKFLOW" --vars "$tmp/sandbox.toml" \
      --matrix "$tmp/t$n/*.toml" --jobs "$jobs" --color never ${report_args[@]+"${report_args[@]}"} >"$tmp/out" 2>&1
    code=$?
    set -e
    stop_sandbox
    if [ "$code" -ne 0 ]; then
      echo "run of $n tenants at --jobs $jobs exited $code:" >&2
      tail -20 "$tmp/out" >&2
      exit 1
    fi
    read -r wall rss_kb <"$tmp/time"
    steps=$(sed -n 's/.*steps: \([0-9]*\) passed.*/\1/p' "$tmp/out" | tail -1)
    awk -v n="$n" -v j="$jobs" -v w="$wall" -v s="$steps" -v r="$rss_kb" 'BEGIN {
      if (w <= 0) w = 0.01
      printf "%-8d %-5d %10.2f %12.1f %10.0f %14.1f\n", n, j, w, n / w, s / w, r / 1024
    }'
  done
done
