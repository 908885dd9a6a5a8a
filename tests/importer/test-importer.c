/* test-importer.c — importing synthetic vendor bundles, and what the store serves then
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "pr-bundle-importer.h"
#include "pr-bundle-list.h"
#include "pr-error.h"
#include "pr-firmware-store.h"
#include "pr-test-bundles.h"

typedef struct {
  char             *tmp;      /* holds the store and the bundles */
  char             *store;    /* <tmp>/firmware */
  PrBundleImporter *importer;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->tmp = g_dir_make_tmp ("pr-importer-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = g_build_filename (f->tmp, "firmware", NULL);
  f->importer = pr_bundle_importer_new (f->store);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->importer);
  test_rm_rf (f->tmp);
  g_free (f->store);
  g_free (f->tmp);
}

static GPtrArray *
import_ok (Fixture    *f,
           const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  GPtrArray *result = pr_bundle_importer_import (f->importer, file, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpuint (result->len, >=, 1);
  g_assert_cmpuint (test_count_temp_dirs (f->tmp), ==, 0);
  return result;
}

static char *
store_path (Fixture    *f,
            const char *relative)
{
  return g_build_filename (f->store, relative, NULL);
}

/* The root file @relative is the bundle's file (same inode) with the manifest's hash */
static void
assert_served_from (Fixture    *f,
                    PrBundle   *bundle,
                    const char *relative)
{
  g_autofree char *root_file = store_path (f, relative);
  g_autofree char *bundle_file = g_build_filename (pr_bundle_get_dir (bundle), "files", relative, NULL);
  const PrBundleFile *entry = pr_bundle_find_file (bundle, relative);
  char hex[PR_SHA256_HEX_LEN + 1];
  goffset size;
  struct stat a, b;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (entry);
  g_assert_cmpint (lstat (root_file, &a), ==, 0);
  g_assert_cmpint (lstat (bundle_file, &b), ==, 0);
  g_assert_true (S_ISREG (a.st_mode));
  g_assert_cmpuint (a.st_ino, ==, b.st_ino);   /* a hard link, not a copy */
  g_assert_true (pr_sha256_file_at (AT_FDCWD, root_file, hex, &size, &error));
  g_assert_cmpstr (hex, ==, entry->sha256);
  g_assert_cmpint (size, ==, entry->size);
}

static void
assert_lookup_equals (Fixture    *f,
                      const char *request,
                      const char *expected_file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PrFirmwareStore) store = pr_firmware_store_new (f->store, &error);
  g_autoptr(PrStoreFile) served = NULL;
  g_autofree char *path = store_path (f, expected_file);
  g_autofree char *expected = NULL;
  gsize len;

  g_assert_no_error (error);
  served = pr_firmware_store_lookup (store, request, &error);
  g_assert_no_error (error);
  g_assert_nonnull (served);
  expected = test_read_file (path, &len);
  g_assert_cmpuint (g_bytes_get_size (served->contents), ==, len);
  g_assert_true (memcmp (g_bytes_get_data (served->contents, NULL), expected, len) == 0);
}

