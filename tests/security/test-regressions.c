/* test-regressions.c — what the fuzzers and the security suite found, kept
 *
 * Each case is a fuzzer's crash input or a finding of test-http turned into
 * a plain unit test of the core, so it stays fixed in every build (the
 * HTTP-level findings are asserted in test-http.c: Range overflow, bodies
 * kept in memory, header dribbling).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "pr-catalog.h"
#include "pr-classifier.h"
#include "pr-error.h"
#include "pr-firmware-store.h"
#include "pr-master-config.h"
#include "pr-store-path.h"

static int
sign (int v)
{
  return (v > 0) - (v < 0);
}

/* fuzz-classifier crash-10d00b39…: "HopE/" against "hDAne13c\vg" compared
 * greater both ways (letters differing only in case) */
static void
test_version_compare_case (void)
{
  static const char *const pairs[][2] = {
    { "HopE/", "hDAne13c\vg" },
    { "4.2.0B", "4.2.0b" },
    { "4.2.0B", "4.2.0C" },
    { "3.2.3.1734", "3.2.3B" },
    { "a", "A" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      int ab = pr_version_compare (pairs[i][0], pairs[i][1]);
      int ba = pr_version_compare (pairs[i][1], pairs[i][0]);

      g_assert_cmpint (sign (ab), ==, -sign (ba));
      g_assert_cmpint (pr_version_compare (pairs[i][0], pairs[i][0]), ==, 0);
    }
  g_assert_cmpint (pr_version_compare ("4.2.0B", "4.2.0b"), ==, 0);
  g_assert_cmpint (pr_version_compare ("4.2.0b", "4.2.0C"), <, 0);
}

static gboolean
parse_ok (GBytes *bytes, GError **error)
{
  static const GMarkupParser parser = { NULL };
  gsize len;
  const char *text = g_bytes_get_data (bytes, &len);
  g_autoptr(GMarkupParseContext) context = g_markup_parse_context_new (&parser, 0, NULL, NULL);

  return g_markup_parse_context_parse (context, text, len, error) &&
         g_markup_parse_context_end_parse (context, error);
}

static void
touch (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, "", 0, NULL));
}

/* fuzz-master-config crash-5ae081ec…: a symlink out of the store was listed
 * in CONFIG_FILES (the server refuses to serve it); and a name that is not
 * valid UTF-8 made the whole master config unreadable */
static void
test_master_config_names (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *base = g_dir_make_tmp ("pr-regress-XXXXXX", &error);
  g_autofree char *root = g_build_filename (base, "store", NULL);
  g_autofree char *link_out = g_build_filename (root, "evil.cfg", NULL);
  g_autofree char *link_in = g_build_filename (root, "inside.cfg", NULL);
  g_autofree char *outside = g_build_filename (base, "outside.cfg", NULL);
  g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", base);
  g_autoptr(GBytes) config = NULL;
  const char *text;
  gsize len;

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (root, 0755), ==, 0);
  g_assert_true (g_file_set_contents (outside, "<outside/>", -1, NULL));
  touch (root, "sip.ld");
  touch (root, "sip.cfg");
  touch (root, "site.cfg");
  touch (root, "bad-\xff\xfe.cfg");
  touch (root, "http:evil.cfg");
  touch (root, "back\\slash.cfg");
  touch (root, "per%cent.cfg");
  touch (root, "tab\t.cfg");
  g_assert_cmpint (symlink ("../outside.cfg", link_out), ==, 0);
  g_assert_cmpint (symlink ("site.cfg", link_in), ==, 0);

  config = pr_master_config_generate_full (root, pr_catalog_get_default (), NULL);
  text = g_bytes_get_data (config, &len);
  g_assert_true (g_utf8_validate (text, len, NULL));
  g_assert_true (parse_ok (config, &error));
  g_assert_no_error (error);
  g_assert_nonnull (g_strstr_len (text, len, "CONFIG_FILES=\"sip.cfg, inside.cfg, site.cfg\""));
  g_assert_null (g_strstr_len (text, len, "evil"));
  g_assert_null (g_strstr_len (text, len, "http"));
  g_assert_null (g_strstr_len (text, len, "slash"));
  g_assert_null (g_strstr_len (text, len, "cent"));
  g_assert_null (g_strstr_len (text, len, "tab"));
  g_assert_cmpint (system (rm), ==, 0);
}

/* The request path resolver and the store on the traversal forms the HTTP
 * suite sends, in-process (fast, and under the sanitizers) */
static void
test_store_path_forms (void)
{
  static const char *const refused[] = {
    "/../canary.txt", "/%2e%2e/canary.txt", "/..%2fcanary.txt", "/%252e%252e/x", "/..\\canary.txt",
    "/canary.txt%00.ld", "/%c0%ae%c0%ae/canary.txt", "/\xc0\xae\xc0\xae/canary.txt", "/.phone-rescue/x",
    "/%2ephone-rescue/x", "/a/%2e/b", "/a%5cb", "/c:evil", "sip.ld", "", "/", "//",
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *relative = pr_store_path_from_request (refused[i], &error);

      g_assert_null (relative);
      g_assert_error (error, PR_ERROR, error->code);
    }
  {
    g_autofree char *relative = pr_store_path_from_request ("//sub//%73ip.ld", NULL);
    g_assert_cmpstr (relative, ==, "sub/sip.ld");
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/regressions/version-compare-case", test_version_compare_case);
  g_test_add_func ("/regressions/master-config-names", test_master_config_names);
  g_test_add_func ("/regressions/store-path-forms", test_store_path_forms);
  return g_test_run ();
}
