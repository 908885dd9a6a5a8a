/* pr-models.h — the phone models the classifier recognises
 *
 * A small built-in table: UA token, catalog key, part numbers and a human name.
 * firmware/models.ini (PrCatalog) carries the rest; a test checks both agree.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  const char *key;            /* catalog key and master-config suffix, e.g. "SPIP321" */
  const char *ua_token;       /* as in the User-Agent, e.g. "SPIP_321" */
  const char *name;           /* human name, e.g. "SoundPoint IP 321" */
  const char *family;         /* "soundpoint", "soundstation" or "vvx" */
  const char *const *parts;   /* part numbers, NULL-terminated; first is the main one */
} PrModel;

const PrModel *pr_models_get_all        (guint      *n_models);
const PrModel *pr_models_find_by_key    (const char *key);
const PrModel *pr_models_find_by_token  (const char *ua_token);
const PrModel *pr_models_find_by_part   (const char *part);
gboolean       pr_models_is_part_number (const char *text);

G_END_DECLS
