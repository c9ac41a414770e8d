/*
 * kernel/rbtree.c — red-black tree rebalancing (the algorithm of Cormen et
 * al., "Introduction to Algorithms", ch. 13, with parent pointers).
 */
#include "kernel/rbtree.h"

/* Replace old with new as the child of old's parent (or as the root). */
static void change_child(struct rb_node *old, struct rb_node *new, struct rb_node *parent,
			 struct rb_root *root)
{
	if (!parent)
		root->rb_node = new;
	else if (parent->rb_left == old)
		parent->rb_left = new;
	else
		parent->rb_right = new;
}

/* After a rotation put y where x was: recompute x, now y's child, then y
 * (their subtrees changed; every other node's subtree has the same nodes). */
static void rotate_augment(struct rb_node *x, struct rb_node *y, const struct rb_augment_callbacks *aug)
{
	if (aug) {
		aug->compute(x);
		aug->compute(y);
	}
}

/* Rotate x down to the left: its right child takes its place. */
static void rotate_left(struct rb_node *x, struct rb_root *root, const struct rb_augment_callbacks *aug)
{
	struct rb_node *y = x->rb_right;
	x->rb_right = y->rb_left;
	if (y->rb_left)
		y->rb_left->rb_parent = x;
	y->rb_parent = x->rb_parent;
	change_child(x, y, x->rb_parent, root);
	y->rb_left = x;
	x->rb_parent = y;
	rotate_augment(x, y, aug);
}

/* Rotate x down to the right: its left child takes its place. */
static void rotate_right(struct rb_node *x, struct rb_root *root, const struct rb_augment_callbacks *aug)
{
	struct rb_node *y = x->rb_left;
	x->rb_left = y->rb_right;
	if (y->rb_right)
		y->rb_right->rb_parent = x;
	y->rb_parent = x->rb_parent;
	change_child(x, y, x->rb_parent, root);
	y->rb_right = x;
	x->rb_parent = y;
	rotate_augment(x, y, aug);
}

static int is_red(const struct rb_node *n)
{
	return n && n->rb_red;
}

/* A red node with a red parent is fixed by recolouring while the uncle is
 * red, then by at most two rotations. */
static void insert_fixup(struct rb_node *z, struct rb_root *root, const struct rb_augment_callbacks *aug)
{
	while (is_red(z->rb_parent)) {
		struct rb_node *p = z->rb_parent, *g = p->rb_parent;
		int left = p == g->rb_left;
		struct rb_node *uncle = left ? g->rb_right : g->rb_left;
		if (is_red(uncle)) {
			p->rb_red = uncle->rb_red = 0;
			g->rb_red = 1;
			z = g;
			continue;
		}
		if (z == (left ? p->rb_right : p->rb_left)) {
			z = p;
			left ? rotate_left(z, root, aug) : rotate_right(z, root, aug);
			p = z->rb_parent;
		}
		p->rb_red = 0;
		g->rb_red = 1;
		left ? rotate_right(g, root, aug) : rotate_left(g, root, aug);
	}
	root->rb_node->rb_red = 0;
}

/* See rbtree.h. */
void rb_insert_color(struct rb_node *z, struct rb_root *root)
{
	insert_fixup(z, root, NULL);
}

/* See rbtree.h. */
void rb_augment_propagate(struct rb_node *node, const struct rb_augment_callbacks *aug)
{
	for (; node; node = node->rb_parent)
		aug->compute(node);
}

/* See rbtree.h. The new leaf's path is brought up to date first; each
 * rotation then keeps the values right. */
void rb_insert_augmented(struct rb_node *z, struct rb_root *root, const struct rb_augment_callbacks *aug)
{
	rb_augment_propagate(z, aug);
	insert_fixup(z, root, aug);
}

/* Put v (possibly NULL) where u was. */
static void transplant(struct rb_node *u, struct rb_node *v, struct rb_root *root)
{
	change_child(u, v, u->rb_parent, root);
	if (v)
		v->rb_parent = u->rb_parent;
}

static struct rb_node *leftmost(struct rb_node *n)
{
	while (n->rb_left)
		n = n->rb_left;
	return n;
}

