/* main.c — phone-rescue-cli: the rescue server without a screen
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>

#include "pr-cli.h"
#include "pr-cli-commands.h"
#include "phone-rescue-core.h"

typedef struct {
  const char *name;
  int (*run) (int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "interfaces", pr_cli_interfaces, N_("List network interfaces and their addresses") },
  { "serve",      pr_cli_serve,      N_("Run the rescue server and report the phones it sees") },
  { "import",     pr_cli_import,     N_("Import firmware bundles (vendor zips, tarballs, .ld files) into the store") },
  { "store",      pr_cli_store,      N_("List the firmware store: bundles, served images per model, warnings") },
};

void
pr_cli_print_json (char *line)
{
  fputs (line, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
  g_free (line);
}

void
pr_cli_report (gboolean json, const char *event, const char *message)
{
  g_printerr ("%s: %s\n", g_str_equal (event, "error") ? _("Error") : _("Warning"), message);
  if (json)
    {
      PrJsonObject *obj = pr_json_object_new_event (event);
      pr_json_object_add_string (obj, "message", message);
      pr_cli_print_json (pr_json_object_finish (obj));
    }
}

static void
print_usage (FILE *to)
{
  fprintf (to, "%s\n  phone-rescue-cli %s\n\n%s\n", _("Usage:"), _("COMMAND [OPTION…]"), _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (to, "  %-12s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (to, "\n%s\n", _("Run “phone-rescue-cli COMMAND --help” for the options of a command."));
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("phone-rescue-cli");

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") || g_str_equal (argv[1], "help"))
    {
      print_usage (argc < 2 ? stderr : stdout);
      return argc < 2 ? PR_CLI_EXIT_USAGE : PR_CLI_EXIT_OK;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      printf ("phone-rescue-cli %s\n", PACKAGE_VERSION);
      return PR_CLI_EXIT_OK;
    }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      return commands[i].run (argc - 1, argv + 1);

  g_printerr (_("Unknown command “%s”.\n\n"), argv[1]);
  print_usage (stderr);
  return PR_CLI_EXIT_USAGE;
}
