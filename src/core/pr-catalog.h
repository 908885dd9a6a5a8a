/* pr-catalog.h — the model catalog (firmware/models.ini)
 *
 * What we know about each phone model: display name, User-Agent token, part
 * numbers, family, factory-reset keys, last software and BootROM, and the
 * minimum BootROM per application release; setup steps per family; the vendor
 * bundles we know; and the boot-log failure patterns with advice.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  char *app_version;      /* release line, e.g. "3.2.4" or "4.0" */
  char *bootrom_version;  /* oldest BootROM/Updater that runs it */
} PrCatalogMinBootrom;

typedef struct {
  char       *key;            /* "SPIP321": master-config suffix */
  char       *name;           /* "SoundPoint IP 321" */
  char       *ua_token;       /* "SPIP_321" */
  char       *family;         /* "soundpoint", "soundstation", "vvx" */
  GStrv       parts;          /* first is the main one */
  char       *reset_keys;     /* "1+3+5+7", or NULL when unverified */
  char       *last_software;  /* or NULL */
  char       *last_bootrom;   /* or NULL */
  char       *notes;          /* or NULL */
  GPtrArray  *min_bootroms;   /* of PrCatalogMinBootrom */
} PrCatalogModel;

typedef struct {
  char *name;                 /* vendor file name */
  char *kind;                 /* "bootrom", "updater", "application" */
  char *version;
  GStrv models;
} PrCatalogBundle;

typedef struct {
  char *id;                   /* "not-compatible" */
  char *match;                /* substring of a boot-log line */
  char *advice;               /* what to do, for a person: advice[LANG] for the
                               * locale at load time, as for the setup steps */
} PrLogPattern;

#define PR_TYPE_CATALOG (pr_catalog_get_type ())
G_DECLARE_FINAL_TYPE (PrCatalog, pr_catalog, PR, CATALOG, GObject)

/* The firmware data directory: $PHONE_RESCUE_FIRMWARE_DIR, else the installed
 * PKGDATADIR/firmware, else the source tree's firmware/ (first that holds models.ini). */
char                      *pr_catalog_find_firmware_dir  (void);

PrCatalog                 *pr_catalog_new_from_file      (const char  *path,
                                                          GError     **error);
PrCatalog                 *pr_catalog_new_from_data      (const char  *data,
                                                          gssize       len,
                                                          GError     **error);
/* Loads models.ini from pr_catalog_find_firmware_dir() */
PrCatalog                 *pr_catalog_load_default       (GError     **error);
/* A shared default catalog, loaded once; NULL (with a warning) if it cannot be loaded */
PrCatalog                 *pr_catalog_get_default        (void);

const char                *pr_catalog_get_path           (PrCatalog   *self);

/* All models in file order */
GPtrArray                 *pr_catalog_get_models         (PrCatalog   *self);  /* of PrCatalogModel */
const PrCatalogModel      *pr_catalog_lookup             (PrCatalog   *self,
                                                          const char  *key);
/* "SPIP_321" or "SPIP321" */
const PrCatalogModel      *pr_catalog_lookup_by_token    (PrCatalog   *self,
                                                          const char  *ua_token);
const PrCatalogModel      *pr_catalog_lookup_by_part     (PrCatalog   *self,
                                                          const char  *part);

/* The oldest BootROM that runs application @app_version on @model_key (the most
 * specific release line that matches wins), or NULL when we know none. */
const char                *pr_catalog_get_min_bootrom    (PrCatalog   *self,
                                                          const char  *model_key,
                                                          const char  *app_version);

/* The known vendor bundles */
GPtrArray                 *pr_catalog_get_bundles        (PrCatalog   *self);  /* of PrCatalogBundle */
/* The oldest known BootROM/Updater bundle for @model_key with version >= @min_version */
const PrCatalogBundle     *pr_catalog_suggest_bootrom_bundle (PrCatalog  *self,
                                                              const char *model_key,
                                                              const char *min_version);

/* Setup steps for @family ("soundpoint", …); @updater picks the UC Updater variant.
 * With @server non-NULL, "@SERVER@" is replaced by it. NULL for an unknown family.
 * In the user's language (steps[de]=… in models.ini), English in the "C" locale. */
GStrv                      pr_catalog_get_setup_steps    (PrCatalog   *self,
                                                          const char  *family,
                                                          gboolean     updater,
                                                          const char  *server);
/* The same in the language of @locale ("de", "de_DE.UTF-8"; NULL: the user's) */
GStrv                      pr_catalog_get_setup_steps_for_locale (PrCatalog   *self,
                                                                  const char  *family,
                                                                  gboolean     updater,
                                                                  const char  *server,
                                                                  const char  *locale);
const char                *pr_catalog_get_family_name    (PrCatalog   *self,
                                                          const char  *family);

/* Boot-log failure patterns in file order */
GPtrArray                 *pr_catalog_get_log_patterns   (PrCatalog   *self);  /* of PrLogPattern */
/* The first pattern found in @log, or NULL */
const PrLogPattern        *pr_catalog_match_log          (PrCatalog   *self,
                                                          const char  *log,
                                                          gssize       len);

G_END_DECLS
