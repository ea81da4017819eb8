#!/bin/sh
# Starts SeaweedFS with one S3 identity, the key pair Shoebox is given, and its bucket.
set -eu
: "${SHOEBOX_S3_ACCESS_KEY_ID:?set SHOEBOX_S3_ACCESS_KEY_ID (and SHOEBOX_S3_SECRET_ACCESS_KEY) in .env}"
: "${SHOEBOX_S3_SECRET_ACCESS_KEY:?set SHOEBOX_S3_SECRET_ACCESS_KEY in .env}"
bucket=${SEAWEEDFS_BUCKET:-shoebox}
umask 077
printf '{"identities":[{"name":"shoebox","credentials":[{"accessKey":"%s","secretKey":"%s"}],"actions":["Admin","Read","Write","List","Tagging"]}]}\n' \
  "$SHOEBOX_S3_ACCESS_KEY_ID" "$SHOEBOX_S3_SECRET_ACCESS_KEY" >/tmp/s3.json
mkdir -p /data/store
# Only the S3 port is meant for the other services; nothing is published to the host.
exec weed mini -dir=/data/store -ip=127.0.0.1 -ip.bind=0.0.0.0 -s3.port=8333 -admin.ui=false -webdav=false \
  -s3.port.iceberg=0 -s3.port.lance=0 -bucket="$bucket" -s3.config=/tmp/s3.json
