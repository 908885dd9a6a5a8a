/* test-store.c — request paths, name resolution and the master config
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pr-test-util.h"
#include <glib/gstdio.h>

#include "pr-master-config.h"
#include "phone-rescue-core.h"

typedef struct {
  char            *dir;
  char            *root;
  PrFirmwareStore *store;
} Fixture;

static void
write_file (Fixture *f, const char *relative, const char *contents)
{
  g_autofree char *path = g_build_filename (f->root, relative, NULL);
  g_autofree char *parent = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
}

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("pr-store-XXXXXX", &error);
  g_assert_no_error (error);
  f->root = g_build_filename (f->dir, "firmware", NULL);
  f->store = pr_firmware_store_new (f->root, &error);
  g_assert_no_error (error);
  write_file (f, "bootrom.ld", "generic bootrom");
  write_file (f, "2345-12360-001.sip.ld", "IP 321 application");
  write_file (f, "sip.ld", "generic application");
  write_file (f, "sip.cfg", "<sip/>");
  write_file (f, "0004f2abcdef-phone.cfg", "<phone/>");
  write_file (f, "SoundPointIPLocalization/English_United_States/SoundPointIP-dictionary.xml", "<dict/>");
  write_file (f, ".phone-rescue/bundles/x/manifest.ini", "[bundle]");
  {
    g_autofree char *escape = g_build_filename (f->root, "escape.cfg", NULL);
    g_autofree char *parent = g_build_filename (f->root, "parent.cfg", NULL);
    g_autofree char *alias = g_build_filename (f->root, "alias.cfg", NULL);
    g_autofree char *secret = g_build_filename (f->dir, "secret.txt", NULL);

    g_assert_cmpint (symlink ("/etc/passwd", escape), ==, 0);
    g_assert_cmpint (symlink ("../secret.txt", parent), ==, 0);
    g_assert_cmpint (symlink ("sip.cfg", alias), ==, 0);
    g_assert_true (g_file_set_contents (secret, "secret", -1, NULL));
  }
}

static void
teardown (Fixture *f, gconstpointer data)
{

  g_assert_finalize_object (f->store);
  pr_test_remove_tree (f->dir);
  g_free (f->root);
  g_free (f->dir);
}

static char *
lookup_text (Fixture *f, const char *request_path, GError **error)
{
  g_autofree char *relative = pr_store_path_from_request (request_path, error);
  g_autoptr(PrStoreFile) file = NULL;
  gsize len;
  const char *data;

  if (relative == NULL)
    return NULL;
  file = pr_firmware_store_lookup (f->store, relative, error);
  if (file == NULL)
    return NULL;
  data = g_bytes_get_data (file->contents, &len);
  return g_strndup (data, len);
}

static void
assert_serves (Fixture *f, const char *request_path, const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = lookup_text (f, request_path, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, expected);
}

static void
assert_refused (Fixture *f, const char *request_path, int code)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = lookup_text (f, request_path, &error);

  g_test_message ("refused? %s", request_path);
  g_assert_null (text);
  g_assert_error (error, PR_ERROR, code);
}

static void
test_name_resolution (Fixture *f, gconstpointer data)
{
  assert_serves (f, "/2345-12360-001.sip.ld", "IP 321 application");
  /* "<part>.X" falls back to "X" */
  assert_serves (f, "/2345-12450-001.sip.ld", "generic application");
  assert_serves (f, "/2345-12360-001.bootrom.ld", "generic bootrom");
  /* a doubled prefix is stripped once */
  assert_serves (f, "/2345-12360-001.2345-12360-001.sip.ld", "IP 321 application");
  assert_serves (f, "/2345-12450-001.2345-12450-001.sip.ld", "generic application");
  /* case-sensitive, except the MAC */
  assert_serves (f, "/0004F2ABCDEF-phone.cfg", "<phone/>");
  assert_refused (f, "/SIP.CFG", PR_ERROR_NOT_FOUND);
  assert_serves (f, "/SoundPointIPLocalization/English_United_States/SoundPointIP-dictionary.xml", "<dict/>");
  assert_serves (f, "//sip.cfg", "<sip/>");
  assert_refused (f, "/missing.ld", PR_ERROR_NOT_FOUND);
  assert_refused (f, "/SoundPointIPLocalization", PR_ERROR_NOT_FOUND);   /* a folder is not a file */
  /* a symlink inside the store that stays inside works */
  assert_serves (f, "/alias.cfg", "<sip/>");
}