/* Fix a missing black on x (possibly NULL), child of parent, after an erase. */
static void erase_fixup(struct rb_node *x, struct rb_node *parent, struct rb_root *root,
			const struct rb_augment_callbacks *aug)
{
	while (x != root->rb_node && !is_red(x)) {
		int left = x == parent->rb_left;
		struct rb_node *w = left ? parent->rb_right : parent->rb_left;
		if (is_red(w)) {
			w->rb_red = 0;
			parent->rb_red = 1;
			left ? rotate_left(parent, root, aug) : rotate_right(parent, root, aug);
			w = left ? parent->rb_right : parent->rb_left;
		}
		if (!is_red(w->rb_left) && !is_red(w->rb_right)) {
			w->rb_red = 1;
			x = parent;
			parent = x->rb_parent;
			continue;
		}
		if (!is_red(left ? w->rb_right : w->rb_left)) {
			(left ? w->rb_left : w->rb_right)->rb_red = 0;
			w->rb_red = 1;
			left ? rotate_right(w, root, aug) : rotate_left(w, root, aug);
			w = left ? parent->rb_right : parent->rb_left;
		}
		w->rb_red = parent->rb_red;
		parent->rb_red = 0;
		(left ? w->rb_right : w->rb_left)->rb_red = 0;
		left ? rotate_left(parent, root, aug) : rotate_right(parent, root, aug);
		x = root->rb_node;
		break;
	}
	if (x)
		x->rb_red = 0;
}

/* Unlink z; the lowest node whose subtree changed has its path brought up
 * to date before the rebalancing rotations, which keep the values right. */
static void erase(struct rb_node *z, struct rb_root *root, const struct rb_augment_callbacks *aug)
{
	struct rb_node *x, *xparent;
	int removed_red = z->rb_red;

	if (!z->rb_left || !z->rb_right) {
		x = z->rb_left ? z->rb_left : z->rb_right;
		xparent = z->rb_parent;
		transplant(z, x, root);
	} else {
		struct rb_node *y = leftmost(z->rb_right);
		removed_red = y->rb_red;
		x = y->rb_right;
		if (y->rb_parent == z) {
			xparent = y;
		} else {
			xparent = y->rb_parent;
			transplant(y, x, root);
			y->rb_right = z->rb_right;
			y->rb_right->rb_parent = y;
		}
		transplant(z, y, root);
		y->rb_left = z->rb_left;
		y->rb_left->rb_parent = y;
		y->rb_red = z->rb_red;
	}
	if (aug)
		rb_augment_propagate(xparent, aug);
	if (!removed_red)
		erase_fixup(x, xparent, root, aug);
}

/* See rbtree.h. */
void rb_erase(struct rb_node *z, struct rb_root *root)
{
	erase(z, root, NULL);
}

/* See rbtree.h. */
void rb_erase_augmented(struct rb_node *z, struct rb_root *root, const struct rb_augment_callbacks *aug)
{
	erase(z, root, aug);
}

/* See rbtree.h. */
struct rb_node *rb_first(const struct rb_root *root)
{
	return root->rb_node ? leftmost(root->rb_node) : NULL;
}

/* See rbtree.h. */
struct rb_node *rb_last(const struct rb_root *root)
{
	struct rb_node *n = root->rb_node;
	while (n && n->rb_right)
		n = n->rb_right;
	return n;
}

/* See rbtree.h. */
struct rb_node *rb_next(const struct rb_node *n)
{
	if (n->rb_right)
		return leftmost(n->rb_right);
	while (n->rb_parent && n == n->rb_parent->rb_right)
		n = n->rb_parent;
	return n->rb_parent;
}

/* See rbtree.h. */
struct rb_node *rb_prev(const struct rb_node *n)
{
	if (n->rb_left) {
		n = n->rb_left;
		while (n->rb_right)
			n = n->rb_right;
		return (struct rb_node *)n;
	}
	while (n->rb_parent && n == n->rb_parent->rb_left)
		n = n->rb_parent;
	return n->rb_parent;
}

/* Black height of the subtree at n, or -1 if a rule is broken below it. */
static int check_node(const struct rb_node *n, const struct rb_node *parent)
{
	if (!n)
		return 1;
	if (n->rb_parent != parent || (n->rb_red && (is_red(n->rb_left) || is_red(n->rb_right))))
		return -1;
	int l = check_node(n->rb_left, n), r = check_node(n->rb_right, n);
	if (l < 0 || l != r)
		return -1;
	return l + !n->rb_red;
}

/* See rbtree.h. */
int rb_check(const struct rb_root *root)
{
	if (is_red(root->rb_node))
		return -1;
	return check_node(root->rb_node, NULL);
}
