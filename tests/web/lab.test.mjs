// tests/web/lab.test.mjs — the browser lab in headless Chromium (the
// system's, driven by playwright-core: no browser download). Serves
// web/dist from 127.0.0.1, then: the page loads and lists the examples;
// the tour runs and narrates; the pictures show what the simulator holds
// (the PML4 entry of the tour's address, a #PF in the walk before a
// store); stepping through *p = 42 stops at each line and the pictures
// follow; the REPL answers; a script shared in the URL comes back; the
// tour's output and the narration of store42 are the native command's,
// byte for byte. Screenshots
// go to $WEB_ARTIFACTS (default build/web-test). Prints "web: N passed, N
// failed"; exit 1 on any failure.
//
// usage: node tests/web/lab.test.mjs DIST CHROMIUM MMSIM
import { createServer } from "node:http";
import { readFileSync, mkdirSync, existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join, extname, resolve } from "node:path";
import { chromium } from "playwright-core";

const [dist, browserPath, mmsim] = process.argv.slice(2).map((p) => resolve(p));
const artifacts = resolve(process.env.WEB_ARTIFACTS || "build/web-test");
mkdirSync(artifacts, { recursive: true });
let passed = 0, failed = 0;
function check(what, ok, detail) {
	if (ok) passed++;
	else {
		failed++;
		console.log(`FAIL ${what}${detail !== undefined ? ": " + String(detail).slice(0, 400) : ""}`);
	}
}

