#!/bin/sh
# Rete Famiglie: restore a backup of deploy/backup.sh into a NEW database.
#
#   FAMIGLIE_DATA_DIR=/var/lib/odoo deploy/restore.sh /var/backups/famiglie/famiglie-20261130T013000Z famiglie_restored
#
# The first argument is the backup's path without its extension. Checks the
# checksums, creates the database (it must not exist), restores the dump into
# it and the filestore into <data_dir>/filestore/<new db>; prints
# "restored <backup> into <new db>: N tables, N files". Never overwrites a
# database or a filestore: to replace the production database, restore under
# a new name, check it, stop Odoo, then rename the database and the filestore
# folder (README "Backup and restore").
set -eu
[ $# -eq 2 ] || { echo "usage: restore.sh BACKUP_PATH_WITHOUT_EXTENSION NEW_DB" >&2; exit 2; }
: "${FAMIGLIE_DATA_DIR:?set FAMIGLIE_DATA_DIR, Odoo's data_dir}"
BASE="$1"
NEW="$2"
DIR=$(dirname "$BASE")
NAME=$(basename "$BASE")
(cd "$DIR" && sha256sum --quiet -c "$NAME.sha256")
TARGET="$FAMIGLIE_DATA_DIR/filestore/$NEW"
[ ! -e "$TARGET" ] || { echo "restore: $TARGET exists" >&2; exit 2; }
if [ -n "$(psql -XAtc "SELECT 1 FROM pg_database WHERE datname = '$NEW'" postgres)" ]; then
    echo "restore: the database $NEW exists" >&2; exit 2
fi
createdb "$NEW"
pg_restore --no-owner --exit-on-error --jobs=2 --dbname="$NEW" "$BASE.dump"
WORK=$(mktemp -d "$FAMIGLIE_DATA_DIR/filestore/.restore-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
tar -C "$WORK" -xzf "$BASE.filestore.tar.gz"
mv "$WORK"/* "$TARGET"
tables=$(psql -XAtc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'" "$NEW")
files=$(find "$TARGET" -type f | wc -l)
echo "restored $NAME into $NEW: $tables tables, $files files"
