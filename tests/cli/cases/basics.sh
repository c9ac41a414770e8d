# The command's own options and errors.
expect version 0 '^mmsim [0-9]+\.[0-9]+\.[0-9]+$' -- --version
expect help 0 'usage: mmsim' -- --help
expect no-args 2 'usage: mmsim' --
expect unknown-command 2 "'frobnicate' is not a command" -- frobnicate
expect demo-help 0 'usage: mmsim demo' -- demo --help
expect proc-help 0 'usage: mmsim proc' -- proc --help
expect unknown-option 2 "unknown option '--bogus'" -- demo --bogus
expect bad-o-key 2 "unknown configuration key 'nosuchkey'" -- proc -o nosuchkey=1 /proc/buddyinfo
expect bad-o-form 2 "-o wants KEY=VALUE" -- proc -o ram /proc/buddyinfo
expect bad-ram 2 "ram: 3 is below the 16M minimum" -- proc -o ram=3 /proc/buddyinfo
expect bad-ram-word 2 "ram: 'lots' is not a size" -- proc -o ram=lots /proc/buddyinfo
expect bad-cores 2 "cores: '0' is not a number from 1 to 256" -- proc -o cores=0 /proc/buddyinfo
expect bad-paging 2 "paging: '3' must be 4 or 5" -- proc -o paging=3 /proc/buddyinfo
expect unknown-preset 2 "unknown machine preset 'nosuch'" -- proc --machine nosuch /proc/buddyinfo
expect bad-proc-path 1 "/proc/nosuch: no such file" -- proc /proc/nosuch
expect proc-list 0 '^/proc/buddyinfo$' -- proc list
expect proc-list-binary 0 '^/proc/kpageflags +\(binary: m:kpageflags in a script\)$' -- proc list
expect proc-list-process 0 '^/proc/<pid>/smaps +\(per process: p:smaps in a script\)$' -- proc list
# every path listed without a note is one `mmsim proc` prints
"$MMSIM" proc list >"$tmp/list" 2>&1
check proc-list-servable bash -c "grep -v ' (' '$tmp/list' | xargs '$MMSIM' proc >/dev/null"
check proc-list-all bash -c "test \$(wc -l <'$tmp/list') -eq 60"
expect proc-list-json 0 '"machines": \[' -- proc --json - list
expect proc-buddyinfo 0 '^Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      3 $' -- proc /proc/buddyinfo
expect proc-ram-override 0 '^MemTotal: +[0-9]+ kB$' -- proc -o ram=64M /proc/meminfo
golden demo "$here/golden/demo.txt" -- demo
expect demo-small 0 'zone DMA ' -- demo -o ram=16M
expect demo-args 2 'usage: mmsim demo' -- demo extra
expect inspect-help 0 'usage: mmsim inspect \[--pages\] \[--unprivileged\]' -- inspect --help
expect inspect-no-pid 2 'usage: mmsim inspect' -- inspect
expect inspect-bad-pid 2 "'-3' is not a process id" -- inspect -- -3
expect inspect-bad-option 2 "unknown option '--frames'" -- inspect --frames 1
expect diff-help 0 'usage: mmsim diff' -- diff --help
expect diff-no-script 2 'usage: mmsim diff' -- diff
expect diff-missing-script 2 'cannot read /nonexistent.lua: No such file or directory' -- diff /nonexistent.lua
expect diff-no-script-why 2 '^mmsim diff: no script given' -- diff
expect proc-no-path 2 '^mmsim proc: no path given' -- proc
expect inspect-no-pid-why 2 '^mmsim inspect: no process id given' -- inspect

# `mmsim help COMMAND` is `mmsim COMMAND --help`
expect help-run 0 '^usage: mmsim run \[OPTIONS\] SCRIPT.lua' -- help run
expect help-inspect 0 '^usage: mmsim inspect' -- help inspect
expect help-nosuch 2 "'nosuch' is not a command" -- help nosuch
expect help-general 0 'usage: mmsim' -- help

# options a command does not use are refused, and its help lists only its own
expect inspect-machine 2 "^mmsim inspect: --machine does not apply to inspect" -- inspect --machine zen4 1
expect inspect-o 2 "^mmsim inspect: -o does not apply to inspect" -- inspect -o ram=1G 1
expect inspect-seed 2 "^mmsim inspect: --seed does not apply to inspect" -- inspect --seed 3 1
expect presets-machine 2 "^mmsim presets: --machine does not apply to presets" -- presets --machine zen4
expect presets-json 2 "^mmsim presets: --json does not apply to presets" -- presets --json /dev/null
"$MMSIM" inspect --help >"$tmp/help" 2>&1
check inspect-help-own bash -c "grep -q -- '--json FILE' '$tmp/help' && ! grep -q -- '--machine' '$tmp/help'"
"$MMSIM" presets --help >"$tmp/help" 2>&1
check presets-help-own bash -c "! grep -q -- '--json' '$tmp/help'"

# inspect on a process without user memory says what it is.
if [[ $(uname -s) == Linux && -r /proc/self/stat ]]; then
	kthread=
	for s in /proc/[0-9]*/stat; do
		read -r line <"$s" 2>/dev/null || continue
		read -r -a f <<<"${line##*) }"         # the fields after "(comm)"
		if (( ${f[6]:-0} & 0x200000 )); then   # flags: PF_KTHREAD
			kthread=${s//[^0-9]/}
			break
		fi
	done
	if [[ -n $kthread ]]; then
		expect inspect-kthread 1 "is a kernel thread: it has no user address space" -- inspect "$kthread"
	else
		echo "SKIP inspect-kthread: no kernel thread is visible in this pid namespace"
	fi
	if command -v python3 >/dev/null; then
		python3 - "$MMSIM" >"$tmp/out" 2>&1 <<'PY'
import os, subprocess, sys, time
pid = os.fork()
if pid == 0:
    os._exit(0)
while open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] != "Z":
    time.sleep(0.01)                      # until it is a zombie, not a timing bound
r = subprocess.run([sys.argv[1], "inspect", str(pid)], capture_output=True, text=True)
os.waitpid(pid, 0)
print(r.returncode, r.stderr, end="")
PY
		judge inspect-zombie 0 $? '^1 mmsim inspect: pid [0-9]+ \(python3\) is a zombie'
	else
		echo "SKIP inspect-zombie: python3 is not installed"
	fi
fi

# Simulated RAM the host will not reserve says why (an RLIMIT_AS here; a
# sanitized build cannot start at all under one: its shadow memory needs it).
out=$(ulimit -v 2000000 2>/dev/null && "$MMSIM" run - <<<'mmsim.machine{ram="4G"}' 2>&1)
if [[ $out == *"AddressSanitizer failed to allocate"* ]]; then
	echo "SKIP ram-refused-by-host: this build is sanitized, and ASan cannot start under an RLIMIT_AS"
	skip=$((skip + 1))
elif [[ $out == *"ram: the host refused to reserve 4294967296 bytes of address space"*"RLIMIT_AS"* ]]; then
	pass=$((pass + 1))
else
	echo "FAIL ram-refused-by-host: $out"
	fail=$((fail + 1))
fi
