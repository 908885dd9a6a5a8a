/* pr-models.c — the built-in model table (POLYCOM-FACTS.md §1)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pr-models.h"

#include <string.h>

#define PARTS(...) (const char *const[]) { __VA_ARGS__, NULL }

static const PrModel models[] = {
  { "SPIP300",  "SPIP_300",  "SoundPoint IP 300",  "soundpoint", PARTS ("2345-11300-001") },
  { "SPIP301",  "SPIP_301",  "SoundPoint IP 301",  "soundpoint", PARTS ("2345-11300-010") },
  { "SPIP500",  "SPIP_500",  "SoundPoint IP 500",  "soundpoint", PARTS ("2345-11500-001", "2345-11500-010", "2345-11500-020") },
  { "SPIP501",  "SPIP_501",  "SoundPoint IP 501",  "soundpoint", PARTS ("2345-11500-030", "2345-11500-040") },
  { "SPIP600",  "SPIP_600",  "SoundPoint IP 600",  "soundpoint", PARTS ("2345-11600-001") },
  { "SPIP601",  "SPIP_601",  "SoundPoint IP 601",  "soundpoint", PARTS ("2345-11605-001") },
  { "SSIP4000", "SSIP_4000", "SoundStation IP 4000", "soundstation", PARTS ("2201-06642-001") },
  { "SPIP430",  "SPIP_430",  "SoundPoint IP 430",  "soundpoint", PARTS ("2345-11402-001") },
  { "SPIP320",  "SPIP_320",  "SoundPoint IP 320",  "soundpoint", PARTS ("2345-12200-002") },
  { "SPIP330",  "SPIP_330",  "SoundPoint IP 330",  "soundpoint", PARTS ("2345-12200-001") },
  { "SPIP321",  "SPIP_321",  "SoundPoint IP 321",  "soundpoint", PARTS ("2345-12360-001") },
  { "SPIP331",  "SPIP_331",  "SoundPoint IP 331",  "soundpoint", PARTS ("2345-12365-001") },
  { "SPIP335",  "SPIP_335",  "SoundPoint IP 335",  "soundpoint", PARTS ("2345-12375-001") },
  { "SPIP450",  "SPIP_450",  "SoundPoint IP 450",  "soundpoint", PARTS ("2345-12450-001") },
  { "SPIP550",  "SPIP_550",  "SoundPoint IP 550",  "soundpoint", PARTS ("2345-12500-001") },
  { "SPIP560",  "SPIP_560",  "SoundPoint IP 560",  "soundpoint", PARTS ("2345-12560-001") },
  { "SPIP650",  "SPIP_650",  "SoundPoint IP 650",  "soundpoint", PARTS ("2345-12600-001") },
  { "SPIP670",  "SPIP_670",  "SoundPoint IP 670",  "soundpoint", PARTS ("2345-12670-001") },
  { "SSIP5000", "SSIP_5000", "SoundStation IP 5000", "soundstation", PARTS ("3111-30900-001") },
  { "SSIP6000", "SSIP_6000", "SoundStation IP 6000", "soundstation", PARTS ("3111-15600-001") },
  { "SSIP7000", "SSIP_7000", "SoundStation IP 7000", "soundstation", PARTS ("3111-40000-001") },
  { "VVX300",   "VVX_300",   "VVX 300",  "vvx", PARTS ("3111-46135-002") },
  { "VVX310",   "VVX_310",   "VVX 310",  "vvx", PARTS ("3111-46161-001") },
  { "VVX400",   "VVX_400",   "VVX 400",  "vvx", PARTS ("3111-46157-002") },
  { "VVX410",   "VVX_410",   "VVX 410",  "vvx", PARTS ("3111-46162-001") },
  { "VVX500",   "VVX_500",   "VVX 500",  "vvx", PARTS ("3111-44500-001") },
  { "VVX600",   "VVX_600",   "VVX 600",  "vvx", PARTS ("3111-44600-001") },
  { "VVX1500",  "VVX_1500",  "VVX 1500", "vvx", PARTS ("2345-17960-001") },
};

const PrModel *
pr_models_get_all (guint *n_models)
{
  *n_models = G_N_ELEMENTS (models);
  return models;
}

const PrModel *
pr_models_find_by_key (const char *key)
{
  if (key == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    if (g_ascii_strcasecmp (models[i].key, key) == 0)
      return &models[i];
  return NULL;
}

const PrModel *
pr_models_find_by_token (const char *ua_token)
{
  char key[32];
  gsize j = 0;

  if (ua_token == NULL)
    return NULL;
  /* "SPIP_321" and "SPIP321" name the same model */
  for (gsize i = 0; ua_token[i] != '\0' && j < sizeof key - 1; i++)
    if (ua_token[i] != '_')
      key[j++] = ua_token[i];
  key[j] = '\0';
  return pr_models_find_by_key (key);
}

const PrModel *
pr_models_find_by_part (const char *part)
{
  if (part == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    for (guint p = 0; models[i].parts[p] != NULL; p++)
      if (strcmp (models[i].parts[p], part) == 0)
        return &models[i];
  return NULL;
}

/* "2345-12360-001": four digits, five digits, three digits */
gboolean
pr_models_is_part_number (const char *text)
{
  static const int shape[] = { 4, 5, 3 };

  if (text == NULL)
    return FALSE;
  for (guint g = 0; g < G_N_ELEMENTS (shape); g++)
    {
      for (int i = 0; i < shape[g]; i++, text++)
        if (!g_ascii_isdigit (*text))
          return FALSE;
      if (g + 1 < G_N_ELEMENTS (shape) && *text++ != '-')
        return FALSE;
    }
  return *text == '\0';
}
