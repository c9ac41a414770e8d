-- mmsim fuzz-oracle (tests/fuzz/gen.lua, generator 3): seed 1, 40 operations.
-- R[k]: what operation k returned; A(k, off): R[k] + off, or NOWHERE + off when
-- operation k is gone or failed. P[k]: the task operation k made; X(k): P[k],
-- or the first live task when it died (a new process when none is left); Y(k):
-- P[k], or a new child of X(0) when P[k] died (for accesses that may be fatal).
local m = mmsim.machine{}
local P, G, R, dead, order, cur = {}, {}, {}, {}, {}, 0
local NOWHERE = 0x100000000000
local function add(k, p, g) P[k], G[k] = p, g; order[#order + 1] = k end
local function L(k) return P[k] ~= nil and not dead[G[k]] end
local function spawn(k) add(k, m:spawn{name = "oracle"}, k); P[k]:mmap{len = 0x100000, prot = "none"} end
local function X(k)
  if not L(k) then
    k = nil
    for _, j in ipairs(order) do if L(j) then k = j break end end
    if not k then k = -1 - #order spawn(k) end
  end
  cur = k
  return P[k]
end
local function Y(k)
  if L(k) then cur = k return P[k] end
  local p = X(0)
  local c = p:fork()
  if not c then return p end
  k = -1 - #order add(k, c, k) cur = k
  return c
end
local function D(r, e) if type(e) == "table" or e == "ESRCH" then dead[G[cur]] = true end return r end
local function FK(k, p, e) D(p, e) if p then add(k, p, k) end end
local function TH(k, p, e) local g = G[cur] D(p, e) if p then add(k, p, g) end end
local function A(k, off) local b = R[k] if math.type(b) ~= "integer" then b = NOWHERE end return b + off end
spawn(0)
R[0] = P[0]:brk()
R[1] = D(X(0):mmap{addr = 0x300033000, len = 0x36000, prot = "r", flags = "private|anonymous"})
D(X(0):madvise(A(0, 0), 0x1000, "free"))
D(X(0):munmap(A(1, 0x22000), 0x7000))
R[4] = D(X(0):mmap{addr = A(1, 0x2a000), len = 0xd000, prot = "rw", flags = "private|anonymous|fixed"})
D(X(0):munmap(A(4, 0xb000), 0x1000))
FK(6, X(0):fork())
R[7] = D(X(6):mmap{addr = A(4, 0xf000), len = 0x13000, prot = "rw", flags = "private|anonymous|fixed", offset = 0x1000})
D(Y(6):touch(A(7, 0x12f27), 0x40000, "w"))
D(X(0):munmap(A(7, 0x6000), 0x2000))
R[10] = D(X(0):mremap(A(4, 0x1000), 0xc000, 0x19000, "maymove|dontunmap"))
R[11] = D(X(0):brk(A(0, 0)))
D(X(0):mprotect(A(4, 0x9000), 0x5000, "rw"))
R[13] = D(X(0):mremap(A(4, 0x6000), 0x7000, 0xd000, "maymove|dontunmap"))
D(X(0):madvise(A(13, 0x6000), 0x9000, "normal"))
mmsim.checkpoint("c15")
D(X(0):munmap(A(10, 0x7000), 0x5000))
FK(17, X(0):fork())
FK(18, X(0):fork())
D(X(17):mprotect(A(10, 0xa000), 0xb000, "rw"))
D(Y(17):touch(A(0, 0), 0x2000, "r"))
D(Y(18):touch(A(1, 0), 0x40000, "w"))
D(X(0):mprotect(A(10, 0x10000), 0x1000, "rw"))
FK(23, X(0):fork())
D(Y(23):touch(A(7, 0x10000), 0xb25, "r"))
D(X(0):munmap(A(13, 0xe000), 0x1000))
D(X(0):madvise(A(4, 0x7000), 0x1000, "dofork"))
FK(27, X(0):fork())
D(X(0):mprotect(A(13, 0x2000), 0x8000, "r-x"))
D(X(27):mprotect(A(10, 0x12000), 0x7000, "rw"))
R[30] = D(X(0):mmap{addr = A(4, 0x1000), len = 0xa7f3, prot = "r-x", flags = "private|anonymous"})
D(Y(27):read(A(0, 0), 0x303))
FK(32, X(0):fork())
FK(33, X(0):fork())
D(X(33):read(A(30, 0x7ffc), 0xa))
FK(35, X(33):fork())
D(X(0):touch(A(30, 0x3000), 0x1000, "x"))
R[37] = D(X(32):mremap(A(4, 0x5000), 0xe000, 0xa000, "maymove|dontunmap"))
mmsim.checkpoint("c38")
D(Y(35):write(A(4, 0x1000), 0x17, 1))
D(X(0):munlock(A(10, 0x9000), 0x3000))
