#!/bin/sh
# Uses /certs/tls.crt and /certs/tls.key when the user mounted them; otherwise makes a
# self-signed pair there once (kept in the proxy-certs volume) for SHOEBOX_PROXY_HOSTNAME.
set -eu
certs=/certs
if [ ! -s "$certs/tls.crt" ] || [ ! -s "$certs/tls.key" ]; then
  host=${SHOEBOX_PROXY_HOSTNAME:-localhost}
  echo "shoebox-proxy: no certificate in $certs; making a self-signed one for $host"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=$host" \
    -addext "subjectAltName=DNS:$host,DNS:localhost,IP:127.0.0.1" \
    -keyout "$certs/tls.key" -out "$certs/tls.crt" 2>/dev/null
  chmod 600 "$certs/tls.key"
fi
exec "$@"
