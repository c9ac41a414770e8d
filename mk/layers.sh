#!/usr/bin/env bash
# Check that every #include under include/ and src/ goes in a direction the
# table mk/layers.txt allows. Prints each offence as
#   FILE:LINE: #include "X" (layer A may not include layer B)
# then a summary line, and exits 1 if there was any (2 for a bad table).
#
# usage: mk/layers.sh [-t TABLE] [ROOT]
#   ROOT: the tree to check (default: the one this script is in);
#   TABLE: the rules (default: mk/layers.txt beside this script).
#
# An include resolves as the compiler resolves it (-Iinclude -Isrc): "X" in
# the including file's directory, then include/X, then src/X; <X> in
# include/ and src/ only, else it is a system header and is not checked.
# A "X" found nowhere is an offence too: its layer cannot be told.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
table=$here/layers.txt
if [[ ${1:-} == -t ]]; then
	table=$2
	shift 2
fi
root=${1:-$here/..}
[[ -f $table ]] || { echo "layers: no table $table" >&2; exit 2; }
[[ -d $root ]] || { echo "layers: no directory $root" >&2; exit 2; }
cd "$root"

# Every file of the tree, then the table, go to awk; it reads each source.
{ find include src -type f 2>/dev/null || true; } | LC_ALL=C sort |
LC_ALL=C awk -v table="$table" -v tname="$(basename "$(dirname "$table")")/$(basename "$table")" '
function fail_table(msg) { print tname ":" NR ": " msg > "/dev/stderr"; bad_table = 1 }

# normalize(p): p without "." and "dir/.." components.
function normalize(p,    n, i, parts, out, k) {
	n = split(p, parts, "/")
	k = 0
	for (i = 1; i <= n; i++) {
		if (parts[i] == "" || parts[i] == ".")
			continue
		if (parts[i] == ".." && k > 0 && out[k] != "..") { k--; continue }
		out[++k] = parts[i]
	}
	p = ""
	for (i = 1; i <= k; i++)
		p = p (i > 1 ? "/" : "") out[i]
	return p
}

# layer_of(f): the layer whose path is the longest prefix of f, or "".
function layer_of(f,    i, best, len) {
	best = ""; len = 0
	for (i = 1; i <= npaths; i++) {
		if ((substr(paths[i], length(paths[i])) == "/" ? index(f, paths[i]) == 1 : f == paths[i]) &&
		    length(paths[i]) > len) {
			best = path_layer[i]; len = length(paths[i])
		}
	}
	return best
}

# resolve(f, name, quoted): the file the include names, "" if none in the tree.
function resolve(f, name, quoted,    dir, c) {
	if (quoted) {
		dir = f; sub(/\/[^\/]*$/, "", dir)
		c = normalize(dir "/" name)
		if (c in exists) return c
	}
	c = normalize("include/" name); if (c in exists) return c
	c = normalize("src/" name);     if (c in exists) return c
	return ""
}

function offence(f, line, text, why) {
	print f ":" line ": " text " (" why ")"
	offences++
}

BEGIN {
	while ((getline l < table) > 0) {
		NR++
		sub(/#.*/, "", l)
		if (l ~ /^[ \t]*$/) continue
		n = split(l, w, /[ \t]+/)
		if (w[1] == "") { for (i = 1; i < n; i++) w[i] = w[i + 1]; n-- }
		if (n < 3 || w[3] != "->") { fail_table("want: LAYER PATH -> LAYER..."); continue }
		paths[++npaths] = w[2]; path_layer[npaths] = w[1]; defined[w[1]] = 1
		for (i = 4; i <= n; i++) { may[w[1], w[i]] = 1; named[w[i]] = NR }
	}
	close(table)
	for (x in named)
		if (!(x in defined)) { NR = named[x]; fail_table("no layer named " x) }
	if (bad_table) exit 2
}

{ exists[$0] = 1; files[++nfiles] = $0 }

END {
	if (bad_table) exit 2
	for (i = 1; i <= nfiles; i++) {
		f = files[i]
		if (f !~ /\.(c|h|S)$/) continue
		from = layer_of(f)
		if (from == "") { print f ": in no layer of " tname; offences++; continue }
		checked++
		line = 0
		while ((getline l < f) > 0) {
			line++
			if (l !~ /^[ \t]*#[ \t]*include[ \t]*["<][^">]*[">]/) continue
			name = l; sub(/^[ \t]*#[ \t]*include[ \t]*/, "", name)
			quoted = substr(name, 1, 1) == "\""
			name = substr(name, 2); sub(/[">].*$/, "", name)
			text = "#include " (quoted ? "\"" name "\"" : "<" name ">")
			includes++
			to = resolve(f, name, quoted)
			if (to == "") {
				if (quoted) offence(f, line, text, "no such file here, in include/ or in src/")
				continue
			}
			into = layer_of(to)
			if (into == "")
				offence(f, line, text, "layer " from " may not include " to ": it is in no layer")
			else if (into != from && !((from, into) in may))
				offence(f, line, text, "layer " from " may not include layer " into)
		}
		close(f)
	}
	printf "layers: %d files, %d includes, %d offence%s against %s\n", checked, includes, offences,
	       offences == 1 ? "" : "s", tname
	exit offences > 0
}'
