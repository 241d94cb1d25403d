#!/usr/bin/env bash
# The interop suite: outcry against an independent SMTP server (Python's aiosmtpd, installed
# from PyPI into a virtualenv), on 127.0.0.1 only. Run by .ci/run after `cargo build`.
#   1. mayday-2011 over STARTTLS + AUTH: stored exactly once, equal to `compose --out`;
#      a second run sends nothing.
#   2. Cyrillic names and subjects, the same comparison.
#   3. 1,000 letters in one run, each stored once.
#   4. mayday-2011 again, to a server that offers no PIPELINING (1 to 3: it does).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
outcry=$repo/target/debug/outcry
venv=$repo/target/interop-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check aiosmtpd==1.4.6 trustme==1.2.1

scratch=$(mktemp -d)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$scratch"; }
trap cleanup EXIT

start_server() { # store-dir [--no-pipelining]
  mkdir -p "$1"
  rm -f "$scratch/port"
  "$venv/bin/python" tests/interop/smtp_server.py "$1" "$scratch/port" "$scratch/ca.pem" interop "s3cret-interop" ${2:-} &
  server_pid=$!
  for _ in $(seq 100); do [ -s "$scratch/port" ] && break; sleep 0.1; done
  [ -s "$scratch/port" ] || { echo "interop: the server did not start" >&2; exit 1; }
}
stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""; }

# The account is the writer's own: their personal config (a workspace may not name a login).
export HOME=$scratch/home XDG_CONFIG_HOME=$scratch/home/.config
smtp_config() {
  mkdir -p "$XDG_CONFIG_HOME/outcry"
  cat >"$XDG_CONFIG_HOME/outcry/config.toml" <<TOML
[smtp]
host = "127.0.0.1"
port = $(cat "$scratch/port")
security = "starttls"
username = "interop"
ca-file = "$scratch/ca.pem"
rate = 100000
TOML
}

export SOURCE_DATE_EPOCH=1304337600 OUTCRY_SMTP_PASSWORD="s3cret-interop"
export OUTCRY_SENDER_NAME="Jane Doe" OUTCRY_SENDER_EMAIL="jane@example.org" OUTCRY_SENDER_COUNTRY="GB"

echo "== interop 1: mayday-2011 over STARTTLS and AUTH"
ws=$scratch/mayday; mkdir -p "$ws"; cp -r contacts.toml outcry.toml letters "$ws/"
start_server "$scratch/store1"; smtp_config
"$outcry" -C "$ws" send mayday-2011 --yes
"$outcry" -C "$ws" send mayday-2011 --yes 2>&1 | grep "nothing to send" >/dev/null
"$outcry" -C "$ws" compose mayday-2011 --out "$scratch/drafts1" 2>/dev/null
"$venv/bin/python" tests/interop/check.py same "$scratch/store1" "$scratch/drafts1"
stop_server

echo "== interop 2: Cyrillic names and subjects"
ws=$scratch/ru; mkdir -p "$ws/letters/ru"
cat >"$ws/contacts.toml" <<'TOML'
[contacts.prokuratura]
name = "Генеральная прокуратура Республики Казахстан, приёмная граждан"
country = "KZ"
email = "prokuratura@example.org"

[contacts.koordinator]
name = "Координатор кампании «Казахстан 2012»"
country = "KZ"
email = "koord@example.org"
TOML
cat >"$ws/letters/ru/campaign.toml" <<'TOML'
title = "Свобода Айнуру Курманову"
subject = "Протест: освободите Айнура Курманова и прекратите преследование активистов"
issued = 2010-05-05
demands = ["Освободить Айнура Курманова.", "Прекратить преследование журналистов."]
to = ["prokuratura"]
cc = ["koordinator"]
copies = "separate"
TOML
printf 'Уважаемые господа,\n\n{{#each demands}}\n{{number}}. {{text}}\n{{/each}}\n.\n{{sender.name}}\n' >"$ws/letters/ru/letter.hbs"
start_server "$scratch/store2"; smtp_config
OUTCRY_SENDER_NAME="Жанна Иванова" "$outcry" -C "$ws" send ru --yes
OUTCRY_SENDER_NAME="Жанна Иванова" "$outcry" -C "$ws" compose ru --out "$scratch/drafts2" 2>/dev/null
"$venv/bin/python" tests/interop/check.py same "$scratch/store2" "$scratch/drafts2"
stop_server

echo "== interop 3: 1,000 letters in one run"
ws=$scratch/many; mkdir -p "$ws/letters/many"
python3 - "$ws" <<'PY'
import sys
ws = sys.argv[1]
with open(f"{ws}/contacts.toml", "w") as f:
    for i in range(1, 1001):
        f.write(f'[contacts.a{i}]\nname = "Authority {i}"\ncountry = "KZ"\nemail = "a{i}@example.org"\n\n')
with open(f"{ws}/letters/many/campaign.toml", "w") as f:
    targets = ", ".join(f'"a{i}"' for i in range(1, 1001))
    f.write(f'title = "Many"\nsubject = "Protest"\nissued = 2011-05-02\ndemands = ["One"]\nto = [{targets}]\n')
with open(f"{ws}/letters/many/letter.hbs", "w") as f:
    f.write("{{recipient.salutation}},\n\n{{#each demands}}\n{{number}}. {{text}}\n{{/each}}\n\n{{sender.name}}\n")
PY
start_server "$scratch/store3"; smtp_config
"$outcry" -C "$ws" send many --yes 2>"$scratch/many.log" || { tail -20 "$scratch/many.log"; exit 1; }
"$venv/bin/python" tests/interop/check.py count "$scratch/store3" 1000
stop_server

echo "== interop 4: mayday-2011 to a server that offers no PIPELINING"
ws=$scratch/mayday4; mkdir -p "$ws"; cp -r contacts.toml outcry.toml letters "$ws/"
start_server "$scratch/store4" --no-pipelining; smtp_config
"$outcry" -C "$ws" send mayday-2011 --yes
"$outcry" -C "$ws" send mayday-2011 --yes 2>&1 | grep "nothing to send" >/dev/null
"$outcry" -C "$ws" compose mayday-2011 --out "$scratch/drafts4" 2>/dev/null
"$venv/bin/python" tests/interop/check.py same "$scratch/store4" "$scratch/drafts4"
stop_server
echo "== interop: ok"
