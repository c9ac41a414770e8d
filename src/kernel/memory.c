/*
 * kernel/memory.c — the generic page-fault handler, and the operations on
 * ranges of page tables: unmapping (zap) and fork's copy (Linux:
 * mm/memory.c). See memory.h.
 */
#include "kernel/memory.h"
#include "kernel/mempolicy.h"
#include "kernel/migrate.h"

#include "kernel/fs.h"
#include "kernel/huge_mm.h"
#include "kernel/hugetlb.h"
#include "kernel/kaccess.h"
#include "kernel/kernel.h"
#include "kernel/memcontrol.h"
#include "kernel/mm.h"
#include "kernel/radix_tree.h"
#include "kernel/rmap.h"
#include "kernel/sched.h"
#include "kernel/swapops.h"
#include "kernel/tlbflush.h"
#include "kernel/trace.h"

#include <errno.h>
#include <string.h>

/* See memory.h. */
uint64_t zero_pfn(const struct kernel *k)
{
	return k->zero_pfn;
}

/* See memory.h. */
struct page *vm_normal_page(struct kernel *k, pte_t pte)
{
	uint64_t pfn = pte_pfn(pte);
	if (pte_special(pte) || pfn == k->zero_pfn || !pfn_valid(k, pfn))
		return NULL;
	return pfn_to_page(k, pfn);
}

/* The RSS counter a page of vma counts in (Linux: mm_counter). */
static int mm_counter(const struct page *page)
{
	if (PageAnon(page))
		return MM_ANONPAGES;
	return page_test(page, PG_swapbacked) ? MM_SHMEMPAGES : MM_FILEPAGES;
}

/* Write entry into the fault's PTE and narrate it (Linux: set_pte_at, which
 * takes the mm, address and entry pointer that the fault carries here). */
static void set_pte_at(struct vm_fault *vmf, pte_t entry)
{
	char desc[128];
	*vmf->pte = entry;
	kmem_ref(vmf->k, vmf->pte, sizeof entry, true, __func__);      /* a store of this core */
	if (vmf->k->trace_fn) {
		hw_pte_describe(entry, 1, desc, sizeof desc);
		trace_kernel(vmf->k, vmf->cpu, "PTE for %#llx at pa %#llx = %#llx (%s)",
			     (unsigned long long)vmf->address,
			     (unsigned long long)virt_to_phys(vmf->k, vmf->pte), (unsigned long long)entry,
			     desc);
	}
}

/* See memory.h. */
vm_fault_t vmf_insert_pfn(struct vm_fault *vmf, uint64_t pfn)
{
	set_pte_at(vmf, pfn_pte(pfn, vm_get_page_prot(vmf->vma->vm_flags)) | _PAGE_SPECIAL);
	return 0;
}

/* A new private page for vma at address, zeroed or copied from src, and
 * up to date (Linux: __folio_mark_uptodate before it is mapped), charged
 * to the address space's memory cgroup. NULL without memory (or room in
 * the cgroup). */
static struct page *alloc_anon_page(struct vm_fault *vmf, struct page *src)
{
	/* vma_alloc_folio: an order-0 folio is a compound page (__GFP_COMP) */
	struct page *page = vma_alloc_folio(vmf->k, GFP_HIGHUSER_MOVABLE | __GFP_COMP | (src ? 0 : __GFP_ZERO), 0,
					    vmf->vma, vmf->address);
	if (!page)
		return NULL;
	if (mem_cgroup_charge(vmf->k, page, vmf->vma->vm_mm, GFP_KERNEL)) {
		put_page(vmf->k, page);
		return NULL;
	}
	if (src) {                           /* copy_user_highpage: copy_page */
		memcpy(page_address(vmf->k, page), page_address(vmf->k, src), PAGE_SIZE);
		kmem_ref(vmf->k, page_address(vmf->k, src), PAGE_SIZE, false, "copy_page");
		kmem_ref(vmf->k, page_address(vmf->k, page), PAGE_SIZE, true, "copy_page");
	}
	page_set(page, PG_uptodate);         /* __folio_mark_uptodate */
	return page;
}

/* Map page, new and private to vma, at the fault's address: writable and
 * dirty when the VMA allows writes (the tail of do_anonymous_page,
 * do_cow_fault and wp_page_copy). */
static void map_new_anon_page(struct vm_fault *vmf, struct page *page)
{
	struct vm_area_struct *vma = vmf->vma;
	pte_t entry = pfn_pte(page_to_pfn(vmf->k, page), vm_get_page_prot(vma->vm_flags));
	if (vma->vm_flags & VM_WRITE)
		entry = pte_mkwrite(pte_mkdirty(entry));
	vma->vm_mm->rss_stat[MM_ANONPAGES]++;
	folio_add_new_anon_rmap(vmf->k, page, vma, vmf->address, true);
	folio_add_lru_vma(vmf->k, page, vma);       /* inactive, or unevictable when locked */
	set_pte_at(vmf, entry);
}

/* Map a new anonymous page (or the zero page for a read) where nothing was
 * (Linux: do_anonymous_page). */
