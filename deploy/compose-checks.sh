# shellcheck shell=bash disable=SC2154  # api, port, work, … are set by deploy/compose-test
# The checks deploy/compose-test runs against the stack it started, each as a user would see it
# through the API from this machine. Sourced by deploy/compose-test (which sets api, port, work,
# password, fixtures and compose); each check prints one "== compose:" line with what it saw.

media=$work/media
mkdir -p "$media"
token=''
key=''
declare -A ids=()   # file name -> asset id
declare -A files=() # file name -> path

# Retries COMMAND... every second until it succeeds; dies after LIMIT seconds.
wait_until() {
  local limit=$1 what=$2 deadline
  shift 2
  deadline=$((SECONDS + limit))
  until "$@"; do
    ((SECONDS < deadline)) || shoebox_die "$what: not within $limit s"
    sleep 1
  done
}

json() { # METHOD PATH [BODY]: the API's JSON answer, with the API key; fails on an error status
  local method=$1 path=$2 body=${3:-}
  curl -sS --fail-with-body -X "$method" "$api$path" -H "x-api-key: $key" \
    ${body:+-H 'content-type: application/json' --data "$body"}
}

login() { # EMAIL PASSWORD [BASE_URL]: the access token
  curl -sS --fail-with-body "${3:-$api}/auth/login" -H 'content-type: application/json' \
    --data "$(jq -n --arg e "$1" --arg p "$2" '{email: $e, password: $p}')" | jq -er .accessToken
}

