/* pr-cli-import.c — `phone-rescue-cli import FILE… [--store DIR] [--json]`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <unistd.h>

#include "pr-cli.h"
#include "pr-cli-commands.h"
#include "phone-rescue-core.h"
#include "pr-bundle-importer.h"
#include "pr-compat.h"

typedef struct {
  GMainLoop  *loop;
  GPtrArray  *result;
  GError     *error;
  const char *name;
  const char *path;
  gboolean    json;
  gboolean    tty;
  int         last_percent;
} ImportRun;

char *
pr_cli_json_string_array (const char *const *strv)
{
  g_autoptr(GString) out = g_string_new ("[");

  for (guint i = 0; strv && strv[i]; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      pr_json_append_escaped (out, strv[i]);
    }
  g_string_append_c (out, ']');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
on_progress (GObject    *object,
             GParamSpec *pspec,
             gpointer    data)
{
  ImportRun *run = data;
  PrBundleImporter *importer = PR_BUNDLE_IMPORTER (object);
  double progress = pr_bundle_importer_get_progress (importer);
  int percent = (int) (progress * 100.0);

  if (percent <= run->last_percent)
    return;
  run->last_percent = percent;

  if (run->json)
    {
      PrJsonObject *obj = pr_json_object_new_event ("progress");
      guint64 done, total;

      g_object_get (importer, "bytes-done", &done, "bytes-total", &total, NULL);
      pr_json_object_add_string (obj, "file", run->path);
      pr_json_object_add_int (obj, "bytes", done);
      pr_json_object_add_int (obj, "total", total);
      pr_json_object_add_int (obj, "percent", percent);
      pr_cli_print_json (pr_json_object_finish (obj));
    }
  else if (run->tty)
    {
      /* TRANSLATORS: a progress line, e.g. "Importing foo.zip… 45%" */
      g_printerr ("\r%s %d%%", run->name, percent);
    }
}

static void
on_imported (GObject      *object,
             GAsyncResult *result,
             gpointer      data)
{
  ImportRun *run = data;

  run->result = pr_bundle_importer_import_finish (PR_BUNDLE_IMPORTER (object), result, &run->error);
  g_main_loop_quit (run->loop);
}

static const char *
kind_words (PrBundle *bundle)
{
  switch (pr_bundle_get_kind (bundle))
    {
    case PR_BUNDLE_KIND_BOOTROM: return _("BootROM");
    case PR_BUNDLE_KIND_UPDATER: return _("UC Updater");
    case PR_BUNDLE_KIND_COMBINED: return _("combined application");
    case PR_BUNDLE_KIND_MIXED: return _("application and BootROM");
    case PR_BUNDLE_KIND_APPLICATION:
    default: return _("application");
    }
}

static void
report_bundle (const char *path,
               PrBundle   *bundle,
               gboolean    json)
{
  const char *version = pr_bundle_get_version (bundle);
  guint n_models = g_strv_length ((GStrv) pr_bundle_get_models (bundle));
  guint n_files = pr_bundle_get_files (bundle)->len;

  if (json)
    {
      PrJsonObject *obj = pr_json_object_new_event ("import");
      g_autofree char *models = pr_cli_json_string_array (pr_bundle_get_models (bundle));

      pr_json_object_add_string (obj, "file", path);
      pr_json_object_add_string (obj, "bundle", pr_bundle_get_id (bundle));
      pr_json_object_add_string (obj, "name", pr_bundle_get_name (bundle));
      pr_json_object_add_string (obj, "kind", pr_bundle_get_kind_string (bundle));
      pr_json_object_add_string (obj, "version", version);
      pr_json_object_add_raw (obj, "models", models);
      pr_json_object_add_int (obj, "files", n_files);
      pr_json_object_add_bool (obj, "served", pr_bundle_get_served (bundle));
      pr_json_object_add_bool (obj, "already_present", pr_bundle_get_already_present (bundle));
      pr_cli_print_json (pr_json_object_finish (obj));
      return;
    }

  if (pr_bundle_get_already_present (bundle))
    /* Translators: the first %s is the bundle’s file name, the second its id */
    printf (_("%s: already in the store (bundle %s); nothing changed\n"),
            pr_bundle_get_name (bundle), pr_bundle_get_id (bundle));
  else
    /* Translators: the first %s is the bundle’s file name, the second its kind
     * (“BootROM”, “application”, …), the third its version or “(version unknown)”,
     * the fourth its id, the last “, now served” or “, kept (a newer one is served)” */
    printf (_("%s: %s %s, %u models, %u files (bundle %s)%s\n"),
            pr_bundle_get_name (bundle), kind_words (bundle),
            version ? version : _("(version unknown)"),
            n_models, n_files, pr_bundle_get_id (bundle),
            pr_bundle_get_served (bundle) ? _(", now served") : _(", kept (a newer one is served)"));
}