static vm_fault_t do_anonymous_page(struct vm_fault *vmf)
{
	struct kernel *k = vmf->k;
	struct vm_area_struct *vma = vmf->vma;
	uint64_t prot = vm_get_page_prot(vma->vm_flags);

	if (!(vmf->flags & FAULT_FLAG_WRITE) && k->zero_page_enabled) {
		trace_kernel(k, vmf->cpu, "read fault: map the shared zero page, read-only");
		set_pte_at(vmf, pfn_pte(k->zero_pfn, prot) | _PAGE_SPECIAL);
		return 0;
	}
	if (anon_vma_prepare(k, vma))
		return VM_FAULT_OOM;
	struct page *page = alloc_anon_page(vmf, NULL);
	if (!page)
		return VM_FAULT_OOM;
	trace_kernel(k, vmf->cpu, "%s fault: new zeroed page, pfn %#llx",
		     vmf->flags & FAULT_FLAG_WRITE ? "write" : "read",
		     (unsigned long long)page_to_pfn(k, page));
	map_new_anon_page(vmf, page);
	return 0;
}

/* Account a new mapping of page-cache page in vmf's VMA: the reverse map,
 * the RSS counter, the lock of a VM_LOCKED VMA (what Linux's set_pte_range
 * does besides writing the entry). */
static void add_file_mapping(struct vm_fault *vmf, struct page *page)
{
	folio_add_file_rmap_pte(vmf->k, page);
	vmf->vma->vm_mm->rss_stat[mm_counter(page)]++;
	if (vmf->vma->vm_flags & VM_LOCKED)
		mlock_folio(vmf->k, page);
}

/* The protection of a file page mapped by vmf's VMA: a shared mapping of
 * a disk file maps its pages read-only until written, so that a write
 * faults and dirties the page (Linux: vma_wants_writenotify, which
 * vma_set_page_prot applies; ext4 has page_mkwrite and dirty accounting,
 * tmpfs neither). */
static uint64_t file_page_prot(const struct vm_fault *vmf)
{
	uint64_t prot = vm_get_page_prot(vmf->vma->vm_flags);
	if ((vmf->vma->vm_flags & VM_SHARED) && file_inode(vmf->vma->vm_file)->kind == FILE_EXT4)
		prot &= ~(uint64_t)_PAGE_RW;
	return prot;
}

/* See memory.h. */
void set_pte_range(struct vm_fault *vmf, struct page *page, pte_t *pte)
{
	add_file_mapping(vmf, page);
	*pte = pfn_pte(page_to_pfn(vmf->k, page), file_page_prot(vmf));
}

/* Map the page-cache page the fault found at the fault's entry: read-only
 * for a read, writable and dirty for a write to a shared mapping (Linux:
 * finish_fault, and fault_dirty_shared_page for the dirty bit). */
static vm_fault_t finish_fault(struct vm_fault *vmf, struct page *page, bool write)
{
	pte_t entry = pfn_pte(page_to_pfn(vmf->k, page), file_page_prot(vmf));
	if (write) {
		entry = pte_mkwrite(pte_mkdirty(entry));
		folio_mark_dirty(vmf->k, page);
	}
	add_file_mapping(vmf, page);
	set_pte_at(vmf, entry);
	return 0;
}

/* fault_around_bytes (64 KiB): the pages a read fault may map at once. */
#define FAULT_AROUND_PAGES 16

/* A read fault in a file VMA first maps the pages of the object already in
 * the page cache around the address, where the entries are empty (Linux:
 * do_fault_around, which has filemap_map_pages map them). The window
 * starts at the fault's 16-page boundary, or at the VMA's start when that
 * is later, and ends 16 pages after its own start, clamped to the VMA and
 * to the page table: a VMA that starts inside a window gets its first 16
 * pages from one fault. Returns true when that mapped the faulting page
 * too (nothing more to do). */
