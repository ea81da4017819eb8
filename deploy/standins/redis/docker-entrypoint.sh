#!/bin/sh
# The official image's entrypoint, in short: own /data, drop to the redis user, and (as its
# build does) turn protected mode off, since other containers connect without a password.
set -eu
if [ "${1:-}" = redis-server ]; then
  shift
  set -- redis-server "$@" --protected-mode no
  if [ "$(id -u)" = 0 ]; then
    chown -R redis:redis /data
    exec setpriv --reuid=redis --regid=redis --init-groups "$@"
  fi
fi
exec "$@"
