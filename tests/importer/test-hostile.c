/* test-hostile.c — archives that must be refused, with words, and a store left byte-identical
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "pr-bundle-importer.h"
#include "pr-error.h"
#include "pr-test-bundles.h"

typedef struct {
  char             *tmp;
  char             *store;
  char             *outside;   /* a file an escape would overwrite */
  PrBundleImporter *importer;
  char             *before;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *zip = NULL;
  g_autofree char *hand = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GPtrArray) r = NULL;

  f->tmp = g_dir_make_tmp ("pr-hostile-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = g_build_filename (f->tmp, "firmware", NULL);
  f->outside = g_build_filename (f->tmp, "x", NULL);
  g_assert_true (g_file_set_contents (f->outside, "outside\n", -1, NULL));
  f->importer = pr_bundle_importer_new (f->store);

  /* a store with a bundle and a file of the user's */
  zip = test_make_bootrom_zip (f->tmp, "spip_ssip_BootROM_4_2_3_release_sig.zip", "4.2.3.0003", 2048, 1);
  file = g_file_new_for_path (zip);
  r = pr_bundle_importer_import (f->importer, file, NULL, &error);
  g_assert_no_error (error);
  hand = g_build_filename (f->store, "sip.cfg", NULL);
  g_assert_true (g_file_set_contents (hand, "<mine/>\n", -1, NULL));
  f->before = test_hash_tree (f->store);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->importer);
  test_rm_rf (f->tmp);
  g_free (f->before);
  g_free (f->outside);
  g_free (f->store);
  g_free (f->tmp);
}

/* Import @path, expect @code and a message containing @words; the store and
 * the file outside it are unchanged, nothing is left beside the store. */
static void
assert_refused (Fixture    *f,
                const char *path,
                int         code,
                const char *words)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) r = pr_bundle_importer_import (f->importer, file, NULL, &error);
  g_autofree char *after = NULL;
  g_autofree char *outside = NULL;

  g_assert_null (r);
  g_assert_error (error, PR_ERROR, code);
  g_test_message ("refused: %s", error->message);
  if (strstr (error->message, words) == NULL)
    g_error ("“%s” does not say “%s”", error->message, words);
  after = test_hash_tree (f->store);
  g_assert_cmpstr (after, ==, f->before);
  outside = test_read_file (f->outside, NULL);
  g_assert_cmpstr (outside, ==, "outside\n");
  g_assert_cmpuint (test_count_temp_dirs (f->tmp), ==, 0);
}

static char *
write_one (Fixture         *f,
           const char      *name,
           const char      *format,
           const TestEntry *entries,
           guint            n)
{
  char *path = g_build_filename (f->tmp, name, NULL);

  test_write_archive (path, format, entries, n, 7, NULL);
  return path;
}

static void
test_zip_slip (Fixture *f, gconstpointer data)
{
  const TestEntry e[] = {
    { "sip.ld", 100, NULL, 0, NULL, FALSE },
    { "../../x", 0, "pwned\n", 0, NULL, FALSE },
  };
  g_autofree char *zip = write_one (f, "slip.zip", "zip", e, G_N_ELEMENTS (e));

  assert_refused (f, zip, PR_ERROR_UNSAFE_ENTRY, "entry ../../x would escape the store");
}

static void
test_zip_slip_backslash (Fixture *f, gconstpointer data)
{
  const TestEntry e[] = { { "firmware\\..\\..\\x", 0, "pwned\n", 0, NULL, FALSE } };
  g_autofree char *zip = write_one (f, "slip-win.zip", "zip", e, G_N_ELEMENTS (e));

  assert_refused (f, zip, PR_ERROR_UNSAFE_ENTRY, "would escape the store");
}

static void
test_absolute (Fixture *f, gconstpointer data)
{
  g_autofree char *abs = g_strdup (f->outside);
  const TestEntry e[] = {
    { "sip.ld", 100, NULL, 0, NULL, FALSE },
    { abs, 0, "pwned\n", 0, NULL, FALSE },
  };
  g_autofree char *tar = write_one (f, "abs.tar", "tar", e, G_N_ELEMENTS (e));
  g_autofree char *words = g_strdup_printf ("entry %s would escape the store", abs);

  assert_refused (f, tar, PR_ERROR_UNSAFE_ENTRY, words);
}

static void
test_symlink (Fixture *f, gconstpointer data)
{
  const TestEntry e[] = {
    { "sip.ld", 100, NULL, 0, NULL, FALSE },
    { "evil", 0, NULL, TEST_ENTRY_SYMLINK, "../..", FALSE },
    { "evil/x", 0, "pwned\n", 0, NULL, FALSE },
  };
  g_autofree char *tar = write_one (f, "symlink.tar.gz", "tar.gz", e, G_N_ELEMENTS (e));

  assert_refused (f, tar, PR_ERROR_UNSAFE_ENTRY, "entry evil is a symbolic link (to ../..)");
}

