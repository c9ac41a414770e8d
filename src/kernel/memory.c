/*
 * kernel/memory.c — the generic page-fault handler (Linux: mm/memory.c,
 * handle_mm_fault and the do_*_page family). See memory.h.
 */
#include "kernel/memory.h"

#include "kernel/fs.h"
#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/radix_tree.h"
#include "kernel/rmap.h"
#include "kernel/sched.h"
#include "kernel/tlbflush.h"
#include "kernel/trace.h"

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

/* Write entry into the fault's PTE and narrate it (Linux: set_pte_at). */
static void set_pte(struct vm_fault *vmf, pte_t entry)
{
	char desc[128];
	*vmf->pte = entry;
	if (vmf->k->trace_fn) {
		hw_pte_describe(entry, 1, desc, sizeof desc);
		trace_kernel(vmf->k, vmf->cpu, "set_pte_at", "PTE for %#llx at pa %#llx = %#llx (%s)",
			     (unsigned long long)vmf->address,
			     (unsigned long long)virt_to_phys(vmf->k, vmf->pte), (unsigned long long)entry,
			     desc);
	}
}

/* A new private page for vma at address, zeroed or copied from src, and
 * up to date (Linux: __folio_mark_uptodate before it is mapped). */
static struct page *alloc_anon_page(struct vm_fault *vmf, struct page *src)
{
	/* vma_alloc_folio: an order-0 folio is a compound page (__GFP_COMP) */
	struct page *page = alloc_page(vmf->k, GFP_HIGHUSER_MOVABLE | __GFP_COMP | (src ? 0 : __GFP_ZERO));
	if (!page)
		return NULL;
	if (src)
		memcpy(page_address(vmf->k, page), page_address(vmf->k, src), PAGE_SIZE);
	page_set(page, PG_uptodate);         /* __folio_mark_uptodate */
	page_set(page, PG_lru);              /* folio_add_lru_vma: on the inactive list */
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
	page_add_new_anon_rmap(vmf->k, page, vma, vmf->address);
	if (vma->vm_flags & VM_LOCKED)
		mlock_page(vmf->k, page);
	set_pte(vmf, entry);
}

/* Map a new anonymous page (or the zero page for a read) where nothing was
 * (Linux: do_anonymous_page). */
static vm_fault_t do_anonymous_page(struct vm_fault *vmf)
{
	struct kernel *k = vmf->k;
	struct vm_area_struct *vma = vmf->vma;
	uint64_t prot = vm_get_page_prot(vma->vm_flags);

	if (!(vmf->flags & FAULT_FLAG_WRITE) && k->zero_page_enabled) {
		trace_kernel(k, vmf->cpu, "do_anonymous_page", "read fault: map the shared zero page, read-only");
		set_pte(vmf, pfn_pte(k->zero_pfn, prot) | _PAGE_SPECIAL);
		return 0;
	}
	if (anon_vma_prepare(k, vma))
		return VM_FAULT_OOM;
	struct page *page = alloc_anon_page(vmf, NULL);
	if (!page)
		return VM_FAULT_OOM;
	trace_kernel(k, vmf->cpu, "do_anonymous_page", "%s fault: new zeroed page, pfn %#llx",
		     vmf->flags & FAULT_FLAG_WRITE ? "write" : "read",
		     (unsigned long long)page_to_pfn(k, page));
	map_new_anon_page(vmf, page);
	return 0;
}

/* Map the page-cache page of a file VMA (Linux: do_read_fault and
 * do_shared_fault): read-only for a private mapping, as the VMA allows for a
 * shared one. */
