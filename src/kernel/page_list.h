/*
 * kernel/page_list.h — doubly linked lists of frames through struct page
 * lru_next/lru_prev (Linux: list_head in page->lru). Links are pfns, so a
 * list head is 8 bytes and a link 4.
 */
#ifndef MMSIM_KERNEL_PAGE_LIST_H
#define MMSIM_KERNEL_PAGE_LIST_H

#include "kernel/kernel.h"

static inline void page_list_init(struct page_list *l)
{
	l->head = l->tail = PFN_NIL;
}

static inline bool page_list_empty(const struct page_list *l)
{
	return l->head == PFN_NIL;
}

/* Insert page at the head of l. */
static inline void page_list_add(struct kernel *k, struct page_list *l, struct page *p)
{
	uint32_t pfn = (uint32_t)page_to_pfn(k, p);
	p->lru_prev = PFN_NIL;
	p->lru_next = l->head;
	if (l->head != PFN_NIL)
		pfn_to_page(k, l->head)->lru_prev = pfn;
	else
		l->tail = pfn;
	l->head = pfn;
}

/* Insert page at the tail of l. */
static inline void page_list_add_tail(struct kernel *k, struct page_list *l, struct page *p)
{
	uint32_t pfn = (uint32_t)page_to_pfn(k, p);
	p->lru_next = PFN_NIL;
	p->lru_prev = l->tail;
	if (l->tail != PFN_NIL)
		pfn_to_page(k, l->tail)->lru_next = pfn;
	else
		l->head = pfn;
	l->tail = pfn;
}

/* Remove page from l, which must contain it. */
static inline void page_list_del(struct kernel *k, struct page_list *l, struct page *p)
{
	if (p->lru_prev != PFN_NIL)
		pfn_to_page(k, p->lru_prev)->lru_next = p->lru_next;
	else
		l->head = p->lru_next;
	if (p->lru_next != PFN_NIL)
		pfn_to_page(k, p->lru_next)->lru_prev = p->lru_prev;
	else
		l->tail = p->lru_prev;
	p->lru_next = p->lru_prev = PFN_NIL;
}

static inline struct page *page_list_first(struct kernel *k, const struct page_list *l)
{
	return l->head == PFN_NIL ? NULL : pfn_to_page(k, l->head);
}

static inline struct page *page_list_last(struct kernel *k, const struct page_list *l)
{
	return l->tail == PFN_NIL ? NULL : pfn_to_page(k, l->tail);
}

/* Iterate a list by pfn; the body must not unlink the current frame. */
#define for_each_list_pfn(k, list, pfn)                                  \
	for (uint64_t pfn = (list).head; pfn != PFN_NIL;                  \
	     pfn = pfn_to_page(k, pfn)->lru_next)

#endif