static void
test_symlink_zip (Fixture *f, gconstpointer data)
{
  const TestEntry e[] = {
    { "sip.ld", 100, NULL, 0, NULL, FALSE },
    { "bootrom.ld", 0, NULL, TEST_ENTRY_SYMLINK, "/etc/passwd", FALSE },
  };
  g_autofree char *zip = write_one (f, "symlink.zip", "zip", e, G_N_ELEMENTS (e));

  assert_refused (f, zip, PR_ERROR_UNSAFE_ENTRY, "entry bootrom.ld is a symbolic link");
}

static void
test_hardlink (Fixture *f, gconstpointer data)
{
  g_autofree char *target = g_strdup (f->outside);
  const TestEntry e[] = {
    { "sip.ld", 100, NULL, 0, NULL, FALSE },
    { "link.ld", 0, NULL, TEST_ENTRY_HARDLINK, target, FALSE },
  };
  g_autofree char *tar = write_one (f, "hardlink.tar", "tar", e, G_N_ELEMENTS (e));

  assert_refused (f, tar, PR_ERROR_UNSAFE_ENTRY, "entry link.ld is a link");
}

static void
test_device (Fixture *f, gconstpointer data)
{
  const TestEntry e[] = {
    { "sip.ld", 100, NULL, 0, NULL, FALSE },
    { "null.ld", 0, NULL, TEST_ENTRY_CHARDEV, NULL, FALSE },
  };
  g_autofree char *tar = write_one (f, "device.tar", "tar", e, G_N_ELEMENTS (e));

  assert_refused (f, tar, PR_ERROR_UNSAFE_ENTRY, "entry null.ld is a device or special file");
}

static void
test_fifo (Fixture *f, gconstpointer data)
{
  const TestEntry e[] = {
    { "sip.ld", 100, NULL, 0, NULL, FALSE },
    { "pipe", 0, NULL, TEST_ENTRY_FIFO, NULL, FALSE },
  };
  g_autofree char *tar = write_one (f, "fifo.tar.xz", "tar.xz", e, G_N_ELEMENTS (e));

  assert_refused (f, tar, PR_ERROR_UNSAFE_ENTRY, "entry pipe is a device or special file");
}

static void
test_bomb (Fixture *f, gconstpointer data)
{
  /* zeros deflate about 1000:1; small caps keep the test fast */
  const TestEntry e[] = {
    { "sip.ld", 100, NULL, 0, NULL, FALSE },
    { "SoundPointIPLocalization/huge.xml", 8 << 20, NULL, 0, NULL, TRUE },
  };
  g_autofree char *zip = write_one (f, "bomb.zip", "zip", e, G_N_ELEMENTS (e));

  g_object_set (f->importer, "ratio-threshold", (guint64) (1 << 20), NULL);
  assert_refused (f, zip, PR_ERROR_LIMIT,
                  "entry SoundPointIPLocalization/huge.xml expands past the 200:1 limit (a zip bomb?)");
  /* the default threshold (64 MiB) lets the same archive through */
  {
    guint64 threshold;

    g_object_get (f->importer, "ratio-threshold", &threshold, NULL);
    g_assert_cmpuint (threshold, ==, 1 << 20);
  }
}

static void
test_entry_cap (Fixture *f, gconstpointer data)
{
  const TestEntry e[] = { { "sip.ld", 300000, NULL, 0, NULL, FALSE } };
  g_autofree char *zip = write_one (f, "big.zip", "zip", e, G_N_ELEMENTS (e));

  g_object_set (f->importer, "max-entry-size", (guint64) 200000, NULL);
  assert_refused (f, zip, PR_ERROR_LIMIT, "entry sip.ld is larger than the");
}

static void
test_total_cap (Fixture *f, gconstpointer data)
{
  const TestEntry e[] = {
    { "a.ld", 150000, NULL, 0, NULL, FALSE },
    { "b.ld", 150000, NULL, 0, NULL, FALSE },
  };
  g_autofree char *zip = write_one (f, "total.zip", "zip", e, G_N_ELEMENTS (e));

  g_object_set (f->importer, "max-total-size", (guint64) 200000, NULL);
  assert_refused (f, zip, PR_ERROR_LIMIT, "the bundle expands past the");
}

static void
test_count_cap (Fixture *f, gconstpointer data)
{
  g_autoptr(GArray) entries = g_array_new (FALSE, TRUE, sizeof (TestEntry));
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *zip = NULL;

  for (guint i = 0; i < 30; i++)
    {
      TestEntry e = { NULL, 10, NULL, 0, NULL, FALSE };

      e.path = g_strdup_printf ("f%u.ld", i);
      g_ptr_array_add (names, (char *) e.path);
      g_array_append_val (entries, e);
    }
  zip = write_one (f, "many.zip", "zip", (TestEntry *) entries->data, entries->len);
  g_object_set (f->importer, "max-entries", 20u, NULL);
  assert_refused (f, zip, PR_ERROR_LIMIT, "the archive has more than 20 entries");
}