static vm_fault_t do_file_page(struct vm_fault *vmf, bool write)
{
	struct kernel *k = vmf->k;
	struct vm_area_struct *vma = vmf->vma;
	struct page *page = filemap_get_page(k, vma->vm_file, vmf->pgoff);

	if (!page)
		return VM_FAULT_OOM;
	pte_t entry = pfn_pte(page_to_pfn(k, page), vm_get_page_prot(vma->vm_flags));
	if (write) {
		entry = pte_mkwrite(pte_mkdirty(entry));
		page_set(page, PG_dirty);           /* Linux: fault_dirty_shared_page */
	}
	trace_kernel(k, vmf->cpu, write ? "do_shared_fault" : "do_read_fault",
		     "page %llu of %s: pfn %#llx from the page cache", (unsigned long long)vmf->pgoff,
		     vma->vm_file->path, (unsigned long long)page_to_pfn(k, page));
	page_add_file_rmap(k, page);
	vma->vm_mm->rss_stat[mm_counter(page)]++;
	if (vma->vm_flags & VM_LOCKED)
		mlock_page(k, page);
	set_pte(vmf, entry);
	return 0;
}

/* fault_around_bytes (64 KiB): the pages a read fault may map at once. */
#define FAULT_AROUND_PAGES 16

/* Map one cached page at the empty entry pte for address (Linux:
 * set_pte_range for a page filemap_map_pages found). */
static void map_cached_page(struct vm_fault *vmf, pte_t *pte, uint64_t address, struct page *page)
{
	struct kernel *k = vmf->k;
	struct vm_area_struct *vma = vmf->vma;
	get_page(page);
	page_add_file_rmap(k, page);
	vma->vm_mm->rss_stat[mm_counter(page)]++;
	if (vma->vm_flags & VM_LOCKED)
		mlock_page(k, page);
	trace_kernel(k, vmf->cpu, "filemap_map_pages", "page %llu of %s at %#llx: pfn %#llx, already cached",
		     (unsigned long long)(vmf->pgoff + ((address - vmf->address) >> PAGE_SHIFT)),
		     vma->vm_file->path, (unsigned long long)address, (unsigned long long)page_to_pfn(k, page));
	*pte = pfn_pte(page_to_pfn(k, page), vm_get_page_prot(vma->vm_flags));
}

/* A read fault in a file VMA first maps the pages of the object already in
 * the page cache around the address: the aligned 16-page window holding it,
 * clamped to the VMA, the page table and the object's size, where the
 * entries are empty (Linux: do_fault_around and filemap_map_pages). Returns
 * true when that mapped the faulting page too (nothing more to do). */
