#!/usr/bin/env bash
# Runs the pipeline's own tools inside a JDK container of docker-compose.yml, from the classes the
# host built (./mvnw -B -DskipTests package). The repository and the Maven repository are mounted
# at the host's paths, so the classpath the build wrote resolves unchanged.
#
#   pipeline-tool.sh cli ARGS...           the ./pipeline CLI (migrate, replay, ...), without its build step
#   pipeline-tool.sh sample-data ARGS...   deploy/compose/SampleData.java (Sakila sample, a turnstile week)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TARGET="$ROOT/pipeline-local/target"
if [[ ! -f "$TARGET/runtime-classpath.txt" || ! -f "$TARGET/jvm.args" || ! -d "$TARGET/classes" ]]; then
  echo "pipeline-tool.sh: $TARGET is not built; run ./mvnw -B -DskipTests package on the host first" >&2
  exit 1
fi
CLASSPATH="$TARGET/classes:$(cat "$TARGET/runtime-classpath.txt")"
missing=$(tr ':' '\n' <<<"$CLASSPATH" | while read -r entry; do [[ -e "$entry" ]] || echo "$entry"; done | head -3)
if [[ -n "$missing" ]]; then
  echo "pipeline-tool.sh: classpath entries missing in the container (is \$HOME/.m2 mounted at the host's path?):" >&2
  echo "$missing" >&2
  exit 1
fi

mode=${1:?usage: pipeline-tool.sh cli|sample-data ARGS...}
shift
# shellcheck disable=SC2046
case "$mode" in
  cli) exec java $(cat "$TARGET/jvm.args") -Dpipeline.home="$ROOT" -cp "$CLASSPATH" io.streamwarehouse.local.PipelineCli "$@" ;;
  sample-data) exec java -cp "$CLASSPATH" "$ROOT/deploy/compose/SampleData.java" "$@" ;;
  *) echo "pipeline-tool.sh: unknown mode $mode (cli | sample-data)" >&2; exit 2 ;;
esac
