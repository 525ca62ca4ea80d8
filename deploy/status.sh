#!/usr/bin/env bash
# Shows the cluster, its jobs, their checkpoints and the pipeline's own metrics.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Metrics the pipeline registers itself (ParseReadings, CounterDeltaFunction, the customer
# job's functions and every warehouse writer's "warehouse" group), and the Kafka source's lag.
METRICS_PATTERN="${STATUS_METRICS:-(turnstile[A-Za-z]+|rejectReason\.[a-z_]+|warehouse\.[A-Za-z]+|customer[A-Za-z]+|changesRead|noOpsDropped|staleChangesDropped|rowsEmitted|deletes|pendingRecords)}"

usage() {
  cat <<EOT
Usage: $SCRIPT_NAME [options] [JOB_ID|JOB_NAME]

Prints the cluster overview and its jobs; for each running job (or the one given): restarts,
checkpoints (counts, latest completed and failed, what it was restored from), its operators
(parallelism, status, busy and back-pressured time) and the pipeline's own metrics summed over
subtasks: records parsed/rejected (by reason), readings, duplicates, deltas, counter anomalies,
late readings, rows inserted/updated/deleted/skipped and loads committed per warehouse writer,
and the Kafka source's pendingRecords (its lag).

Options:
  --all      also show jobs that have ended
  --json     print the metric values as JSON lines instead of a table (for scripts)
EOT
  usage_common
}

all=false as_json=false ref=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --rest) FLINK_REST=${2:?--rest needs a URL}; shift 2 ;;
    --all) all=true; shift ;;
    --json) as_json=true; shift ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) ref=$1; shift ;;
  esac
done

require_tools
overview=$(rest GET /overview) || exit 1
jobs=$(rest GET /jobs/overview) || exit 1
json 'd["taskmanagers"]' <<<"$overview" >/dev/null || exit 1
json 'd["jobs"]' <<<"$jobs" >/dev/null || exit 1
if [[ "$as_json" == false ]]; then
  python3 - "$overview" "$jobs" "$FLINK_REST" <<'PY'
import json, sys, time
o = json.loads(sys.argv[1]); jobs = json.loads(sys.argv[2])['jobs']
print(f"Flink {o.get('flink-version')} at {sys.argv[3]}: {o['taskmanagers']} TaskManager(s), "
      f"{o['slots-available']}/{o['slots-total']} slots free, {o['jobs-running']} job(s) running")
if jobs:
    print(f"\n{'JOB ID':34}{'NAME':28}{'STATE':12}{'STARTED':21}DURATION")
for j in sorted(jobs, key=lambda j: -j['start-time']):
    started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(j['start-time'] / 1000))
    print(f"{j['jid']:34}{j['name'][:27]:28}{j['state']:12}{started:21}{j['duration'] // 1000}s")
PY
fi

