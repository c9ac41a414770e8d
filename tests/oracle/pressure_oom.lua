-- The memory cgroup's OOM killer (issue 12 §7): in a 12 MiB memory cgroup
-- three processes lock memory (mlock: unevictable, so swap cannot help);
-- the third's lock does not fit: the OOM killer picks, among the cgroup's
-- processes only, the highest badness (RSS + swap + page tables, plus
-- oom_score_adj thousandths of the cgroup's memory and swap): the one with
-- oom_score_adj 500, though another holds more. The third lives. (No
-- checkpoint: the host's victim may still be exiting when the state would
-- be read; the alive() results are compared.)
local m = mmsim.machine{swap = "256M", memory_max = "12M"}
local MB = 1 << 20
local function locker(name, adj, mb)
	local p = m:spawn{name = name}
	assert(p:oom_score_adj(adj))
	local a = assert(p:mmap{len = mb * MB, prot = "rw"})
	assert(p:madvise(a, mb * MB, "nohugepage"))
	p:mlock(a, mb * MB)
	return p
end
local big = locker("big", 0, 6)
local picked = locker("picked", 500, 3)
local third = locker("third", 0, 4)
big:alive()
picked:alive()
third:alive()
