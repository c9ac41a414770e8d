/*
 * kernel/radix_tree.h — a radix tree from unsigned long indexes to pointers
 * (Linux: lib/radix-tree.c, now the XArray). Page caches use it: index a
 * page offset, item its struct page. Nodes of 64 slots come from the slab
 * cache "radix_tree_node", in simulated RAM.
 */
#ifndef MMSIM_KERNEL_RADIX_TREE_H
#define MMSIM_KERNEL_RADIX_TREE_H

#include <stdint.h>

struct kernel;

#define RADIX_TREE_MAP_SHIFT 6
#define RADIX_TREE_MAP_SIZE  (1u << RADIX_TREE_MAP_SHIFT)

struct radix_tree_node {
	unsigned shift;                   /* index bits below this node's slots */
	unsigned count;                   /* non-NULL slots */
	void *slots[RADIX_TREE_MAP_SIZE];
};

struct radix_tree_root {
	struct radix_tree_node *rnode;    /* NULL when empty */
	uint64_t nr_items;
};

/* Store item (not NULL) at index. 0, -EEXIST when taken, -ENOMEM. */
int radix_tree_insert(struct kernel *k, struct radix_tree_root *root, uint64_t index, void *item);

/* The item at index, or NULL. */
void *radix_tree_lookup(const struct radix_tree_root *root, uint64_t index);

/* Replace the item at index with item (not NULL), without allocating;
 * returns the old one, or NULL (nothing replaced) when there was none. */
void *radix_tree_replace(struct radix_tree_root *root, uint64_t index, void *item);

/* Remove and return the item at index (NULL if none), freeing emptied nodes. */
void *radix_tree_delete(struct kernel *k, struct radix_tree_root *root, uint64_t index);

/* Up to max items at indexes >= first, in index order, into items[] and
 * their indexes into indexes[]. Returns how many. */
unsigned radix_tree_gang_lookup(const struct radix_tree_root *root, void **items,
				uint64_t *indexes, uint64_t first, unsigned max);

/* The slab cache for nodes: created at boot by kernel/mm_init. */
int radix_tree_init(struct kernel *k);

#endif
