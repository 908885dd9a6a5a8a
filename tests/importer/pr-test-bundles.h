/* pr-test-bundles.h — synthetic firmware bundles for the importer tests
 *
 * Vendor names and layouts, random bytes for images; nothing from a vendor.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  TEST_ENTRY_FILE,
  TEST_ENTRY_DIR,
  TEST_ENTRY_SYMLINK,
  TEST_ENTRY_HARDLINK,
  TEST_ENTRY_CHARDEV,
  TEST_ENTRY_FIFO,
} TestEntryType;

typedef struct {
  const char    *path;
  gsize          size;     /* random bytes of this size when text is NULL */
  const char    *text;     /* literal contents */
  TestEntryType  type;
  const char    *link;     /* symlink or hardlink target */
  gboolean       zeros;    /* size bytes of zeros instead of random ones */
} TestEntry;

/* @format: "zip", "zip-store", "tar", "tar.gz", "tar.bz2", "tar.xz". With
 * @passphrase, zip entries are encrypted (ZipCrypto). Random bytes come from
 * @seed. */
void        test_write_archive       (const char      *path,
                                      const char      *format,
                                      const TestEntry *entries,
                                      guint            n_entries,
                                      guint32          seed,
                                      const char      *passphrase);

/* The 3.2.x application part list (POLYCOM-FACTS §4) */
extern const char *const test_parts_32x[];

/* spip_ssip_BootROM_4_2_3_release_sig.zip-like: bootrom.ld, <part>.bootrom.ld, bootrom.ver */
char       *test_make_bootrom_zip    (const char *dir, const char *name, const char *ver,
                                      gsize image_size, guint32 seed);
/* spip_ssip_vvx_3_2_4B_release_sig_split.zip-like: <part>.sip.ld, sip.ver, sip.cfg,
 * phone1.cfg, SoundPointIPLocalization/…, a .wav and a .jpg */
char       *test_make_app_zip        (const char *dir, const char *name, const char *ver,
                                      gsize image_size, guint32 seed);

/* SHA-256 over every path, type and content below @root (hidden ones too), or
 * of "(missing)" when it does not exist */
char       *test_hash_tree           (const char *root);
/* The names in @dir that start with ".phone-rescue-" */
guint       test_count_temp_dirs     (const char *dir);
char       *test_read_file           (const char *path, gsize *len);
void        test_rm_rf               (const char *path);

G_END_DECLS
