/* test-kill.c — kill -9 an import at random moments: the store is always either
 * byte-identical to before or completely imported, and the next import cleans up
 *
 * Runs `phone-rescue-cli import --json` (path in argv after the GTest options)
 * on a synthetic bundle of about 50 MiB and SIGKILLs it either when its
 * progress passes a random point or after a random delay (which also reaches
 * the commit). Bounded: a fixed number of rounds.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "pr-bundle-importer.h"
#include "pr-bundle-list.h"
#include "pr-test-bundles.h"

#define ROUNDS 8

static const char *cli_path;

static char *tmp, *store, *big_zip;

/* Every bundle's files match its manifest; served ones are linked into the root */
static void
assert_consistent (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) bundles = pr_bundle_list_load (store, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < bundles->len; i++)
    {
      PrBundle *b = g_ptr_array_index (bundles, i);
      GPtrArray *files = pr_bundle_get_files (b);

      g_assert_cmpuint (files->len, >, 0);
      for (guint j = 0; j < files->len; j++)
        {
          PrBundleFile *f = g_ptr_array_index (files, j);
          g_autofree char *path = g_build_filename (pr_bundle_get_dir (b), "files", f->path, NULL);
          char hex[PR_SHA256_HEX_LEN + 1];
          goffset size;

          g_assert_true (pr_sha256_file_at (AT_FDCWD, path, hex, &size, &error));
          g_assert_cmpstr (hex, ==, f->sha256);
          g_assert_cmpint (size, ==, f->size);
          if (pr_bundle_get_served (b) && f->klass == PR_BUNDLE_FILE_APP_IMAGE)
            g_assert_true (pr_bundle_list_find_provider (bundles, store, f->path) == b);
        }
    }
}

static gboolean
has_app_bundle (void)
{
  g_autoptr(GPtrArray) bundles = pr_bundle_list_load (store, NULL);
  return pr_bundle_list_get_served (bundles, PR_BUNDLE_SLOT_APPLICATION) != NULL;
}

static GSubprocess *
spawn_import (const char *target_store)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                        &error, cli_path, "import", "--json", "--store", target_store,
                                        big_zip, NULL);
  g_assert_no_error (error);
  return proc;
}

static void
test_kill_mid_import (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *scratch = g_build_filename (tmp, "scratch", NULL);
  gint64 full_us;
  guint untouched = 0, completed = 0;

  /* how long a whole import takes */
  {
    g_autoptr(GSubprocess) proc = spawn_import (scratch);
    gint64 start = g_get_monotonic_time ();

    g_assert_true (g_subprocess_wait_check (proc, NULL, &error));
    g_assert_no_error (error);
    full_us = g_get_monotonic_time () - start;
    g_test_message ("a full import takes %.0f ms", full_us / 1000.0);
  }

  before = test_hash_tree (store);
  for (guint round = 0; round < ROUNDS; round++)
    {
      g_autoptr(GSubprocess) proc = spawn_import (store);
      double r = g_test_rand_double_range (0.0, 1.0);
      g_autofree char *after = NULL;

      if (round % 2 == 0)
        {
          /* when progress passes a random point */
          g_autoptr(GDataInputStream) in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
          char *line;

          while ((line = g_data_input_stream_read_line (in, NULL, NULL, NULL)) != NULL)
            {
              char *pct = strstr (line, "\"percent\":");
              gboolean stop = strstr (line, "\"event\":\"import\"") != NULL ||
                              (pct && g_ascii_strtod (pct + 10, NULL) >= r * 100);

              g_free (line);
              if (stop)
                break;
            }
          g_test_message ("round %u: kill at progress %.0f%%", round, r * 100);
        }
      else
        {
          /* after a random delay: reaches the commit and the clean-up too */
          g_test_message ("round %u: kill after %.0f ms", round, r * 1.2 * full_us / 1000.0);
          g_usleep ((gulong) (r * 1.2 * full_us));
        }
      g_subprocess_send_signal (proc, SIGKILL);
      g_subprocess_wait (proc, NULL, NULL);

      after = test_hash_tree (store);
      assert_consistent ();
      if (g_str_equal (after, before))
        untouched++;
      else
        {
          /* killed after the swap: the import is complete */
          g_autoptr(GPtrArray) bundles = NULL;
          PrBundle *app;

          g_assert_true (has_app_bundle ());
          completed++;
          bundles = pr_bundle_list_load (store, &error);
          app = pr_bundle_list_get_served (bundles, PR_BUNDLE_SLOT_APPLICATION);
          g_assert_cmpuint (pr_bundle_get_files (app)->len, ==, g_strv_length ((GStrv) test_parts_32x) + 6);
          /* back to the start for the next round */
          g_assert_true (pr_bundle_list_remove (store, pr_bundle_get_id (app), &error));
          g_assert_no_error (error);
          g_free (after);
          after = test_hash_tree (store);
          g_assert_cmpstr (after, ==, before);
        }
    }
  g_test_message ("%u rounds left the store untouched, %u found it imported", untouched, completed);
  g_assert_cmpuint (untouched + completed, ==, ROUNDS);

  /* the next import succeeds and leaves nothing beside the store */
  {
    g_autoptr(GSubprocess) proc = spawn_import (store);

    g_assert_true (g_subprocess_wait_check (proc, NULL, &error));
    g_assert_no_error (error);
    g_assert_true (has_app_bundle ());
    assert_consistent ();
    g_assert_cmpuint (test_count_temp_dirs (tmp), ==, 0);
  }
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PrBundleImporter) importer = NULL;
  g_autofree char *boot = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GPtrArray) r = NULL;
  g_autofree char *hand = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  for (int i = 1; i < argc; i++)
    if (g_str_has_suffix (argv[i], "phone-rescue-cli"))
      cli_path = argv[i];
  if (cli_path == NULL)
    cli_path = g_getenv ("PHONE_RESCUE_CLI");
  if (cli_path == NULL)
    {
      g_test_skip ("give the path of phone-rescue-cli as an argument");
      return g_test_run ();
    }

  tmp = g_dir_make_tmp ("pr-kill-XXXXXX", &error);
  g_assert_no_error (error);
  store = g_build_filename (tmp, "firmware", NULL);
  big_zip = test_make_app_zip (tmp, "spip_ssip_vvx_3_2_4B_release_sig_split.zip", "3.2.4.0267", 3 << 20, 77);
  boot = test_make_bootrom_zip (tmp, "spip_ssip_BootROM_4_2_3_release_sig.zip", "4.2.3.0003", 1 << 20, 78);

  /* a store with a bundle and a file of the user's */
  importer = pr_bundle_importer_new (store);
  file = g_file_new_for_path (boot);
  r = pr_bundle_importer_import (importer, file, NULL, &error);
  g_assert_no_error (error);
  hand = g_build_filename (store, "notes.txt", NULL);
  g_assert_true (g_file_set_contents (hand, "mine\n", -1, NULL));

  g_test_add_func ("/importer/kill-9-mid-import", test_kill_mid_import);
  status = g_test_run ();
  test_rm_rf (tmp);
  return status;
}
