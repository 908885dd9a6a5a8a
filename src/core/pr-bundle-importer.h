/* pr-bundle-importer.h — bring a vendor download into the firmware store, safely
 *
 * Accepts the vendor zips (split application, BootROM, BootROM Upgrader, UC
 * Updater, combined), tar/tar.gz/tar.bz2/tar.xz, files inside one top folder,
 * one level of archives inside the archive (each becomes a bundle of its own),
 * and a single .ld image. Only regular files are taken; absolute paths, "..",
 * links, devices and encrypted entries are refused, and byte counts are
 * checked as they are written (declared sizes can lie).
 *
 * The work runs in a thread (GTask). "progress" (0…1), "bytes-done" and
 * "bytes-total" (compressed input) are notified on the thread-default main
 * context of the caller of pr_bundle_importer_import_async(). Cancelling gives
 * PR_ERROR_CANCELLED. On any error the store is left exactly as it was.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pr-bundle.h"
#include "pr-catalog.h"
#include "pr-firmware-store.h"

G_BEGIN_DECLS

#define PR_IMPORT_DEFAULT_MAX_TOTAL      (G_GUINT64_CONSTANT (2) << 30)   /* 2 GiB */
#define PR_IMPORT_DEFAULT_MAX_ENTRY      (G_GUINT64_CONSTANT (512) << 20) /* 512 MiB */
#define PR_IMPORT_DEFAULT_MAX_ENTRIES    20000
#define PR_IMPORT_DEFAULT_MAX_RATIO      200
#define PR_IMPORT_DEFAULT_RATIO_THRESHOLD (G_GUINT64_CONSTANT (64) << 20) /* 64 MiB */

#define PR_TYPE_BUNDLE_IMPORTER (pr_bundle_importer_get_type ())
G_DECLARE_FINAL_TYPE (PrBundleImporter, pr_bundle_importer, PR, BUNDLE_IMPORTER, GObject)

PrBundleImporter *pr_bundle_importer_new           (const char        *store_root);
/* Import into @store's root and invalidate it after each import */
PrBundleImporter *pr_bundle_importer_new_for_store (PrFirmwareStore   *store);

const char       *pr_bundle_importer_get_store_root (PrBundleImporter *self);
/* Used to name the models a bundle covers; default: pr_catalog_get_default() */
void              pr_bundle_importer_set_catalog   (PrBundleImporter  *self,
                                                    PrCatalog         *catalog);

/* Caps (properties "max-total-size", "max-entry-size", "max-entries",
 * "max-ratio", "ratio-threshold"): the ratio cap applies once more than
 * ratio-threshold bytes have come out. */
void              pr_bundle_importer_set_limits    (PrBundleImporter  *self,
                                                    guint64            max_total_size,
                                                    guint64            max_entry_size,
                                                    guint              max_entries,
                                                    guint              max_ratio,
                                                    guint64            ratio_threshold);

double            pr_bundle_importer_get_progress  (PrBundleImporter  *self);

/* Result: a GPtrArray of PrBundle, one per bundle found in @file (usually one):
 * the new ones and those that were already in the store
 * (pr_bundle_get_already_present()); pr_bundle_get_served() tells which are
 * served now. */
void              pr_bundle_importer_import_async  (PrBundleImporter   *self,
                                                    GFile              *file,
                                                    GCancellable       *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer            user_data);
GPtrArray        *pr_bundle_importer_import_finish (PrBundleImporter   *self,
                                                    GAsyncResult       *result,
                                                    GError            **error);
/* The same in the calling thread; progress is notified from it. */
GPtrArray        *pr_bundle_importer_import        (PrBundleImporter   *self,
                                                    GFile              *file,
                                                    GCancellable       *cancellable,
                                                    GError            **error);

G_END_DECLS
