/* test-compat.c — the generated master config and the BootROM compatibility checks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "pr-bundle-importer.h"
#include "pr-compat.h"
#include "pr-firmware-store.h"
#include "pr-master-config.h"
#include "pr-test-bundles.h"

typedef struct {
  char             *tmp;
  char             *store;
  PrBundleImporter *importer;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->tmp = g_dir_make_tmp ("pr-compat-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = g_build_filename (f->tmp, "firmware", NULL);
  f->importer = pr_bundle_importer_new (f->store);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->importer);
  test_rm_rf (f->tmp);
  g_free (f->store);
  g_free (f->tmp);
}

static void
import (Fixture *f, const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) r = pr_bundle_importer_import (f->importer, file, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (r);
}

/* well-formed XML: collect the elements and the root's attributes */
typedef struct {
  GPtrArray  *elements;
  GHashTable *root_attrs;
} Parsed;

static void
on_start (GMarkupParseContext *ctx, const char *element, const char **names, const char **values,
          gpointer data, GError **error)
{
  Parsed *p = data;

  g_ptr_array_add (p->elements, g_strdup (element));
  if (p->elements->len == 1)
    for (guint i = 0; names[i]; i++)
      g_hash_table_insert (p->root_attrs, g_strdup (names[i]), g_strdup (values[i]));
}

static void
parse_xml (GBytes *bytes, Parsed *p)
{
  static const GMarkupParser parser = { on_start, NULL, NULL, NULL, NULL };
  g_autoptr(GMarkupParseContext) ctx = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;
  const char *text = g_bytes_get_data (bytes, &len);

  p->elements = g_ptr_array_new_with_free_func (g_free);
  p->root_attrs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  ctx = g_markup_parse_context_new (&parser, 0, p, NULL);
  g_assert_true (g_markup_parse_context_parse (ctx, text, len, &error));
  g_assert_true (g_markup_parse_context_end_parse (ctx, &error));
  g_assert_no_error (error);
  g_assert_null (g_strstr_len (text, len, "://"));
  g_assert_null (g_strstr_len (text, len, "http"));
}

static void
test_master_config (Fixture *f, gconstpointer data)
{
  g_autofree char *app = test_make_app_zip (f->tmp, "spip_ssip_vvx_3_2_4B_release_sig_split.zip",
                                            "3.2.4.0267", 1024, 1);
  g_autofree char *custom = NULL, *phone = NULL;
  g_autoptr(GBytes) empty = NULL;
  g_autoptr(GBytes) bytes = NULL;
  Parsed p = { 0, }, e = { 0, };

  /* an empty (even missing) store: sip.ld and no configs */
  empty = pr_master_config_generate (f->store);
  parse_xml (empty, &e);
  g_assert_cmpstr (e.elements->pdata[0], ==, "APPLICATION");
  g_assert_cmpuint (e.elements->len, ==, 1);
  g_assert_cmpstr (g_hash_table_lookup (e.root_attrs, "APP_FILE_PATH"), ==, "sip.ld");
  g_assert_cmpstr (g_hash_table_lookup (e.root_attrs, "CONFIG_FILES"), ==, "");

  import (f, app);
  custom = g_build_filename (f->store, "custom.cfg", NULL);
  phone = g_build_filename (f->store, "0004f2a1b2c3-phone.cfg", NULL);
  g_assert_true (g_file_set_contents (custom, "<x/>", -1, NULL));
  g_assert_true (g_file_set_contents (phone, "<x/>", -1, NULL));

  bytes = pr_master_config_generate (f->store);
  parse_xml (bytes, &p);
  g_assert_cmpstr (g_hash_table_lookup (p.root_attrs, "APP_FILE_PATH"), ==, "sip.ld");
  g_assert_cmpstr (g_hash_table_lookup (p.root_attrs, "CONFIG_FILES"), ==, "sip.cfg, phone1.cfg, custom.cfg");
  /* one per-model entry per model whose split image is there; 2345-12200-004/-005 name no model */
  g_assert_true (g_ptr_array_find_with_equal_func (p.elements, "APPLICATION_SPIP321", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (p.elements, "APPLICATION_SSIP7000", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (p.elements, "APPLICATION_VVX1500", g_str_equal, NULL));
  g_assert_false (g_ptr_array_find_with_equal_func (p.elements, "APPLICATION_SPIP301", g_str_equal, NULL));
  g_assert_cmpuint (p.elements->len, ==, 1 + 15);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (bytes, NULL), -1,
                                  "<APPLICATION_SPIP321 APP_FILE_PATH_SPIP321=\"sip.ld\""));

  g_ptr_array_unref (p.elements);
  g_hash_table_unref (p.root_attrs);
  g_ptr_array_unref (e.elements);
  g_hash_table_unref (e.root_attrs);
}