static bool do_fault_around(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	uint64_t pte_off = (vmf->address >> PAGE_SHIFT) & (PTRS_PER_TABLE - 1);
	uint64_t vma_off = vmf->pgoff - vma->vm_pgoff, vma_pages = (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
	uint64_t from = pte_off & ~(uint64_t)(FAULT_AROUND_PAGES - 1);
	if (from < pte_off - (vma_off < pte_off ? vma_off : pte_off))
		from = pte_off - (vma_off < pte_off ? vma_off : pte_off);
	uint64_t to = from + FAULT_AROUND_PAGES;
	if (to > PTRS_PER_TABLE)
		to = PTRS_PER_TABLE;
	if (to > pte_off + vma_pages - vma_off)
		to = pte_off + vma_pages - vma_off;
	return filemap_map_pages(vmf, vmf->pgoff - pte_off + from, vmf->pgoff - pte_off + to - 1);
}

/* True when the fault's page lies wholly past the end of the file: the
 * VMA's fault handler answers SIGBUS (Linux: filemap_fault, shmem_fault, in
 * __do_fault). A shared anonymous mapping grown by mremap keeps its
 * object's size. A read fault checks only after fault-around, which maps
 * the cached pages around the address first, as Linux's do_read_fault. */
static bool fault_past_eof(struct vm_fault *vmf)
{
	struct inode *f = file_inode(vmf->vma->vm_file);
	if (vmf->pgoff < PFN_UP(f->i_size))
		return false;
	trace_kernel(vmf->k, vmf->cpu, "page %llu is past the end of %s (%llu bytes): SIGBUS",
		     (unsigned long long)vmf->pgoff, f->i_name, (unsigned long long)f->i_size);
	return true;
}

/* The page-cache page of the fault, narrated as a step of func, the caller
 * (Linux: __do_fault, which asks the VMA's fault handler, filemap_fault or
 * shmem_fault). NULL without memory. */
static struct page *__do_fault(struct vm_fault *vmf, const char *func)
{
	bool major = false;
	struct page *page = filemap_fault(vmf, &major);
	if (major)
		vmf->major = true;
	if (page && vmf->k->trace_fn)
		kernel_trace(vmf->k, vmf->cpu, func, "page %llu of %s: pfn %#llx from the page cache%s",
			     (unsigned long long)vmf->pgoff, file_inode(vmf->vma->vm_file)->i_name,
			     (unsigned long long)page_to_pfn(vmf->k, page), major ? " (major: read from the device)"
			     : " (minor)");
	return page;
}

/* A read fault in a file VMA: the cached pages around it, or the page read
 * from the page cache, read-only (Linux: do_read_fault). */
static vm_fault_t do_read_fault(struct vm_fault *vmf)
{
	if (do_fault_around(vmf))
		return 0;
	if (fault_past_eof(vmf))
		return VM_FAULT_SIGBUS;
	struct page *page = __do_fault(vmf, __func__);
	if (page && vmf->retry) {                /* VM_FAULT_RETRY: the fault again, after the I/O */
		vmf->retry = false;
		if (do_fault_around(vmf)) {
			put_page(vmf->k, page);
			return 0;
		}
	}
	return page ? finish_fault(vmf, page, false) : VM_FAULT_OOM;
}

/* A write fault in a shared file VMA: the page-cache page itself, writable
 * (Linux: do_shared_fault). */
static vm_fault_t do_shared_fault(struct vm_fault *vmf)
{
	struct page *page = __do_fault(vmf, __func__);
	return page ? finish_fault(vmf, page, true) : VM_FAULT_OOM;
}

/* Replace the page the present PTE maps (NULL: the zero page) with a
 * private copy, writable (Linux: wp_page_copy). */
static vm_fault_t wp_page_copy(struct vm_fault *vmf, struct page *old)
{
	struct kernel *k = vmf->k;
	struct vm_area_struct *vma = vmf->vma;

	if (anon_vma_prepare(k, vma))
		return VM_FAULT_OOM;
	if (old)
		get_page(old);                         /* Linux: folio_get in do_wp_page */
	struct page *page = alloc_anon_page(vmf, old);
	if (page && *vmf->pte != vmf->orig_pte) {
		/* the allocation reclaimed: the entry changed (old went to
		 * swap); back out and let the access fault again */
		put_page(k, page);
		page = NULL;
		if (old)
			put_page(k, old);
		return 0;
	}
	if (old)
		put_page(k, old);
	if (!page)
		return VM_FAULT_OOM;
	trace_kernel(k, vmf->cpu, "copy-on-write: %s into new pfn %#llx",
		     old ? "copy the shared page" : "zero-fill (was the zero page)",
		     (unsigned long long)page_to_pfn(k, page));
	if (old) {
		vma->vm_mm->rss_stat[mm_counter(old)]--;
		folio_remove_rmap_pte(k, old);
	}
	*vmf->pte = 0;                               /* ptep_clear_flush */
	flush_tlb_page(k, vma, vmf->address);
	map_new_anon_page(vmf, page);
	if (old)
		put_page(k, old);
	return 0;
}

/* Make the present PTE writable in place (Linux: wp_page_reuse). */
static vm_fault_t wp_page_reuse(struct vm_fault *vmf, const char *why)
{
	trace_kernel(vmf->k, vmf->cpu, "%s: make the PTE writable in place", why);
	vmf->k->vm_events[PGREUSE]++;
	set_pte_at(vmf, pte_mkwrite(pte_mkdirty(vmf->orig_pte)) | _PAGE_ACCESSED);
	return 0;
}

/* May a write reuse an anonymous page that is not marked exclusive: is
 * this mapping's the only reference, once a swap-cache copy nobody else
 * needs is dropped (Linux: wp_can_reuse_anon_folio)? */
static bool wp_can_reuse_anon_folio(struct kernel *k, struct page *page, struct vm_area_struct *vma)
{
	if (page_is_large(page))
		return wp_can_reuse_large_anon_folio(k, page, vma);
	if (page_ref_count(page) > 1 + page_test(page, PG_swapcache))
		return false;
	if (page_test(page, PG_swapcache))
		folio_free_swap(k, page);
	return page_ref_count(page) == 1;
}

/* A write to a present, write-protected page (Linux: do_wp_page): shared
 * mappings just get write access; a private anonymous page that nobody else
 * maps is reused; anything else is copied. */
static vm_fault_t do_wp_page(struct vm_fault *vmf)
{
	struct page *page = vm_normal_page(vmf->k, vmf->orig_pte);

	if (vmf->vma->vm_flags & (VM_SHARED | VM_MAYSHARE)) {
		if (page)
			folio_mark_dirty(vmf->k, page);   /* Linux: wp_page_shared, after page_mkwrite */
		return wp_page_reuse(vmf, "shared mapping");
	}
	if (page && PageAnon(page) && (page_test(page, PG_anon_exclusive) || wp_can_reuse_anon_folio(vmf->k, page, vmf->vma))) {
		page_set(page, PG_anon_exclusive);
		return wp_page_reuse(vmf, "anonymous page mapped only here");
	}
	return wp_page_copy(vmf, page);
}

/* A write to an unmapped page of a private file mapping: a private copy of
 * the file's page (Linux: do_cow_fault). */
static vm_fault_t do_cow_fault(struct vm_fault *vmf)
{
	bool major = false;
	struct page *src = filemap_fault(vmf, &major);
	struct page *page = NULL;

	vmf->major |= major;

	if (src && !anon_vma_prepare(vmf->k, vmf->vma))
		page = alloc_anon_page(vmf, src);
	if (page) {
		trace_kernel(vmf->k, vmf->cpu, "private copy of page %llu of %s: pfn %#llx",
			     (unsigned long long)vmf->pgoff, file_inode(vmf->vma->vm_file)->i_name,
			     (unsigned long long)page_to_pfn(vmf->k, page));
		map_new_anon_page(vmf, page);
	}
	if (src)
		put_page(vmf->k, src);
	return page ? 0 : VM_FAULT_OOM;
}

/* A fault where the PTE is empty, in a file VMA (Linux: do_fault). */
static vm_fault_t do_fault(struct vm_fault *vmf)
{
	if (!(vmf->flags & FAULT_FLAG_WRITE))
		return do_read_fault(vmf);
	if (fault_past_eof(vmf))
		return VM_FAULT_SIGBUS;
	if (vmf->vma->vm_flags & VM_SHARED)
		return do_shared_fault(vmf);
	return do_cow_fault(vmf);
}

/* A fault on a PTE marker: a guard page is SIGSEGV (Linux:
 * handle_pte_marker). */
static vm_fault_t handle_pte_marker(struct vm_fault *vmf)
{
	if (!is_guard_pte_marker(vmf->orig_pte)) {
		kernel_bug(vmf->k, "handle_pte_marker: unknown marker %#llx at %#llx",
			   (unsigned long long)vmf->orig_pte, (unsigned long long)vmf->address);
		return VM_FAULT_SIGBUS;
	}
	trace_kernel(vmf->k, vmf->cpu, "%#llx is a guard page (MADV_GUARD_INSTALL): SIGSEGV",
		     (unsigned long long)vmf->address);
	return VM_FAULT_SIGSEGV;
}

/* Should the page just read back give up its swap slot (Linux:
 * should_try_to_free_swap)? When swap is over half full, the VMA or page
 * is locked, or a write will make it differ from the slot's copy anyway
 * (its only other reference is the swap cache's). Otherwise the slot stays,
 * so evicting the page again while it is clean needs no write. */
static bool should_try_to_free_swap(struct kernel *k, struct page *page, struct vm_area_struct *vma,
				    unsigned flags)
{
	if (!page_test(page, PG_swapcache))
		return false;
	if (vm_swap_full(k) || (vma->vm_flags & VM_LOCKED) || page_test(page, PG_mlocked))
		return true;
	return (flags & FAULT_FLAG_WRITE) && page_ref_count(page) == 2;
}

/* The page of swap entry, from the swap cache (a minor fault) or read from
 * the device with readahead (a major fault: *major). NULL without memory. */
static struct page *swapin_page(struct vm_fault *vmf, swp_entry_t entry, bool *major)
{
	struct kernel *k = vmf->k;
	struct page *page = swap_cache_get_folio(k, entry);
	*major = false;
	if (page) {
		swap_update_readahead(k, page, vmf->vma, vmf->address);
		trace_kernel(k, vmf->cpu, "slot %llu of device %u: pfn %#llx is still in the swap cache, no I/O (a minor fault)",
			     (unsigned long long)swp_offset(entry), swp_type(entry), (unsigned long long)page_to_pfn(k, page));
		return page;
	}
	trace_kernel(k, vmf->cpu, "slot %llu of device %u: not in memory, read it from the device (a major fault)",
		     (unsigned long long)swp_offset(entry), swp_type(entry));
	*major = true;
	return swapin_readahead(k, entry, GFP_HIGHUSER_MOVABLE, vmf);
}

/* Map page, just read back for the swap PTE of the fault, in its place:
 * writable at once when the page is this mapping's alone and the VMA allows
 * writes (Linux: the second half of do_swap_page). Returns whether a write
 * still needs do_wp_page. */
static bool map_swapped_page(struct vm_fault *vmf, struct page *page, swp_entry_t entry)
{
	struct kernel *k = vmf->k;
	struct vm_area_struct *vma = vmf->vma;
	bool exclusive = pte_swp_exclusive(vmf->orig_pte);

	swap_free(k, entry);
	if (should_try_to_free_swap(k, page, vma, vmf->flags))
		folio_free_swap(k, page);
	vma->vm_mm->rss_stat[MM_ANONPAGES]++;
	vma->vm_mm->rss_stat[MM_SWAPENTS]--;
	pte_t pte = pfn_pte(page_to_pfn(k, page), vm_get_page_prot(vma->vm_flags));
	if (pte_swp_soft_dirty(vmf->orig_pte))
		pte |= _PAGE_SOFT_DIRTY;
	if (exclusive || page_ref_count(page) == 1) {
		if (vma->vm_flags & VM_WRITE) {
			pte = pte_mkwrite(pte);
			if (vmf->flags & FAULT_FLAG_WRITE) {
				pte = pte_mkdirty(pte);
				vmf->flags &= ~FAULT_FLAG_WRITE;
			}
		}
		exclusive = true;
	}
	if (!PageAnon(page))
		folio_add_new_anon_rmap(k, page, vma, vmf->address, exclusive);
	else
		folio_add_anon_rmap_pte(k, page, vma, exclusive);
	set_pte_at(vmf, pte);
	vmf->orig_pte = pte;
	return vmf->flags & FAULT_FLAG_WRITE;
}

/* A fault on a swap PTE (Linux: do_swap_page): the page from the swap
 * cache or the device, mapped back, its slot freed unless it is worth
 * keeping; a write to a page another process still shares copies it. A
 * PTE marker goes to handle_pte_marker. */
static vm_fault_t do_swap_page(struct vm_fault *vmf)
{
	swp_entry_t entry = pte_to_swp_entry(vmf->orig_pte);
	bool major;

	if (swp_type(entry) == SWP_PTE_MARKER)
		return handle_pte_marker(vmf);
	if (is_migration_entry(entry))
		return migration_entry_wait(vmf->k, vmf->vma->vm_mm, vmf->address, vmf->pte) ? 0 : VM_FAULT_SIGBUS;
	if (!is_swap_entry(entry) || !swp_swap_info(vmf->k, entry)) {
		kernel_bug(vmf->k, "do_swap_page: bad swap PTE %#llx at %#llx", (unsigned long long)vmf->orig_pte,
			   (unsigned long long)vmf->address);
		return VM_FAULT_SIGBUS;
	}
	struct page *page = swapin_page(vmf, entry, &major);
	if (!page)
		return VM_FAULT_OOM;
	vm_fault_t ret = major ? VM_FAULT_MAJOR : 0;
	if (*vmf->pte != vmf->orig_pte) {             /* back out: someone mapped it meanwhile */
		put_page(vmf->k, page);
		return ret;
	}
	if (map_swapped_page(vmf, page, entry)) {
		ret |= do_wp_page(vmf);
		if (ret & VM_FAULT_ERROR)
			ret &= VM_FAULT_ERROR;
	}
	return ret;
}

/* See memory.h. The page comes back read-only (Linux maps it so because
 * swapoff holds the page-table lock); the next write makes it writable. */
int swapin_pte(struct kernel *k, struct vm_area_struct *vma, uint64_t addr, pte_t *pte)
{
	struct vm_fault vmf = { .k = k, .vma = vma, .address = addr, .pte = pte, .orig_pte = *pte,
				.cpu = k->this_cpu };
	swp_entry_t entry = pte_to_swp_entry(*pte);
	bool major;
	vmf.pgoff = ((addr - vma->vm_start) >> PAGE_SHIFT) + vma->vm_pgoff;
	struct page *page = swapin_page(&vmf, entry, &major);
	if (!page)
		return -ENOMEM;
	if (*pte == vmf.orig_pte) {
		bool exclusive = pte_swp_exclusive(*pte);
		vma->vm_mm->rss_stat[MM_SWAPENTS]--;
		vma->vm_mm->rss_stat[MM_ANONPAGES]++;
		if (!PageAnon(page))
			folio_add_new_anon_rmap(k, page, vma, addr, exclusive);
		else
			folio_add_anon_rmap_pte(k, page, vma, exclusive);
		pte_t e = pte_mkold(pfn_pte(page_to_pfn(k, page), vm_get_page_prot(vma->vm_flags)));
		if (pte_swp_soft_dirty(*pte))
			e |= _PAGE_SOFT_DIRTY;
		*pte = e;
		swap_free(k, entry);
		folio_free_swap(k, page);
	} else {
		put_page(k, page);
	}
	return 0;
}

/* Dispatch on the PTE's state (Linux: handle_pte_fault). */
static vm_fault_t handle_pte_fault(struct vm_fault *vmf)
{
	if (pte_none(vmf->orig_pte) && vmf->vma->vm_name)
		return special_mapping_fault(vmf);
	if (pte_none(vmf->orig_pte))
		return vma_is_anonymous(vmf->vma) ? do_anonymous_page(vmf) : do_fault(vmf);
	if (!pte_present(vmf->orig_pte))
		return do_swap_page(vmf);
	if ((vmf->flags & FAULT_FLAG_WRITE) && !pte_write(vmf->orig_pte))
		return do_wp_page(vmf);
	/* The entry already allows the access: a stale TLB entry caused the
	 * fault, which itself flushed it (Linux: the spurious-fault path). */
	pte_t entry = vmf->orig_pte | _PAGE_ACCESSED;
	if (vmf->flags & FAULT_FLAG_WRITE)
		entry = pte_mkdirty(entry);
	if (entry != vmf->orig_pte)
		set_pte_at(vmf, entry);
	trace_kernel(vmf->k, vmf->cpu, "spurious fault: the PTE already allows it");
	return 0;
}

/* See memory.h. */
struct vm_area_struct *lock_mm_and_find_vma(struct kernel *k, struct task_struct *t, uint64_t addr)
{
	struct vm_area_struct *vma = find_vma(t->mm, addr);

	if (vma && vma->vm_start > addr &&
	    (!(vma->vm_flags & VM_GROWSDOWN) || expand_downwards(k, t, vma, addr)))
		return NULL;
	if (vma)
		trace_kernel(k, t->cpu, "VMA [%#llx, %#llx) covers it", (unsigned long long)vma->vm_start,
			     (unsigned long long)vma->vm_end);
	return vma;
}

/* Why the fault does not get a THP, or NULL when it may (for narration:
 * the VMA is eligible, so the choice is worth telling). */
static const char *thp_fault_refusal(struct vm_fault *vmf, pte_t pmd)
{
	if (!thp_vma_suitable(vmf->vma, vmf->address))
		return "the aligned 2 MiB around it does not fit in the VMA";
	if (!pte_none(pmd))
		return "a page table already maps part of its 2 MiB";
	return NULL;
}

/* The PMD level of a fault in an anonymous VMA (Linux: the part of
 * __handle_mm_fault between pmd_alloc and handle_pte_fault): a THP (or the
 * huge zero page) where the PMD is empty and the VMA eligible, a write or
 * accessed-bit fault on a huge PMD. VM_FAULT_FALLBACK: go on with PTEs. */
static vm_fault_t handle_pmd_fault(struct vm_fault *vmf)
{
	struct kernel *k = vmf->k;
	int err;
	pte_t *pmd = pmd_walk(k, vmf->vma->vm_mm, vmf->address, true, &err);
	if (!pmd)
		return VM_FAULT_OOM;
	if (!pmd_trans_huge(*pmd)) {
		if (!thp_vma_allowable(k, vmf->vma))
			return VM_FAULT_FALLBACK;
		khugepaged_enter_vma(k, vmf->vma);
		const char *no = thp_fault_refusal(vmf, *pmd);
		if (no) {
			trace_kernel(k, vmf->cpu, "THP-eligible VMA, but %s: small pages", no);
			return VM_FAULT_FALLBACK;
		}
		trace_kernel(k, vmf->cpu, "THP-eligible VMA (enabled=%s%s), PMD empty: try a 2 MiB page for [%#llx, %#llx)",
			     k->thp.enabled == THP_ALWAYS ? "always" : "madvise",
			     vmf->vma->vm_flags & VM_HUGEPAGE ? ", MADV_HUGEPAGE" : "",
			     (unsigned long long)(vmf->address & HPAGE_PMD_MASK),
			     (unsigned long long)((vmf->address & HPAGE_PMD_MASK) + HPAGE_PMD_SIZE));
		return do_huge_pmd_anonymous_page(vmf, pmd);
	}
	trace_kernel(k, vmf->cpu, "page %#llx: huge PMD %#llx", (unsigned long long)vmf->address,
		     (unsigned long long)*pmd);
	if ((vmf->flags & FAULT_FLAG_WRITE) && !pte_write(*pmd))
		return do_huge_pmd_wp_page(vmf, pmd);
	huge_pmd_set_accessed(vmf, pmd);
	return 0;
}

/* See memory.h. */
vm_fault_t handle_mm_fault(struct kernel *k, struct vm_area_struct *vma, uint64_t address,
			   unsigned flags, struct task_struct *task)
{
	struct vm_fault vmf = {
		.k = k, .vma = vma, .address = address & PAGE_MASK, .flags = flags,
		.cpu = task ? task->cpu : k->this_cpu,
	};
	int err;

	vmf.pgoff = ((vmf.address - vma->vm_start) >> PAGE_SHIFT) + vma->vm_pgoff;
	vm_fault_t ret;
	if (vma->vm_flags & VM_HUGETLB) {
		ret = hugetlb_fault(&vmf);
	} else {
		ret = vma_is_anonymous(vma) && !vma->vm_name ? handle_pmd_fault(&vmf) : VM_FAULT_FALLBACK;
		if (ret != VM_FAULT_FALLBACK)
			goto done;
		vmf.pte = pte_walk(k, vma->vm_mm, vmf.address, true, &err);
		if (vmf.pte)
			trace_kernel(k, vmf.cpu, "page %#llx: PTE %#llx (%s)",
				     (unsigned long long)vmf.address, (unsigned long long)*vmf.pte,
				     pte_none(*vmf.pte) ? "none" : pte_present(*vmf.pte) ? "present"
				     : is_guard_pte_marker(*vmf.pte) ? "a marker" : "a swap entry");
		ret = vmf.pte ? (vmf.orig_pte = *vmf.pte, handle_pte_fault(&vmf)) : VM_FAULT_OOM;
	}
done:
	if (vmf.major)
		ret |= VM_FAULT_MAJOR;                /* a shmem page came back from swap */

	k->vm_events[PGFAULT]++;                  /* Linux: mm_account_fault */
	count_memcg_event_mm(k, vma->vm_mm, PGFAULT);
	if (!(ret & VM_FAULT_ERROR) && task) {
		if (ret & VM_FAULT_MAJOR)
			task->maj_flt++;
		else
			task->min_flt++;
	}
	if (ret & VM_FAULT_MAJOR) {
		k->vm_events[PGMAJFAULT]++;
		count_memcg_event_mm(k, vma->vm_mm, PGMAJFAULT);
	}
	return ret;
}

/* ---- unmapping ------------------------------------------------------------- */

struct zap_args {
	struct mmu_gather *tlb;
	struct vm_area_struct *vma;
	bool drop_markers;
	bool skip_anon;
	struct kmem_run run;            /* the entries cleared, through the caches */
};

/* Clear one entry and drop the page's mapping; a guard marker stays unless
 * the zap drops markers (Linux: zap_pte_range, zap_nonpresent_ptes). */
static int zap_pte(pte_t *pte, uint64_t addr, void *arg)
{
	struct zap_args *z = arg;
	struct kernel *k = z->tlb->k;
	pte_t entry = *pte;

	if (!entry || (is_guard_pte_marker(entry) && !z->drop_markers))
		return 0;
	if (z->skip_anon && (is_swap_pte(entry) || ((entry & _PAGE_PRESENT) && vm_normal_page(k, entry) &&
						    PageAnon(vm_normal_page(k, entry)))))
		return 0;
	*pte = 0;
	kmem_run_add(k, &z->run, pte, sizeof *pte, "zap_pte_range");
	if (is_swap_pte(entry)) {                     /* Linux: zap_nonpresent_ptes */
		if (is_swap_entry(pte_to_swp_entry(entry))) {
			z->vma->vm_mm->rss_stat[MM_SWAPENTS]--;
			free_swap_and_cache(k, pte_to_swp_entry(entry));
		} else if (is_migration_entry(pte_to_swp_entry(entry))) {
			z->vma->vm_mm->rss_stat[mm_counter(pfn_to_page(k, migration_pte_pfn(k, entry)))]--;
		}
		return 0;
	}
	if (addr < z->tlb->start)
		z->tlb->start = addr;
	if (addr + PAGE_SIZE > z->tlb->end)
		z->tlb->end = addr + PAGE_SIZE;
	struct page *page = vm_normal_page(k, entry);
	if (!page)
		return 0;
	struct mm_struct *mm = z->vma->vm_mm;
	if (!PageAnon(page) && (entry & _PAGE_DIRTY))
		folio_mark_dirty(k, page);    /* the MMU wrote it: the file's page is dirty */
	mm->rss_stat[mm_counter(page)]--;
	if (z->vma->vm_flags & VM_LOCKED)
		munlock_folio(k, page);
	folio_remove_rmap_pte(k, page);
	tlb_remove_page(z->tlb, page);
	return 0;
}

/* A huge PMD in the zapped range: zapped whole when the range covers its
 * 2 MiB, else split so its PTEs are zapped one by one (Linux:
 * zap_pmd_range). */
static int zap_pmd(pte_t *pmd, uint64_t addr, uint64_t next, void *arg)
{
	struct zap_args *z = arg;
	if (next - addr != HPAGE_PMD_SIZE)
		return WALK_SPLIT_PMD;
	zap_huge_pmd(z->tlb, z->vma, pmd, addr);
	return 0;
}

/* After a zap of the whole 2 MiB block at addr: free its page table if the
 * zap left every entry none (Linux 6.18, CONFIG_PT_RECLAIM: the end of
 * zap_pte_range, try_get_and_clear_pmd then free_pte). The flush that ends
 * the gather then drops the paging-structure caches too. */
static void free_pte(struct mmu_gather *tlb, uint64_t addr)
{
	if (!pte_table_reclaim(tlb->k, tlb->mm, addr))
		return;
	tlb->freed_tables = true;
	trace_kernel(tlb->k, tlb->k->this_cpu, "page table of [%#llx, %#llx) is empty: freed",
		     (unsigned long long)addr, (unsigned long long)(addr + PMD_SIZE));
}

/* See memory.h. */
void unmap_page_range(struct mmu_gather *tlb, struct vm_area_struct *vma, uint64_t start,
		      uint64_t end, const struct zap_details *details)
{
	struct zap_args z = { .tlb = tlb, .vma = vma, .drop_markers = details && details->drop_markers,
			      .skip_anon = details && details->skip_anon };
	if (vma->vm_flags & VM_HUGETLB) {
		unmap_hugepage_range(tlb, vma, start, end);
		return;
	}
	trace_kernel(tlb->k, tlb->k->this_cpu, "clear the PTEs of [%#llx, %#llx)",
		     (unsigned long long)start, (unsigned long long)end);
	walk_page_range_pmd(tlb->k, vma->vm_mm, start, end, zap_pte, zap_pmd, &z);
	kmem_run_end(tlb->k, &z.run);
	if (!details || !details->reclaim_pt)
		return;
	for (uint64_t a = (start + PMD_SIZE - 1) & ~(PMD_SIZE - 1); a >= start && a + PMD_SIZE <= end &&
	     a + PMD_SIZE > a; a += PMD_SIZE)
		free_pte(tlb, a);
}

/* See memory.h. */
void free_pgtables(struct mmu_gather *tlb, struct vm_area_struct *vma, struct vm_area_struct *end_vma,
		   uint64_t floor, uint64_t ceiling)
{
	while (vma != end_vma) {
		struct vm_area_struct *next = vma->vm_next;
		unlink_anon_vmas(tlb->k, vma);
		free_pgd_range(tlb->k, tlb->mm, vma->vm_start, vma->vm_end, floor,
			       next != end_vma ? next->vm_start : ceiling);
		tlb->freed_tables = true;
		vma = next;
	}
}

/* See memory.h. */
void zap_page_range_single(struct kernel *k, struct vm_area_struct *vma, uint64_t start, uint64_t end,
			   const struct zap_details *details)
{
	struct mmu_gather tlb;
	tlb_gather_mmu(&tlb, k, vma->vm_mm, false);
	update_hiwater_rss(vma->vm_mm);
	unmap_page_range(&tlb, vma, start, end, details);
	tlb_finish_mmu(&tlb);
}

/* ---- fork: copying page tables ---------------------------------------------- */

struct copy_args {
	struct kernel *k;
	struct vm_area_struct *src_vma, *dst_vma;
	int err;
	struct kmem_run run;            /* the child's entries written, through the caches */
};

/* Copy a swap PTE into the child (Linux: copy_nonpresent_pte): one more
 * reference to the slot, which neither side now has alone. 0 or -ENOMEM
 * (the slot's count is at its maximum). */
static int copy_nonpresent_pte(struct copy_args *c, pte_t *src, pte_t *dst, pte_t e)
{
	swp_entry_t entry = pte_to_swp_entry(e);
	if (is_swap_entry(entry)) {
		int dup = swap_duplicate(c->k, entry);
		if (dup < 0) {
			kernel_bug(c->k, "copy_nonpresent_pte: %d for %#llx", dup, (unsigned long long)entry.val);
			return -ENOMEM;
		}
		c->dst_vma->vm_mm->rss_stat[MM_SWAPENTS]++;
		if (pte_swp_exclusive(e)) {
			e &= ~_PAGE_SWP_EXCLUSIVE;
			*src = e;
		}
	} else if (is_migration_entry(entry)) {
		/* The page is shared now: neither side may write it or own it
		 * alone when it comes back (a COW mapping's entry becomes
		 * read-only, in the parent too). */
		struct page *page = pfn_to_page(c->k, migration_pte_pfn(c->k, e));
		c->dst_vma->vm_mm->rss_stat[mm_counter(page)]++;
		if ((c->src_vma->vm_flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE &&
		    (is_writable_migration_entry(entry) || is_readable_exclusive_migration_entry(entry))) {
			pte_t ro = swp_entry_to_pte(swp_entry(SWP_MIGRATION_READ, swp_offset(entry)));
			e = ro | (e & _PAGE_SWP_SOFT_DIRTY);
			*src = e;
		}
	}
	*dst = e;
	return 0;
}

/* Copy one entry into the child (Linux: copy_present_pte): the page gains a
 * mapping and a reference; in a copy-on-write mapping both entries lose
 * write access; the child's entry starts old. */
static int copy_present_pte(pte_t *src, uint64_t addr, void *arg)
{
	struct copy_args *c = arg;

	if (!*src)
		return 0;
	/* The child's table first: its allocation may reclaim, which may unmap
	 * the very page src maps (Linux allocates before taking the locks). */
	pte_t *dst = pte_walk(c->k, c->dst_vma->vm_mm, addr, true, &c->err);
	if (!dst)
		return c->err;
	pte_t e = *src;
	if (is_swap_pte(e))
		return copy_nonpresent_pte(c, src, dst, e);
	struct page *page = vm_normal_page(c->k, e);
	uint64_t f = c->src_vma->vm_flags;
	if ((f & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE && pte_write(e)) {
		*src = pte_wrprotect(e);
		e = pte_wrprotect(e);
	}
	if (f & VM_SHARED)
		e = pte_mkclean(e);
	if (page) {
		get_page(page);
		if (PageAnon(page))
			folio_try_dup_anon_rmap_pte(page);
		else
			folio_dup_file_rmap_pte(page);
		c->dst_vma->vm_mm->rss_stat[mm_counter(page)]++;
	}
	*dst = pte_mkold(e);
	kmem_run_add(c->k, &c->run, dst, sizeof *dst, "copy_pte_range");
	return 0;
}

/* A huge PMD of the parent: the child maps the same THP (Linux:
 * copy_pmd_range calling copy_huge_pmd). */
static int copy_pmd(pte_t *pmd, uint64_t addr, uint64_t next, void *arg)
{
	struct copy_args *c = arg;
	(void)next;
	return copy_huge_pmd(c->k, c->dst_vma, c->src_vma, pmd, addr);
}

/* Does the child need the parent's page tables for this VMA? (Linux:
 * vma_needs_copy: only where a fault could not fill them: anonymous pages,
 * and VM_COPY_ON_FORK's, guard markers among them.) */
static bool vma_needs_copy(const struct vm_area_struct *vma)
{
	return vma->anon_vma || (vma->vm_flags & VM_COPY_ON_FORK);
}

/* See memory.h. */
int copy_page_range(struct kernel *k, struct vm_area_struct *dst, struct vm_area_struct *src)
{
	struct copy_args c = { .k = k, .src_vma = src, .dst_vma = dst };
	if (!vma_needs_copy(src) || (src->vm_flags & VM_WIPEONFORK))
		return 0;
	if (src->vm_flags & VM_HUGETLB)
		return copy_hugetlb_page_range(k, dst, src);
	int err = pte_alloc_range(k, dst->vm_mm, src->vm_start, src->vm_end, src->vm_mm);   /* copy_pte_range */
	if (!err)
		err = walk_page_range_pmd(k, src->vm_mm, src->vm_start, src->vm_end, copy_present_pte, copy_pmd, &c);
	kmem_run_end(k, &c.run);
	return err;
}