static void
test_bootrom_zip (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *zip = test_make_bootrom_zip (f->tmp, "spip_ssip_BootROM_4_2_3_release_sig.zip",
                                                "4.2.3.0003\n", 64 * 1024, 1);
  g_autoptr(GPtrArray) result = import_ok (f, zip);
  PrBundle *bundle = g_ptr_array_index (result, 0);
  const char *const *models = pr_bundle_get_models (bundle);
  g_autofree char *manifest = NULL;
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (result->len, ==, 1);
  g_assert_cmpstr (pr_bundle_get_name (bundle), ==, "spip_ssip_BootROM_4_2_3_release_sig.zip");
  g_assert_cmpint (pr_bundle_get_kind (bundle), ==, PR_BUNDLE_KIND_BOOTROM);
  g_assert_cmpstr (pr_bundle_get_version (bundle), ==, "4.2.3.0003");
  g_assert_cmpstr (pr_bundle_get_version_source (bundle), ==, "bootrom.ver");
  g_assert_true (pr_bundle_get_served (bundle));
  g_assert_false (pr_bundle_get_already_present (bundle));
  g_assert_true (g_strv_contains (models, "SPIP321"));
  g_assert_true (g_strv_contains (models, "SSIP7000"));
  g_assert_true (g_strv_contains (models, "VVX1500"));
  g_assert_false (g_strv_contains (models, "SPIP301"));
  g_assert_cmpuint (pr_bundle_get_files (bundle)->len, ==, 1 + g_strv_length ((GStrv) test_parts_32x) + 1);

  /* the manifest on disk says the same */
  manifest = g_build_filename (pr_bundle_get_dir (bundle), "manifest.ini", NULL);
  g_assert_true (g_str_has_prefix (manifest, f->store));
  g_assert_true (g_key_file_load_from_file (kf, manifest, G_KEY_FILE_NONE, &error));
  g_assert_no_error (error);
  {
    g_autofree char *kind = g_key_file_get_string (kf, "bundle", "kind", NULL);
    g_autofree char *file = g_key_file_get_string (kf, "files", "2345-12360-001.bootrom.ld", NULL);

    g_assert_cmpstr (kind, ==, "bootrom");
    g_assert_nonnull (file);
    g_assert_true (g_str_has_prefix (file, "16384 "));
  }

  assert_served_from (f, bundle, "bootrom.ld");
  assert_served_from (f, bundle, "2345-12360-001.bootrom.ld");
  assert_lookup_equals (f, "2345-12360-001.bootrom.ld", "2345-12360-001.bootrom.ld");
}