// ---- a static server on 127.0.0.1 ----------------------------------------------------
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".wasm": "application/wasm" };
const server = createServer((req, res) => {
	const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
	const file = join(dist, path === "/" ? "index.html" : path);
	if (!file.startsWith(dist) || !existsSync(file)) {
		res.writeHead(404).end();
		return;
	}
	res.writeHead(200, { "Content-Type": TYPES[extname(file)] || "application/octet-stream" });
	res.end(readFileSync(file));
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const base = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({ executablePath: browserPath, args: ["--no-sandbox", "--disable-gpu"] });
const page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
const errors = [];
page.on("pageerror", (e) => errors.push(String(e)));
const text = (sel) => page.locator(sel).textContent();

try {
	// ---- the page loads --------------------------------------------------------------------
	await page.goto(base);
	await page.waitForSelector("body[data-ready='1']", { timeout: 60000 });
	const examples = await page.locator("#example option").allTextContents();
	check("the examples are listed", examples.some((e) => e.startsWith("tour")) && examples.some((e) => e.startsWith("store42")), examples.join(", "));
	const presets = await page.locator("#preset option").allTextContents();
	check("the presets are listed", presets.includes("teaching") && presets.includes("zen4"), presets.join(", "));
	check("the lab starts on the teaching machine", (await page.inputValue("#preset")) === "teaching");
	check("the editor holds store42 by default", (await page.inputValue("#editor")).includes("*p = 42"));
	// Accessible: every control has a name a screen reader says; on a
	// laptop's screen nothing scrolls sideways.
	const unnamed = await page.evaluate(() => [...document.querySelectorAll("input, select, textarea, button")]
		.filter((e) => !(e.labels && e.labels.length) && !e.getAttribute("aria-label") && !e.textContent.trim())
		.map((e) => e.id || e.outerHTML.slice(0, 60)));
	check("every control has a name", unnamed.length === 0, unnamed.join(", "));
	await page.setViewportSize({ width: 1366, height: 768 });
	check("the page fits a laptop's width", await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
		await page.evaluate(() => document.documentElement.scrollWidth));
	await page.setViewportSize({ width: 1366, height: 800 });

	// ---- the tour ------------------------------------------------------------------------------
	// Without Narrate: narrated, its swap chapter says a million lines
	// (tests/web/engine.test.mjs and make host32-test compare every example).
	await page.selectOption("#example", "tour");
	await page.uncheck("#explain");
	await page.click("#run");
	await page.waitForSelector("#narration[data-state]");
	const tour = await text("#narration");
	check("the tour finishes", (await page.getAttribute("#narration", "data-state")) === "finished", await text("#status"));
	check("the tour narrates the page fault", /#PF error 0x6/.test(tour), tour.slice(0, 300));
	check("the tour narrates the walk", tour.includes("walk PML4/pgd["), tour.slice(0, 300));
	check("the tour ends with the consistency check", tour.includes("consistency check of the kernel: 0 problems"));
	const native = execFileSync(mmsim, ["run", "--machine", "teaching", "examples/tour.lua"], { encoding: "utf8", maxBuffer: 1 << 30 });
	check("the tour's output is `mmsim run`'s", tour === native, firstDifference(tour, native));
	await page.screenshot({ path: join(artifacts, "tour.png") });
	await page.check("#explain");

	// ---- *p = 42, stepped -----------------------------------------------------------------------
	await page.selectOption("#example", "store42");
	const store42 = await page.inputValue("#editor");
	const storeLine = store42.split("\n").findIndex((l) => l.includes("assert(p:write(ptr, 42, 4))")) + 1;
	await page.click("#step");
	check("a step stops at the first line", (await page.getAttribute("#narration", "data-state")) === "paused");
	const lines = [];
	for (let i = 0; i < 60; i++) {
		const n = Number(await page.getAttribute("#narration", "data-line"));
		lines.push(n);
		if (n === storeLine) break;
		await page.click("#step");
	}
	check("stepping reaches *p = 42 line by line", lines.at(-1) === storeLine && lines.every((n, i) => i === 0 || n > lines[i - 1]), lines.join(","));
	check("the status shows the line", (await text("#status")).includes("assert(p:write(ptr, 42, 4))"), await text("#status"));
	await page.click("[data-picture=walk]");
	let walk = await page.locator("#pic-walk").innerHTML();
	// The walk is of the last address used: before the store nothing maps it.
	check("before the store the walk is not drawn yet or faults", !walk.includes('class="outcome"'), walk.slice(0, 200));
	await page.click("#step");
	const after = await text("#narration");
	check("the store's step narrates the fault and the PTE", after.includes("#PF error 0x6") && after.includes("set_pte_at"), after.slice(-600));
	walk = await page.locator("#pic-walk").innerHTML();
	check("after the store the walk translates", walk.includes('class="outcome" data-vector="0"'), walk.slice(0, 300));
	await page.click("[data-picture=pagetable]");
	const pt = await page.locator("#pic-pagetable").innerHTML();
	check("the page-table picture shows the path's PML4 entry (255)", pt.includes('class="entry on-path" data-level="4" data-index="255"'), pt.slice(0, 300));
	check("and the PT entry (502)", pt.includes('class="entry on-path" data-level="1" data-index="502"'));
	await page.screenshot({ path: join(artifacts, "store42-pagetable.png") });
	await page.screenshot({ path: join(artifacts, "lab.jpg"), type: "jpeg", quality: 60 });   // docs/lab.jpg
	await page.click("[data-picture=tlb]");
	const tlb = await page.locator("#pic-tlb").innerHTML();
	check("the TLB picture holds the store's page", tlb.includes('data-va="0x7ffff7ff6000"'), tlb.slice(0, 300));
	await page.screenshot({ path: join(artifacts, "store42-tlb.png") });
	for (let i = 0; i < 80 && (await page.getAttribute("#narration", "data-state")) === "paused"; i++) await page.click("#step");
	check("stepping finishes the script", (await page.getAttribute("#narration", "data-state")) === "finished", await text("#status"));
	check("the walk picture is an SVG of its kind", walk.includes('class="mmsim-walk"'));

	// ---- the native narration, byte for byte ---------------------------------------------------------
	await page.click("#run");
	const lab42 = await text("#narration");
	const native42 = execFileSync(mmsim, ["explain", "--machine", "teaching", "examples/store42.lua"], { encoding: "utf8", maxBuffer: 1 << 30 });
	check("store42 narrated in the lab is `mmsim explain`'s", lab42 === native42, firstDifference(lab42, native42));
	await page.click("[data-picture=physmem]");
	check("the physical memory picture has anon frames", (await page.locator("#pic-physmem").innerHTML()).includes('data-kind="anon"'));
	await page.screenshot({ path: join(artifacts, "store42-physmem.png") });

	// ---- the REPL line ----------------------------------------------------------------------------------
	await page.fill("#repl", "#lab.machine():tasks()");
	await page.press("#repl", "Enter");
	check("the REPL evaluates an expression", (await text("#narration")).trimEnd().endsWith("> #lab.machine():tasks()\n1"), (await text("#narration")).slice(-200));
	await page.fill("#repl", "x = 6 * 7");
	await page.press("#repl", "Enter");
	await page.fill("#repl", "x");
	await page.press("#repl", "Enter");
	check("the REPL runs statements and keeps globals", (await text("#narration")).trimEnd().endsWith("> x\n42"));

	// ---- presets and settings ------------------------------------------------------------------------------
	await page.fill("#editor", "local m = mmsim.machine{}\nprint(m:get('ram'), m:get('cores'))\n");
	await page.fill("#settings", "ram=32M cores=3");
	await page.click("#run");
	check("settings apply to the script's machines", (await text("#narration")).includes("32M\t3") || (await text("#narration")).includes("33554432\t3"), await text("#narration"));
	await page.selectOption("#preset", "");
	await page.fill("#editor", "local m = mmsim.machine{}\n");
	await page.fill("#settings", "");
	await page.click("#run");
	check("a machine too big for the browser is refused with a clear error", (await text("#status")).includes("more than this host can hold"), await text("#status"));
	await page.selectOption("#preset", "teaching");
	await page.fill("#settings", "nosuchkey=1");
	await page.click("#run");
	check("a bad setting is an error naming it", (await text("#status")).includes("nosuchkey"), await text("#status"));
	await page.fill("#settings", "");

	// ---- sharing by URL -------------------------------------------------------------------------------------
	await page.fill("#editor", "print('shared ' .. 6 * 7)\n");
	await page.click("#share");
	const url = page.url();
	check("sharing puts the script in the fragment", url.includes("#script="), url);
	const page2 = await browser.newPage();
	await page2.goto(url);
	await page2.waitForSelector("body[data-ready='1']");
	check("a shared URL brings the script back", (await page2.inputValue("#editor")) === "print('shared ' .. 6 * 7)\n");
	await page2.click("#run");
	check("and it runs", (await page2.locator("#narration").textContent()).includes("shared 42"));
	await page2.close();

	// ---- offline ---------------------------------------------------------------------------------------------
	// Once loaded, the service worker has the files: the page loads and runs
	// without the server.
	const offline = await browser.newContext();
	const op = await offline.newPage();
	await op.goto(base);
	await op.waitForSelector("body[data-ready='1']", { timeout: 60000 });
	await op.evaluate(() => navigator.serviceWorker.ready.then(() => true));
	await offline.setOffline(true);
	await op.reload();
	await op.waitForSelector("body[data-ready='1']", { timeout: 60000 });
	await op.fill("#editor", "local m = mmsim.machine{}\nprint('offline ' .. m:check())\n");
	await op.click("#run");
	check("offline, the page loads from its service worker and runs", (await op.locator("#narration").textContent()).includes("offline 0"),
		await op.locator("#status").textContent());
	await offline.close();

	// ---- a run that prints more than a page holds --------------------------------------------------------
	await page.fill("#editor", "io.write(string.rep('x', 5 << 20))\nprint('end')\n");
	await page.click("#run");
	const big = await text("#narration");
	check("a run's output is cut after 4 MiB, saying so", big.length < (4 << 20) + 200 && big.includes("[the output is cut here, after 4 MiB"),
		big.length);
	check("and the status says how much was not shown", (await text("#status")).includes("1048580 bytes of output not shown"), await text("#status"));

	// ---- errors ----------------------------------------------------------------------------------------------
	await page.fill("#editor", "local m = mmsim.machine{}\nerror('boom')\n");
	await page.click("#run");
	check("a script's error is shown with its line", /script:2: boom/.test(await text("#status")), await text("#status"));
	check("no uncaught error in the page", errors.length === 0, errors.join("; "));
} finally {
	await browser.close();
	server.close();
}

// Where two texts first differ, for a failure message.
function firstDifference(a, b) {
	const la = a.split("\n"), lb = b.split("\n");
	for (let i = 0; i < Math.max(la.length, lb.length); i++)
		if (la[i] !== lb[i]) return `line ${i + 1}: lab ${JSON.stringify(la[i])} native ${JSON.stringify(lb[i])}`;
	return "";
}

console.log(`web: ${passed} passed, ${failed} failed (screenshots in ${artifacts})`);
process.exit(failed ? 1 : 0);
