/* The red-black tree against a sorted array, under random inserts and erases. */
#include <criterion/criterion.h>

#include "kernel/rbtree.h"

#include <stdint.h>
#include <stdlib.h>

struct item {
	struct rb_node node;
	uint64_t key;
	int in;
};

static void insert(struct rb_root *root, struct item *it)
{
	struct rb_node **link = &root->rb_node, *parent = NULL;
	while (*link) {
		parent = *link;
		link = it->key < rb_entry(parent, struct item, node)->key ? &parent->rb_left : &parent->rb_right;
	}
	rb_link_node(&it->node, parent, link);
	rb_insert_color(&it->node, root);
}

Test(rbtree, random_inserts_and_erases_keep_order_and_balance)
{
	enum { N = 2000 };
	static struct item items[N];
	struct rb_root root = RB_ROOT;
	uint64_t x = 12345;
	int live = 0;

	for (int i = 0; i < N; i++)
		items[i].key = (uint64_t)i * 7919 % N;    /* distinct, shuffled */
	for (int step = 0; step < 20000; step++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		struct item *it = &items[(x >> 33) % N];
		if (it->in) {
			rb_erase(&it->node, &root);
			it->in = 0;
			live--;
		} else {
			insert(&root, it);
			it->in = 1;
			live++;
		}
		int bh = rb_check(&root);
		cr_assert_geq(bh, 1, "invariants broken at step %d", step);
	}
	int n = 0;
	uint64_t prev = 0;
	for (struct rb_node *p = rb_first(&root); p; p = rb_next(p), n++) {
		uint64_t k = rb_entry(p, struct item, node)->key;
		cr_assert(n == 0 || k > prev);
		prev = k;
	}
	cr_assert_eq(n, live);
	n = 0;
	for (struct rb_node *p = rb_last(&root); p; p = rb_prev(p))
		n++;
	cr_assert_eq(n, live);
}
