-- prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME): names anonymous VMAs when the
-- kernel has CONFIG_ANON_VMA_NAME, EINVAL otherwise (diff configures the
-- simulator as the host is).
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 4 * P, prot = "rw"})
p:set_vma_name(a, 2 * P, "arena")
p:set_vma_name(a, 4 * P, nil)
p:set_vma_name(a + 1, P, "x")
