/* pr-store-txn.h — atomic changes of a firmware store (internal to the importer
 * and pr-bundle-list.c)
 *
 * begin: locks the store's parent directory (flock), removes what a killed
 *        import left beside the store, loads the store's bundles.
 * temp dirs: siblings of the store named .phone-rescue-*, same filesystem.
 * commit: builds the new tree beside the store by hard-linking the old one,
 *        moves the new bundle directories in, links the served files into the
 *        root and swaps it with the store with renameat2(RENAME_EXCHANGE).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pr-bundle.h"

G_BEGIN_DECLS

#define PR_STORE_TEMP_PREFIX ".phone-rescue-"

typedef struct _PrStoreTxn PrStoreTxn;

PrStoreTxn  *pr_store_txn_begin          (const char    *store_root,
                                          GCancellable  *cancellable,
                                          GError       **error);
void         pr_store_txn_free           (PrStoreTxn    *txn);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PrStoreTxn, pr_store_txn_free)

const char  *pr_store_txn_get_root       (PrStoreTxn    *txn);   /* canonical */
/* The store's bundles as they are now (served flags set) */
GPtrArray   *pr_store_txn_get_bundles    (PrStoreTxn    *txn);
/* The id served in @slot now, or NULL */
const char  *pr_store_txn_get_served     (PrStoreTxn    *txn,
                                          PrBundleSlot   slot);
/* A fresh directory beside the store, removed by pr_store_txn_free() */
char        *pr_store_txn_make_temp_dir  (PrStoreTxn    *txn,
                                          const char    *what,
                                          GError       **error);

/* @add: new bundles whose pr_bundle_get_dir() is a directory (holding
 * manifest.ini and files/) on the store's filesystem; it is moved into the
 * store. @remove_id: a bundle to drop, or NULL. @served: the id to serve per
 * slot (PR_BUNDLE_N_SLOTS entries, NULL for none). */
gboolean     pr_store_txn_commit         (PrStoreTxn          *txn,
                                          GPtrArray           *add,
                                          const char          *remove_id,
                                          const char *const   *served,
                                          GCancellable        *cancellable,
                                          GError             **error);

/* The bundles of the store at @root as they are now, oldest import first, with
 * served flags; without taking the lock (the store only ever changes by an
 * atomic swap). @served_ids, if given, receives PR_BUNDLE_N_SLOTS owned ids or NULLs. */
GPtrArray   *pr_store_read_bundles       (const char    *root,
                                          char         **served_ids);

/* rm -rf @name below @dirfd without following symlinks */
gboolean     pr_store_remove_tree_at     (int            dirfd,
                                          const char    *name,
                                          GError       **error);

G_END_DECLS