static void
test_truncated (Fixture *f, gconstpointer data)
{
  g_autofree char *zip = test_make_app_zip (f->tmp, "spip_ssip_vvx_3_2_4B_release_sig_split.zip",
                                            "3.2.4.0267", 40000, 3);
  g_autofree char *contents = NULL;
  gsize len;

  contents = test_read_file (zip, &len);
  /* cut inside the data of the first image */
  g_assert_true (g_file_set_contents (zip, contents, 20000, NULL));
  assert_refused (f, zip, PR_ERROR_BAD_BUNDLE, "the zip is damaged at entry 2345-11402-001.sip.ld");
}

static void
test_truncated_in_localization (Fixture *f, gconstpointer data)
{
  const TestEntry e[] = {
    { "sip.ld", 1000, NULL, 0, NULL, FALSE },
    { "SoundPointIPLocalization/Deutsch_Deutschland/SoundPointIP-dictionary.xml", 200000, NULL, 0, NULL, FALSE },
  };
  g_autofree char *zip = write_one (f, "cut.zip", "zip", e, G_N_ELEMENTS (e));
  g_autofree char *contents = NULL;
  gsize len;

  contents = test_read_file (zip, &len);
  g_assert_true (g_file_set_contents (zip, contents, len / 2, NULL));
  assert_refused (f, zip, PR_ERROR_BAD_BUNDLE,
                  "the zip is damaged at entry SoundPointIPLocalization/Deutsch_Deutschland/");
}

static void
test_not_an_archive (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->tmp, "firmware.zip", NULL);

  g_assert_true (g_file_set_contents (path, "<html>404 Not Found</html>\n", -1, NULL));
  assert_refused (f, path, PR_ERROR_BAD_BUNDLE, "firmware.zip is not a firmware bundle");
}

static void
test_encrypted (Fixture *f, gconstpointer data)
{
  const TestEntry e[] = {
    { "sip.ld", 5000, NULL, 0, NULL, FALSE },
    { "sip.ver", 0, "3.2.4.0267\n", 0, NULL, FALSE },
  };
  g_autofree char *zip = g_build_filename (f->tmp, "locked.zip", NULL);

  test_write_archive (zip, "zip", e, G_N_ELEMENTS (e), 5, "secret");
  assert_refused (f, zip, PR_ERROR_BAD_BUNDLE, "entry sip.ld is encrypted");
}

static void
test_empty (Fixture *f, gconstpointer data)
{
  g_autofree char *zip = write_one (f, "empty.zip", "zip", NULL, 0);
  g_autofree char *tar = write_one (f, "empty.tar.gz", "tar.gz", NULL, 0);
  g_autofree char *zero = g_build_filename (f->tmp, "zero.zip", NULL);

  g_assert_true (g_file_set_contents (zero, "", 0, NULL));
  assert_refused (f, zip, PR_ERROR_BAD_BUNDLE, "the archive is empty");
  assert_refused (f, tar, PR_ERROR_BAD_BUNDLE, "the archive is empty");
  assert_refused (f, zero, PR_ERROR_BAD_BUNDLE, "the archive is empty");
}

static void
test_no_image (Fixture *f, gconstpointer data)
{
  const TestEntry e[] = {
    { "photos/", 0, NULL, TEST_ENTRY_DIR, NULL, FALSE },
    { "photos/cat.jpg", 5000, NULL, 0, NULL, FALSE },
    { "photos/readme.txt", 0, "hello\n", 0, NULL, FALSE },
  };
  g_autofree char *zip = write_one (f, "holiday.zip", "zip", e, G_N_ELEMENTS (e));

  assert_refused (f, zip, PR_ERROR_BAD_BUNDLE, "not a firmware bundle: no .ld image inside");
}

static void
test_file_then_folder (Fixture *f, gconstpointer data)
{
  const TestEntry e[] = {
    { "sip.ld", 10, NULL, 0, NULL, FALSE },
    { "sip.ld/x", 10, NULL, 0, NULL, FALSE },
  };
  g_autofree char *zip = write_one (f, "clash.zip", "zip", e, G_N_ELEMENTS (e));

  assert_refused (f, zip, PR_ERROR_BAD_BUNDLE, "entry sip.ld/x cannot be placed");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, fn) g_test_add ("/importer/hostile/" name, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("zip-slip", test_zip_slip);
  ADD ("zip-slip-backslash", test_zip_slip_backslash);
  ADD ("absolute-path", test_absolute);
  ADD ("symlink-escape", test_symlink);
  ADD ("symlink-in-zip", test_symlink_zip);
  ADD ("hardlink-escape", test_hardlink);
  ADD ("device-node", test_device);
  ADD ("fifo", test_fifo);
  ADD ("bomb-over-ratio", test_bomb);
  ADD ("entry-size-cap", test_entry_cap);
  ADD ("total-size-cap", test_total_cap);
  ADD ("entry-count-cap", test_count_cap);
  ADD ("truncated-zip", test_truncated);
  ADD ("truncated-in-localization", test_truncated_in_localization);
  ADD ("not-an-archive", test_not_an_archive);
  ADD ("encrypted-entry", test_encrypted);
  ADD ("empty-archive", test_empty);
  ADD ("no-image", test_no_image);
  ADD ("file-then-folder", test_file_then_folder);
#undef ADD

  return g_test_run ();
}
