/*
 * kernel/rbtree.h — an intrusive red-black tree (Linux: include/linux/rbtree.h).
 *
 * The node lives inside the object it orders (a VMA, ...); the caller walks
 * down to the insertion point with its own comparison, links the node there
 * with rb_link_node, then rebalances with rb_insert_color. Lookups are the
 * caller's loops over rb_left/rb_right. Height stays below 2 log2(n + 1), so
 * lookups, inserts and erases are O(log n).
 */
#ifndef MMSIM_KERNEL_RBTREE_H
#define MMSIM_KERNEL_RBTREE_H

#include <stddef.h>

struct rb_node {
	struct rb_node *rb_parent;
	struct rb_node *rb_left, *rb_right;
	int rb_red;
};

struct rb_root {
	struct rb_node *rb_node;
};

#define RB_ROOT ((struct rb_root){ NULL })
#define rb_entry(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

/* Attach node as the child *link of parent (found by the caller's search). */
static inline void rb_link_node(struct rb_node *node, struct rb_node *parent, struct rb_node **link)
{
	node->rb_parent = parent;
	node->rb_left = node->rb_right = NULL;
	node->rb_red = 1;
	*link = node;
}

/* Restore the red-black properties after rb_link_node. */
void rb_insert_color(struct rb_node *node, struct rb_root *root);

/* Remove node from the tree. */
void rb_erase(struct rb_node *node, struct rb_root *root);

/*
 * Augmented trees (Linux: include/linux/rbtree_augmented.h): each node keeps
 * a value computed from itself and its children's values (a VMA keeps the
 * largest free gap below any VMA of its subtree). compute(node) recomputes
 * node's value from its own data and its children's values. Insert and
 * erase keep every value right through the rotations; after changing a
 * node's own data in place, call rb_augment_propagate on it.
 */
struct rb_augment_callbacks {
	void (*compute)(struct rb_node *node);
};

/* rb_insert_color for an augmented tree, after rb_link_node. */
void rb_insert_augmented(struct rb_node *node, struct rb_root *root, const struct rb_augment_callbacks *aug);

/* rb_erase for an augmented tree. */
void rb_erase_augmented(struct rb_node *node, struct rb_root *root, const struct rb_augment_callbacks *aug);

/* Recompute node's value and every ancestor's, up to the root. O(log n). */
void rb_augment_propagate(struct rb_node *node, const struct rb_augment_callbacks *aug);

/* In-order neighbours and ends; NULL past the ends. */
struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_last(const struct rb_root *root);
struct rb_node *rb_next(const struct rb_node *node);
struct rb_node *rb_prev(const struct rb_node *node);

/* Check the red-black invariants (for the consistency checker): returns the
 * black height, or -1 when the tree is broken. */
int rb_check(const struct rb_root *root);

#endif
