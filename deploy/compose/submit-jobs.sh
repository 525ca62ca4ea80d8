#!/usr/bin/env bash
# The one-shot submitter of docker-compose.yml: waits for a TaskManager, then runs both jobs
# through deploy/submit.sh unless a job of that name already runs (a second `up` changes nothing).
# The jobs' settings come from the JobManager's PIPELINE_* environment, not from here.
#
# Without JobManager HA a recreated JobManager knows no jobs, but their state is still in the
# shared volume: each job is resumed from its latest retained checkpoint or savepoint there, and
# starts empty only when it has none.
#
#   RESUME_CHECKPOINT_DIR   the jobs' checkpoint directory as this container sees it, with {job}
#                           for the job's name (PIPELINE_CHECKPOINT_DIR of the JobManager); empty:
#                           never resume
#   RESUME_SAVEPOINT_DIR    the cluster's savepoint directory (execution.checkpointing.savepoint-dir)
#   JOBS                    the jobs to run (default: customer-dimension turnstile-aggregates)
#   JOB_ARGS                more job arguments for each, split at spaces (--set key=value ...), for a
#                           cluster whose JobManager environment does not hold every setting
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

# (a default with braces of its own would end the ${...} early)
default_checkpoints='/flink-data/checkpoints/{job}'
RESUME_CHECKPOINT_DIR=${RESUME_CHECKPOINT_DIR-$default_checkpoints}
RESUME_SAVEPOINT_DIR=${RESUME_SAVEPOINT_DIR-/flink-data/savepoints}

# latest_retained_state JOB: the directory of the newest complete checkpoint (chk-N with its
# _metadata, written last) of any earlier run of JOB, or of the newest savepoint one of those runs
# wrote (savepoint-<first 6 hex digits of its job id>-...), newest by the time its _metadata was
# written; nothing if there is none.
latest_retained_state() {
  [[ -n "$RESUME_CHECKPOINT_DIR" ]] || return 0
  python3 - "$1" "$RESUME_CHECKPOINT_DIR" "$RESUME_SAVEPOINT_DIR" <<'PY'
import os, re, sys
job, checkpoints, savepoints = sys.argv[1], sys.argv[2].replace("{job}", sys.argv[1]), sys.argv[3]
candidates, job_ids = [], []
if os.path.isdir(checkpoints):
    for job_id in os.listdir(checkpoints):
        run = os.path.join(checkpoints, job_id)
        if re.fullmatch(r"[0-9a-f]{32}", job_id) and os.path.isdir(run):
            job_ids.append(job_id)
            for chk in os.listdir(run):
                if re.fullmatch(r"chk-\d+", chk) and os.path.isfile(os.path.join(run, chk, "_metadata")):
                    candidates.append(os.path.join(run, chk))
if savepoints and os.path.isdir(savepoints):
    for name in os.listdir(savepoints):
        m = re.fullmatch(r"savepoint-([0-9a-f]{6})-[0-9a-f]+", name)
        path = os.path.join(savepoints, name)
        if m and any(i.startswith(m.group(1)) for i in job_ids) and os.path.isfile(os.path.join(path, "_metadata")):
            candidates.append(path)
if candidates:
    print(max(candidates, key=lambda p: os.path.getmtime(os.path.join(p, "_metadata"))))
PY
}

require_tools
deadline=$((SECONDS + 180))
until overview=$(rest GET /overview 2>/dev/null) && [[ $(json 'd["taskmanagers"]' <<<"$overview") -gt 0 ]]; do
  ((SECONDS < deadline)) || die "no TaskManager registered at $FLINK_REST within 180 s"
  sleep 2
done

jar_id=""
read -r -a job_args <<<"${JOB_ARGS:-}"
for job in ${JOBS:-customer-dimension turnstile-aggregates}; do
  running=$(rest_json GET /jobs/overview "" "sum(1 for j in d['jobs'] if j['name'] == '$job' and j['state'] in ('RUNNING', 'RESTARTING', 'CREATED', 'INITIALIZING'))") || exit 1
  if [[ "$running" -gt 0 ]]; then
    info "$job already runs; not submitting it again"
    continue
  fi
  if [[ -z "$jar_id" ]]; then
    jar_id=$(upload_jar "$(default_job_jar)")
  fi
  state=$(latest_retained_state "$job")
  if [[ -n "$state" ]]; then
    info "$job: resuming from $state, its latest retained checkpoint or savepoint"
    "$DEPLOY_DIR/submit.sh" --jar-id "$jar_id" --savepoint "$state" "$job" "${job_args[@]}" || die "$job did not resume from $state; nothing else was tried, so no state is skipped. Start it with empty state only on purpose: move that directory away and run this again"
  else
    info "$job: no retained checkpoint or savepoint under ${RESUME_CHECKPOINT_DIR:-(resume switched off)}; starting with empty state"
    "$DEPLOY_DIR/submit.sh" --jar-id "$jar_id" "$job" "${job_args[@]}"
  fi
done
info "done; web UI: http://localhost:8081"
