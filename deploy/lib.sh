# shellcheck shell=bash
# Shared code of the deploy scripts. They speak the Flink REST API only (curl), so the same
# scripts work against docker-compose, a standalone or a session cluster; JSON is read with
# python3's json module rather than with sed, because checkpoint and metric answers are nested.
#
# Conventions: data a caller may capture (a job id, a savepoint path) goes to stdout, everything
# meant for a person goes to stderr; every failure says what failed and what state it left.

set -euo pipefail

FLINK_REST="${FLINK_REST:-http://localhost:8081}"
SCRIPT_NAME="$(basename "$0")"
DEPLOY_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROJECT_DIR="$(cd "$DEPLOY_DIR/.." && pwd)"

info() { printf '%s: %s\n' "$SCRIPT_NAME" "$*" >&2; }
warn() { printf '%s: WARNING: %s\n' "$SCRIPT_NAME" "$*" >&2; }
die() {
  printf '%s: error: %s\n' "$SCRIPT_NAME" "$*" >&2
  exit 1
}

# A REST API behind an authenticating proxy or with mutual TLS (see README.md, "Security"): a curl
# config file with the credentials (user = "...", cert = ..., header = "Authorization: ..."), so
# that no credential shows in the process list.
CURL_AUTH=()
if [[ -n "${FLINK_REST_CURL_CONFIG:-}" ]]; then
  [[ -r "$FLINK_REST_CURL_CONFIG" ]] || die "FLINK_REST_CURL_CONFIG names no readable file: $FLINK_REST_CURL_CONFIG"
  CURL_AUTH=(--config "$FLINK_REST_CURL_CONFIG")
fi

require_tools() {
  local tool
  for tool in curl python3; do
    command -v "$tool" >/dev/null 2>&1 ||
      die "'$tool' is required but not on the PATH (the scripts use curl for HTTP and python3 to read JSON)"
  done
}

# Reads JSON from stdin and prints the Python expression $1 evaluated over it as `d`: strings and
# numbers as they are, null/None as nothing, lists and objects as JSON. Expressions are written in
# these scripts only, never taken from input. An answer that is not the JSON expected (a proxy's
# error page, a changed API) ends in one line naming what was read, not in a Python traceback.
json() {
  python3 -c '
import json, sys
raw = sys.stdin.read()
try:
    d = json.loads(raw)
    r = eval(sys.argv[1])
except Exception as e:
    shown = " ".join(raw.split())[:200] or "(empty)"
    sys.stderr.write("%s: error: unexpected answer from the Flink REST API (%s: %s): %s\n"
                     % (sys.argv[2], type(e).__name__, e, shown))
    sys.exit(1)
if r is None:
    pass
elif isinstance(r, bool):
    print("true" if r else "false")
elif isinstance(r, (dict, list)):
    print(json.dumps(r))
else:
    print(r)
' "$1" "$SCRIPT_NAME"
}

# rest_json METHOD PATH BODY EXPRESSION: one REST call and one value of its answer; a failed call
# has already said why (rest), so nothing more is printed for it.
rest_json() {
  local answer
  answer=$(rest "$1" "$2" "$3") || return 1
  json "$4" <<<"$answer"
}

# The first line of every distinct message in a Flink error answer ({"errors": [...]}), plus the
# innermost "Caused by:" line: REST errors carry whole stack traces, whose root cause is at the end.
rest_error_summary() {
  python3 -c '
import json, sys
raw = sys.stdin.read()
try:
    errors = json.loads(raw).get("errors", [])
except ValueError:
    errors = [raw.strip()[:500] or "(empty answer)"]
lines = []
for e in errors:
    text = str(e)
    first = text.splitlines()[0] if text.strip() else ""
    causes = [l.strip() for l in text.splitlines() if l.strip().startswith("Caused by:")]
    for l in [first] + causes[-1:]:
        if l and l not in lines:
            lines.append(l)
print("\n  ".join(lines) if lines else "(no error message)")
'
}

