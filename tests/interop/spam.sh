#!/usr/bin/env bash
# Spam filters: every draft outcry ships, scored by SpamAssassin's local rules
# (`spamassassin -L -t`, the Debian package, installed with apt-get if missing), must score
# at most 1.0: the e-mail letters of both example campaigns and a bulk sample whose members
# write from free-mail addresses. Run by .ci/run after `cargo build`; nothing is sent.
# Measurements and the rules that fired before: docs/deliverability.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
outcry=$PWD/target/debug/outcry
limit=1.0

if ! command -v spamassassin >/dev/null; then
  echo "installing SpamAssassin (Debian package)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends spamassassin >/dev/null
fi
spamassassin -V | sed -n 1p

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export HOME=$scratch/home XDG_CONFIG_HOME=$scratch/home/.config SOURCE_DATE_EPOCH=1304337600
export OUTCRY_SENDER_NAME="Leeds Branch" OUTCRY_SENDER_EMAIL="branch@example.org" OUTCRY_SENDER_COUNTRY="GB"
# Members write from free-mail addresses (drafts only: nothing is sent to them).
cat >"$scratch/members.csv" <<'CSV'
name,email,city,country,note,member_no
Ann Activist,ann.activist@gmail.com,Leeds,GB,I marched in Leeds.,17
Dora Demo,dora.demo@yahoo.com,Berlin,DE,,20
CSV
for c in mayday-2011 free-ainur-kurmanov; do
  "$outcry" compose "$c" --out "$scratch/$c" 2>/dev/null
done
"$outcry" compose mayday-2011 --signers "$scratch/members.csv" --out "$scratch/bulk" 2>/dev/null

failed=0 scored=0
for eml in "$scratch"/*/*.eml; do
  report=$(spamassassin -L -t <"$eml" 2>/dev/null)
  score=$(printf '%s\n' "$report" | sed -n 's/^X-Spam-Status: [A-Za-z]*, score=\(-\{0,1\}[0-9.]*\).*/\1/p' | sed -n 1p)
  [ -n "$score" ] || { echo "spam: no score for $eml" >&2; exit 1; }
  rules=$(printf '%s\n' "$report" | sed -n '/^Content analysis details/,$p' |
    awk '/^ *-?[0-9.]+ [A-Z][A-Z0-9_]+ /{ printf "%s(%s) ", $2, $1 }')
  name=${eml#"$scratch"/}
  printf '%-55s %5s  %s\n' "$name" "$score" "$rules"
  scored=$((scored + 1))
  if awk -v s="$score" -v l="$limit" 'BEGIN { exit !(s > l) }'; then
    echo "spam: $name scores $score, above $limit" >&2
    printf '%s\n' "$report" | sed -n '/^Content analysis details/,$p' >&2
    failed=$((failed + 1))
  fi
done
[ "$scored" -ge 10 ] || { echo "spam: only $scored drafts scored" >&2; exit 1; }
echo "spam: $scored drafts scored, $failed above $limit"
[ "$failed" -eq 0 ]
