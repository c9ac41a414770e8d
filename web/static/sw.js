// web/static/sw.js — keeps the lab's files so that it works offline once
// loaded: each request goes to the network first, and its answer is kept;
// without a network the kept answer is served. (Network first, so that a
// rebuilt lab is never served stale from the cache.)
const CACHE = "mmsim-lab-v1";
const FILES = ["./", "index.html", "lab.css", "lab.js", "examples.js", "mmsim.js", "mmsim.wasm"];
self.addEventListener("install", (e) => e.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES))));
self.addEventListener("activate", (e) => e.waitUntil(self.clients.claim()));
self.addEventListener("fetch", (e) => {
	if (e.request.method !== "GET") return;
	e.respondWith(fetch(e.request).then((r) => {
		if (r.ok) {
			const copy = r.clone();
			caches.open(CACHE).then((c) => c.put(e.request, copy));
		}
		return r;
	}).catch(() => caches.match(e.request, { ignoreSearch: true }).then((hit) => hit || Response.error())));
});
