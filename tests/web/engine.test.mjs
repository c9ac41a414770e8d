// tests/web/engine.test.mjs — the lab's engine (web/dist/mmsim.js, the
// simulator and Lua compiled to WebAssembly) under node, without a
// browser: every example, and tests/host32/check.lua, print what the
// native `mmsim run --machine teaching` prints for them, byte for byte
// (the lab runs on the teaching machine). Prints "engine: N passed, N
// failed"; exit 1 on any failure.
//
// usage: node tests/web/engine.test.mjs DIST MMSIM SCRIPT...
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { resolve } from "node:path";

const [dist, mmsim, ...scripts] = process.argv.slice(2);
process.setMaxListeners(0);     // each engine instance listens on process
const require = createRequire(import.meta.url);
const createMmsim = require(resolve(dist, "mmsim.js"));
const wasmBinary = readFileSync(resolve(dist, "mmsim.wasm"));

// What script prints in a fresh engine, as the lab's Run (without Narrate).
async function runInEngine(script) {
	let out = [];
	const put = (c) => {
		if (c !== null) out.push(c);
	};
	const before = new Map(process.eventNames().map((e) => [e, new Set(process.listeners(e))]));
	const M = await createMmsim({ wasmBinary, preRun: [(M) => M.FS.init(null, put, put)] });
	try {
		return runScript(M, script, out);
	} finally {
		// The engine's listeners on process keep the instance (and its
		// memory, up to 2 GB) alive: drop them so it can be collected.
		for (const e of process.eventNames())
			for (const l of process.listeners(e))
				if (!before.get(e)?.has(l)) process.removeListener(e, l);
	}
}

// Run script in the engine instance M, whose output goes to out.
function runScript(M, script, out) {
	const cstr = (s) => {
		const n = M.lengthBytesUTF8(s) + 1, p = M._malloc(n);
		M.stringToUTF8(s, p, n);
		return p;
	};
	if (M._lab_reset(0, cstr("teaching"), cstr(""))) throw new Error(M.UTF8ToString(M._lab_result()));
	const rc = M._lab_exec(cstr(readFileSync(script, "utf8")), cstr("=script"));
	const text = Buffer.from(out).toString("utf8");
	return rc ? text + "error: " + M.UTF8ToString(M._lab_result()) + "\n" : text;
}

function firstDifference(a, b) {
	const al = a.split("\n"), bl = b.split("\n");
	for (let i = 0; i < Math.max(al.length, bl.length); i++)
		if (al[i] !== bl[i]) return `line ${i + 1}: wasm "${al[i]}" native "${bl[i]}"`;
	return "";
}

let passed = 0, failed = 0;
for (const script of scripts) {
	const wasm = await runInEngine(script);
	const native = execFileSync(mmsim, ["run", "--machine", "teaching", script],
		{ encoding: "utf8", maxBuffer: 1 << 30 });
	if (wasm === native) passed++;
	else {
		failed++;
		console.log(`FAIL ${script}: the engine's output is not the native one: ${firstDifference(wasm, native)}`);
	}
}
console.log(`engine: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
