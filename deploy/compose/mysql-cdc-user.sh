# shellcheck shell=bash disable=SC2016 # the ${...} placeholders are literal text of the SQL file
# Sourced by the mysql image's entrypoint on first start (after the schema script): creates the
# CDC account from sql/source/mysql/cdc_user.sql, filling in its ${...} placeholders.
# Not executable on purpose: sourced scripts can use the entrypoint's docker_process_sql.

cdc_sql=$(cat "${CDC_USER_SQL:-/sakila/cdc_user.sql}")
# a password is placed inside a quoted SQL string literal: double its single quotes
cdc_password_literal=${CDC_PASSWORD//\'/\'\'}
cdc_sql=${cdc_sql//'${cdc_user}'/"$CDC_USER"}
cdc_sql=${cdc_sql//'${cdc_password}'/"$cdc_password_literal"}
cdc_sql=${cdc_sql//'${database}'/"$MYSQL_DATABASE"}
docker_process_sql <<<"$cdc_sql"
echo "mysql-cdc-user.sh: created CDC user '$CDC_USER' for database '$MYSQL_DATABASE'"
