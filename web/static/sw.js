// web/static/sw.js — keeps the lab's files so that it works offline once
// loaded: each request is answered from the cache first, then the network
// (and the answer kept).
const CACHE = "mmsim-lab-v1";
const FILES = ["./", "index.html", "lab.css", "lab.js", "examples.js", "mmsim.js", "mmsim.wasm"];
self.addEventListener("install", (e) => e.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES))));
self.addEventListener("fetch", (e) => {
	e.respondWith(caches.match(e.request).then((hit) => hit || fetch(e.request).then((r) => {
		const copy = r.clone();
		caches.open(CACHE).then((c) => c.put(e.request, copy));
		return r;
	})));
});
