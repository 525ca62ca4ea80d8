# shellcheck shell=bash disable=SC2016 # the ${...} placeholders are literal text of the SQL file
# Sourced by the postgres image's entrypoint on first start: creates the jobs' warehouse login from
# sql/warehouse/job_login.sql (a member of warehouse_writer, whose rights the migrations grant),
# filling in its ${...} placeholders. The migrations run as POSTGRES_USER, the owner; the jobs
# connect as this login and can read and write rows, nothing more.
# Not executable on purpose: sourced scripts can use the entrypoint's docker_process_sql.

# The name lands in the SQL unquoted: only a plain lower-case name.
if [[ ! $WAREHOUSE_JOB_USER =~ ^[a-z_][a-z0-9_]{0,62}$ ]]; then
  echo "warehouse-job-user.sh: WAREHOUSE_JOB_USER must be lower-case letters, digits or _, got '$WAREHOUSE_JOB_USER'" >&2
  exit 1
fi
if [[ -z $WAREHOUSE_JOB_PASSWORD || $WAREHOUSE_JOB_PASSWORD == *'$job$'* ]]; then
  echo "warehouse-job-user.sh: WAREHOUSE_JOB_PASSWORD must be set and must not contain \$job\$" >&2
  exit 1
fi
job_sql=$(cat "${JOB_LOGIN_SQL:-/warehouse/job_login.sql}")
# The password goes inside a quoted SQL string literal (standard_conforming_strings is on, so a
# backslash is an ordinary character): double single quotes.
job_password_literal=${WAREHOUSE_JOB_PASSWORD//"'"/"''"}
job_sql=${job_sql//'${job_user}'/"$WAREHOUSE_JOB_USER"}
job_sql=${job_sql//'${job_password}'/"$job_password_literal"}
docker_process_sql <<<"$job_sql"
echo "warehouse-job-user.sh: created warehouse login '$WAREHOUSE_JOB_USER' (role warehouse_writer)"
