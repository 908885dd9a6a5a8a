/* pr-sim-master-config.h — what a phone reads from a Polycom master config
 *
 * The root <APPLICATION> element carries APP_FILE_PATH and CONFIG_FILES; a
 * per-model child <APPLICATION_SPIP321 APP_FILE_PATH_SPIP321="…"
 * CONFIG_FILES_SPIP321="…"/> overrides them for that model.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char  *app_file_path;   /* NULL when the config names none */
  GStrv  config_files;    /* never NULL; trimmed, macros expanded */
} PrSimMasterConfig;

/* @model_key is the UA token without its underscore ("SPIP321"). The macros
 * [PHONE_MAC_ADDRESS], [PHONE_PART_NUMBER] and [PHONE_MODEL] are expanded
 * with @mac, @part and @model_key. */
PrSimMasterConfig *pr_sim_master_config_parse (const char         *text,
                                               gssize              length,
                                               const char         *model_key,
                                               const char         *mac,
                                               const char         *part,
                                               GError            **error);
PrSimMasterConfig *pr_sim_master_config_new_default (void);
void               pr_sim_master_config_free  (PrSimMasterConfig  *config);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PrSimMasterConfig, pr_sim_master_config_free)

G_END_DECLS
