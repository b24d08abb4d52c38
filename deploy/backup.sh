#!/bin/sh
# Rete Famiglie: a backup of the database and of its filestore.
#
#   FAMIGLIE_DB=famiglie FAMIGLIE_DATA_DIR=/var/lib/odoo FAMIGLIE_BACKUP_DIR=/var/backups/famiglie deploy/backup.sh
#
# Writes, in FAMIGLIE_BACKUP_DIR:
#   <db>-<UTC time>.dump             pg_dump -Fc of the database (taken first)
#   <db>-<UTC time>.filestore.tar.gz the filestore <data_dir>/filestore/<db>
#   <db>-<UTC time>.sha256           their checksums
# and prints "backup <name>: database N bytes, filestore N bytes, kept K".
# Odoo never changes a file of the filestore, it only adds new ones, so the
# filestore archived after the dump holds every file the dump names.
# Keeps the last FAMIGLIE_BACKUP_KEEP backups (default 14). PostgreSQL is the
# one of PGHOST/PGPORT/PGUSER (as for psql). Exits non-zero on any failure,
# leaving no partial file.
set -eu
: "${FAMIGLIE_DB:?set FAMIGLIE_DB, the database}"
: "${FAMIGLIE_DATA_DIR:?set FAMIGLIE_DATA_DIR, Odoo's data_dir}"
: "${FAMIGLIE_BACKUP_DIR:?set FAMIGLIE_BACKUP_DIR, where the backups go}"
KEEP="${FAMIGLIE_BACKUP_KEEP:-14}"
DB="$FAMIGLIE_DB"
FILESTORE="$FAMIGLIE_DATA_DIR/filestore/$DB"
[ -d "$FILESTORE" ] || { echo "backup: no filestore at $FILESTORE" >&2; exit 2; }
mkdir -p "$FAMIGLIE_BACKUP_DIR"
umask 077
NAME="$DB-$(date -u +%Y%m%dT%H%M%SZ)"
BASE="$FAMIGLIE_BACKUP_DIR/$NAME"
trap 'rm -f "$BASE.dump.part" "$BASE.filestore.tar.gz.part"' EXIT

pg_dump --format=custom --no-owner --file="$BASE.dump.part" "$DB"
mv "$BASE.dump.part" "$BASE.dump"
tar -C "$FAMIGLIE_DATA_DIR/filestore" -czf "$BASE.filestore.tar.gz.part" "$DB"
mv "$BASE.filestore.tar.gz.part" "$BASE.filestore.tar.gz"
(cd "$FAMIGLIE_BACKUP_DIR" && sha256sum "$NAME.dump" "$NAME.filestore.tar.gz" > "$NAME.sha256")

# rotation: keep the newest KEEP backups of this database
ls -1 "$FAMIGLIE_BACKUP_DIR" | grep -E "^$DB-[0-9]{8}T[0-9]{6}Z\.sha256\$" | sort -r \
    | tail -n +"$((KEEP + 1))" | while read -r old; do
        stem="${old%.sha256}"
        rm -f "$FAMIGLIE_BACKUP_DIR/$stem.dump" "$FAMIGLIE_BACKUP_DIR/$stem.filestore.tar.gz" \
              "$FAMIGLIE_BACKUP_DIR/$old"
    done
kept=$(ls -1 "$FAMIGLIE_BACKUP_DIR" | grep -cE "^$DB-[0-9]{8}T[0-9]{6}Z\.sha256\$" || true)
echo "backup $NAME: database $(stat -c %s "$BASE.dump") bytes," \
     "filestore $(stat -c %s "$BASE.filestore.tar.gz") bytes, kept $kept"
