// web/static/lab.js — the lab's page: the editor and its examples, Run and
// Step, the narration, a REPL line, the pictures (src/draw through
// lab.picture), presets and settings, sharing a script in the URL's
// fragment. The simulator is the WebAssembly module mmsim.js (web/src/lab.c).
"use strict";

const $ = (id) => document.getElementById(id);
const PICTURES = ["pagetable", "walk", "tlb", "vmas", "physmem", "buddy"];
const lab = { M: null, stepping: false, shown: "pagetable", bytes: [], kept: 0, dropped: 0, cutShown: false };

// ---- the module ------------------------------------------------------------------
// The module is 64-bit WebAssembly: its pointers are BigInts in JavaScript
// (its malloc and free take and give Numbers).
function ptr(p) {
	return lab.big ? BigInt(p) : p;
}
function cstr(s) {
	const n = lab.M.lengthBytesUTF8(s) + 1, p = lab.M._malloc(n);
	lab.M.stringToUTF8(s, p, n);
	return p;
}
// Call lab_NAME with args: numbers pass as they are, strings as C strings.
function call(name, ...args) {
	const owned = [];
	const cargs = args.map((a) => {
		if (typeof a === "number") return a;
		const p = cstr(a);
		owned.push(p);
		return ptr(p);
	});
	try {
		return Number(lab.M["_" + name](...cargs));
	} finally {
		owned.forEach((p) => lab.M._free(p));
	}
}
function result() {
	return lab.M.UTF8ToString(call("lab_result"));
}
// Run Lua in the lab's state: {ok, value}.
function exec(code, name) {
	const rc = call("lab_exec", code, name || "=lab");
	return { ok: rc === 0, value: result() };
}

// ---- output ----------------------------------------------------------------------
// Standard output and error, byte by byte as the module writes them (a
// line without its newline yet included), shown after each call. A run
// shows at most OUTPUT_MAX bytes (the tour narrated says 83 MB, which no
// page holds): the rest is counted, and a line says where it was cut.
const OUTPUT_MAX = 4 << 20;
function putByte(c) {
	if (c === null) return;
	if (lab.kept < OUTPUT_MAX) {
		lab.bytes.push(c);
		lab.kept++;
	} else {
		lab.dropped++;
	}
}
function print(line) {
	for (const b of new TextEncoder().encode(line + "\n")) lab.bytes.push(b);
}
function flush() {
	if (lab.dropped && !lab.cutShown) {
		print("\n[the output is cut here, after 4 MiB: `mmsim run` or `mmsim explain` prints all of it]");
		lab.cutShown = true;
	}
	if (!lab.bytes.length) return;
	const pre = $("narration");
	pre.append(new TextDecoder().decode(Uint8Array.from(lab.bytes)));
	lab.bytes = [];
	pre.scrollTop = pre.scrollHeight;
}
// What a finished run's status adds when its output was cut.
function cutNote() {
	return lab.dropped ? ` (${lab.dropped} bytes of output not shown)` : "";
}
function status(text, error) {
	$("status").textContent = text;
	$("status").classList.toggle("error", !!error);
}

// ---- settings ---------------------------------------------------------------------
function settingsLines() {
	return $("settings").value.trim().split(/\s+/).filter(Boolean).join("\n");
}
function reset() {
	lab.stepping = false;
	lab.kept = lab.dropped = 0;
	lab.cutShown = false;
	$("narration").textContent = "";
	const rc = call("lab_reset", $("explain").checked ? 1 : 0, $("preset").value, settingsLines());
	if (rc !== 0) status("cannot start: " + result(), true);
	return rc === 0;
}

// ---- pictures ---------------------------------------------------------------------
function showPicture(what) {
	lab.shown = what;
	for (const b of document.querySelectorAll("#tabs [data-picture]")) {
		const on = b.dataset.picture === what;
		b.setAttribute("aria-selected", on ? "true" : "false");
		b.tabIndex = on ? 0 : -1;
	}
	for (const p of PICTURES) $("pic-" + p).hidden = p !== what;
}
function refreshPictures() {
	for (const what of PICTURES) {
		const r = exec(`local s, why = lab.picture(${JSON.stringify(what)}) return s or ("!" .. tostring(why))`, "=picture");
		const fig = $("pic-" + what);
		if (r.ok && r.value.startsWith("<?xml")) {
			fig.innerHTML = r.value.replace(/^<\?xml[^>]*>\s*/, "");
		} else {
			const p = document.createElement("p");
			p.textContent = r.value.replace(/^!/, "");
			fig.replaceChildren(p);
		}
	}
	flush();
}

// ---- run, step ---------------------------------------------------------------------
function run() {
	if (!reset()) return;
	status("Running…");
	const r = exec($("editor").value, "=script");
	flush();
	refreshPictures();
	status((r.ok ? "Finished." : "Error: " + r.value) + cutNote(), !r.ok);
	$("narration").dataset.state = r.ok ? "finished" : "error";
}
function lineText(n) {
	return ($("editor").value.split("\n")[n - 1] || "").trim();
}
function selectLine(n) {
	const ed = $("editor"), lines = ed.value.split("\n");
	let start = 0;
	for (let i = 0; i < n - 1 && i < lines.length; i++) start += lines[i].length + 1;
	ed.setSelectionRange(start, start + (lines[n - 1] || "").length);
}
function step() {
	if (!lab.stepping) {
		if (!reset()) return;
		if (call("lab_start", $("editor").value) !== 0) {
			status("Error: " + result(), true);
			return;
		}
		lab.stepping = true;
	}
	const rc = call("lab_step");
	flush();
	refreshPictures();
	if (rc === 0) {
		const n = call("lab_line");
		status(`Paused before line ${n}: ${lineText(n)}`);
		$("narration").dataset.state = "paused";
		$("narration").dataset.line = String(n);
		selectLine(n);
	} else {
		lab.stepping = false;
		status((rc === 1 ? "Finished." : "Error: " + result()) + cutNote(), rc === 2);
		$("narration").dataset.state = rc === 1 ? "finished" : "error";
	}
}
function stop() {
	lab.stepping = false;
	status("Stopped.");
}

