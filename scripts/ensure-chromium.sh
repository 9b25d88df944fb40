#!/bin/sh
# The guide's browser tests drive Debian's chromium and draw the figures in its fonts.
# `make test` runs this first: it installs them when they are missing and it can (root with
# apt-get), and otherwise stops the run, before anything else starts, with the command to type.
# `--always` asks apt even when everything is there (CI: apt-get makes that a no-op).
set -eu

PACKAGES="chromium fonts-dejavu-core fonts-liberation"
CHROMIUM="${GUIDE_CHROMIUM:-/usr/bin/chromium}"  # the same path the browser tests launch
COMMAND="sudo apt-get update && sudo apt-get install -y --no-install-recommends $PACKAGES"

missing() {
    [ -x "$CHROMIUM" ] || return 0
    command -v dpkg-query >/dev/null 2>&1 || return 1  # not Debian: only the browser matters
    for package in $PACKAGES; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
            || return 0
    done
    return 1
}

if [ "${1:-}" = "--always" ] || missing; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "== installing Debian's $PACKAGES for the guide's browser tests"
        export DEBIAN_FRONTEND=noninteractive
        # shellcheck disable=SC2086  # one word per package
        apt-get update -qq && apt-get install -y -qq --no-install-recommends $PACKAGES >/dev/null \
            || echo "apt-get could not install them (its message is above)." >&2
    fi
fi
missing || exit 0

echo "The guide's browser tests need Debian's chromium and its fonts: run \`$COMMAND\`, then \`make test\` again." >&2
exit 1