int
pr_cli_import (int argc, char **argv)
{
  g_autofree char *store_dir = NULL;
  g_auto(GStrv) files = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "store", 's', 0, G_OPTION_ARG_FILENAME, &store_dir, N_("The firmware store (default: $XDG_DATA_HOME/phone-rescue/firmware)"), N_("DIR") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON lines on stdout instead of text"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, N_("FILE…") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PrBundleImporter) importer = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(PrCompat) compat = NULL;
  int status = PR_CLI_EXIT_OK;

  g_option_context_set_summary (context,
    _("Import firmware bundles into the store: vendor zips (application, BootROM, Upgrader, "
      "UC Updater, combined), tar, tar.gz, tar.bz2, tar.xz, zips inside a zip, or a single .ld image.\n\n"
      "Each bundle is checked (only plain files, no paths that leave the store, size caps) and "
      "moved into the store in one step: on any error the store stays as it was. A newer "
      "application becomes the served one; older ones stay listed (see “store”)."));
  g_option_context_set_description (context,
    _("Exit status: 0 when every file was imported (or already there), 1 when one failed, "
      "2 for a usage error."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return PR_CLI_EXIT_USAGE;
    }
  if (files == NULL || files[0] == NULL)
    {
      g_printerr ("%s\n", _("Name at least one file to import, e.g. phone-rescue-cli import spip_ssip_BootROM_4_2_3_release_sig.zip"));
      return PR_CLI_EXIT_USAGE;
    }
  if (store_dir == NULL)
    store_dir = pr_firmware_store_default_root ();

  importer = pr_bundle_importer_new (store_dir);
  loop = g_main_loop_new (NULL, FALSE);

  for (guint i = 0; files[i]; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (files[i]);
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *line = g_strdup_printf (_("Importing %s…"), name);
      ImportRun run = { loop, NULL, NULL, line, files[i], json, isatty (STDERR_FILENO), -1 };
      gulong id = g_signal_connect (importer, "notify::progress", G_CALLBACK (on_progress), &run);

      if (!json)
        g_printerr (run.tty ? "%s" : "%s\n", line);
      pr_bundle_importer_import_async (importer, file, NULL, on_imported, &run);
      g_main_loop_run (loop);
      g_signal_handler_disconnect (importer, id);
      if (!json && run.tty)
        g_printerr ("\n");

      if (run.result == NULL)
        {
          /* Translators: the first %s is a file name, the second the reason */
          g_autofree char *message = g_strdup_printf (_("Cannot import %s: %s"), name, run.error->message);

          pr_cli_report (json, "error", message);
          g_clear_error (&run.error);
          status = PR_CLI_EXIT_FAILURE;
          continue;
        }
      for (guint j = 0; j < run.result->len; j++)
        report_bundle (files[i], g_ptr_array_index (run.result, j), json);
      fflush (stdout);
      g_ptr_array_unref (run.result);
    }

  /* what the store can and cannot boot now */
  compat = pr_compat_new (NULL, store_dir);
  for (guint i = 0; i < pr_compat_get_warnings (compat)->len; i++)
    {
      PrCompatWarning *w = g_ptr_array_index (pr_compat_get_warnings (compat), i);
      pr_cli_report (json, "warning", w->message);
    }

  return status;
}
