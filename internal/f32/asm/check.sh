#!/bin/sh
# check.sh verifies that the committed assembly of internal/f32 and its Go
# declarations (gemm_amd64.s/.go, elementwise_amd64.s/.go) are what the
# generator in this folder produces (and distance_amd64.s/.go,
# rowupdate_amd64.s/.go, filteri8_amd64.s/.go).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$here" && go run . -out "$tmp")
status=0
for f in gemm_amd64.s gemm_amd64.go elementwise_amd64.s elementwise_amd64.go distance_amd64.s distance_amd64.go rowupdate_amd64.s rowupdate_amd64.go filteri8_amd64.s filteri8_amd64.go; do
	if ! diff -u "$here/../$f" "$tmp/$f"; then
		echo "internal/f32/$f is stale: run go generate ./internal/f32" >&2
		status=1
	fi
done
exit $status