# rest METHOD PATH [JSON_BODY]: prints the answer body. On an unreachable cluster or an HTTP error
# it prints why to stderr and returns 1 (callers decide whether that ends the script).
rest() {
  local method=$1 path=$2 body=${3:-}
  local out err status
  out=$(mktemp)
  err=$(mktemp)
  local args=(-sS -o "$out" -w '%{http_code}' -X "$method" --connect-timeout 5
    --max-time "${REST_TIMEOUT:-60}" -H 'Accept: application/json')
  if [[ -n "$body" ]]; then
    args+=(-H 'Content-Type: application/json' --data "$body")
  fi
  if ! status=$(curl "${CURL_AUTH[@]}" "${args[@]}" "$FLINK_REST$path" 2>"$err"); then
    printf '%s: error: cannot reach the Flink REST API at %s (%s). Is the JobManager up? Set FLINK_REST or --rest.\n' \
      "$SCRIPT_NAME" "$FLINK_REST" "$(tr -d '\n' <"$err")" >&2
    rm -f "$out" "$err"
    return 1
  fi
  if [[ "$status" != 2* ]]; then
    printf '%s: error: %s %s answered HTTP %s:\n  %s\n' "$SCRIPT_NAME" "$method" "$path" "$status" \
      "$(rest_error_summary <"$out")" >&2
    rm -f "$out" "$err"
    return 1
  fi
  cat "$out"
  rm -f "$out" "$err"
}

# Fails the script early, with one clear message, when nothing answers at FLINK_REST.
require_cluster() {
  local overview
  overview=$(rest GET /overview) || exit 1
  info "cluster at $FLINK_REST: Flink $(json 'd.get("flink-version")' <<<"$overview"), $(json 'd["taskmanagers"]' <<<"$overview") TaskManager(s), $(json 'd["slots-available"]' <<<"$overview")/$(json 'd["slots-total"]' <<<"$overview") slots free"
}

# The job jar built by `./mvnw package` next to these scripts, unless PIPELINE_JOB_JAR names one.
default_job_jar() {
  if [[ -n "${PIPELINE_JOB_JAR:-}" ]]; then
    echo "$PIPELINE_JOB_JAR"
    return
  fi
  local jars=("$PROJECT_DIR"/pipeline-jobs/target/pipeline-jobs-*-job.jar)
  [[ -f "${jars[0]}" ]] ||
    die "no job jar: build it with ./mvnw -B -DskipTests package, or pass --jar FILE / set PIPELINE_JOB_JAR"
  echo "${jars[0]}"
}

# upload_jar FILE: prints the jar id the cluster gave it.
upload_jar() {
  local jar=$1 out status err
  [[ -f "$jar" ]] || die "job jar not found: $jar"
  info "uploading $(basename "$jar") ($(du -h "$jar" | cut -f1))"
  out=$(mktemp)
  err=$(mktemp)
  # "Expect:" stops curl from waiting for a 100-continue the REST server never sends.
  if ! status=$(curl "${CURL_AUTH[@]}" -sS -o "$out" -w '%{http_code}' --connect-timeout 5 --max-time 600 -X POST -H 'Expect:' \
    -F "jarfile=@$jar;type=application/x-java-archive" "$FLINK_REST/jars/upload" 2>"$err"); then
    printf '%s: error: cannot reach the Flink REST API at %s (%s)\n' "$SCRIPT_NAME" "$FLINK_REST" "$(tr -d '\n' <"$err")" >&2
    rm -f "$out" "$err"
    return 1
  fi
  if [[ "$status" != 2* ]]; then
    printf '%s: error: jar upload answered HTTP %s:\n  %s\n' "$SCRIPT_NAME" "$status" "$(rest_error_summary <"$out")" >&2
    rm -f "$out" "$err"
    return 1
  fi
  # the id is the file name part of the stored path
  json 'd["filename"].rsplit("/", 1)[-1]' <"$out"
  rm -f "$out" "$err"
}

