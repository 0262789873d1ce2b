/*
 * guide.h — the rows of the supply–demand guide (供需信息指南) in the order
 * it prints them: products by city (in the order of the 11 prefectures),
 * category, supplier and code; demands by province (in the order of
 * GB/T 2260), category, buyer and code.  src/print lays them out.
 */
#ifndef FM_GUIDE_H
#define FM_GUIDE_H

#include "store.h"

struct guide_counts {
	long long	 products;
	long long	 suppliers;	/* with at least one product */
	long long	 demands;
	long long	 buyers;	/* with at least one demand */
};
/* 0, or -1 and *cause (caller frees). */
int guide_counts(struct store *st, struct guide_counts *c, char **cause);

/*
 * The contents: called for every (city, category) of the products with
 * its count and the city's total, then for every province of the demands
 * with category NULL; in printing order.  0, or -1 and *cause.
 */
typedef void (*guide_group_fn)(void *arg, int part, const char *region, const char *category,
    long long n, long long region_total);
int guide_groups(struct store *st, guide_group_fn fn, void *arg, char **cause);

/* One product as the guide prints it; every field "" when empty, never NULL. */
struct guide_product {
	const char	*city;
	const char	*category;	/* 其他 when the file gave none */
	const char	*code;
	const char	*name;
	const char	*spec;
	const char	*brand;
	const char	*price;
	const char	*unit;
	const char	*company;
	const char	*county;
	const char	*contact;
	const char	*phone;
	const char	*honours;
};

/* One demand as the guide prints it; every text field "" when empty. */
struct guide_demand {
	const char	*province;
	const char	*code;
	const char	*product;
	const char	*category;	/* 其他 when the file gave none */
	const char	*description;
	const char	*buyer;
	const char	*city;
	const char	*buyer_type;
	int		 has_quantity;
	double		 quantity;
	const char	*unit;
	const char	*price;
	const char	*deadline;
	const char	*contact;
	const char	*phone;
};

/* Every product, then every demand, in printing order; the row is valid during the call. */
typedef void (*guide_product_fn)(void *arg, const struct guide_product *p);
typedef void (*guide_demand_fn)(void *arg, const struct guide_demand *d);
int guide_products(struct store *st, guide_product_fn fn, void *arg, char **cause);
int guide_demands(struct store *st, guide_demand_fn fn, void *arg, char **cause);

#endif
