# Sourced by the benchmark scripts: one `steprun sandbox` process of the script's own.
#
# Needs STEPRUN (the binary) and tmp (a directory the script removes at exit). The sandbox
# writes its vars file to "$tmp/sandbox.toml" and its log to "$tmp/sandbox.log"; its pid is
# sandbox_pid. `start_sandbox [PREFIX...]` starts it under an optional command prefix (e.g.
# `taskset -c 0`); `stop_sandbox` ends it. The EXIT trap stops it and removes "$tmp".

sandbox_pid=
stop_sandbox() {
  if [ -n "$sandbox_pid" ]; then
    kill "$sandbox_pid" 2>/dev/null || true
    wait "$sandbox_pid" 2>/dev/null || true
    sandbox_pid=
  fi
}
trap 'stop_sandbox; rm -rf "$tmp"' EXIT

start_sandbox() {
  rm -f "$tmp/sandbox.toml"
  "$@" "$STEPRUN" sandbox --listen 127.0.0.1:0 --write-vars "$tmp/sandbox.toml" \
    >"$tmp/sandbox.log" 2>&1 &
  sandbox_pid=$!
  # The vars file is written (whole, through a rename) once the sandbox listens.
  for _ in $(seq 1 200); do
    [ -s "$tmp/sandbox.toml" ] && return 0
    kill -0 "$sandbox_pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "the sandbox did not start:" >&2
  cat "$tmp/sandbox.log" >&2
  exit 3
}
