#!/usr/bin/env bash
# Takes a savepoint of a running job (the job keeps running) and prints its path.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<EOT
Usage: $SCRIPT_NAME [options] JOB_ID|JOB_NAME

Triggers a savepoint of the running job, waits until it is written and prints its path on
stdout. The job keeps running; to stop it with a savepoint use stop.sh.

Options:
  --target-dir DIR   where to write the savepoint (default: the cluster's
                     execution.checkpointing.savepoint-dir)
  --timeout SECONDS  how long to wait for the savepoint (default 300)
EOT
  usage_common
}

target="" timeout=300
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --rest) FLINK_REST=${2:?--rest needs a URL}; shift 2 ;;
    --target-dir) target=${2:?--target-dir needs a directory}; shift 2 ;;
    --timeout) timeout=${2:?--timeout needs seconds}; shift 2 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) break ;;
  esac
done
[[ $# -eq 1 ]] || die "expected one JOB_ID or JOB_NAME (see --help)"

require_tools
require_cluster
job=$(resolve_job "$1")
body=$(python3 -c '
import json, sys
b = {"cancel-job": False}
if sys.argv[1]:
    b["target-directory"] = sys.argv[1]
print(json.dumps(b))' "$target")
info "taking a savepoint of job $job${target:+ in $target}"
trigger=$(rest_json POST "/jobs/$job/savepoints" "$body" 'd["request-id"]') ||
  die "no savepoint was triggered; job $job is $(job_state "$job" 2>/dev/null || echo 'in an unknown state')"
if ! location=$(await_savepoint "$job" "$trigger" "$timeout"); then
  warn "job $job is $(job_state "$job" 2>/dev/null || echo 'in an unknown state'); no savepoint was written"
  exit 1
fi
info "savepoint of job $job: $location"
echo "$location"
