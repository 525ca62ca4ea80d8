#!/usr/bin/env bash
# Rescales a running job: stop with savepoint, then run it again with another parallelism.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<EOT
Usage: $SCRIPT_NAME [options] --parallelism N JOB [JOB_ARGS...]

Stops the running job named JOB with a savepoint and runs it again from the savepoint with
parallelism N; keyed state is redistributed over the new subtasks. Prints the new job id.
Give the same jar and JOB_ARGS the job runs with (the REST API does not keep them).
Operator state keeps its max parallelism (128 unless pipeline.max-parallelism is set): N must
not exceed it. A Kafka source subtask without a partition stays idle, so more parallelism
than topic partitions buys nothing for the turnstile job.

Options:
  --parallelism N              the new parallelism (required)
  --job-id ID                  rescale this job instead of the one named JOB
  --jar FILE | --jar-id ID     the job's jar (default: \$PIPELINE_JOB_JAR, else this checkout's)
  --entry-class CLASS          main class (default: the manifest's)
  --rollback-jar FILE | --rollback-jar-id ID
                               started again with the old parallelism if the rescaled job fails
  --target-dir DIR             savepoint directory (default: the cluster's savepoint-dir)
  --timeout SECONDS            per step (default 300)
EOT
  usage_common
}

old_job="" jar="" jar_id="" entry_class="" parallelism="" allow_non_restored=false target="" timeout=300
rollback_jar="" rollback_jar_id=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --rest) FLINK_REST=${2:?--rest needs a URL}; shift 2 ;;
    --parallelism) parallelism=${2:?--parallelism needs a number}; shift 2 ;;
    --job-id) old_job=${2:?--job-id needs an id}; shift 2 ;;
    --jar) jar=${2:?--jar needs a file}; shift 2 ;;
    --jar-id) jar_id=${2:?--jar-id needs an id}; shift 2 ;;
    --entry-class) entry_class=${2:?--entry-class needs a class}; shift 2 ;;
    --rollback-jar) rollback_jar=${2:?--rollback-jar needs a file}; shift 2 ;;
    --rollback-jar-id) rollback_jar_id=${2:?--rollback-jar-id needs an id}; shift 2 ;;
    --target-dir) target=${2:?--target-dir needs a directory}; shift 2 ;;
    --timeout) timeout=${2:?--timeout needs seconds}; shift 2 ;;
    --) shift; break ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) break ;;
  esac
done
[[ -n "$parallelism" ]] || die "--parallelism N is required (see --help)"
[[ "$parallelism" =~ ^[1-9][0-9]*$ ]] || die "--parallelism must be a positive number"
[[ $# -ge 1 ]] || die "missing JOB (see --help)"

require_tools
require_cluster
old_job=$(resolve_job "${old_job:-$1}")
job_args=("$@")
replace_job rescale
