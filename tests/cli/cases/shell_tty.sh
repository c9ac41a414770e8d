# mmsim shell on a terminal: Ctrl-C, the history file, completion. The
# keyboard is tests/cli/keyboard.py (a pseudo-terminal driven step by step:
# each step waits for what the shell prints, nothing is timed).
# keyboard NAME STEPS [ENV=VALUE...]: the shell run with the steps (one a
# line); passes when every step is met.
keyboard() {
	local name=$1 steps=$2 envs=()
	shift 2
	for e in "$@"; do
		envs+=(--env "$e")
	done
	if printf '%s\n' "$steps" | env -u MMSIM_HISTORY python3 "$here/keyboard.py" --env TERM=xterm \
		"${envs[@]}" -- "$MMSIM" shell >"$tmp/keyboard" 2>&1; then
		pass=$((pass + 1))
	else
		echo "FAIL $name:"
		sed 's/^/    /' "$tmp/keyboard" | head -30
		fail=$((fail + 1))
	fi
}

if ! command -v python3 >/dev/null || ! python3 -c 'import pty' 2>/dev/null; then
	echo "SKIP shell on a terminal: python3 with its pty module is not installed"
else
	hist="MMSIM_HISTORY=$tmp/history"
	rm -f "$tmp/history"
	# Ctrl-C stops the statement running; the session and its state stay
	keyboard shell-tty-interrupt 'expect mmsim> 
send x = 5\r
expect mmsim> 
send print("started") while true do x = x end\r
expect ^started
send \x03
expect ^\^?C?interrupted
expect mmsim> 
send print(x * 2)\r
expect ^10
expect mmsim> 
send \x04
exit 0' "$hist"
	# Ctrl-C while typing abandons the line, or the unfinished statement
	keyboard shell-tty-abandon 'expect mmsim> 
send abc
send \x03
expect mmsim> 
send for i = 1, 2 do\r
expect >> 
send \x03
expect mmsim> 
send print(5)\r
expect ^5
expect mmsim> 
send \x04
exit 0' "$hist"
	# a statement of several lines is one entry of the history, which a
	# second session reads back; the file is written after each statement,
	# so a session that is killed keeps it
	rm -f "$tmp/history"
	keyboard shell-tty-history-write 'expect mmsim> 
send for i = 1, 2 do\r
expect >> 
send print(i * 10)\r
expect >> 
send end\r
expect ^20
expect mmsim> ' "$hist"
	keyboard shell-tty-history-read 'expect mmsim> 
send \x1b[A
send \r
expect ^10
expect ^20
expect mmsim> 
send \x04
exit 0' "$hist"
	mkdir -p "$tmp/home"
	keyboard shell-tty-history-home 'expect mmsim> 
send print("from " .. "home")\r
expect ^from home
expect mmsim> 
send \x04
exit 0' "HOME=$tmp/home"
	keyboard shell-tty-history-home-read 'expect mmsim> 
send \x1b[A\r
expect ^from home
expect mmsim> 
send \x04
exit 0' "HOME=$tmp/home"
	# completion looks at the value before the ":" or "."
	keyboard shell-tty-complete 'expect mmsim> 
send tbl = {alpha = 41}\r
expect mmsim> 
send print(tbl.al\t + 1)\r
expect ^42
expect mmsim> 
send p = mmsim.machine{preset = "teaching"}:spawn()\r
expect mmsim> 
send s = "p:ch\t"\r
expect mmsim> 
send print(s)\r
expect ^p:ch\r
expect mmsim> 
send s = "p.machine:ch\t"\r
expect mmsim> 
send print(s)\r
expect ^p.machine:check\r
expect mmsim> 
send s = "p:mpr\t"\r
expect mmsim> 
send print(s)\r
expect ^p:mprotect\r
expect mmsim> 
send print(p.mac\t)\r
expect ^mmsim.machine \(teaching
expect mmsim> 
send print(mmsim.vers\t)\r
expect ^[0-9]+\.[0-9]+\.[0-9]+\r
expect mmsim> 
send \x04
exit 0' "$hist"
fi
