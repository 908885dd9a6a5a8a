/* pr-cli-store.c — `phone-rescue-cli store [--store DIR] [--json] [--serve B] [--remove B]`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "pr-cli.h"
#include "pr-cli-commands.h"
#include "phone-rescue-core.h"
#include "pr-bundle-list.h"
#include "pr-compat.h"

static void
print_bundle (PrBundle *bundle,
              gboolean  json)
{
  const char *version = pr_bundle_get_version (bundle);
  guint n_models = g_strv_length ((GStrv) pr_bundle_get_models (bundle));
  GDateTime *when = pr_bundle_get_imported (bundle);
  g_autofree char *iso = when ? g_date_time_format_iso8601 (when) : NULL;

  if (json)
    {
      PrJsonObject *obj = pr_json_object_new_event ("bundle");
      g_autofree char *models = pr_cli_json_string_array (pr_bundle_get_models (bundle));

      pr_json_object_add_string (obj, "bundle", pr_bundle_get_id (bundle));
      pr_json_object_add_string (obj, "name", pr_bundle_get_name (bundle));
      pr_json_object_add_string (obj, "kind", pr_bundle_get_kind_string (bundle));
      pr_json_object_add_string (obj, "version", version);
      pr_json_object_add_raw (obj, "models", models);
      pr_json_object_add_int (obj, "files", pr_bundle_get_files (bundle)->len);
      pr_json_object_add_int (obj, "size", pr_bundle_get_total_size (bundle));
      pr_json_object_add_bool (obj, "served", pr_bundle_get_served (bundle));
      pr_json_object_add_string (obj, "imported", iso);
      pr_cli_print_json (pr_json_object_finish (obj));
      return;
    }
  printf ("  %s %s  %-11s %-12s %s\n", pr_bundle_get_served (bundle) ? "*" : " ",
          pr_bundle_get_id (bundle), pr_bundle_get_kind_string (bundle),
          version ? version : "?", pr_bundle_get_name (bundle));
  printf ("                      ");
  printf (g_dngettext (GETTEXT_PACKAGE, "%u model, ", "%u models, ", n_models), n_models);
  printf (g_dngettext (GETTEXT_PACKAGE, "%u file", "%u files", pr_bundle_get_files (bundle)->len),
          pr_bundle_get_files (bundle)->len);
  printf (_(", imported %s\n"), iso ? iso : "?");
}

static void
print_served (const PrServedImage *s,
              gboolean             json)
{
  if (json)
    {
      PrJsonObject *obj = pr_json_object_new_event ("served");

      pr_json_object_add_string (obj, "model", s->model_key);
      pr_json_object_add_string (obj, "name", s->model_name);
      pr_json_object_add_string (obj, "application", s->app_file);
      pr_json_object_add_string (obj, "application_version", s->app_version);
      pr_json_object_add_string (obj, "application_bundle", s->app_bundle);
      pr_json_object_add_string (obj, "bootrom", s->bootrom_file);
      pr_json_object_add_string (obj, "bootrom_version", s->bootrom_version);
      pr_json_object_add_string (obj, "bootrom_bundle", s->bootrom_bundle);
      pr_json_object_add_string (obj, "min_bootrom", s->min_bootrom);
      pr_cli_print_json (pr_json_object_finish (obj));
      return;
    }
  printf ("  %-22s %s %s", s->model_name, _("application:"),
          s->app_file ? s->app_file : _("none"));
  if (s->app_file)
    printf (" (%s)", s->app_version ? s->app_version : _("version unknown"));
  printf ("\n  %-22s %s %s", "", _("BootROM:"), s->bootrom_file ? s->bootrom_file : _("none"));
  if (s->bootrom_file)
    printf (" (%s)", s->bootrom_version ? s->bootrom_version : _("version unknown"));
  if (s->min_bootrom)
    printf (_("; needs %s or newer"), s->min_bootrom);
  printf ("\n");
}

int
pr_cli_store (int argc, char **argv)
{
  g_autofree char *store_dir = NULL;
  g_autofree char *serve = NULL;
  g_autofree char *remove = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "store", 's', 0, G_OPTION_ARG_FILENAME, &store_dir, N_("The firmware store (default: $XDG_DATA_HOME/phone-rescue/firmware)"), N_("DIR") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON lines on stdout instead of text"), NULL },
    { "serve", 0, 0, G_OPTION_ARG_STRING, &serve, N_("Serve this bundle (id, id prefix or file name) instead of the one of its kind served now"), N_("BUNDLE") },
    { "remove", 0, 0, G_OPTION_ARG_STRING, &remove, N_("Delete this bundle from the store"), N_("BUNDLE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) bundles = NULL;
  g_autoptr(PrCompat) compat = NULL;
  GPtrArray *served;
  gboolean any_split = FALSE;

  g_option_context_set_summary (context,
    _("Show the firmware store: the imported bundles (* marks the served ones), the application "
      "and BootROM image each model would get, and warnings about BootROMs the store lacks."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return PR_CLI_EXIT_USAGE;
    }
  if (argc > 1)
    {
      g_printerr (_("Unexpected argument “%s”. See “phone-rescue-cli store --help”.\n"), argv[1]);
      return PR_CLI_EXIT_USAGE;
    }
  if (serve && remove)
    {
      g_printerr ("%s\n", _("Give either --serve or --remove, not both."));
      return PR_CLI_EXIT_USAGE;
    }
  if (store_dir == NULL)
    store_dir = pr_firmware_store_default_root ();

  if ((serve && !pr_bundle_list_serve (store_dir, serve, &error)) ||
      (remove && !pr_bundle_list_remove (store_dir, remove, &error)))
    {
      pr_cli_report (json, "error", error->message);
      return PR_CLI_EXIT_FAILURE;
    }

  bundles = pr_bundle_list_load (store_dir, &error);
  if (bundles == NULL)
    {
      pr_cli_report (json, "error", error->message);
      return PR_CLI_EXIT_FAILURE;
    }
  compat = pr_compat_new (NULL, store_dir);
  served = pr_compat_get_served (compat);

  if (!json)
    {
      printf (_("Firmware store: %s\n"), store_dir);
      printf ("%s\n", bundles->len ? _("Bundles (* served):") : _("Bundles: none imported"));
    }
  for (guint i = 0; i < bundles->len; i++)
    print_bundle (g_ptr_array_index (bundles, i), json);

  if (!json)
    printf ("%s\n", served->len ? _("Served per model:") : _("Served per model: no images in the store"));
  /* a combined image (sip.ld, bootrom.ld) answers every model: list the models
   * with images of their own, or every model when there are none */
  for (guint i = 0; i < served->len; i++)
    if (((PrServedImage *) g_ptr_array_index (served, i))->split)
      any_split = TRUE;
  for (guint i = 0; i < served->len; i++)
    if (!any_split || ((PrServedImage *) g_ptr_array_index (served, i))->split)
      print_served (g_ptr_array_index (served, i), json);
  fflush (stdout);

  for (guint i = 0; i < pr_compat_get_warnings (compat)->len; i++)
    {
      PrCompatWarning *w = g_ptr_array_index (pr_compat_get_warnings (compat), i);
      pr_cli_report (json, "warning", w->message);
    }
  return PR_CLI_EXIT_OK;
}