static bool do_fault_around(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct file *f = vma->vm_file;
	uint64_t pte_off = (vmf->address >> PAGE_SHIFT) & (PTRS_PER_TABLE - 1);
	uint64_t vma_off = vmf->pgoff - vma->vm_pgoff, vma_pages = (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
	uint64_t from = pte_off & ~(uint64_t)(FAULT_AROUND_PAGES - 1), to = from + FAULT_AROUND_PAGES;
	uint64_t last = (f->size + PAGE_SIZE - 1) >> PAGE_SHIFT;     /* pages of the object */
	if (from < pte_off - (vma_off < pte_off ? vma_off : pte_off))
		from = pte_off - (vma_off < pte_off ? vma_off : pte_off);
	if (to > PTRS_PER_TABLE)
		to = PTRS_PER_TABLE;
	if (to > pte_off + vma_pages - vma_off)
		to = pte_off + vma_pages - vma_off;
	bool mapped = false;
	for (uint64_t i = from; i < to; i++) {
		pte_t *pte = vmf->pte - pte_off + i;
		uint64_t index = vmf->pgoff + i - pte_off;
		struct page *page = index < last ? radix_tree_lookup(&f->f_mapping.i_pages, index) : NULL;
		if (!pte_none(*pte) || !page || !page_test(page, PG_uptodate))
			continue;
		map_cached_page(vmf, pte, vmf->address + (i - pte_off) * PAGE_SIZE, page);
		mapped |= i == pte_off;
	}
	return mapped;
}

/* Replace the page the present PTE maps (NULL: the zero page) with a
 * private copy, writable (Linux: wp_page_copy). */
static vm_fault_t wp_page_copy(struct vm_fault *vmf, struct page *old)
{
	struct kernel *k = vmf->k;
	struct vm_area_struct *vma = vmf->vma;

	if (anon_vma_prepare(k, vma))
		return VM_FAULT_OOM;
	struct page *page = alloc_anon_page(vmf, old);
	if (!page)
		return VM_FAULT_OOM;
	trace_kernel(k, vmf->cpu, "wp_page_copy", "copy-on-write: %s into new pfn %#llx",
		     old ? "copy the shared page" : "zero-fill (was the zero page)",
		     (unsigned long long)page_to_pfn(k, page));
	if (old) {
		vma->vm_mm->rss_stat[mm_counter(old)]--;
		page_remove_rmap(k, old);
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
	trace_kernel(vmf->k, vmf->cpu, "wp_page_reuse", "%s: make the PTE writable in place", why);
	vmf->k->vm_events[PGREUSE]++;
	set_pte(vmf, pte_mkwrite(pte_mkdirty(vmf->orig_pte)) | _PAGE_ACCESSED);
	return 0;
}

/* A write to a present, write-protected page (Linux: do_wp_page): shared
 * mappings just get write access; a private anonymous page that nobody else
 * maps is reused; anything else is copied. */
static vm_fault_t do_wp_page(struct vm_fault *vmf)
{
	struct page *page = vm_normal_page(vmf->k, vmf->orig_pte);

	if (vmf->vma->vm_flags & (VM_SHARED | VM_MAYSHARE)) {
		if (page)
			page_set(page, PG_dirty);   /* Linux: wp_page_shared */
		return wp_page_reuse(vmf, "shared mapping");
	}
	if (page && PageAnon(page) &&
	    (page_test(page, PG_anon_exclusive) || page_ref_count(page) == 1)) {
		page_set(page, PG_anon_exclusive);
		return wp_page_reuse(vmf, "anonymous page mapped only here");
	}
	return wp_page_copy(vmf, page);
}

/* A write to an unmapped page of a private file mapping: a private copy of
 * the file's page (Linux: do_cow_fault). */
static vm_fault_t do_cow_fault(struct vm_fault *vmf)
{
	struct page *src = filemap_get_page(vmf->k, vmf->vma->vm_file, vmf->pgoff);
	struct page *page = NULL;

	if (src && !anon_vma_prepare(vmf->k, vmf->vma))
		page = alloc_anon_page(vmf, src);
	if (page) {
		trace_kernel(vmf->k, vmf->cpu, "do_cow_fault", "private copy of page %llu of %s: pfn %#llx",
			     (unsigned long long)vmf->pgoff, vmf->vma->vm_file->path,
			     (unsigned long long)page_to_pfn(vmf->k, page));
		map_new_anon_page(vmf, page);
	}
	if (src)
		put_page(vmf->k, src);
	return page ? 0 : VM_FAULT_OOM;
}

/* A fault where the PTE is empty, in a file VMA (Linux: do_fault). A page
 * wholly past the end of the file is SIGBUS (filemap_fault, shmem_fault):
 * a shared anonymous mapping grown by mremap keeps its object's size. */
static vm_fault_t do_fault(struct vm_fault *vmf)
{
	struct file *f = vmf->vma->vm_file;
	if (vmf->pgoff >= (f->size + PAGE_SIZE - 1) >> PAGE_SHIFT) {
		trace_kernel(vmf->k, vmf->cpu, "do_fault", "page %llu is past the end of %s (%llu bytes): SIGBUS",
			     (unsigned long long)vmf->pgoff, f->path, (unsigned long long)f->size);
		return VM_FAULT_SIGBUS;
	}
	if (!(vmf->flags & FAULT_FLAG_WRITE))
		return do_fault_around(vmf) ? 0 : do_file_page(vmf, false);
	if (vmf->vma->vm_flags & VM_SHARED)
		return do_file_page(vmf, true);
	return do_cow_fault(vmf);
}

/* A fault in the vDSO or its data pages: map the kernel's page there, as a
 * special entry with no struct page behind it (Linux: special_mapping_fault
 * and vvar_fault). */
static vm_fault_t do_special_fault(struct vm_fault *vmf)
{
	struct kernel *k = vmf->k;
	const char *name = vmf->vma->vm_name;
	uint64_t index = (vmf->address - vmf->vma->vm_start) >> PAGE_SHIFT;
	uint64_t base = !strcmp(name, "[vdso]") ? 0 : !strcmp(name, "[vvar]") ? 2 : 6;
	if (vmf->flags & FAULT_FLAG_WRITE)
		return VM_FAULT_SIGBUS;
	trace_kernel(k, vmf->cpu, "special_mapping_fault", "%s page %llu", name, (unsigned long long)index);
	set_pte(vmf, pfn_pte(k->vdso_pfn + base + index, vm_get_page_prot(vmf->vma->vm_flags)) | _PAGE_SPECIAL);
	return 0;
}

/* Dispatch on the PTE's state (Linux: handle_pte_fault). */
static vm_fault_t handle_pte_fault(struct vm_fault *vmf)
{
	if (pte_none(vmf->orig_pte) && vmf->vma->vm_name)
		return do_special_fault(vmf);
	if (pte_none(vmf->orig_pte))
		return vma_is_anonymous(vmf->vma) ? do_anonymous_page(vmf) : do_fault(vmf);
	if (!(vmf->orig_pte & _PAGE_PRESENT)) {
		kernel_bug(vmf->k, "handle_pte_fault: unexpected non-present PTE %#llx at %#llx",
			   (unsigned long long)vmf->orig_pte, (unsigned long long)vmf->address);
		return VM_FAULT_SIGBUS;
	}
	if ((vmf->flags & FAULT_FLAG_WRITE) && !pte_write(vmf->orig_pte))
		return do_wp_page(vmf);
	/* The entry already allows the access: a stale TLB entry caused the
	 * fault, which itself flushed it (Linux: the spurious-fault path). */
	pte_t entry = vmf->orig_pte | _PAGE_ACCESSED;
	if (vmf->flags & FAULT_FLAG_WRITE)
		entry = pte_mkdirty(entry);
	if (entry != vmf->orig_pte)
		set_pte(vmf, entry);
	trace_kernel(vmf->k, vmf->cpu, "handle_pte_fault", "spurious fault: the PTE already allows it");
	return 0;
}

/* See memory.h. */
vm_fault_t handle_mm_fault(struct kernel *k, struct vm_area_struct *vma, uint64_t address,
			   unsigned flags, struct task_struct *task)
{
	struct vm_fault vmf = {
		.k = k, .vma = vma, .address = address & ~(PAGE_SIZE - 1), .flags = flags,
		.cpu = task ? task->cpu : k->this_cpu,
	};
	int err;

	vmf.pgoff = ((vmf.address - vma->vm_start) >> PAGE_SHIFT) + vma->vm_pgoff;
	vmf.pte = pte_walk(k, vma->vm_mm, vmf.address, true, &err);
	if (vmf.pte)
		trace_kernel(k, vmf.cpu, "handle_mm_fault", "page %#llx: PTE %#llx (%s)",
			     (unsigned long long)vmf.address, (unsigned long long)*vmf.pte,
			     pte_none(*vmf.pte) ? "none" : "present");
	vm_fault_t ret = vmf.pte ? (vmf.orig_pte = *vmf.pte, handle_pte_fault(&vmf)) : VM_FAULT_OOM;

	k->vm_events[PGFAULT]++;                  /* Linux: mm_account_fault */
	if (!(ret & VM_FAULT_ERROR) && task) {
		if (ret & VM_FAULT_MAJOR)
			task->maj_flt++;
		else
			task->min_flt++;
	}
	if (ret & VM_FAULT_MAJOR)
		k->vm_events[PGMAJFAULT]++;
	return ret;
}