static void
test_never_outside (Fixture *f, gconstpointer data)
{
  static const char *const hostile[] = {
    "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt",
    "/%252e%252e/secret.txt", "/..\\secret.txt", "/..%5csecret.txt", "/sip.cfg%00.ld", "/%c0%ae%c0%ae/secret.txt",
    "/.phone-rescue/bundles/x/manifest.ini", "/%2ephone-rescue/bundles/x/manifest.ini", "/./sip.cfg",
    "/a/../../secret.txt", "relative.cfg", "/\x01.cfg", "/%ff.cfg",
  };

  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = lookup_text (f, hostile[i], &error);

      g_test_message ("hostile: %s", hostile[i]);
      g_assert_null (text);
      g_assert_nonnull (error);
    }
  /* symlinks pointing out of the store are not followed */
  assert_refused (f, "/escape.cfg", PR_ERROR_NOT_FOUND);
  assert_refused (f, "/parent.cfg", PR_ERROR_NOT_FOUND);
}

static void
test_path_is_safe (void)
{
  g_assert_true (pr_store_path_is_safe ("sip.ld"));
  g_assert_true (pr_store_path_is_safe ("a/b/c.xml"));
  g_assert_false (pr_store_path_is_safe (""));
  g_assert_false (pr_store_path_is_safe ("../x"));
  g_assert_false (pr_store_path_is_safe ("a//b"));
  g_assert_false (pr_store_path_is_safe ("/etc/passwd"));
  g_assert_false (pr_store_path_is_safe (".hidden"));
  g_assert_false (pr_store_path_is_safe ("a\\b"));
}

static void
test_generated_master_config (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = lookup_text (f, "/000000000000.cfg", &error);
  g_autofree char *per_phone = NULL;
  g_autofree char *kept = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "APP_FILE_PATH=\"sip.ld\""));
  g_assert_nonnull (strstr (text, "sip.cfg"));
  g_assert_null (strstr (text, "phone1.cfg"));   /* only configs that exist */
  g_assert_null (strstr (text, "http"));

  /* a phone's own <mac>.cfg is generated too when absent */
  per_phone = lookup_text (f, "/0004f2000001.cfg", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (per_phone, ==, text);

  /* a bundle's master config is replaced unless the store keeps it */
  write_file (f, "000000000000.cfg", "<bundle-config/>");
  pr_firmware_store_invalidate (f->store);
  g_free (text);
  text = lookup_text (f, "/000000000000.cfg", &error);
  g_assert_nonnull (strstr (text, "APP_FILE_PATH"));
  pr_firmware_store_set_keep_master_config (f->store, TRUE);
  kept = lookup_text (f, "/000000000000.cfg", &error);
  g_assert_cmpstr (kept, ==, "<bundle-config/>");
}

static void
test_mapping_shared (Fixture *f, gconstpointer data)
{
  g_autoptr(PrStoreFile) a = pr_firmware_store_lookup (f->store, "sip.ld", NULL);
  g_autoptr(PrStoreFile) b = pr_firmware_store_lookup (f->store, "sip.ld", NULL);
  g_autoptr(PrStoreFile) c = NULL;

  /* one mapping for every client */
  g_assert_true (g_bytes_get_data (a->contents, NULL) == g_bytes_get_data (b->contents, NULL));
  g_assert_cmpstr (a->content_type, ==, "application/octet-stream");

  /* a replaced file is seen at once */
  write_file (f, "sip.ld", "new generic application!");
  c = pr_firmware_store_lookup (f->store, "sip.ld", NULL);
  g_assert_cmpuint (g_bytes_get_size (c->contents), ==, strlen ("new generic application!"));
  /* the old mapping stays valid for the clients still reading it */
  g_assert_cmpmem (g_bytes_get_data (a->contents, NULL), g_bytes_get_size (a->contents), "generic application", 19);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/store/name-resolution", Fixture, NULL, setup, test_name_resolution, teardown);
  g_test_add ("/store/never-outside", Fixture, NULL, setup, test_never_outside, teardown);
  g_test_add_func ("/store/path-is-safe", test_path_is_safe);
  g_test_add ("/store/generated-master-config", Fixture, NULL, setup, test_generated_master_config, teardown);
  g_test_add ("/store/mapping-shared", Fixture, NULL, setup, test_mapping_shared, teardown);
  return g_test_run ();
}
