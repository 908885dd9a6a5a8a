/* pr-bundle-list.h — the bundles in a firmware store: list, choose, remove
 *
 * Store layout (GUIDE §6):
 *   <store>/                       the served tree (a hand-filled store keeps working)
 *   <store>/.phone-rescue/         bookkeeping, never served
 *       bundles/<id>/manifest.ini  one imported bundle (see pr-bundle.h)
 *       bundles/<id>/files/…       its files
 *       served.ini                 [served] application=<id> bootrom=<id> updater=<id>
 * The served bundles' files appear in the store root as hard links to
 * bundles/<id>/files/… (no copies). Files in the root that are no bundle's are
 * the user's and are kept, unless a served bundle brings a file of the same name.
 *
 * Every change builds the complete new tree in a sibling directory of the store
 * and swaps it in with one renameat2(RENAME_EXCHANGE): the store is always
 * either the old or the new tree, also when the process is killed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pr-bundle.h"

G_BEGIN_DECLS

/* All bundles in the store, oldest import first, with pr_bundle_get_served()
 * set. An empty array for a store without bundles (or that does not exist). */
GPtrArray *pr_bundle_list_load        (const char   *store_root,
                                       GError      **error);
/* The bundle served in @slot, or NULL */
PrBundle  *pr_bundle_list_get_served  (GPtrArray    *bundles,
                                       PrBundleSlot  slot);
/* By id, unique id prefix, or name. NULL with PR_ERROR_NOT_FOUND or (ambiguous) PR_ERROR_FAILED */
PrBundle  *pr_bundle_list_find        (GPtrArray    *bundles,
                                       const char   *id_or_name,
                                       GError      **error);

/* Serve @id_or_name in its kind's slot instead of the bundle served there now */
gboolean   pr_bundle_list_serve       (const char   *store_root,
                                       const char   *id_or_name,
                                       GError      **error);
/* Delete a bundle; if it was served, the newest remaining bundle of its slot is served */
gboolean   pr_bundle_list_remove      (const char   *store_root,
                                       const char   *id_or_name,
                                       GError      **error);

/* Which bundle provides the root file @relative now: NULL for a file of the
 * user's (or none). Looks at served bundles only. */
PrBundle  *pr_bundle_list_find_provider (GPtrArray  *bundles,
                                         const char *store_root,
                                         const char *relative);

G_END_DECLS
