/* pr-compat.h — will the phones boot what the store serves?
 *
 * A snapshot of the store: for every catalog model, the application and
 * BootROM image a phone of that model would get, with their versions (from the
 * bundle manifest, else sip.ver/bootrom.ver in the root). From it:
 *  - warnings: the store serves a split application for a model whose minimum
 *    BootROM for that release (firmware/models.ini) the store cannot give;
 *  - pr_compat_check_phone(): a phone whose BootROM is too old for the served
 *    application and that the store cannot update → the reason it will fail.
 * Build a new one after the store changed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pr-catalog.h"

G_BEGIN_DECLS

typedef struct {
  char *model_key;
  char *model_name;
  char *app_file;          /* root file answering "<part>.sip.ld": itself or "sip.ld"; NULL: none */
  char *app_version;       /* NULL: unknown */
  char *app_bundle;        /* name of the bundle it comes from; NULL: a file of the user's */
  char *bootrom_file;      /* "<part>.bootrom.ld" or "bootrom.ld"; NULL: none */
  char *bootrom_version;
  char *bootrom_bundle;
  char *min_bootrom;       /* what the served application needs; NULL: nothing known */
  gboolean split;          /* a <part>.sip.ld or <part>.bootrom.ld of this model is there */
} PrServedImage;

typedef struct {
  char *model_key;
  char *needed;            /* minimum BootROM/Updater version */
  char *suggested_bundle;  /* vendor file name to import, or NULL */
  char *message;           /* for a person */
} PrCompatWarning;

#define PR_TYPE_COMPAT (pr_compat_get_type ())
G_DECLARE_FINAL_TYPE (PrCompat, pr_compat, PR, COMPAT, GObject)

/* Reads the store now. @catalog NULL: pr_catalog_get_default(). */
PrCompat            *pr_compat_new              (PrCatalog  *catalog,
                                                 const char *store_root);
/* One entry per catalog model that the store has an application or BootROM image for */
GPtrArray           *pr_compat_get_served       (PrCompat   *self);   /* of PrServedImage */
const PrServedImage *pr_compat_get_served_for   (PrCompat   *self,
                                                 const char *model_key);
GPtrArray           *pr_compat_get_warnings     (PrCompat   *self);   /* of PrCompatWarning */

/* NULL when a phone of @model_key running BootROM/Updater @bootrom_version can
 * take the served application (or when we cannot tell); else why it cannot,
 * and which bundle to import. */
char                *pr_compat_check_phone      (PrCompat   *self,
                                                 const char *model_key,
                                                 const char *bootrom_version);

G_END_DECLS