// ---- the REPL line ---------------------------------------------------------------------
function repl(line) {
	print("> " + line);
	let r = exec("return " + line, "=repl");
	if (!r.ok && /syntax error|unexpected symbol|'<eof>' expected|near/.test(r.value)) r = exec(line, "=repl");
	if (r.value !== "") print(r.value);
	refreshPictures();
}

// ---- sharing -----------------------------------------------------------------------------
function toBase64Url(text) {
	const bytes = new TextEncoder().encode(text);
	let bin = "";
	for (const b of bytes) bin += String.fromCharCode(b);
	return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
function fromBase64Url(s) {
	const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
	return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}
function share() {
	const params = new URLSearchParams();
	params.set("script", toBase64Url($("editor").value));
	if ($("preset").value) params.set("machine", $("preset").value);
	if ($("settings").value.trim()) params.set("settings", $("settings").value.trim());
	history.replaceState(null, "", "#" + params.toString());
	status("The address bar now holds this script: copy it to share.");
}
function fromFragment() {
	const params = new URLSearchParams(location.hash.slice(1));
	if (params.has("machine")) $("preset").value = params.get("machine");
	if (params.has("settings")) $("settings").value = params.get("settings");
	if (params.has("example")) return loadExample(params.get("example"));
	if (!params.has("script")) return false;
	try {
		$("editor").value = fromBase64Url(params.get("script"));
		return true;
	} catch (e) {
		status("The shared script in the address cannot be read: " + e.message, true);
		return false;
	}
}

// ---- examples, presets, keys ---------------------------------------------------------------
function loadExample(name) {
	const ex = (window.MMSIM_EXAMPLES || []).find((e) => e.name === name);
	if (!ex) return false;
	$("example").value = name;
	$("editor").value = ex.text;
	return true;
}
function fillMenus() {
	for (const ex of window.MMSIM_EXAMPLES || []) {
		const o = document.createElement("option");
		o.value = ex.name;
		o.textContent = ex.name + (ex.title ? " — " + ex.title.slice(0, 60) : "");
		$("example").append(o);
	}
	const presets = exec("local t = {} for _, p in ipairs(mmsim.presets()) do t[#t + 1] = p.name end return table.concat(t, '\\n')");
	for (const name of presets.value.split("\n")) {
		if (!name || name === "default") continue;
		const o = document.createElement("option");
		o.value = o.textContent = name;
		$("preset").append(o);
	}
	// A browser holds machines of up to 1 GiB: the lab starts with the small one.
	$("preset").value = "teaching";
	const keys = exec("return table.concat(mmsim.config_keys(), '\\n')");
	for (const k of keys.value.split("\n")) {
		const o = document.createElement("option");
		o.value = k + "=";
		$("config-keys").append(o);
	}
}

// ---- start -----------------------------------------------------------------------------------
function wire() {
	$("run").onclick = run;
	$("step").onclick = step;
	$("stop").onclick = stop;
	$("share").onclick = share;
	$("example").onchange = () => {
		loadExample($("example").value);
		lab.stepping = false;
	};
	$("editor").addEventListener("input", () => (lab.stepping = false));
	document.addEventListener("keydown", (e) => {
		if (e.ctrlKey && e.key === "Enter") {
			e.preventDefault();
			run();
		} else if (e.ctrlKey && e.key === ".") {
			e.preventDefault();
			step();
		}
	});
	$("repl").addEventListener("keydown", (e) => {
		if (e.key !== "Enter" || !$("repl").value.trim()) return;
		repl($("repl").value);
		$("repl").value = "";
	});
	for (const b of document.querySelectorAll("#tabs [data-picture]")) b.onclick = () => showPicture(b.dataset.picture);
	$("tabs").addEventListener("keydown", (e) => {
		const i = PICTURES.indexOf(lab.shown);
		const j = e.key === "ArrowRight" ? (i + 1) % PICTURES.length : e.key === "ArrowLeft" ? (i + PICTURES.length - 1) % PICTURES.length : -1;
		if (j < 0) return;
		showPicture(PICTURES[j]);
		document.querySelector(`#tabs [data-picture="${PICTURES[j]}"]`).focus();
	});
}

createMmsim({ preRun: [(M) => M.FS.init(null, putByte, putByte)] }).then((M) => {
	lab.M = M;
	lab.big = typeof M._lab_result() === "bigint";
	call("lab_reset", 1, "teaching", "");
	fillMenus();
	wire();
	if (!fromFragment()) loadExample("store42") || loadExample((window.MMSIM_EXAMPLES || [{}])[0].name);
	showPicture("pagetable");
	status("Ready: Run runs the script, Step runs it line by line.");
	document.body.dataset.ready = "1";
	if ("serviceWorker" in navigator && /^https?:$/.test(location.protocol)) navigator.serviceWorker.register("sw.js").catch(() => {});
}, (err) => status("The simulator could not start: " + err, true));
