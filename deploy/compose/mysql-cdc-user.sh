# shellcheck shell=bash disable=SC2016 # the ${...} placeholders are literal text of the SQL file
# Sourced by the mysql image's entrypoint on first start (after the schema script): creates the
# CDC account from sql/source/mysql/cdc_user.sql, filling in its ${...} placeholders.
# Not executable on purpose: sourced scripts can use the entrypoint's docker_process_sql.

# Names land in the SQL as they are (inside quotes or backquotes): only plain names, so no value can
# close a quote and add a statement.
if [[ ! $CDC_USER =~ ^[A-Za-z0-9_]{1,32}$ ]]; then
  echo "mysql-cdc-user.sh: CDC_USER must be 1-32 letters, digits or _, got '$CDC_USER'" >&2
  exit 1
fi
if [[ ! $MYSQL_DATABASE =~ ^[A-Za-z0-9_]{1,64}$ ]]; then
  echo "mysql-cdc-user.sh: MYSQL_DATABASE must be 1-64 letters, digits or _, got '$MYSQL_DATABASE'" >&2
  exit 1
fi
cdc_sql=$(cat "${CDC_USER_SQL:-/sakila/cdc_user.sql}")
# A password is placed inside a quoted SQL string literal, where MySQL reads a backslash as an
# escape: double backslashes first, then single quotes.
backslash='\'
cdc_password_literal=${CDC_PASSWORD//"$backslash"/"$backslash$backslash"}
cdc_password_literal=${cdc_password_literal//"'"/"''"}
cdc_sql=${cdc_sql//'${cdc_user}'/"$CDC_USER"}
cdc_sql=${cdc_sql//'${cdc_password}'/"$cdc_password_literal"}
cdc_sql=${cdc_sql//'${database}'/"$MYSQL_DATABASE"}
docker_process_sql <<<"$cdc_sql"
echo "mysql-cdc-user.sh: created CDC user '$CDC_USER' for database '$MYSQL_DATABASE'"
