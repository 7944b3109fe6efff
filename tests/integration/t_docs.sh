# --help, the README and the man page agree: every option that --help lists
# is in the other two, and every option they document is one nscap takes.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
"$NSCAP" --help >"$LAB_DIR/help" || fail "--help"
sed 's/\\-/-/g' "$top/nscap.1" >"$LAB_DIR/man"
grep -Eo -- '--[a-z][a-z-]+' "$LAB_DIR/help" | sort -u >"$LAB_DIR/longs"
grep -Eo -- '^  -[A-Za-z],' "$LAB_DIR/help" | tr -d ' ,' | sort -u >"$LAB_DIR/shorts"
[ "$(wc -l <"$LAB_DIR/longs")" -ge 25 ] || fail "--help lists only $(wc -l <"$LAB_DIR/longs") long options"
while read -r opt; do
	grep -q -- "$opt" "$top/README.md" || fail "README.md does not document $opt"
	grep -q -- "$opt" "$LAB_DIR/man" || fail "nscap.1 does not document $opt"
done <"$LAB_DIR/longs"
while read -r opt; do
	grep -q -- "\`$opt[,\` ]" "$top/README.md" || fail "README.md does not document $opt"
	grep -q -- "^\.BR $opt \|^\.B $opt\|^\.BR $opt\b" "$top/nscap.1" ||
		grep -q -- "$opt" "$LAB_DIR/man" || fail "nscap.1 does not document $opt"
done <"$LAB_DIR/shorts"
# a namespace file's path starts with /, ./ or ../ ("run/netns/X" is
# none): each of the three says so, with ./ns for one in this directory
for doc in "$LAB_DIR/help" "$LAB_DIR/man" "$top/README.md"; do
	tr -d '`' <"$doc" | grep -q '/, \./ or \.\./' ||
		fail "$(basename "$doc") does not say that a path starts with /, ./ or ../"
	grep -q '\./ns' "$doc" || fail "$(basename "$doc") does not give ./ns as a path"
done
# the README's option table names only options nscap takes
grep -Eo -- '^\| `--?[a-zA-Z][a-z-]*' "$top/README.md" | sed 's/^| `//' | sort -u |
	while read -r opt; do
		grep -q -- "$opt" "$LAB_DIR/help" || fail "README.md documents $opt, which --help does not list"
	done || exit 1
pass
