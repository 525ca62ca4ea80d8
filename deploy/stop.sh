#!/usr/bin/env bash
# Stops a job with a savepoint and prints the savepoint's path.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<EOT
Usage: $SCRIPT_NAME [options] JOB_ID|JOB_NAME

Stops the job with a savepoint (sources stop first, so nothing is processed after the
savepoint), waits until the savepoint is written and the job has ended, and prints the
savepoint's path on stdout. Restart from it with submit.sh --savepoint PATH.
If the savepoint fails the job keeps running, and this script says so and exits 1.

Options:
  --target-dir DIR   where to write the savepoint (default: the cluster's
                     execution.checkpointing.savepoint-dir)
  --drain            emit MAX_WATERMARK before stopping: fires all open event-time windows.
                     Only for retiring a job for good; a job restored after a drain
                     would count those windows again
  --timeout SECONDS  how long to wait for the savepoint and the stop (default 300)
EOT
  usage_common
}

target="" drain=false timeout=300
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --rest) FLINK_REST=${2:?--rest needs a URL}; shift 2 ;;
    --target-dir) target=${2:?--target-dir needs a directory}; shift 2 ;;
    --drain) drain=true; shift ;;
    --timeout) timeout=${2:?--timeout needs seconds}; shift 2 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) break ;;
  esac
done
[[ $# -eq 1 ]] || die "expected one JOB_ID or JOB_NAME (see --help)"

require_tools
require_cluster
job=$(resolve_job "$1")
stop_with_savepoint "$job" "$target" "$drain" "$timeout"
