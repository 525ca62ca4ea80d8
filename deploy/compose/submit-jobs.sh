#!/usr/bin/env bash
# The one-shot submitter of docker-compose.yml: waits for a TaskManager, then runs both jobs
# through deploy/submit.sh unless a job of that name already runs (a second `up` changes nothing).
# The jobs' settings come from the JobManager's PIPELINE_* environment, not from here.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

require_tools
deadline=$((SECONDS + 180))
until overview=$(rest GET /overview 2>/dev/null) && [[ $(json 'd["taskmanagers"]' <<<"$overview") -gt 0 ]]; do
  ((SECONDS < deadline)) || die "no TaskManager registered at $FLINK_REST within 180 s"
  sleep 2
done

jar_id=""
for job in customer-dimension turnstile-aggregates; do
  running=$(rest GET /jobs/overview | python3 -c '
import json, sys
print(sum(1 for j in json.load(sys.stdin)["jobs"] if j["name"] == sys.argv[1] and j["state"] in ("RUNNING", "RESTARTING", "CREATED", "INITIALIZING")))
' "$job")
  if [[ "$running" -gt 0 ]]; then
    info "$job already runs; not submitting it again"
    continue
  fi
  if [[ -z "$jar_id" ]]; then
    jar_id=$(upload_jar "$(default_job_jar)")
  fi
  "$DEPLOY_DIR/submit.sh" --jar-id "$jar_id" "$job"
done
info "done; web UI: http://localhost:8081"
