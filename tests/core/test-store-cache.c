/* test-store-cache.c — remembered store answers never outlive a change (issue 6)
 *
 * pr_firmware_store_lookup() remembers answers while inotify reports nothing
 * in the folders they depend on. Every way a store changes under a running
 * server must be seen by the very next lookup.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pr-test-util.h"
#include <glib/gstdio.h>
#include <string.h>

#include "pr-firmware-store.h"

typedef struct {
  char            *dir;     /* holds the store, so the store itself can be replaced */
  char            *root;
  PrFirmwareStore *store;
} Fixture;

static void
put (Fixture *f, const char *relative, const char *text)
{
  g_autofree char *path = g_build_filename (f->root, relative, NULL);
  g_autofree char *parent = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));   /* temp file + rename */
}

static char *
served (Fixture *f, const char *relative)
{
  g_autoptr(PrStoreFile) file = pr_firmware_store_lookup (f->store, relative, NULL);

  if (file == NULL)
    return NULL;
  return g_strndup (g_bytes_get_data (file->contents, NULL), g_bytes_get_size (file->contents));
}

#define assert_served(f, relative, expected) \
  G_STMT_START { g_autofree char *got_ = served ((f), (relative)); g_assert_cmpstr (got_, ==, (expected)); } G_STMT_END

static void
setup (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("pr-store-cache-XXXXXX", NULL);
  f->root = g_build_filename (f->dir, "store", NULL);
  g_assert_cmpint (g_mkdir (f->root, 0755), ==, 0);
  f->store = pr_firmware_store_new (f->root, NULL);
  g_assert_nonnull (f->store);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->store);
  pr_test_remove_tree (f->dir);
  g_free (f->root);
  g_free (f->dir);
}

static void
test_changes_seen_at_once (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->root, "sip.ld", NULL);
  FILE *out;

  put (f, "sip.ld", "v1");
  assert_served (f, "sip.ld", "v1");
  assert_served (f, "sip.ld", "v1");                      /* remembered */
  assert_served (f, "2345-12375-001.sip.ld", "v1");       /* the part falls back */

  /* a split image arriving beside the generic one now answers */
  put (f, "2345-12375-001.sip.ld", "split");
  assert_served (f, "2345-12375-001.sip.ld", "split");

  /* replaced (rename), then written in place */
  put (f, "sip.ld", "v2");
  assert_served (f, "sip.ld", "v2");
  out = fopen (path, "a");
  g_assert_nonnull (out);
  fputs ("+", out);
  fclose (out);
  assert_served (f, "sip.ld", "v2+");

  /* removed */
  g_unlink (path);
  assert_served (f, "sip.ld", NULL);
}

static void
test_folders (Fixture *f, gconstpointer data)
{
  g_autofree char *sub = g_build_filename (f->root, "Localization", NULL);
  g_autofree char *moved = g_build_filename (f->root, "Localization.old", NULL);

  put (f, "Localization/English/dict.xml", "en1");
  assert_served (f, "Localization/English/dict.xml", "en1");
  put (f, "Localization/English/dict.xml", "en2");
  assert_served (f, "Localization/English/dict.xml", "en2");

  /* a folder on the way replaced by another */
  g_assert_cmpint (g_rename (sub, moved), ==, 0);
  put (f, "Localization/English/dict.xml", "en3");
  assert_served (f, "Localization/English/dict.xml", "en3");
}

/* The whole store removed while a file of it is still open (the remembered
 * answer holds it), then made again at the same path */
static void
test_store_replaced (Fixture *f, gconstpointer data)
{
  g_autofree char *gone = g_build_filename (f->dir, "gone", NULL);

  put (f, "sip.cfg", "<old/>");
  assert_served (f, "sip.cfg", "<old/>");
  pr_test_remove_tree (f->root);
  g_assert_cmpint (g_mkdir (f->root, 0755), ==, 0);
  put (f, "sip.cfg", "<new/>");
  assert_served (f, "sip.cfg", "<new/>");
  put (f, "sip.cfg", "<newer/>");
  assert_served (f, "sip.cfg", "<newer/>");

  /* moved away and made again */
  g_assert_cmpint (g_rename (f->root, gone), ==, 0);
  g_assert_cmpint (g_mkdir (f->root, 0755), ==, 0);
  put (f, "sip.cfg", "<again/>");
  assert_served (f, "sip.cfg", "<again/>");
  pr_test_remove_tree (gone);
}

/* Reached through a symlink, a file's real folder is not watched: never remembered */
static void
test_symlinked (Fixture *f, gconstpointer data)
{
  g_autofree char *link = g_build_filename (f->root, "sip.cfg", NULL);

  put (f, "real/sip.cfg", "a");
  g_assert_cmpint (symlink ("real/sip.cfg", link), ==, 0);
  assert_served (f, "sip.cfg", "a");
  put (f, "real/sip.cfg", "b");
  assert_served (f, "sip.cfg", "b");
}

static void
test_invalidate_and_keep (Fixture *f, gconstpointer data)
{
  g_autofree char *generated = NULL;

  put (f, "sip.ld", "app");
  put (f, "000000000000.cfg", "<bundle-config/>");
  generated = served (f, "000000000000.cfg");
  g_assert_nonnull (strstr (generated, "APP_FILE_PATH"));
  pr_firmware_store_set_keep_master_config (f->store, TRUE);
  assert_served (f, "000000000000.cfg", "<bundle-config/>");
  pr_firmware_store_set_keep_master_config (f->store, FALSE);
  g_free (generated);
  generated = served (f, "000000000000.cfg");
  g_assert_nonnull (strstr (generated, "APP_FILE_PATH"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/store-cache/changes-seen-at-once", Fixture, NULL, setup, test_changes_seen_at_once, teardown);
  g_test_add ("/store-cache/folders", Fixture, NULL, setup, test_folders, teardown);
  g_test_add ("/store-cache/store-replaced", Fixture, NULL, setup, test_store_replaced, teardown);
  g_test_add ("/store-cache/symlinked", Fixture, NULL, setup, test_symlinked, teardown);
  g_test_add ("/store-cache/keep-master-config", Fixture, NULL, setup, test_invalidate_and_keep, teardown);
  return g_test_run ();
}
