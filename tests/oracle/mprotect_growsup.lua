-- mprotect with PROT_GROWSUP (no VMA grows up on x86): len 0 is 0 before
-- anything is looked at; then ENOMEM where the range is not mapped (no
-- VMA, or one starting above start); EINVAL only for a mapped start
-- (do_mprotect_pkey checks VM_GROWSUP after the lookup). Both GROWSUP and
-- GROWSDOWN: EINVAL first.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 4 * P, prot = "rw"})
p:munmap(a, P)
p:mprotect(a + P, 0, "read|growsup")
p:mprotect(a - 64 * P, 0, "read|growsup")
p:mprotect(a - 64 * P, P, "read|growsup")
p:mprotect(a, 2 * P, "read|growsup")
p:mprotect(a + P, P, "read|growsup")
p:mprotect(a + P, 0, "read|growsdown|growsup")
p:mprotect(a + P + 1, P, "read|growsup")
p:mprotect(a + P, -2 * P, "read|growsup")
