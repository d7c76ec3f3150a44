#!/bin/sh
# SPDX-License-Identifier: MIT
# Extraction benchmark against InQuest's iocextract; see run.py.
# Usage: IOCEXTRACT_DIR=... bench/extract/run.sh BUILD_DIR
set -eu
exec python3 "$(dirname "$0")/run.py" "$@"
