/* pr-bundle.h — one imported firmware bundle: its manifest
 *
 * A bundle is what one vendor download (or one tar, or one dropped .ld) brought
 * into the store. Its files live under
 *   <store>/.phone-rescue/bundles/<id>/files/…
 * with the manifest beside them in manifest.ini (GKeyFile):
 *
 *   [bundle]
 *   id=3f0c…            content hash: same files → same id
 *   name=spip_ssip_BootROM_4_2_3_release_sig.zip
 *   kind=bootrom        application|bootrom|updater|combined|mixed
 *   version=4.2.3.0003  from sip.ver/bootrom.ver, else the file name; absent when unknown
 *   version-source=bootrom.ver
 *   app-version=…       (mixed bundles: both)
 *   bootrom-version=…
 *   models=SPIP320;SPIP321;…
 *   imported=2026-11-25T21:58:28Z
 *   [files]
 *   bootrom.ld=21455800 <sha256>      key: path, URI-escaped except '/'
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pr-sha256.h"

G_BEGIN_DECLS

typedef enum {
  PR_BUNDLE_KIND_APPLICATION,  /* application images (split per part, maybe sip.ld too) */
  PR_BUNDLE_KIND_BOOTROM,      /* BootROM images, including the BootROM "Upgrader" */
  PR_BUNDLE_KIND_UPDATER,      /* UC Software Updater (Polycom_UC_Updater_*) */
  PR_BUNDLE_KIND_COMBINED,     /* one combined application image (sip.ld wrapper) */
  PR_BUNDLE_KIND_MIXED,        /* application and BootROM images together */
} PrBundleKind;

/* Each slot serves at most one bundle at a time. */
typedef enum {
  PR_BUNDLE_SLOT_APPLICATION,  /* application, combined, mixed */
  PR_BUNDLE_SLOT_BOOTROM,      /* bootrom */
  PR_BUNDLE_SLOT_UPDATER,      /* updater */
  PR_BUNDLE_N_SLOTS,
} PrBundleSlot;

typedef enum {
  PR_BUNDLE_FILE_OTHER,
  PR_BUNDLE_FILE_BOOTROM_IMAGE,    /* bootrom.ld, <part>.bootrom.ld */
  PR_BUNDLE_FILE_APP_IMAGE,        /* sip.ld, <part>.sip.ld, any other .ld */
  PR_BUNDLE_FILE_VERSION,          /* sip.ver, bootrom.ver */
  PR_BUNDLE_FILE_MASTER_CONFIG,    /* 000000000000.cfg */
  PR_BUNDLE_FILE_TEMPLATE_CONFIG,  /* sip.cfg, phone1.cfg, Config/NAME.cfg, other .cfg */
  PR_BUNDLE_FILE_LOCALIZATION,     /* SoundPointIPLocalization/…, VVXLocalization/… */
  PR_BUNDLE_FILE_TONE,             /* .wav */
  PR_BUNDLE_FILE_BACKGROUND,       /* .jpg, .jpeg, .bmp, .png */
} PrBundleFileClass;

typedef struct {
  char              *path;     /* relative, '/'-separated */
  goffset            size;
  char               sha256[PR_SHA256_HEX_LEN + 1];
  PrBundleFileClass  klass;
} PrBundleFile;

const char        *pr_bundle_kind_to_string        (PrBundleKind kind);
gboolean           pr_bundle_kind_from_string      (const char   *text,
                                                    PrBundleKind *kind);
PrBundleSlot       pr_bundle_kind_get_slot         (PrBundleKind kind);
const char        *pr_bundle_slot_to_string        (PrBundleSlot slot);
const char        *pr_bundle_file_class_to_string  (PrBundleFileClass klass);

/* Classify a path inside a bundle (or the store root) by its name. */
PrBundleFileClass  pr_bundle_classify_path         (const char   *relative);
/* "2345-12360-001" for "2345-12360-001.sip.ld" / "….bootrom.ld", else NULL */
char              *pr_bundle_part_from_image       (const char   *relative);
/* "4.2.3" for "spip_ssip_BootROM_4_2_3_release_sig.zip", "4.4.0B" for "…4_4_0B…",
 * "4.0.11" for "Polycom-UC-Software-4-0-11-rts28…"; NULL when there is none. */
