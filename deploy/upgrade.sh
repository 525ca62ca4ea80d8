#!/usr/bin/env bash
# Upgrades a running job: stop with savepoint, then run the new jar from that savepoint.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<EOT
Usage: $SCRIPT_NAME [options] JOB [JOB_ARGS...]

Upgrades the running job named JOB to a new jar: uploads the new jar first (a failed upload
touches nothing), stops the running job with a savepoint, runs the new jar from it and waits
until every task is RUNNING, which means its state was restored. Prints the new job id.
If the new version does not come up, it is cancelled and, with --rollback-jar, the old jar is
started again from the same savepoint (exit 1, the rolled-back job's id on stdout); otherwise
the script ends saying that nothing runs and how to resume (exit 1, nothing on stdout). A
savepoint that fails leaves the old job running.

  JOB        customer-dimension | turnstile-aggregates (the running job of that name)
  JOB_ARGS   the new version's job arguments (--config FILE, --set key=value ...)

Options:
  --job-id ID                  upgrade this job instead of the one named JOB
  --jar FILE | --jar-id ID     the new version (default: \$PIPELINE_JOB_JAR, else this checkout's
                               pipeline-jobs/target/pipeline-jobs-*-job.jar)
  --entry-class CLASS          main class of the new version (default: the manifest's)
  --parallelism N              run the new version with this parallelism
  --allow-non-restored-state   let the new version drop state of operators it no longer has
  --rollback-jar FILE | --rollback-jar-id ID
                               the old version, started again from the savepoint (with the
                               same JOB_ARGS) if the new one fails
  --target-dir DIR             savepoint directory (default: the cluster's savepoint-dir)
  --timeout SECONDS            per step: savepoint, stop, start (default 300)
EOT
  usage_common
}

old_job="" jar="" jar_id="" entry_class="" parallelism="" allow_non_restored=false target="" timeout=300
rollback_jar="" rollback_jar_id=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --rest) FLINK_REST=${2:?--rest needs a URL}; shift 2 ;;
    --job-id) old_job=${2:?--job-id needs an id}; shift 2 ;;
    --jar) jar=${2:?--jar needs a file}; shift 2 ;;
    --jar-id) jar_id=${2:?--jar-id needs an id}; shift 2 ;;
    --entry-class) entry_class=${2:?--entry-class needs a class}; shift 2 ;;
    --parallelism) parallelism=${2:?--parallelism needs a number}; shift 2 ;;
    --allow-non-restored-state) allow_non_restored=true; shift ;;
    --rollback-jar) rollback_jar=${2:?--rollback-jar needs a file}; shift 2 ;;
    --rollback-jar-id) rollback_jar_id=${2:?--rollback-jar-id needs an id}; shift 2 ;;
    --target-dir) target=${2:?--target-dir needs a directory}; shift 2 ;;
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
old_job=$(resolve_job "${old_job:-$1}")
job_args=("$@")
replace_job upgrade