if [[ -n "$ref" ]]; then
  selected=$(python3 -c '
import json, sys
for j in json.loads(sys.argv[1])["jobs"]:
    if sys.argv[2] in (j["jid"], j["name"]):
        print(j["jid"])
' "$jobs" "$ref")
  [[ -n "$selected" ]] || die "no job with id or name '$ref'"
else
  selected=$(python3 -c '
import json, sys
for j in json.loads(sys.argv[1])["jobs"]:
    if sys.argv[2] == "true" or j["state"] not in ("FINISHED", "CANCELED", "FAILED"):
        print(j["jid"])
' "$jobs" "$all")
fi

for job in $selected; do
  details=$(rest GET "/jobs/$job") || continue
  checkpoints=$(rest_json GET "/jobs/$job/checkpoints" "" 'd' 2>/dev/null || echo '{}')
  restarts=$(rest_json GET "/jobs/$job/metrics?get=numRestarts" "" 'd[0]["value"] if d else "?"' 2>/dev/null || echo "?")
  # per vertex: the metric ids it offers, filtered to ours plus busy/back-pressure, with values
  metrics="{}"
  vertices=$(json '" ".join(v["id"] for v in d["vertices"])' <<<"$details") || continue
  for vertex in $vertices; do
    available=$(rest GET "/jobs/$job/vertices/$vertex/subtasks/metrics" 2>/dev/null || echo '[]')
    wanted=$(python3 -c '
import json, re, sys
pattern = re.compile(r"(^|\.)" + sys.argv[2] + "$")
ids = [m["id"] for m in json.loads(sys.argv[1])]
keep = [i for i in ids if pattern.search(i)] + ["busyTimeMsPerSecond", "backPressuredTimeMsPerSecond"]
print(",".join(i for i in keep if i in ids))
' "$available" "$METRICS_PATTERN")
    values='[]'
    if [[ -n "$wanted" ]]; then
      values=$(curl "${CURL_AUTH[@]}" -sSf -G --max-time 30 --data-urlencode "get=$wanted" --data-urlencode "agg=sum,max" \
        "$FLINK_REST/jobs/$job/vertices/$vertex/subtasks/metrics" 2>/dev/null || echo '[]')
    fi
    metrics=$(python3 -c '
import json, sys
m = json.loads(sys.argv[1]); m[sys.argv[2]] = json.loads(sys.argv[3]); print(json.dumps(m))
' "$metrics" "$vertex" "$values")
  done
  python3 - "$details" "$checkpoints" "$restarts" "$metrics" "$as_json" <<'PY'
import json, sys, time
d = json.loads(sys.argv[1]); cp = json.loads(sys.argv[2]); restarts = sys.argv[3]
metrics = json.loads(sys.argv[4]); as_json = sys.argv[5] == "true"

def ts(ms):
    return time.strftime("%H:%M:%S", time.localtime(ms / 1000)) if ms and ms > 0 else "-"

def size(b):
    b = b or 0
    for unit in ("B", "KB", "MB", "GB"):
        if b < 1024:
            return f"{b:.0f} {unit}"
        b /= 1024
    return f"{b:.1f} TB"

ours = {}
for v in d['vertices']:
    for m in metrics.get(v['id'], []):
        if m['id'] in ("busyTimeMsPerSecond", "backPressuredTimeMsPerSecond"):
            continue
        ours[(v['name'], m['id'])] = m.get('sum')
if as_json:
    for (vertex, metric), value in sorted(ours.items()):
        print(json.dumps({"job": d['jid'], "name": d['name'], "vertex": vertex, "metric": metric, "sum": value}))
    sys.exit(0)

print(f"\n== {d['name']} ({d['jid']}): {d['state']}, up {d['duration'] // 1000}s, restarts {restarts}")
counts = cp.get('counts') or {}
if counts:
    print(f"checkpoints: {counts.get('completed', 0)} completed, {counts.get('failed', 0)} failed, "
          f"{counts.get('in_progress', 0)} in progress")
    latest = cp.get('latest') or {}
    c = latest.get('completed')
    if c:
        print(f"  latest completed: #{c['id']} at {ts(c.get('latest_ack_timestamp'))}, "
              f"{size(c.get('checkpointed_size', c.get('state_size')))}, took {c.get('end_to_end_duration')} ms, "
              f"{c.get('external_path')}")
    f = latest.get('failed')
    if f:
        print(f"  latest FAILED:    #{f['id']} at {ts(f.get('failure_timestamp'))}: {f.get('failure_message')}")
    s = latest.get('savepoint')
    if s:
        print(f"  latest savepoint: #{s['id']} at {ts(s.get('latest_ack_timestamp'))}, {s.get('external_path')}")
    r = latest.get('restored')
    if r:
        kind = "savepoint" if r.get('is_savepoint') else "checkpoint"
        print(f"  restored from {kind} #{r['id']} at {ts(r.get('restore_timestamp'))}: {r.get('external_path')}")
print(f"operators:\n  {'PAR':>3}  {'STATUS':9}{'BUSY':>6}{'BACKPR':>8}{'IN':>10}{'OUT':>10}  NAME")
for v in d['vertices']:
    m = {x['id']: x for x in metrics.get(v['id'], [])}
    busy = m.get('busyTimeMsPerSecond', {}).get('max')
    back = m.get('backPressuredTimeMsPerSecond', {}).get('max')
    pct = lambda x: "-" if x is None or x != x else f"{x / 10:.0f}%"
    io = v.get('metrics', {})
    print(f"  {v['parallelism']:>3}  {v['status']:9}{pct(busy):>6}{pct(back):>8}"
          f"{io.get('read-records', 0):>10}{io.get('write-records', 0):>10}  {v['name'][:90]}")
if ours:
    print("pipeline metrics (sum over subtasks):")
    for (vertex, metric), value in sorted(ours.items(), key=lambda kv: kv[0][1]):
        shown = int(value) if isinstance(value, float) and value == int(value) else value
        print(f"  {metric:70} {shown}")
PY
done
