/* kernel/radix_tree.c — see radix_tree.h. */
#include "kernel/radix_tree.h"

#include "kernel/kernel.h"
#include "kernel/objsize.h"
#include "kernel/slab.h"

#include <errno.h>
#include <string.h>

KOBJ_FITS(struct radix_tree_node, RADIX_TREE_NODE_SIZE);

/* See radix_tree.h. */
int radix_tree_init(struct kernel *k)
{
	int err;
	k->mm_caches.radix_node = kmem_cache_create(k, "radix_tree_node", RADIX_TREE_NODE_SIZE,
						    0, SLAB_RECLAIM_ACCOUNT | SLAB_NO_MERGE, NULL, NULL, &err);
	return err;
}

static struct radix_tree_node *node_alloc(struct kernel *k, unsigned shift)
{
	struct radix_tree_node *n = kmem_cache_alloc(k, k->mm_caches.radix_node, GFP_KERNEL | __GFP_ZERO);
	if (n)
		n->shift = shift;
	return n;
}

/* The largest index a tree whose root has this shift can hold. */
static uint64_t max_index(unsigned shift)
{
	unsigned bits = shift + RADIX_TREE_MAP_SHIFT;
	return bits >= 64 ? UINT64_MAX : (1ULL << bits) - 1;
}

/* Add levels above the root until index fits. 0 or -ENOMEM. */
static int extend(struct kernel *k, struct radix_tree_root *root, uint64_t index)
{
	while (max_index(root->rnode->shift) < index) {
		struct radix_tree_node *n = node_alloc(k, root->rnode->shift + RADIX_TREE_MAP_SHIFT);
		if (!n)
			return -ENOMEM;
		n->slots[0] = root->rnode;
		n->count = 1;
		root->rnode = n;
	}
	return 0;
}

/* See radix_tree.h. */
int radix_tree_insert(struct kernel *k, struct radix_tree_root *root, uint64_t index, void *item)
{
	if (!root->rnode && !(root->rnode = node_alloc(k, 0)))
		return -ENOMEM;
	if (extend(k, root, index))
		return -ENOMEM;
	struct radix_tree_node *n = root->rnode;
	while (n->shift) {
		unsigned slot = (unsigned)(index >> n->shift) & (RADIX_TREE_MAP_SIZE - 1);
		if (!n->slots[slot]) {
			if (!(n->slots[slot] = node_alloc(k, n->shift - RADIX_TREE_MAP_SHIFT)))
				return -ENOMEM;
			n->count++;
		}
		n = n->slots[slot];
	}
	unsigned slot = (unsigned)index & (RADIX_TREE_MAP_SIZE - 1);
	if (n->slots[slot])
		return -EEXIST;
	n->slots[slot] = item;
	n->count++;
	root->nr_items++;
	return 0;
}

/* See radix_tree.h. */
void *radix_tree_lookup(const struct radix_tree_root *root, uint64_t index)
{
	struct radix_tree_node *n = root->rnode;
	if (!n || index > max_index(n->shift))
		return NULL;
	while (n && n->shift)
		n = n->slots[(index >> n->shift) & (RADIX_TREE_MAP_SIZE - 1)];
	return n ? n->slots[index & (RADIX_TREE_MAP_SIZE - 1)] : NULL;
}

/* See radix_tree.h. */
void *radix_tree_replace(struct radix_tree_root *root, uint64_t index, void *item)
{
	struct radix_tree_node *n = root->rnode;
	if (!n || index > max_index(n->shift))
		return NULL;
	while (n && n->shift)
		n = n->slots[(index >> n->shift) & (RADIX_TREE_MAP_SIZE - 1)];
	if (!n || !n->slots[index & (RADIX_TREE_MAP_SIZE - 1)])
		return NULL;
	void *old = n->slots[index & (RADIX_TREE_MAP_SIZE - 1)];
	n->slots[index & (RADIX_TREE_MAP_SIZE - 1)] = item;
	return old;
}

/* Delete index below node n, freeing children that empty. Returns the item. */
static void *delete_below(struct kernel *k, struct radix_tree_node *n, uint64_t index)
{
	unsigned slot = (unsigned)(index >> n->shift) & (RADIX_TREE_MAP_SIZE - 1);
	void *item = n->slots[slot];

	if (!item)
		return NULL;
	if (!n->shift) {
		n->slots[slot] = NULL;
		n->count--;
		return item;
	}
	struct radix_tree_node *child = item;
	item = delete_below(k, child, index);
	if (!child->count) {
		kmem_cache_free(k, k->mm_caches.radix_node, child);
		n->slots[slot] = NULL;
		n->count--;
	}
	return item;
}

/* See radix_tree.h. */
void *radix_tree_delete(struct kernel *k, struct radix_tree_root *root, uint64_t index)
{
	struct radix_tree_node *n = root->rnode;
	if (!n || index > max_index(n->shift))
		return NULL;
	void *item = delete_below(k, n, index);
	if (item)
		root->nr_items--;
	if (!n->count) {
		kmem_cache_free(k, k->mm_caches.radix_node, n);
		root->rnode = NULL;
	}
	return item;
}

/* Collect items at indexes >= first below node n, whose first index is base. */
static unsigned gang(const struct radix_tree_node *n, uint64_t base, void **items, uint64_t *idx,
		     uint64_t first, unsigned max, unsigned got)
{
	for (unsigned s = 0; s < RADIX_TREE_MAP_SIZE && got < max; s++) {
		uint64_t lo = base + ((uint64_t)s << n->shift);
		uint64_t hi = lo + ((n->shift ? 1ULL << n->shift : 1) - 1);
		if (!n->slots[s] || hi < first)
			continue;
		if (n->shift) {
			got = gang(n->slots[s], lo, items, idx, first, max, got);
		} else {
			items[got] = n->slots[s];
			if (idx)
				idx[got] = lo;
			got++;
		}
	}
	return got;
}

/* See radix_tree.h. */
unsigned radix_tree_gang_lookup(const struct radix_tree_root *root, void **items,
				uint64_t *indexes, uint64_t first, unsigned max)
{
	return root->rnode ? gang(root->rnode, 0, items, indexes, first, max, 0) : 0;
}