char              *pr_bundle_version_from_name     (const char   *name);
/* The first line of a .ver file, trimmed, if it looks like a version; else NULL. */
char              *pr_bundle_version_from_ver_file (const char   *contents,
                                                    gsize         len);
/* Compares "4.2.3.0003", "4.2.0B", "3.2.4": < 0, 0, > 0. Missing parts count as 0,
 * a letter suffix is newer than none ("4.2.0B" > "4.2.0"). NULL sorts first. */
int                pr_bundle_version_compare       (const char   *a,
                                                    const char   *b);
/* Does @version belong to the release line @prefix ("3.2.4.0267" to "3.2.4" and "3.2")? */
gboolean           pr_bundle_version_has_prefix    (const char   *version,
                                                    const char   *prefix);

#define PR_TYPE_BUNDLE (pr_bundle_get_type ())
G_DECLARE_FINAL_TYPE (PrBundle, pr_bundle, PR, BUNDLE, GObject)

PrBundle          *pr_bundle_new                   (void);
/* Reads <dir>/manifest.ini; the bundle's directory is @dir. */
PrBundle          *pr_bundle_load                  (const char   *dir,
                                                    GError      **error);
gboolean           pr_bundle_save                  (PrBundle     *self,
                                                    const char   *manifest_path,
                                                    GError      **error);

const char        *pr_bundle_get_id                (PrBundle     *self);
const char        *pr_bundle_get_name              (PrBundle     *self);
PrBundleKind       pr_bundle_get_kind              (PrBundle     *self);
const char        *pr_bundle_get_kind_string       (PrBundle     *self);
const char        *pr_bundle_get_version           (PrBundle     *self);   /* NULL: unknown */
const char        *pr_bundle_get_version_source    (PrBundle     *self);   /* "sip.ver", "name", … */
const char        *pr_bundle_get_app_version       (PrBundle     *self);
const char        *pr_bundle_get_bootrom_version   (PrBundle     *self);
/* The version of the images of @klass (APP_IMAGE or BOOTROM_IMAGE) in this bundle */
const char        *pr_bundle_get_image_version     (PrBundle     *self,
                                                    PrBundleFileClass klass);
const char *const *pr_bundle_get_models            (PrBundle     *self);   /* catalog keys */
GPtrArray         *pr_bundle_get_files             (PrBundle     *self);   /* of PrBundleFile, sorted by path */
const PrBundleFile *pr_bundle_find_file            (PrBundle     *self,
                                                    const char   *path);
guint              pr_bundle_count_files           (PrBundle     *self,
                                                    PrBundleFileClass klass);
goffset            pr_bundle_get_total_size        (PrBundle     *self);
GDateTime         *pr_bundle_get_imported          (PrBundle     *self);
const char        *pr_bundle_get_dir               (PrBundle     *self);   /* NULL until stored */
gboolean           pr_bundle_get_served            (PrBundle     *self);   /* at load time */
gboolean           pr_bundle_get_already_present   (PrBundle     *self);   /* an import was a no-op */

void               pr_bundle_set_name              (PrBundle     *self, const char *name);
void               pr_bundle_set_kind              (PrBundle     *self, PrBundleKind kind);
void               pr_bundle_set_versions          (PrBundle     *self,
                                                    const char   *version,
                                                    const char   *version_source,
                                                    const char   *app_version,
                                                    const char   *bootrom_version);
void               pr_bundle_set_models            (PrBundle     *self, const char *const *models);
void               pr_bundle_set_imported          (PrBundle     *self, GDateTime *when);
void               pr_bundle_set_dir               (PrBundle     *self, const char *dir);
void               pr_bundle_set_served            (PrBundle     *self, gboolean served);
void               pr_bundle_set_already_present   (PrBundle     *self, gboolean present);
/* Takes a copy; replaces a file with the same path */
void               pr_bundle_add_file              (PrBundle     *self,
                                                    const char   *path,
                                                    goffset       size,
                                                    const char   *sha256);
/* Sorts the files and sets the id from their paths and hashes */
void               pr_bundle_compute_id            (PrBundle     *self);

G_END_DECLS