upload() { # FILE [BASE_URL [CURL_ARGS...]]: uploads as the Immich CLI does; prints the asset id
  local file=$1 base=${2:-$api}
  shift $(($# > 1 ? 2 : 1))
  curl -sS --fail-with-body "$@" "$base/assets" -H "x-api-key: $key" \
    -F "assetData=@$file" -F "deviceAssetId=compose-test-$(basename "$file")" -F deviceId=compose-test \
    -F fileCreatedAt=2024-06-01T12:00:00.000Z -F fileModifiedAt=2024-06-01T12:00:00.000Z | jq -er .id
}

has_thumbnail() { # ASSET_ID: the thumbnail is served as an image
  local type
  type=$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "$api/assets/$1/thumbnail?size=thumbnail" -H "x-api-key: $key")
  [[ $type == "200 image/"* ]]
}

check_web_gallery() {
  local html script answer
  html=$(curl -sS --fail "http://127.0.0.1:$port/")
  grep -q '<div id="root">' <<<"$html" || shoebox_die "/ is not the web gallery: ${html:0:300}"
  script=$(grep -o 'src="/assets/[^"]*\.js"' <<<"$html" | head -n 1 | cut -d'"' -f2)
  [[ -n $script ]] || shoebox_die "the gallery's page names no script"
  answer=$(curl -sS -o /dev/null -w '%{http_code} %{content_type} %{size_download}' "http://127.0.0.1:$port$script")
  [[ $answer == "200 "*javascript* ]] || shoebox_die "$script: $answer"
  say "web gallery: / is the app; $script answers $answer bytes"
}

check_sign_up() {
  curl -sS --fail-with-body "$api/auth/admin-sign-up" -H 'content-type: application/json' \
    --data "$(jq -n --arg p "$password" '{email: "admin@example.com", name: "Admin", password: $p}')" >/dev/null
  token=$(login admin@example.com "$password")
  key=$(curl -sS --fail-with-body "$api/api-keys" -H "authorization: Bearer $token" \
    -H 'content-type: application/json' --data '{"name":"compose-test","permissions":["all"]}' | jq -er .secret)
  say "admin signed up, logged in and made an API key"
}

check_uploads_get_thumbnails() {
  local name start
  for name in obama.jpg obama2.jpg obama3.jpg biden.jpg starfish.jpg pug.heic; do files[$name]=$fixtures/photos/$name; done
  files[bikes.mp4]=$fixtures/video/bikes.mp4
  # Solid colours for the test CLIP model, and an HEVC clip the worker must transcode.
  for colour in red blue; do
    shoebox_quiet ffmpeg -y -f lavfi -i "color=c=$colour:s=320x240" -frames:v 1 "$media/$colour.png"
    files[$colour.png]=$media/$colour.png
  done
  shoebox_quiet ffmpeg -y -f lavfi -i testsrc=size=640x360:rate=25 -t 2 -c:v libx265 -tag:v hvc1 \
    -pix_fmt yuv420p "$media/hevc.mp4"
  files[hevc.mp4]=$media/hevc.mp4
  start=$SECONDS
  for name in "${!files[@]}"; do ids[$name]=$(upload "${files[$name]}"); done
  for name in "${!files[@]}"; do
    wait_until 180 "thumbnail of $name" has_thumbnail "${ids[$name]}"
  done
  say "uploaded ${#files[@]} files (JPEG, PNG, HEIC, H.264 and HEVC MP4); the worker made every thumbnail within $((SECONDS - start)) s"
}

metric() { # SERVICE PORT NAME [LABEL]: the sum of a metric's samples (with LABEL) in the service's /metrics
  compose exec -T "$1" curl -fsS "http://localhost:$2/metrics" | awk -v name="$3" -v label="${4:-}" '
    index($0, name) == 1 && substr($0, length(name) + 1, 1) ~ /[{ ]/ && index($0, label) { sum += $NF }
    END { print sum + 0 }'
}

check_metrics() {
  local thumbnails requests
  thumbnails=$(metric worker 8082 shoebox_jobs_total 'queue="thumbnailGeneration",outcome="done"')
  requests=$(metric server 8081 shoebox_http_request_duration_seconds_count)
  ((${thumbnails%.*} >= ${#files[@]})) || shoebox_die "the worker's metrics count $thumbnails thumbnails, not ${#files[@]}"
  ((${requests%.*} > 0)) || shoebox_die "the server's metrics count no requests"
  say "metrics: the worker counts $thumbnails thumbnail jobs done, the server $requests requests"
}

transcoded() {
  curl -s --fail -o "$media/playback.mp4" "$api/assets/${ids[hevc.mp4]}/video/playback" -H "x-api-key: $key" \
    && ! cmp -s "$media/playback.mp4" "${files[hevc.mp4]}"
}

check_video_transcode() {
  local codec plays_as_is
  wait_until 300 "the HEVC clip's transcode" transcoded
  codec=$(ffprobe -v error -select_streams v:0 -show_entries stream=codec_name -of csv=p=0 "$media/playback.mp4")
  [[ $codec == h264 ]] || shoebox_die "the HEVC clip plays back as $codec, not h264"
  curl -sS --fail -o "$media/bikes-playback.mp4" "$api/assets/${ids[bikes.mp4]}/video/playback" -H "x-api-key: $key"
  cmp -s "$media/bikes-playback.mp4" "${files[bikes.mp4]}" && plays_as_is=yes || plays_as_is=no
  [[ $plays_as_is == yes ]] || shoebox_die "bikes.mp4 (H.264) should play as it is"
  say "video: the HEVC clip plays back as H.264 transcoded by the worker; bikes.mp4 (H.264) plays as uploaded"
}

person_of() { json GET "/faces?id=$1" | jq -r '.[0].person.id // empty'; }

one_person() {
  local first other
  first=$(person_of "${ids[obama.jpg]}")
  [[ -n $first ]] || return 1
  for other in obama2.jpg obama3.jpg; do [[ $(person_of "${ids[$other]}") == "$first" ]] || return 1; done
  person=$first
}

person_thumbnail() {
  [[ $(curl -s -o /dev/null -w '%{http_code} %{content_type}' "$api/people/$person/thumbnail" -H "x-api-key: $key") == "200 image/"* ]]
}

check_faces() {
  local biden
  person=''
  wait_until 300 "the three photos of Obama as one person" one_person
  biden=$(person_of "${ids[biden.jpg]}")
  [[ $biden != "$person" ]] || shoebox_die "Biden was put with Obama"
  wait_until 120 "the person's thumbnail" person_thumbnail
  say "faces (buffalo_s from SHOEBOX_MODELS_PATH): Obama's three photos are person $person with a face crop; Biden is not him"
}

red_first() {
  [[ $(json POST /search/smart '{"query":"red"}' | jq -r '.assets.items[0].id // empty') == "${ids[red.png]}" ]]
}

check_smart_search() {
  wait_until 180 "smart search for red" red_first
  say "smart search (shoebox-test-clip): \"red\" finds red.png first"
}

check_byte_identical_download() {
  local name
  for name in "${!files[@]}"; do
    curl -sS --fail -o "$media/download" "$api/assets/${ids[$name]}/original" -H "x-api-key: $key"
    cmp -s "$media/download" "${files[$name]}" || shoebox_die "the download of $name differs from the upload"
  done
  say "downloads: all ${#files[@]} originals come back byte-identical"
}

live_event_seen() { grep -q "\"$1\"" "$work/socketio.log"; }

check_https_proxy() {
  local https=https://localhost:$https_port/api redirect id cookie client big
  compose exec -T proxy cat /certs/tls.crt >"$work/proxy.crt"
  chmod 644 "$work/proxy.crt"
  [[ $(curl -sS --fail --cacert "$work/proxy.crt" "$https/server/ping" | jq -r .res) == pong ]] \
    || shoebox_die "no pong over HTTPS"
  redirect=$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$http_port/photos")
  [[ $redirect == "301 https://"* ]] || shoebox_die "plain HTTP should redirect to HTTPS: $redirect"
  # A live socket through the proxy (WebSocket upgrade), signed in with the login's cookie.
  cookie=$(curl -sS --fail --cacert "$work/proxy.crt" -o /dev/null -c - "$https/auth/login" \
    -H 'content-type: application/json' \
    --data "$(jq -n --arg p "$password" '{email: "admin@example.com", password: $p}')" |
    awk '$6 == "immich_access_token" { print $6 "=" $7 }')
  [[ -n $cookie ]] || shoebox_die "the login through the proxy set no immich_access_token cookie"
  WEBSOCKET_CLIENT_CA_BUNDLE=$work/proxy.crt REQUESTS_CA_BUNDLE=$work/proxy.crt \
    "$SHOEBOX_TEST_SOCKETIO_PYTHON" crates/shoebox-server/tests/clients/socketio_listen.py \
    "https://localhost:$https_port" "cookie: $cookie" >"$work/socketio.log" 2>&1 </dev/null &
  client=$!
  wait_until 30 "on_server_version over the proxy's WebSocket" live_event_seen on_server_version
  # Larger than nginx's default 1 MB body limit, so the proxy must pass it through uncapped.
  big=$media/big.jpg
  shoebox_quiet ffmpeg -y -f lavfi -i "nullsrc=s=4000x3000,geq=random(1)*255:128:128" -frames:v 1 -q:v 1 "$big"
  id=$(upload "$big" "$https" --cacert "$work/proxy.crt")
  files[big.jpg]=$big
  ids[big.jpg]=$id
  wait_until 60 "on_upload_success over the proxy" live_event_seen on_upload_success
  kill "$client" 2>/dev/null || true
  wait "$client" 2>/dev/null || true
  wait_until 120 "thumbnail of the upload through the proxy" has_thumbnail "$id"
  curl -sS --fail --cacert "$work/proxy.crt" -o "$media/download" "$https/assets/$id/original" -H "x-api-key: $key"
  cmp -s "$media/download" "$big" || shoebox_die "the download through the proxy differs"
  say "proxy: HTTPS with its self-signed certificate (curl --cacert), HTTP redirects; a $(($(stat -c %s "$big") / 1000000)) MB photo uploaded and downloaded through it byte-identical; socket.io over its WebSocket saw on_upload_success"
}

login_status() { # BASE_URL EMAIL [CURL_ARGS...]: the HTTP status of a wrong-password login
  local base=$1 email=$2
  shift 2
  curl -s -o /dev/null -w '%{http_code}' "$@" "$base/auth/login" -H 'content-type: application/json' \
    --data "$(jq -n --arg e "$email" '{email: $e, password: "wrong password"}')"
}

failures_until_locked() { # BASE_URL EMAIL [CURL_ARGS...]: wrong logins answered before a 429
  local count=0 status
  while ((count < 30)); do
    status=$(login_status "$@")
    [[ $status == 429 ]] && { echo "$count"; return 0; }
    [[ $status == 401 ]] || shoebox_die "a wrong login answered $status"
    count=$((count + 1))
  done
  echo never
}

check_login_limit_behind_proxy() {
  local email=limited@example.com https=https://localhost:$https_port/api through_proxy other direct
  json POST /admin/users "$(jq -n --arg e "$email" --arg p "$password" '{email: $e, name: "Limited", password: $p}')" >/dev/null
  # Through the proxy, with a forged X-Forwarded-For: the proxy appends the address it saw.
  through_proxy=$(failures_until_locked "$https" "$email" --cacert "$work/proxy.crt" -H 'x-forwarded-for: 198.51.100.7')
  [[ $through_proxy =~ ^[0-9]+$ ]] || shoebox_die "wrong logins through the proxy were never limited"
  # Another client of the proxy (a container on its network) is not locked out with the first.
  other=$(docker run --rm --network "${project}_edge" -v "$work/proxy.crt:/proxy.crt:ro" --entrypoint curl \
    shoebox:local -s -o /dev/null -w '%{http_code}' --cacert /proxy.crt --resolve localhost:443:172.31.255.2 \
    https://localhost/api/auth/login -H 'content-type: application/json' \
    --data "{\"email\":\"$email\",\"password\":\"wrong password\"}")
  [[ $other == 401 ]] || shoebox_die "another client behind the proxy got $other, not 401: the server did not tell them apart"
  # Straight to the server, X-Forwarded-For comes from an untrusted peer and changes nothing.
  direct=$(failures_until_locked "$api" "$email" -H "x-forwarded-for: 203.0.113.$RANDOM")
  [[ $direct =~ ^[0-9]+$ ]] || shoebox_die "forged X-Forwarded-For headers escaped the login limit"
  say "login limit: locked after $through_proxy wrong logins through the proxy, while another client behind it still got 401; straight to the server a forged X-Forwarded-For did not help (locked after $direct)"
}

check_library_in_the_bucket() {
  local on_disk in_bucket
  on_disk=$(compose exec -T server sh -c 'find /data/upload /data/thumbs /data/encoded-video -type f 2>/dev/null | wc -l' | tr -d '\r ')
  [[ $on_disk == 0 ]] || shoebox_die "with SHOEBOX_STORAGE=s3://shoebox, $on_disk library files are in the server's volume"
  in_bucket=$(compose exec -T seaweedfs curl -fsS -H 'Accept: application/json' "http://localhost:8888/buckets/shoebox/?limit=100" \
    | jq -r '[.Entries[]?.FullPath] | join(" ")')
  [[ $in_bucket == *"/buckets/shoebox/upload"* && $in_bucket == *"/buckets/shoebox/thumbs"* ]] \
    || shoebox_die "the bucket holds no originals and thumbnails: $in_bucket"
  say "storage: the originals and thumbnails are in SeaweedFS's bucket ($in_bucket), none in the server's volume"
}

check_restart_keeps_everything() {
  local name start id
  compose exec -T redis redis-cli set shoebox-compose-test:kept yes >/dev/null
  start=$SECONDS
  shoebox_quiet compose down
  shoebox_quiet compose up -d
  wait_healthy
  say "down and up again: healthy after $((SECONDS - start)) s"
  token=$(login admin@example.com "$password") # the database kept the account
  for name in "${!files[@]}"; do
    curl -sS --fail -o "$media/download" "$api/assets/${ids[$name]}/original" -H "x-api-key: $key"
    cmp -s "$media/download" "${files[$name]}" || shoebox_die "$name changed across the restart"
    has_thumbnail "${ids[$name]}" || shoebox_die "the thumbnail of $name is gone after the restart"
  done
  [[ $(compose exec -T redis redis-cli get shoebox-compose-test:kept | tr -d '\r') == yes ]] \
    || shoebox_die "Redis lost its data across the restart"
  red_first || shoebox_die "smart search lost its vectors across the restart"
  id=$(upload "$fixtures/photos/gdp.jpg")
  wait_until 120 "thumbnail of a photo uploaded after the restart" has_thumbnail "$id"
  say "after the restart: login, all ${#files[@]} originals byte-identical with thumbnails, smart search, Redis's data; a new upload gets its thumbnail"
}

backup_finished() { # RUN_ID: the backup run is no longer queued or running
  local status
  status=$(json GET /admin/backups | jq -r --arg id "$1" 'select(.last.id == $id) | .last.status')
  [[ $status == completed || $status == failed ]]
}

check_backup() {
  local run last copied manifests
  run=$(json POST /admin/backups | jq -er .id)
  wait_until 300 "the backup" backup_finished "$run"
  last=$(json GET /admin/backups | jq -c .last)
  [[ $(jq -r .status <<<"$last") == completed ]] || shoebox_die "the backup did not complete: $last"
  copied=$(jq -r .result.copiedFiles <<<"$last")
  ((copied == ${#files[@]})) || shoebox_die "the backup copied $copied files, not ${#files[@]}: $last"
  manifests=$(compose exec -T worker sh -c 'ls /backups/manifests' | wc -l)
  ((manifests == 1)) || shoebox_die "$manifests manifests in the worker's /backups"
  say "backup: pg_dump 16 in the image dumped the database; all $copied originals copied and checked into the backups volume ($(jq -r .result.databaseBytes <<<"$last") byte dump, one manifest)"
}
