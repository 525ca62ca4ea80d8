#!/usr/bin/env bash
# Uploads the job jar and runs one pipeline job on a Flink cluster through its REST API.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<EOT
Usage: $SCRIPT_NAME [options] JOB [JOB_ARGS...]

Uploads the job jar (or reuses an uploaded one), runs JOB on the Flink cluster at FLINK_REST,
waits until every task of it is RUNNING and prints the job id on stdout.

  JOB        customer-dimension | turnstile-aggregates
  JOB_ARGS   passed to the job's main method: --config FILE (a path on the JobManager),
             --set key=value (repeatable). The JobManager's PIPELINE_* environment variables
             win over both; keep secrets there, not in --set (arguments show in logs).

Options:
  --jar FILE                   jar to upload (default: \$PIPELINE_JOB_JAR, else
                               pipeline-jobs/target/pipeline-jobs-*-job.jar of this checkout)
  --jar-id ID                  run a jar uploaded before (GET /jars) instead of uploading
  --entry-class CLASS          main class (default: the jar manifest's, io.streamwarehouse.jobs.JobMain)
  --parallelism N              parallelism; also passed to the job as --set job.parallelism=N,
                               because the job's own setting would otherwise win
  --savepoint PATH             start from this savepoint (or retained checkpoint)
  --allow-non-restored-state   accept a savepoint holding state of operators the job no longer
                               has; that state is DROPPED
  --no-wait                    print the job id right after submission
  --timeout SECONDS            how long to wait for RUNNING (default 180)
EOT
  usage_common
}

jar="" jar_id="" entry_class="" parallelism="" savepoint="" allow_non_restored=false wait=true timeout=180
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --rest) FLINK_REST=${2:?--rest needs a URL}; shift 2 ;;
    --jar) jar=${2:?--jar needs a file}; shift 2 ;;
    --jar-id) jar_id=${2:?--jar-id needs an id}; shift 2 ;;
    --entry-class) entry_class=${2:?--entry-class needs a class}; shift 2 ;;
    --parallelism) parallelism=${2:?--parallelism needs a number}; shift 2 ;;
    --savepoint) savepoint=${2:?--savepoint needs a path}; shift 2 ;;
    --allow-non-restored-state) allow_non_restored=true; shift ;;
    --no-wait) wait=false; shift ;;
    --timeout) timeout=${2:?--timeout needs seconds}; shift 2 ;;
    --) shift; break ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) break ;;
  esac
done
[[ $# -ge 1 ]] || die "missing JOB (see --help)"
[[ -z "$parallelism" || "$parallelism" =~ ^[1-9][0-9]*$ ]] || die "--parallelism must be a positive number"

require_tools
require_cluster
job_args=("$@")
if [[ -n "$parallelism" ]]; then
  job_args+=(--set "job.parallelism=$parallelism")
fi
if [[ -z "$jar_id" ]]; then
  jar_id=$(upload_jar "${jar:-$(default_job_jar)}") || exit 1
fi

info "running $1 from jar $jar_id${savepoint:+ (restoring $savepoint)}${parallelism:+ with parallelism $parallelism}"
job_id=$(run_jar "$jar_id" "$entry_class" "$parallelism" "$savepoint" "$allow_non_restored" "${job_args[@]}") ||
  die "the cluster did not accept $1; nothing was started"
info "submitted $1 as job $job_id (web UI: $FLINK_REST/#/job/running/$job_id/overview)"
if [[ "$wait" == true ]]; then
  wait_running "$job_id" "$timeout" || {
    echo "$job_id"
    exit 1
  }
  info "job $job_id: all tasks RUNNING"
fi
echo "$job_id"