# run_jar JAR_ID ENTRY_CLASS PARALLELISM SAVEPOINT ALLOW_NON_RESTORED ARGS...: prints the job id.
# Empty strings leave an option unset.
run_jar() {
  local jar_id=$1 entry_class=$2 parallelism=$3 savepoint=$4 allow_non_restored=$5
  shift 5
  local body answer
  body=$(python3 -c '
import json, sys
entry, parallelism, savepoint, allow = sys.argv[1:5]
body = {"programArgsList": sys.argv[5:]}
if entry:
    body["entryClass"] = entry
if parallelism:
    body["parallelism"] = int(parallelism)
if savepoint:
    body["savepointPath"] = savepoint
    body["allowNonRestoredState"] = allow == "true"
print(json.dumps(body))
' "$entry_class" "$parallelism" "$savepoint" "$allow_non_restored" "$@")
  # The JobManager runs the job's main method inside this request, hence the long timeout.
  local since
  since=$(now_millis)
  answer=$(REST_TIMEOUT=300 rest POST "/jars/$jar_id/run" "$body") || {
    explain_refused_run "${1:-}" "$since"
    return 1
  }
  json 'd["jobid"]' <<<"$answer"
}

job_state() { rest_json GET "/jobs/$1" "" 'd["state"]'; }

# explain_refused_run JOB_NAME SINCE_MILLIS: a run the JobManager refuses while creating the job
# (a savepoint that does not map onto the program, for one) answers only "Could not execute
# application"; the job it tried to create is listed as FAILED, with the real cause.
explain_refused_run() {
  local name=$1 since=$2 overview failed
  overview=$(rest GET /jobs/overview 2>/dev/null) || return 0
  failed=$(python3 -c '
import json, sys
d = json.load(sys.stdin)
jobs = [j for j in d["jobs"] if j["name"] == sys.argv[1] and j["state"] == "FAILED"
        and j["start-time"] >= int(sys.argv[2]) - 5000]
print(max(jobs, key=lambda j: j["start-time"])["jid"] if jobs else "")
' "$name" "$since" <<<"$overview")
  if [[ -n "$failed" ]]; then
    printf '%s: the JobManager created job %s and failed it:\n  %s\n' "$SCRIPT_NAME" "$failed" "$(job_failure "$failed")" >&2
    return 0
  fi
  # The main method failed before creating a job; what it printed is in the JobManager's stdout,
  # which the REST API serves where the JobManager writes it to a file (not in containers).
  local stdout
  stdout=$(rest GET /jobmanager/stdout 2>/dev/null | tail -n 200 |
    grep -E '^(Caused by: |[a-zA-Z_$.]+(Exception|Error)(: |$))' | tail -n 3 || true)
  if [[ -n "$stdout" ]]; then
    printf '%s: the end of what the job printed on the JobManager:\n%s\n' "$SCRIPT_NAME" "$(sed 's/^/  /' <<<"$stdout")" >&2
  fi
}

now_millis() { python3 -c 'import time; print(int(time.time() * 1000))'; }

# Prints the id of the one job in a non-terminal state with this name or id; fails otherwise.
resolve_job() {
  local ref=$1 overview ids
  overview=$(rest GET /jobs/overview) || exit 1
  ids=$(python3 -c '
import json, sys
ref = sys.argv[1]
d = json.load(sys.stdin)
for j in d["jobs"]:
    if (j["jid"] == ref or j["name"] == ref) and j["state"] not in ("FINISHED", "CANCELED", "FAILED"):
        print(j["jid"])
' "$ref" <<<"$overview")
  local count
  count=$(grep -c . <<<"$ids" || true)
  if [[ "$count" -eq 0 ]]; then
    die "no running job with id or name '$ref' at $FLINK_REST (see status.sh)"
  elif [[ "$count" -gt 1 ]]; then
    die "several running jobs are named '$ref': $(tr '\n' ' ' <<<"$ids")- pass a job id instead"
  fi
  echo "$ids"
}

# The root cause of a job's latest failure, one line per cause, or nothing.
job_failure() {
  local answer
  answer=$(rest GET "/jobs/$1/exceptions?maxExceptions=1" 2>/dev/null) || return 0
  python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
except ValueError:
    sys.exit(0)
entries = (d.get("exceptionHistory") or {}).get("entries") or []
text = entries[0].get("stacktrace", "") if entries else (d.get("root-exception") or "")
lines = text.splitlines()
if lines:
    causes = [l.strip() for l in lines if l.strip().startswith("Caused by:")]
    print(lines[0] + ("\n  " + causes[-1] if causes else ""))
' <<<"$answer" || true
}

# wait_running JOB_ID TIMEOUT: waits until the job is RUNNING with every subtask of every vertex
# RUNNING. A subtask is RUNNING only after it restored its state, so this also proves a savepoint
# restore worked. The per-vertex subtask counts are what matter: a vertex already counts as RUNNING
# when one of its subtasks runs while the others still deploy or restore.
wait_running() {
  local job=$1 timeout=$2 details state pending last=""
  local deadline=$((SECONDS + timeout))
  while true; do
    if details=$(rest GET "/jobs/$job" 2>/dev/null) && state=$(json 'd["state"]' <<<"$details" 2>/dev/null); then
      pending=$(json 'sum(n for v in d["vertices"] for k, n in v["tasks"].items() if k not in ("RUNNING", "FINISHED")) + sum(max(0, v["parallelism"] - sum(v["tasks"].values())) for v in d["vertices"]) + (0 if d["vertices"] else 1)' <<<"$details" 2>/dev/null || echo 1)
      if [[ "$state" != "$last" ]]; then
        info "job $job: $state"
        last=$state
      fi
      case "$state" in
        RUNNING)
          [[ "$pending" -eq 0 ]] && return 0
          ;;
        FAILED | CANCELED | FINISHED | SUSPENDED)
          printf '%s: error: job %s ended %s before running:\n  %s\n' "$SCRIPT_NAME" "$job" "$state" \
            "$(job_failure "$job")" >&2
          return 1
          ;;
      esac
    fi
    if ((SECONDS >= deadline)); then
      printf '%s: error: job %s is %s, not all subtasks RUNNING after %ss (%s not yet). Last failure:\n  %s\n' \
        "$SCRIPT_NAME" "$job" "${state:-unknown}" "$timeout" "${pending:-?}" "$(job_failure "$job")" >&2
      return 1
    fi
    sleep 1
  done
}

# await_savepoint JOB_ID TRIGGER_ID TIMEOUT: prints the savepoint's location, or returns 1 with the
# failure cause printed.
await_savepoint() {
  local job=$1 trigger=$2 timeout=$3 answer status
  local deadline=$((SECONDS + timeout))
  while true; do
    answer=$(rest GET "/jobs/$job/savepoints/$trigger") || return 1
    status=$(json 'd["status"]["id"]' <<<"$answer")
    if [[ "$status" == COMPLETED ]]; then
      local location
      location=$(json '(d.get("operation") or {}).get("location")' <<<"$answer")
      if [[ -n "$location" ]]; then
        echo "$location"
        return 0
      fi
      printf '%s: error: the savepoint of job %s failed:\n  %s\n' "$SCRIPT_NAME" "$job" "$(python3 -c '
import json, sys
d = json.load(sys.stdin)
cause = (d.get("operation") or {}).get("failure-cause") or {}
trace = (cause.get("stack-trace") or cause.get("class") or "unknown cause").splitlines()
causes = [l.strip() for l in trace if l.strip().startswith("Caused by:")]
print(trace[0] + ("\n  " + causes[-1] if causes else ""))
' <<<"$answer")" >&2
      return 1
    fi
    if ((SECONDS >= deadline)); then
      printf '%s: error: the savepoint of job %s did not complete within %ss (trigger %s still %s)\n' \
        "$SCRIPT_NAME" "$job" "$timeout" "$trigger" "$status" >&2
      return 1
    fi
    sleep 1
  done
}

# wait_terminal JOB_ID TIMEOUT: waits until the job has ended; prints its final state.
wait_terminal() {
  local job=$1 timeout=$2 state
  local deadline=$((SECONDS + timeout))
  while true; do
    state=$(job_state "$job") || return 1
    case "$state" in
      FINISHED | CANCELED | FAILED)
        echo "$state"
        return 0
        ;;
    esac
    ((SECONDS < deadline)) || {
      echo "$state"
      return 1
    }
    sleep 1
  done
}

