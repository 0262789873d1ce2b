/*
 * schema.h — the part of the store's database that index/ reads and
 * writes: the one contract between the indexing core and the domain
 * layer's migrations (src/domain/store.c creates these objects under these
 * names; tests/unit/test_schema.c checks a new store against ix_kinds()).
 *
 *   IX_LOG         seq INTEGER PRIMARY KEY, kind 'supply' | 'demand',
 *                  item_id (products.id or demands.id): every change to an
 *                  indexed row, written by the store's triggers
 *   IX_STATE       name, seq: the last IX_LOG entry the FTS5 tables applied
 *                  ('fts'), and the tokenizer version ('tokenizer')
 *   a kind's view  one row per item on offer (a withdrawn one is left
 *                  out): id, code, every field's column, the region and
 *                  facet columns, price_min, price_max, a demand's deadline
 *                  (struct ix_kind in indexer.h names them)
 *   a kind's FTS5  the fields' columns in order, then region UNINDEXED
 *   IX_PRODUCTS, IX_DEMANDS   the items themselves (id), for a rebuild
 *   IX_GENERIC     word PRIMARY KEY, items, categories, top_share: the
 *                  generic words derived from the items (index/generic.h);
 *                  IX_STATE 'generic' counts the items changed since
 */
#ifndef FM_SCHEMA_H
#define FM_SCHEMA_H

#define IX_LOG		"index_log"
#define IX_STATE	"index_state"
#define IX_PRODUCTS	"products"
#define IX_DEMANDS	"demands"
#define IX_PRODUCT_TEXT	"product_text"
#define IX_DEMAND_TEXT	"demand_text"
#define IX_PRODUCTS_FTS	"products_fts"
#define IX_DEMANDS_FTS	"demands_fts"
#define IX_GENERIC	"generic_words"

#endif