static void
test_served_master_config (Fixture *f, gconstpointer data)
{
  const TestEntry e[] = {
    { "UC/sip.ld", 4000, NULL, 0, NULL, FALSE },
    { "UC/000000000000.cfg", 0, "<APPLICATION APP_FILE_PATH=\"sip.ld\" CONFIG_FILES=\"ftp://x/y.cfg\"/>", 0, NULL, FALSE },
    { "UC/sip.cfg", 0, "<sip/>", 0, NULL, FALSE },
  };
  g_autofree char *zip = g_build_filename (f->tmp, "Polycom_UC_Software_4_1_0_Rev_I_release_sig_combined.zip", NULL);
  g_autoptr(PrFirmwareStore) store = NULL;
  g_autoptr(PrStoreFile) served = NULL;
  g_autoptr(PrStoreFile) kept = NULL;
  g_autoptr(GError) error = NULL;
  Parsed p = { 0, };

  test_write_archive (zip, "zip", e, G_N_ELEMENTS (e), 3, NULL);
  import (f, zip);
  store = pr_firmware_store_new (f->store, &error);
  g_assert_no_error (error);

  /* ours by default, also though the bundle brought one */
  served = pr_firmware_store_lookup (store, "000000000000.cfg", &error);
  g_assert_no_error (error);
  g_assert_true (served->generated);
  parse_xml (served->contents, &p);
  g_assert_cmpstr (g_hash_table_lookup (p.root_attrs, "CONFIG_FILES"), ==, "sip.cfg");

  /* the store setting keeps the bundle's */
  pr_firmware_store_set_keep_master_config (store, TRUE);
  pr_firmware_store_invalidate (store);
  kept = pr_firmware_store_lookup (store, "000000000000.cfg", &error);
  g_assert_no_error (error);
  g_assert_false (kept->generated);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (kept->contents, NULL), -1, "ftp://x/y.cfg"));

  g_ptr_array_unref (p.elements);
  g_hash_table_unref (p.root_attrs);
}

static gboolean
has_warning_for (PrCompat *compat, const char *key, const char *words)
{
  GPtrArray *w = pr_compat_get_warnings (compat);

  for (guint i = 0; i < w->len; i++)
    {
      PrCompatWarning *x = g_ptr_array_index (w, i);

      if (g_str_equal (x->model_key, key) && strstr (x->message, words))
        return TRUE;
    }
  return FALSE;
}

static void
test_bootrom_warnings (Fixture *f, gconstpointer data)
{
  g_autofree char *app = test_make_app_zip (f->tmp, "spip_ssip_vvx_3_2_4B_release_sig_split.zip",
                                            "3.2.4.0267", 1024, 1);
  g_autofree char *boot = test_make_bootrom_zip (f->tmp, "spip_ssip_BootROM_4_2_3_release_sig.zip",
                                                 "4.2.3.0003", 1024, 2);
  g_autofree char *uc4 = test_make_app_zip (f->tmp, "Polycom-UC-Software-4-0-11-rts28-K-release-sig-split.zip",
                                            NULL, 1024, 3);
  g_autoptr(PrCompat) before = NULL, after = NULL, uc = NULL;
  g_autofree char *reason = NULL;
  const PrServedImage *s;

  import (f, app);
  before = pr_compat_new (NULL, f->store);
  g_assert_true (has_warning_for (before, "SPIP321",
                                  "SoundPoint IP 321: application 3.2.4.0267 needs BootROM 4.1.3 or newer, "
                                  "and the store has no BootROM for it. Import spip_ssip_BootROM_4_2_3_release_sig.zip."));
  g_assert_true (has_warning_for (before, "SSIP5000", "4.2.2"));
  s = pr_compat_get_served_for (before, "SPIP321");
  g_assert_cmpstr (s->app_file, ==, "2345-12360-001.sip.ld");
  g_assert_cmpstr (s->app_bundle, ==, "spip_ssip_vvx_3_2_4B_release_sig_split.zip");
  g_assert_null (s->bootrom_file);

  reason = pr_compat_check_phone (before, "SPIP321", "4.0.1.0001");
  g_assert_nonnull (reason);
  g_assert_nonnull (strstr (reason, "BootROM 4.0.1.0001 is too old for application 3.2.4.0267"));
  g_assert_nonnull (strstr (reason, "spip_ssip_BootROM_4_2_3_release_sig.zip"));
  g_assert_null (pr_compat_check_phone (before, "SPIP321", "4.2.3.0003"));
  g_assert_null (pr_compat_check_phone (before, "SPIP321", NULL));
  g_assert_null (pr_compat_check_phone (before, "SPIP301", "2.0.0"));   /* nothing served for it */

  import (f, boot);
  after = pr_compat_new (NULL, f->store);
  g_assert_cmpuint (pr_compat_get_warnings (after)->len, ==, 0);
  s = pr_compat_get_served_for (after, "SPIP321");
  g_assert_cmpstr (s->bootrom_file, ==, "2345-12360-001.bootrom.ld");
  g_assert_cmpstr (s->bootrom_version, ==, "4.2.3.0003");
  /* the store updates the old BootROM first: no failure */
  g_assert_null (pr_compat_check_phone (after, "SPIP321", "4.0.1.0001"));

  /* UC 4 needs the one-time path: the 4.2.3 BootROM is too old */
  import (f, uc4);
  uc = pr_compat_new (NULL, f->store);
  g_assert_true (has_warning_for (uc, "SPIP450",
                                  "needs BootROM 4.4.0B or newer, but the store has BootROM 4.2.3.0003. "
                                  "Import SoundPoint_IP_BootROM_4_4_0B_Upgrader_release_sig.zip."));
  g_assert_true (has_warning_for (uc, "SSIP6000", "needs Updater 5.0.8 or newer"));
  g_clear_pointer (&reason, g_free);
  reason = pr_compat_check_phone (uc, "SSIP7000", "4.2.3.0003");
  g_assert_nonnull (reason);
  g_assert_nonnull (strstr (reason, "Polycom_UC_Updater_5_0_8_release_sig.zip"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(name, fn) g_test_add ("/compat/" name, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("master-config", test_master_config);
  ADD ("served-master-config", test_served_master_config);
  ADD ("bootrom-warnings", test_bootrom_warnings);
#undef ADD
  return g_test_run ();
}
