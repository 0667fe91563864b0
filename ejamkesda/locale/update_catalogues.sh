#!/bin/sh
# Update the English catalogues (Bahasa Indonesia is the source language), then compile them.
#   sh ejamkesda/locale/update_catalogues.sh          # every app + project templates
#   sh ejamkesda/locale/update_catalogues.sh funds    # only some apps ("project" = ejamkesda/templates)
# New or changed strings come out with an empty msgstr or "#, fuzzy": translate them, remove the
# fuzzy flag, run this script again (it compiles the .mo files), commit the .po AND .mo files.
# See docs/terjemahan.md.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PY=${PYTHON:-$ROOT/.venv/bin/python}
MAKE="$PY $ROOT/manage.py makemessages -l en --ignore=tests/* --add-location=file --no-obsolete"

if [ "$#" -eq 0 ]; then
    set -- project
    for dir in "$ROOT"/ejamkesda/*/locale; do
        set -- "$@" "$(basename "$(dirname "$dir")")"
    done
fi

for app in "$@"; do
    if [ "$app" = project ]; then
        # No locale/ in ejamkesda/templates, so makemessages writes to LOCALE_PATHS (ejamkesda/locale).
        (cd "$ROOT/ejamkesda/templates" && $MAKE >/dev/null)
    else
        mkdir -p "$ROOT/ejamkesda/$app/locale"
        (cd "$ROOT/ejamkesda/$app" && $MAKE >/dev/null)
    fi
done

(cd "$ROOT/ejamkesda" && $PY "$ROOT/manage.py" compilemessages -l en >/dev/null)

if command -v msgfmt >/dev/null; then
    for po in "$ROOT"/ejamkesda/locale/en/LC_MESSAGES/django.po "$ROOT"/ejamkesda/*/locale/en/LC_MESSAGES/django.po; do
        printf '%s: ' "${po#"$ROOT"/}"
        msgfmt --check --statistics -o /dev/null "$po" 2>&1
    done
fi
