#!/bin/sh
# Checks a generated 30-person world with the openssl CLI (see the .py file).
set -eu
here="${TEST_SRCDIR}/${TEST_WORKSPACE:-kensho}/tools/jpki_sim"
exec /usr/bin/python3 "$here/openssl_interop_test.py" "$here/jpki_sim"