static void
test_app_and_bootrom (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *app = test_make_app_zip (f->tmp, "spip_ssip_vvx_3_2_4B_release_sig_split.zip",
                                            "3.2.4.0267\r\n", 32 * 1024, 2);
  g_autofree char *boot = test_make_bootrom_zip (f->tmp, "spip_ssip_BootROM_4_2_3_release_sig.zip",
                                                 NULL, 32 * 1024, 3);
  g_autoptr(GPtrArray) r1 = import_ok (f, app);
  g_autoptr(GPtrArray) r2 = import_ok (f, boot);
  PrBundle *a = g_ptr_array_index (r1, 0);
  PrBundle *b = g_ptr_array_index (r2, 0);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (pr_bundle_get_kind (a), ==, PR_BUNDLE_KIND_APPLICATION);
  g_assert_cmpstr (pr_bundle_get_version (a), ==, "3.2.4.0267");
  g_assert_cmpint (pr_bundle_get_kind (b), ==, PR_BUNDLE_KIND_BOOTROM);
  /* no bootrom.ver: the version comes from the name */
  g_assert_cmpstr (pr_bundle_get_version (b), ==, "4.2.3");
  g_assert_cmpstr (pr_bundle_get_version_source (b), ==, "name");
  g_assert_cmpuint (pr_bundle_count_files (a, PR_BUNDLE_FILE_LOCALIZATION), ==, 1);
  g_assert_cmpuint (pr_bundle_count_files (a, PR_BUNDLE_FILE_TONE), ==, 1);
  g_assert_cmpuint (pr_bundle_count_files (a, PR_BUNDLE_FILE_BACKGROUND), ==, 1);
  g_assert_cmpuint (pr_bundle_count_files (a, PR_BUNDLE_FILE_TEMPLATE_CONFIG), ==, 2);

  list = pr_bundle_list_load (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (pr_bundle_get_id (pr_bundle_list_get_served (list, PR_BUNDLE_SLOT_APPLICATION)), ==,
                   pr_bundle_get_id (a));
  g_assert_cmpstr (pr_bundle_get_id (pr_bundle_list_get_served (list, PR_BUNDLE_SLOT_BOOTROM)), ==,
                   pr_bundle_get_id (b));

  /* both are served side by side; the first import survived the second */
  assert_served_from (f, a, "2345-12375-001.sip.ld");
  assert_served_from (f, a, "SoundPointIPLocalization/English_United_States/SoundPointIP-dictionary.xml");
  assert_served_from (f, b, "2345-12375-001.bootrom.ld");
  assert_lookup_equals (f, "2345-12375-001.sip.ld", "2345-12375-001.sip.ld");
  assert_lookup_equals (f, "sip.cfg", "sip.cfg");
  g_assert_cmpstr (pr_bundle_get_id (pr_bundle_list_find_provider (list, f->store, "sip.cfg")), ==,
                   pr_bundle_get_id (a));
}

static void
test_same_twice (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *zip = test_make_app_zip (f->tmp, "spip_ssip_vvx_3_2_4B_release_sig_split.zip",
                                            "3.2.4.0267", 16 * 1024, 4);
  g_autofree char *copy = g_build_filename (f->tmp, "renamed-3_2_4.tar.gz", NULL);
  g_autoptr(GPtrArray) first = import_ok (f, zip);
  g_autofree char *before = test_hash_tree (f->store);
  g_autoptr(GPtrArray) second = import_ok (f, zip);
  g_autofree char *after = test_hash_tree (f->store);

  g_assert_false (pr_bundle_get_already_present (g_ptr_array_index (first, 0)));
  g_assert_true (pr_bundle_get_already_present (g_ptr_array_index (second, 0)));
  g_assert_cmpstr (pr_bundle_get_id (g_ptr_array_index (first, 0)), ==,
                   pr_bundle_get_id (g_ptr_array_index (second, 0)));
  g_assert_cmpstr (before, ==, after);

  /* same files in another container: still the same bundle */
  {
    const TestEntry e[] = { { "sip.ld", 100, NULL, 0, NULL, FALSE } };
    g_autofree char *other = g_build_filename (f->tmp, "other.zip", NULL);
    g_autoptr(GPtrArray) r = NULL;

    test_write_archive (other, "zip", e, 1, 99, NULL);
    r = import_ok (f, other);
    g_assert_false (pr_bundle_get_already_present (g_ptr_array_index (r, 0)));
    g_free (before);
    before = test_hash_tree (f->store);
    test_write_archive (copy, "tar.gz", e, 1, 99, NULL);
    g_ptr_array_unref (r);
    r = import_ok (f, copy);
    g_assert_true (pr_bundle_get_already_present (g_ptr_array_index (r, 0)));
    g_free (after);
    after = test_hash_tree (f->store);
    g_assert_cmpstr (before, ==, after);
  }
}

static void
test_newer_served_older_chosen (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *old_zip = test_make_app_zip (f->tmp, "spip_ssip_3_1_6_legacy_release_sig_split.zip",
                                                NULL, 8 * 1024, 5);
  g_autofree char *new_zip = test_make_app_zip (f->tmp, "spip_ssip_vvx_3_2_4B_release_sig_split.zip",
                                                "3.2.4.0267", 8 * 1024, 6);
  g_autofree char *hand = store_path (f, "README.txt");
  g_autoptr(GPtrArray) r_old = import_ok (f, old_zip);
  g_autoptr(GPtrArray) r_new = NULL;
  g_autoptr(GPtrArray) r_again = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  PrBundle *older = g_ptr_array_index (r_old, 0);
  PrBundle *newer;

  g_assert_cmpstr (pr_bundle_get_version (older), ==, "3.1.6");
  /* a file of the user's in the store root survives every change */
  g_assert_true (g_file_set_contents (hand, "mine\n", -1, NULL));

  r_new = import_ok (f, new_zip);
  newer = g_ptr_array_index (r_new, 0);
  g_assert_true (pr_bundle_get_served (newer));
  assert_served_from (f, newer, "2345-12450-001.sip.ld");
  assert_served_from (f, newer, "sip.ver");

  /* importing the older one again changes nothing; it stays listed, not served */
  r_again = import_ok (f, old_zip);
  g_assert_true (pr_bundle_get_already_present (g_ptr_array_index (r_again, 0)));
  list = pr_bundle_list_load (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (pr_bundle_get_id (pr_bundle_list_get_served (list, PR_BUNDLE_SLOT_APPLICATION)), ==,
                   pr_bundle_get_id (newer));

  /* choose the older one */
  g_assert_true (pr_bundle_list_serve (f->store, pr_bundle_get_name (older), &error));
  g_assert_no_error (error);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = pr_bundle_list_load (f->store, &error);
  older = pr_bundle_list_find (list, pr_bundle_get_id (older), &error);
  g_assert_no_error (error);
  g_assert_true (pr_bundle_get_served (older));
  assert_served_from (f, older, "2345-12450-001.sip.ld");
  /* the older bundle has no sip.ver: the newer one's must be gone from the root */
  {
    g_autofree char *ver = store_path (f, "sip.ver");
    g_assert_false (g_file_test (ver, G_FILE_TEST_EXISTS));
  }
  g_assert_true (g_file_test (hand, G_FILE_TEST_IS_REGULAR));

  /* remove the served one: the other takes over */
  g_assert_true (pr_bundle_list_remove (f->store, pr_bundle_get_id (older), &error));
  g_assert_no_error (error);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = pr_bundle_list_load (f->store, &error);
  g_assert_cmpuint (list->len, ==, 1);
  newer = g_ptr_array_index (list, 0);
  g_assert_true (pr_bundle_get_served (newer));
  assert_served_from (f, newer, "2345-12450-001.sip.ld");
  g_assert_true (g_file_test (hand, G_FILE_TEST_IS_REGULAR));

  /* unknown names are refused with words */
  g_assert_false (pr_bundle_list_serve (f->store, "nonesuch", &error));
  g_assert_error (error, PR_ERROR, PR_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* removing the last one empties the root of its files but keeps the user's */
  g_assert_true (pr_bundle_list_remove (f->store, pr_bundle_get_id (newer), &error));
  g_assert_no_error (error);
  {
    g_autofree char *img = store_path (f, "2345-12450-001.sip.ld");
    g_autofree char *loc = store_path (f, "SoundPointIPLocalization");
    g_assert_false (g_file_test (img, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (loc, G_FILE_TEST_EXISTS));
    g_assert_true (g_file_test (hand, G_FILE_TEST_IS_REGULAR));
  }
  g_assert_cmpuint (test_count_temp_dirs (f->tmp), ==, 0);
}

static void
test_combined_subfolder (Fixture       *f,
                         gconstpointer  data)
{
  const TestEntry e[] = {
    { "Polycom_UC_Software_4_1_0_Rev_I_release_sig_combined/", 0, NULL, TEST_ENTRY_DIR, NULL, FALSE },
    { "Polycom_UC_Software_4_1_0_Rev_I_release_sig_combined/sip.ld", 50000, NULL, 0, NULL, FALSE },
    { "Polycom_UC_Software_4_1_0_Rev_I_release_sig_combined/sip.ver", 0, "4.1.0.84959\n", 0, NULL, FALSE },
    { "Polycom_UC_Software_4_1_0_Rev_I_release_sig_combined/000000000000.cfg", 0, "<APPLICATION/>", 0, NULL, FALSE },
    { "Polycom_UC_Software_4_1_0_Rev_I_release_sig_combined/Config/site.cfg", 0, "<site/>", 0, NULL, FALSE },
    { "Polycom_UC_Software_4_1_0_Rev_I_release_sig_combined/VVXLocalization/English/x.xml", 0, "<x/>", 0, NULL, FALSE },
    { "__MACOSX/Polycom_UC_Software_4_1_0_Rev_I_release_sig_combined/._sip.ld", 0, "junk", 0, NULL, FALSE },
  };
  g_autofree char *zip = g_build_filename (f->tmp, "Polycom_UC_Software_4_1_0_Rev_I_release_sig_combined.zip", NULL);
  g_autoptr(GPtrArray) r = NULL;
  PrBundle *b;

  test_write_archive (zip, "zip", e, G_N_ELEMENTS (e), 7, NULL);
  r = import_ok (f, zip);
  b = g_ptr_array_index (r, 0);
  g_assert_cmpint (pr_bundle_get_kind (b), ==, PR_BUNDLE_KIND_COMBINED);
  g_assert_cmpstr (pr_bundle_get_version (b), ==, "4.1.0.84959");
  g_assert_cmpuint (pr_bundle_get_files (b)->len, ==, 5);
  g_assert_cmpuint (pr_bundle_count_files (b, PR_BUNDLE_FILE_MASTER_CONFIG), ==, 1);
  g_assert_cmpuint (pr_bundle_count_files (b, PR_BUNDLE_FILE_LOCALIZATION), ==, 1);
  assert_served_from (f, b, "sip.ld");
  assert_served_from (f, b, "Config/site.cfg");
  assert_served_from (f, b, "VVXLocalization/English/x.xml");
  /* the split request falls back to the combined image */
  assert_lookup_equals (f, "2345-12375-001.sip.ld", "sip.ld");
}

static void
test_tar_formats (Fixture       *f,
                  gconstpointer  data)
{
  static const char *const formats[] = { "tar", "tar.gz", "tar.bz2", "tar.xz" };

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *name = g_strdup_printf ("my-rescue-kit-%u.%s", i, formats[i]);
      g_autofree char *path = g_build_filename (f->tmp, name, NULL);
      const TestEntry e[] = {
        { "kit/", 0, NULL, TEST_ENTRY_DIR, NULL, FALSE },
        { "kit/2345-12360-001.sip.ld", 30000 + i, NULL, 0, NULL, FALSE },
        { "kit/2345-12360-001.bootrom.ld", 20000, NULL, 0, NULL, FALSE },
        { "kit/sip.ver", 0, "3.2.4.0267\n", 0, NULL, FALSE },
        { "kit/bootrom.ver", 0, "4.2.3.0003\n", 0, NULL, FALSE },
      };
      g_autoptr(GPtrArray) r = NULL;
      PrBundle *b;

      test_write_archive (path, formats[i], e, G_N_ELEMENTS (e), 10 + i, NULL);
      r = import_ok (f, path);
      b = g_ptr_array_index (r, 0);
      g_assert_cmpint (pr_bundle_get_kind (b), ==, PR_BUNDLE_KIND_MIXED);
      g_assert_cmpstr (pr_bundle_get_app_version (b), ==, "3.2.4.0267");
      g_assert_cmpstr (pr_bundle_get_image_version (b, PR_BUNDLE_FILE_BOOTROM_IMAGE), ==, "4.2.3.0003");
      g_assert_cmpstr (pr_bundle_get_models (b)[0], ==, "SPIP321");
      g_assert_null (pr_bundle_get_models (b)[1]);
      assert_served_from (f, b, "2345-12360-001.sip.ld");
      assert_served_from (f, b, "2345-12360-001.bootrom.ld");
    }
}

static void
test_zip_in_zip (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *inner_dir = g_build_filename (f->tmp, "inner", NULL);
  g_autofree char *boot = NULL, *app = NULL, *outer = NULL;
  g_autofree char *boot_data = NULL, *app_data = NULL;
  g_autoptr(GPtrArray) r = NULL;
  gsize boot_len, app_len;
  gboolean saw_boot = FALSE, saw_app = FALSE;

  g_assert_cmpint (g_mkdir (inner_dir, 0755), ==, 0);
  boot = test_make_bootrom_zip (inner_dir, "spip_ssip_BootROM_4_2_3_release_sig.zip", "4.2.3.0003", 4096, 20);
  app = test_make_app_zip (inner_dir, "spip_ssip_vvx_3_2_4B_release_sig_split.zip", "3.2.4.0267", 4096, 21);
  boot_data = test_read_file (boot, &boot_len);
  app_data = test_read_file (app, &app_len);
  {
    const TestEntry e[] = {
      { "downloads/spip_ssip_BootROM_4_2_3_release_sig.zip", 0, NULL, 0, NULL, FALSE },
      { "downloads/spip_ssip_vvx_3_2_4B_release_sig_split.zip", 0, NULL, 0, NULL, FALSE },
      { "downloads/notes.txt", 0, "what I downloaded\n", 0, NULL, FALSE },
    };
    TestEntry copy[3];

    memcpy (copy, e, sizeof e);
    /* embed the real inner zips byte for byte */
    copy[0].text = NULL;
    outer = g_build_filename (f->tmp, "polycom-everything.zip", NULL);
    {
      struct archive *a = archive_write_new ();
      struct archive_entry *entry;
      const char *datas[] = { boot_data, app_data, "what I downloaded\n" };
      gsize lens[] = { boot_len, app_len, strlen ("what I downloaded\n") };

      archive_write_set_format_zip (a);
      g_assert_cmpint (archive_write_open_filename (a, outer), ==, ARCHIVE_OK);
      for (guint i = 0; i < 3; i++)
        {
          entry = archive_entry_new ();
          archive_entry_set_pathname (entry, copy[i].path);
          archive_entry_set_filetype (entry, AE_IFREG);
          archive_entry_set_perm (entry, 0644);
          archive_entry_set_size (entry, lens[i]);
          g_assert_cmpint (archive_write_header (a, entry), ==, ARCHIVE_OK);
          g_assert_cmpint (archive_write_data (a, datas[i], lens[i]), ==, (la_ssize_t) lens[i]);
          archive_entry_free (entry);
        }
      archive_write_close (a);
      archive_write_free (a);
    }
  }

  r = import_ok (f, outer);
  g_assert_cmpuint (r->len, ==, 2);
  for (guint i = 0; i < r->len; i++)
    {
      PrBundle *b = g_ptr_array_index (r, i);

      g_assert_true (pr_bundle_get_served (b));
      if (pr_bundle_get_kind (b) == PR_BUNDLE_KIND_BOOTROM)
        {
          saw_boot = TRUE;
          g_assert_cmpstr (pr_bundle_get_name (b), ==, "spip_ssip_BootROM_4_2_3_release_sig.zip");
          assert_served_from (f, b, "2345-12450-001.bootrom.ld");
        }
      else
        {
          saw_app = TRUE;
          g_assert_cmpstr (pr_bundle_get_name (b), ==, "spip_ssip_vvx_3_2_4B_release_sig_split.zip");
          assert_served_from (f, b, "2345-12450-001.sip.ld");
        }
    }
  g_assert_true (saw_boot && saw_app);
  /* the inner zips themselves are not served */
  {
    g_autofree char *p = store_path (f, "spip_ssip_BootROM_4_2_3_release_sig.zip");
    g_assert_false (g_file_test (p, G_FILE_TEST_EXISTS));
  }
}

static void
test_single_ld (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->tmp, "2345-12375-001.sip.ld", NULL);
  g_autoptr(GPtrArray) r = NULL;
  PrBundle *b;
  guint8 bytes[3000];

  for (guint i = 0; i < sizeof bytes; i++)
    bytes[i] = i * 7;
  g_assert_true (g_file_set_contents (path, (char *) bytes, sizeof bytes, NULL));
  r = import_ok (f, path);
  b = g_ptr_array_index (r, 0);
  g_assert_cmpint (pr_bundle_get_kind (b), ==, PR_BUNDLE_KIND_APPLICATION);
  g_assert_null (pr_bundle_get_version (b));
  g_assert_cmpstr (pr_bundle_get_version_source (b), ==, "unknown");
  g_assert_cmpstr (pr_bundle_get_models (b)[0], ==, "SPIP335");
  assert_served_from (f, b, "2345-12375-001.sip.ld");
  assert_lookup_equals (f, "2345-12375-001.sip.ld", "2345-12375-001.sip.ld");
}

static void
test_stale_temp_removed (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *stale = g_build_filename (f->tmp, ".phone-rescue-import-AbCdEf", NULL);
  g_autofree char *stale_file = g_build_filename (stale, "half.ld", NULL);
  g_autofree char *zip = test_make_bootrom_zip (f->tmp, "BootRom_4_0_0_release_sig.zip", NULL, 1000, 30);
  g_autoptr(GPtrArray) r = NULL;

  g_assert_cmpint (g_mkdir (stale, 0755), ==, 0);
  g_assert_true (g_file_set_contents (stale_file, "x", 1, NULL));
  g_assert_cmpuint (test_count_temp_dirs (f->tmp), ==, 1);
  r = import_ok (f, zip);   /* asserts no temp dirs are left */
  g_assert_cmpstr (pr_bundle_get_version (g_ptr_array_index (r, 0)), ==, "4.0.0");
}

/* async: progress on the main context, then the result; and cancellation */

typedef struct {
  GMainLoop    *loop;
  GPtrArray    *result;
  GError       *error;
  double        last_progress;
  guint         n_progress;
  gboolean      non_monotonic;
  GCancellable *cancel_on_progress;
  GThread      *main_thread;
} AsyncState;

static void
on_progress (GObject    *object,
             GParamSpec *pspec,
             gpointer    data)
{
  AsyncState *s = data;
  double p = pr_bundle_importer_get_progress (PR_BUNDLE_IMPORTER (object));

  /* the synchronous import notifies from the thread that called it: this one */
  g_assert_true (g_thread_self () == s->main_thread);
  if (p < s->last_progress)
    s->non_monotonic = TRUE;
  s->last_progress = p;
  s->n_progress++;
  if (s->cancel_on_progress && p > 0.0)
    g_cancellable_cancel (s->cancel_on_progress);
}

static void
on_imported (GObject      *object,
             GAsyncResult *result,
             gpointer      data)
{
  AsyncState *s = data;

  s->result = pr_bundle_importer_import_finish (PR_BUNDLE_IMPORTER (object), result, &s->error);
  g_main_loop_quit (s->loop);
}

static void
test_async_progress_and_cancel (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *zip = test_make_app_zip (f->tmp, "spip_ssip_vvx_3_2_4B_release_sig_split.zip",
                                            "3.2.4.0267", 2 << 20, 40);
  g_autofree char *seed_zip = test_make_bootrom_zip (f->tmp, "spip_ssip_BootROM_4_2_3_release_sig.zip",
                                                     NULL, 4096, 41);
  g_autoptr(GFile) file = g_file_new_for_path (zip);
  g_autoptr(GPtrArray) seeded = import_ok (f, seed_zip);
  g_autofree char *before = test_hash_tree (f->store);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sync_result = NULL;
  AsyncState s = { 0, };
  gulong id;

  s.loop = g_main_loop_new (NULL, FALSE);
  s.main_thread = g_thread_self ();
  id = g_signal_connect (f->importer, "notify::progress", G_CALLBACK (on_progress), &s);

  /* cancelled mid-extraction (the synchronous import notifies from its own
   * thread, so the cancel lands at once): PR_ERROR_CANCELLED, store untouched */
  s.cancel_on_progress = g_cancellable_new ();
  sync_result = pr_bundle_importer_import (f->importer, file, s.cancel_on_progress, &error);
  g_assert_null (sync_result);
  g_assert_error (error, PR_ERROR, PR_ERROR_CANCELLED);
  g_assert_cmpuint (s.n_progress, >=, 1);
  g_assert_cmpfloat (s.last_progress, >, 0.0);
  g_assert_cmpfloat (s.last_progress, <, 1.0);
  g_clear_error (&error);
  g_clear_object (&s.cancel_on_progress);
  after = test_hash_tree (f->store);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (test_count_temp_dirs (f->tmp), ==, 0);

  /* async, cancelled before it starts */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();

    g_cancellable_cancel (cancellable);
    pr_bundle_importer_import_async (f->importer, file, cancellable, on_imported, &s);
    g_main_loop_run (s.loop);
    g_assert_null (s.result);
    g_assert_error (s.error, PR_ERROR, PR_ERROR_CANCELLED);
    g_clear_error (&s.error);
    g_free (after);
    after = test_hash_tree (f->store);
    g_assert_cmpstr (before, ==, after);
    g_assert_cmpuint (test_count_temp_dirs (f->tmp), ==, 0);
  }

  /* a full async run: reports on the main thread, monotonic, ending at 1 */
  s.n_progress = 0;
  s.last_progress = 0;
  s.non_monotonic = FALSE;
  pr_bundle_importer_import_async (f->importer, file, NULL, on_imported, &s);
  g_main_loop_run (s.loop);
  g_assert_no_error (s.error);
  g_assert_nonnull (s.result);
  g_assert_cmpuint (s.result->len, ==, 1);
  g_assert_true (pr_bundle_get_served (g_ptr_array_index (s.result, 0)));
  /* the last notification may still be queued behind the result */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (s.n_progress, >=, 2);
  g_assert_false (s.non_monotonic);
  g_assert_cmpfloat (pr_bundle_importer_get_progress (f->importer), ==, 1.0);
  g_ptr_array_unref (s.result);

  g_signal_handler_disconnect (f->importer, id);
  g_main_loop_unref (s.loop);
}

static void
test_version_from_name (void)
{
  static const struct { const char *name, *version; } cases[] = {
    { "spip_ssip_BootROM_4_2_3_release_sig.zip", "4.2.3" },
    { "spip_ssip_vvx_3_2_4B_release_sig_split.zip", "3.2.4B" },
    { "SoundPoint_IP_BootROM_4_4_0B_Upgrader_release_sig.zip", "4.4.0B" },
    { "Polycom-UC-Software-4-0-11-rts28-K-release-sig-split.zip", "4.0.11" },
    { "Polycom%20UC%20Software%204.0.4%20release%20sig%20split.zip", "4.0.4" },
    { "Polycom_UC_Software_5_0_1_7310_rts54_P_release_sig_split.zip", "5.0.1" },
    { "Polycom-UC-Software-5.8.2-rts68-release-sig-split.zip", "5.8.2" },
    { "spip_ssip_3_3_5_release.zip", "3.3.5" },
    { "2345-12375-001.sip.ld", NULL },
    { "firmware.zip", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *v = pr_bundle_version_from_name (cases[i].name);
      g_assert_cmpstr (v, ==, cases[i].version);
    }

  g_assert_cmpint (pr_bundle_version_compare ("4.2.0B", "4.2.0"), >, 0);
  g_assert_cmpint (pr_bundle_version_compare ("4.2.3.0003", "4.2.3"), >, 0);
  g_assert_cmpint (pr_bundle_version_compare ("4.10.0", "4.9.9"), >, 0);
  g_assert_cmpint (pr_bundle_version_compare ("3.2.3B", "4.1.3"), <, 0);
  g_assert_cmpint (pr_bundle_version_compare ("4.1.3", "4.1.3"), ==, 0);
  g_assert_true (pr_bundle_version_has_prefix ("3.2.4.0267", "3.2.4"));
  g_assert_true (pr_bundle_version_has_prefix ("3.2.4B", "3.2"));
  g_assert_false (pr_bundle_version_has_prefix ("3.2.40", "3.2.4"));
  g_assert_false (pr_bundle_version_has_prefix ("3.3.5", "3.2"));

  g_assert_cmpint (pr_bundle_classify_path ("2345-12360-001.bootrom.ld"), ==, PR_BUNDLE_FILE_BOOTROM_IMAGE);
  g_assert_cmpint (pr_bundle_classify_path ("sip_318.ld"), ==, PR_BUNDLE_FILE_APP_IMAGE);
  g_assert_cmpint (pr_bundle_classify_path ("bootrom.ver"), ==, PR_BUNDLE_FILE_VERSION);
  g_assert_cmpint (pr_bundle_classify_path ("Config/reg-basic.cfg"), ==, PR_BUNDLE_FILE_TEMPLATE_CONFIG);
  g_assert_cmpint (pr_bundle_classify_path ("000000000000.cfg"), ==, PR_BUNDLE_FILE_MASTER_CONFIG);
  g_assert_cmpint (pr_bundle_classify_path ("VVXLocalization/a/b.xml"), ==, PR_BUNDLE_FILE_LOCALIZATION);
  g_assert_cmpint (pr_bundle_classify_path ("LoudRing.wav"), ==, PR_BUNDLE_FILE_TONE);
  g_assert_cmpint (pr_bundle_classify_path ("Polycom.bmp"), ==, PR_BUNDLE_FILE_BACKGROUND);
  g_assert_cmpint (pr_bundle_classify_path ("readme.txt"), ==, PR_BUNDLE_FILE_OTHER);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, fn) g_test_add ("/importer/" name, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("bootrom-zip", test_bootrom_zip);
  ADD ("app-and-bootrom", test_app_and_bootrom);
  ADD ("same-twice", test_same_twice);
  ADD ("newer-served-older-chosen", test_newer_served_older_chosen);
  ADD ("combined-subfolder", test_combined_subfolder);
  ADD ("tar-formats", test_tar_formats);
  ADD ("zip-in-zip", test_zip_in_zip);
  ADD ("single-ld", test_single_ld);
  ADD ("stale-temp-removed", test_stale_temp_removed);
  ADD ("async-progress-and-cancel", test_async_progress_and_cancel);
#undef ADD
  g_test_add_func ("/importer/version-from-name", test_version_from_name);

  return g_test_run ();
}
