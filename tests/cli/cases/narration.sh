# Narration names functions that exist: every "kernel NAME:" of the golden
# outputs and of narration.lua, which drives every narration point (with
# 4- and 5-level paging, for every table allocator), is a function of src/.
"$MMSIM" explain "$here/narration.lua" >"$tmp/narration4" 2>&1
"$MMSIM" explain -o paging=5 "$here/narration.lua" >"$tmp/narration5" 2>&1
"$MMSIM" explain -o caches=1 "$here/narration.lua" >"$tmp/narration_caches" 2>&1
check narration-runs grep -q 'kernel do_group_exit: pid 1 exits with 0' "$tmp/narration4"
check narration-names-are-functions bash "$here/narration_names.sh" "$here/../../src" \
	"$tmp/narration4" "$tmp/narration5" "$tmp/narration_caches" "$here"/golden/examples/*.txt "$here/golden/demo.txt"
