/* pr-master-config.h — the master config (000000000000.cfg) we serve
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Build a master config for what the store at @store_root holds: APP_FILE_PATH
 * points at the application image, CONFIG_FILES lists only configs that exist.
 * Contains no URL. Never fails: an empty store gives a config naming sip.ld. */
GBytes *pr_master_config_generate (const char *store_root);

G_END_DECLS
