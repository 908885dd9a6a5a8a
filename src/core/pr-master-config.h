/* pr-master-config.h — the master config (000000000000.cfg) we serve
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _PrCatalog PrCatalog;

/* Build a master config for what the store at @store_root holds: APP_FILE_PATH
 * points at the application image, CONFIG_FILES lists only configs that exist.
 * Contains no URL. Never fails: an empty store gives a config naming sip.ld. */
GBytes *pr_master_config_generate      (const char *store_root);

/* The same with a given catalog (for the per-model entries of split images;
 * NULL: the built-in model table) and template text (NULL: the one in the
 * firmware data directory, firmware/master-config.xml.in, else a built-in copy).
 * The template's @APP_FILE_PATH@, @CONFIG_FILES@ and @MODEL_ENTRIES@ are filled in. */
GBytes *pr_master_config_generate_full (const char *store_root,
                                        PrCatalog  *catalog,
                                        const char *template_text);

G_END_DECLS