# stop_with_savepoint JOB_ID TARGET_DIR DRAIN TIMEOUT: prints the savepoint path once the job has
# ended. On failure says whether the job is still running, so nothing is left half-stopped silently.
stop_with_savepoint() {
  local job=$1 target=$2 drain=$3 timeout=$4 body trigger location final
  body=$(python3 -c '
import json, sys
b = {"drain": sys.argv[2] == "true"}
if sys.argv[1]:
    b["targetDirectory"] = sys.argv[1]
print(json.dumps(b))' "$target" "$drain")
  info "stopping job $job with a savepoint${target:+ in $target}"
  trigger=$(rest_json POST "/jobs/$job/stop" "$body" 'd["request-id"]') || {
    warn "the stop request was refused; job $job is $(job_state "$job" 2>/dev/null || echo 'in an unknown state')"
    return 1
  }
  if ! location=$(await_savepoint "$job" "$trigger" "$timeout"); then
    local state
    state=$(job_state "$job" 2>/dev/null || echo unknown)
    if [[ "$state" == RUNNING ]]; then
      warn "job $job was NOT stopped: it is still RUNNING, with its state intact"
    else
      warn "job $job is now $state; check it with status.sh before doing anything else"
    fi
    return 1
  fi
  if ! final=$(wait_terminal "$job" "$timeout"); then
    warn "savepoint $location was written but job $job is still $final after ${timeout}s"
    echo "$location"
    return 1
  fi
  info "job $job $final; savepoint: $location"
  echo "$location"
}

usage_common() {
  cat <<'EOT'
Common options:
  --rest URL        Flink REST endpoint (default: $FLINK_REST, else http://localhost:8081)
  -h, --help        show this help
EOT
}

# State of an upgrade in progress, for the exit trap: set once the old job is stopped, cleared
# once a job runs again from the savepoint.
REPLACE_SAVEPOINT=""
REPLACE_OLD_JOB=""
REPLACE_HINT=""

on_exit_while_replacing() {
  if [[ -n "$REPLACE_SAVEPOINT" ]]; then
    printf '\n%s: ATTENTION: job %s was STOPPED and NO version of it is running now.\n' "$SCRIPT_NAME" "$REPLACE_OLD_JOB" >&2
    printf '  Its state is in the savepoint %s\n' "$REPLACE_SAVEPOINT" >&2
    printf '  Resume it with:\n    %s\n' "$REPLACE_HINT" >&2
  fi
}

# replace_job: stop-with-savepoint the running job and start a new one from the savepoint. The
# new jar is uploaded before anything is stopped, so a bad jar or an unreachable cluster leaves
# the old job untouched. Uses the caller's variables: old_job, jar, jar_id, entry_class,
# parallelism, allow_non_restored, target, timeout, rollback_jar, rollback_jar_id, job_args.
# shellcheck disable=SC2154 # the caller's option variables, see above
replace_job() {
  local label=$1 savepoint new_job
  if [[ -z "$jar_id" ]]; then
    jar_id=$(upload_jar "${jar:-$(default_job_jar)}") || die "upload failed; job $old_job was not touched"
  fi
  if [[ -n "$rollback_jar" && -z "$rollback_jar_id" ]]; then
    rollback_jar_id=$(upload_jar "$rollback_jar") || die "upload of the rollback jar failed; job $old_job was not touched"
  fi
  local args=("${job_args[@]}")
  if [[ -n "$parallelism" ]]; then
    args+=(--set "job.parallelism=$parallelism")
  fi

  savepoint=$(stop_with_savepoint "$old_job" "$target" false "$timeout") || die "$label aborted before anything new was started"
  REPLACE_SAVEPOINT=$savepoint
  REPLACE_OLD_JOB=$old_job
  REPLACE_HINT="$DEPLOY_DIR/submit.sh --rest $FLINK_REST --jar-id ${rollback_jar_id:-OLD_JAR_ID} --savepoint $savepoint ${job_args[*]}"
  trap on_exit_while_replacing EXIT

  info "starting the new version from $savepoint"
  if new_job=$(run_jar "$jar_id" "$entry_class" "$parallelism" "$savepoint" "$allow_non_restored" "${args[@]}") &&
    wait_running "$new_job" "$timeout"; then
    REPLACE_SAVEPOINT=""
    info "$label done: job $old_job -> job $new_job (restored from $savepoint)"
    echo "$new_job"
    return 0
  fi

  warn "the new version did not reach RUNNING"
  if [[ -n "${new_job:-}" ]]; then
    local state
    state=$(job_state "$new_job" 2>/dev/null || echo unknown)
    if [[ "$state" != FAILED && "$state" != CANCELED && "$state" != FINISHED ]]; then
      # a job looping through restarts would hold slots and compete with the rollback
      info "cancelling the failed new job $new_job ($state)"
      rest PATCH "/jobs/$new_job?mode=cancel" >/dev/null || true
      wait_terminal "$new_job" 60 >/dev/null || warn "job $new_job did not end; cancel it in the web UI"
    fi
  fi
  if [[ -n "$rollback_jar_id" ]]; then
    info "rolling back: starting the old version (jar $rollback_jar_id) from $savepoint"
    local old_again
    if old_again=$(run_jar "$rollback_jar_id" "" "" "$savepoint" false "${job_args[@]}") &&
      wait_running "$old_again" "$timeout"; then
      REPLACE_SAVEPOINT=""
      warn "$label FAILED and was rolled back: the old version runs again as job $old_again, from $savepoint"
      # stdout names the job that runs now, as after a successful upgrade; the exit code says failed
      echo "$old_again"
      return 1
    fi
    warn "the rollback failed too"
  fi
  return 1
}
