/* phone-rescue-sim.c — boot simulated Polycom phones against a provisioning server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "pr-sim.h"

#define EXIT_ALL_BOOTED   0
#define EXIT_NOT_BOOTED   1
#define EXIT_USAGE        2

typedef struct {
  PrSimFleet   *fleet;
  GCancellable *cancellable;
  GMainLoop    *loop;
  gboolean      json;
  gboolean      quiet;
  guint         booted;
  gboolean      cancelled;
} SimRun;

/* Output */

static void
json_append_string (GString    *out,
                    const char *text)
{
  if (text == NULL)
    {
      g_string_append (out, "null");
      return;
    }

  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = *p;

      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, c);
    }
  g_string_append_c (out, '"');
}

static void
json_append_member (GString    *out,
                    const char *name,
                    const char *value)
{
  g_string_append_printf (out, ",\"%s\":", name);
  json_append_string (out, value);
}

static GString *
json_begin_event (const char *event)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *seconds = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");
  g_autofree char *zone = g_date_time_format (now, "%:z");
  GString *out = g_string_new ("{\"event\":");

  json_append_string (out, event);
  g_string_append_printf (out, ",\"time\":\"%s.%03d%s\"", seconds,
                          g_date_time_get_microsecond (now) / 1000, zone);
  return out;
}

static void
print_line (GString *line)
{
  g_print ("%s\n", line->str);
  fflush (stdout);
}

static void
on_request_done (PrSimPhone *phone,
                 const char *method,
                 const char *path,
                 guint       status,
                 gint64      bytes,
                 gboolean    complete,
                 SimRun     *run)
{
  if (run->json)
    {
      g_autoptr(GString) line = json_begin_event ("request");

      json_append_member (line, "ip", pr_sim_phone_get_local_address (phone));
      json_append_member (line, "mac", pr_sim_phone_get_mac (phone));
      json_append_member (line, "method", method);
      json_append_member (line, "path", path);
      g_string_append_printf (line, ",\"status\":%u,\"bytes\":%" G_GINT64_FORMAT ",\"complete\":%s}",
                              status, bytes, complete ? "true" : "false");
      print_line (line);
    }
  else if (!run->quiet)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, bytes);
      /* Translators: a byte count */
      g_autofree char *size = g_strdup_printf (_("%s bytes"), count);

      const char *note = "";

      if (status == 0)
        note = _(" (no answer)");
      else if (!complete)
        note = _(" (stopped reading)");
      g_print ("%-15s %-4s %-40s %3u %14s%s\n", pr_sim_phone_get_local_address (phone),
               method, path, status, size, note);
    }
}

static void
print_json_result (PrSimPhone *phone)
{
  g_autoptr(GString) line = json_begin_event ("result");
  GHashTableIter iter;
  gpointer path, sha256;
  gboolean first = TRUE;

  json_append_member (line, "ip", pr_sim_phone_get_local_address (phone));
  json_append_member (line, "mac", pr_sim_phone_get_mac (phone));
  json_append_member (line, "model", pr_sim_phone_get_model (phone));
  json_append_member (line, "part", pr_sim_phone_get_part (phone));
  json_append_member (line, "outcome", pr_sim_outcome_to_string (pr_sim_phone_get_outcome (phone)));
  json_append_member (line, "reason", pr_sim_phone_get_reason (phone));
  g_string_append_printf (line, ",\"boot_cycles\":%u", pr_sim_phone_get_boot_cycles (phone));
  json_append_member (line, "bootrom_version", pr_sim_phone_get_bootrom_version (phone));
  json_append_member (line, "app_version", pr_sim_phone_get_app_version (phone));

  g_string_append (line, ",\"downloads\":{");
  g_hash_table_iter_init (&iter, pr_sim_phone_get_downloads (phone));
  while (g_hash_table_iter_next (&iter, &path, &sha256))
    {
      if (!first)
        g_string_append_c (line, ',');
      first = FALSE;
      json_append_string (line, path);
      g_string_append_c (line, ':');
      json_append_string (line, sha256);
    }
  g_string_append (line, "}}");
  print_line (line);
}

static void
print_text_result (PrSimPhone *phone)
{
  const char *app_version = pr_sim_phone_get_app_version (phone);

  guint cycles = pr_sim_phone_get_boot_cycles (phone);

  if (pr_sim_phone_get_outcome (phone) == PR_SIM_OUTCOME_BOOTED)
    g_print (ngettext ("%s %s: booted after %u boot cycle (BootROM %s, application %s)\n",
                       "%s %s: booted after %u boot cycles (BootROM %s, application %s)\n", cycles),
             pr_sim_phone_get_local_address (phone), pr_sim_phone_get_mac (phone),
             cycles, pr_sim_phone_get_bootrom_version (phone),
             app_version != NULL ? app_version : _("none"));
  else
    g_print (ngettext ("%s %s: gave up after %u boot cycle: %s\n",
                       "%s %s: gave up after %u boot cycles: %s\n", cycles),
             pr_sim_phone_get_local_address (phone), pr_sim_phone_get_mac (phone), cycles,
             pr_sim_phone_get_reason (phone) != NULL ? pr_sim_phone_get_reason (phone) : _("stopped"));
}

static void
on_phone_finished (PrSimFleet *fleet,
                   PrSimPhone *phone,
                   SimRun     *run)
{
  if (pr_sim_phone_get_outcome (phone) == PR_SIM_OUTCOME_NONE)
    return;  /* cancelled: nothing to report */

  if (run->json)
    print_json_result (phone);
  else
    print_text_result (phone);
}

static void
on_fleet_finished (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  SimRun *run = user_data;
  g_autoptr(GError) error = NULL;

  run->booted = pr_sim_fleet_run_finish (PR_SIM_FLEET (source), result, &error);
  if (error != NULL)
    {
      run->cancelled = TRUE;
      g_printerr ("%s\n", error->message);
    }
  g_main_loop_quit (run->loop);
}

static gboolean
on_stop_signal (gpointer user_data)
{
  SimRun *run = user_data;

  g_cancellable_cancel (run->cancellable);
  return G_SOURCE_CONTINUE;
}

/* Command line */

typedef struct {
  char     *server;
  int       count;
  char     *profile;
  char     *fault;
  char     *model;
  char     *family;
  char     *part;
  char     *first_address;
  char     *mac;
  char     *bootrom_version;
  char     *app_version;
  char     *new_bootrom_version;
  char     *new_app_version;
  char     *min_bootrom;
  gint64    rate;
  int       reboot_delay;
  int       max_cycles;
  int       timeout;
  gboolean  json;
  gboolean  quiet;
} SimArgs;

static void
sim_args_clear (SimArgs *args)
{
  g_free (args->server);
  g_free (args->profile);
  g_free (args->fault);
  g_free (args->model);
  g_free (args->family);
  g_free (args->part);
  g_free (args->first_address);
  g_free (args->mac);
  g_free (args->bootrom_version);
  g_free (args->app_version);
  g_free (args->new_bootrom_version);
  g_free (args->new_app_version);
  g_free (args->min_bootrom);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SimArgs, sim_args_clear)

static GOptionContext *
option_context_new (SimArgs *args)
{
  const GOptionEntry entries[] = {
    { "server", 's', 0, G_OPTION_ARG_STRING, &args->server,
      N_("Provisioning server to boot from (required)"), N_("URL") },
    { "count", 'n', 0, G_OPTION_ARG_INT, &args->count,
      N_("Number of phones, booting at once (default 1)"), N_("N") },
    { "profile", 'p', 0, G_OPTION_ARG_STRING, &args->profile,
      N_("Boot program: bootrom (SIP-era BootROM), updater (UC Software 4+ Updater) "
         "or up-to-date (flash already matches the server). Default bootrom"), N_("PROFILE") },
    { "fault", 'f', 0, G_OPTION_ARG_STRING, &args->fault,
      N_("Fault to inject: none, cut-once (first application download cut at half) "
         "or cut-always (every one cut; the phone gives up after 4)"), N_("FAULT") },
    { "model", 'm', 0, G_OPTION_ARG_STRING, &args->model,
      N_("Model token of the User-Agent (default SPIP_321; updater: SSIP_6000)"), N_("TOKEN") },
    { "family", 0, 0, G_OPTION_ARG_STRING, &args->family,
      N_("Family in the User-Agent: SoundPointIP, SoundStationIP or VVX (default: from the model)"), N_("FAMILY") },
    { "part", 0, 0, G_OPTION_ARG_STRING, &args->part,
      N_("Part number, the prefix of split images (default 2345-12360-001; updater: 3111-15600-001)"), N_("PART") },
    { "first-address", 'a', 0, G_OPTION_ARG_STRING, &args->first_address,
      N_("Loopback address of the first phone; the others follow (default 127.0.0.10)"), N_("ADDRESS") },
    { "mac", 0, 0, G_OPTION_ARG_STRING, &args->mac,
      N_("MAC of the first phone; the others follow (default 0004f2000001)"), N_("MAC") },
    { "bootrom-version", 0, 0, G_OPTION_ARG_STRING, &args->bootrom_version,
      N_("BootROM or Updater in flash (default 3.2.3.0017; updater: 5.0.3.1167; up-to-date: 4.2.3.0003)"), N_("VERSION") },
    { "app-version", 0, 0, G_OPTION_ARG_STRING, &args->app_version,
      N_("Application in flash, or “none” (default none; up-to-date: 3.2.4.0267)"), N_("VERSION") },
    { "new-bootrom-version", 0, 0, G_OPTION_ARG_STRING, &args->new_bootrom_version,
      N_("BootROM version after a BootROM update (default 4.2.3.0003)"), N_("VERSION") },
    { "new-app-version", 0, 0, G_OPTION_ARG_STRING, &args->new_app_version,
      N_("Application version after an update (default 3.2.4.0267; updater: 4.0.15.1009)"), N_("VERSION") },
    { "min-bootrom", 0, 0, G_OPTION_ARG_STRING, &args->min_bootrom,
      N_("BootROM the new application needs; an older one makes the phone report "
         "“not compatible” (default: none)"), N_("VERSION") },
    { "rate", 'r', 0, G_OPTION_ARG_INT64, &args->rate,
      N_("Read at most this many bytes per second (default 0: unlimited)"), N_("BYTES_PER_S") },
    { "reboot-delay", 0, 0, G_OPTION_ARG_INT, &args->reboot_delay,
      N_("Time a reboot takes (default 0)"), N_("MS") },
    { "max-cycles", 0, 0, G_OPTION_ARG_INT, &args->max_cycles,
      N_("Boot cycles before a phone gives up (default 6)"), N_("N") },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &args->timeout,
      N_("Network timeout (default 30)"), N_("SECONDS") },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &args->json,
      N_("Print one JSON object per line: an event “request” per exchange, “result” per phone"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &args->quiet,
      N_("Print only the result of each phone"), NULL },
    { NULL }
  };
  GOptionContext *context = g_option_context_new (NULL);

  g_option_context_set_summary (context,
    _("Boot simulated Polycom SoundPoint/SoundStation IP phones against a provisioning server.\n"
      "Each phone is an HTTP client on its own loopback address. It checks and downloads the\n"
      "BootROM (or uses its UC Updater) and the application image, uploads its boot log,\n"
      "reboots until both are current, then makes the application's requests."));
  g_option_context_set_description (context,
    _("Exit status: 0 when every phone booted, 1 when one gave up, 2 on a usage error.\n\n"
      "Example:\n"
      "  phone-rescue-sim --server http://127.0.0.1:8080/ --count 20 --min-bootrom 4.1.3"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  return context;
}

static gboolean
usage_error (GError     **error,
             const char  *format,
             ...) G_GNUC_PRINTF (2, 3);

static gboolean
usage_error (GError     **error,
             const char  *format,
             ...)
{
  va_list args;

  va_start (args, format);
  *error = g_error_new_valist (G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, format, args);
  va_end (args);
  return FALSE;
}

#define OVERRIDE(field, value) G_STMT_START { if ((value) != NULL) (field) = (value); } G_STMT_END

static gboolean
options_from_args (SimArgs            *args,
                   PrSimPhoneOptions  *options,
                   GError            **error)
{
  PrSimProfile profile = PR_SIM_PROFILE_BOOTROM;
  PrSimFault fault = PR_SIM_FAULT_NONE;

  if (args->server == NULL)
    return usage_error (error, _("Give the server to boot from with --server URL"));
  if (args->profile != NULL && !pr_sim_profile_from_string (args->profile, &profile))
    return usage_error (error, _("Unknown profile “%s”: use bootrom, updater or up-to-date"), args->profile);
  if (args->fault != NULL && !pr_sim_fault_from_string (args->fault, &fault))
    return usage_error (error, _("Unknown fault “%s”: use none, cut-once or cut-always"), args->fault);
  if (args->count < 1 || args->count > PR_SIM_FLEET_MAX_PHONES)
    return usage_error (error, _("--count must be between 1 and %u"), PR_SIM_FLEET_MAX_PHONES);
  if (args->rate < 0 || args->reboot_delay < 0 || args->max_cycles < 0 || args->timeout < 0)
    return usage_error (error, _("--rate, --reboot-delay, --max-cycles and --timeout cannot be negative"));

  pr_sim_phone_options_init (options, profile);
  options->server_url = args->server;
  options->fault = fault;
  options->local_address = args->first_address != NULL ? args->first_address : PR_SIM_FLEET_DEFAULT_ADDRESS;
  OVERRIDE (options->mac, args->mac);
  OVERRIDE (options->model, args->model);
  OVERRIDE (options->family, args->family);
  OVERRIDE (options->part, args->part);
  OVERRIDE (options->bootrom_version, args->bootrom_version);
  OVERRIDE (options->new_bootrom_version, args->new_bootrom_version);
  OVERRIDE (options->new_app_version, args->new_app_version);
  OVERRIDE (options->min_bootrom, args->min_bootrom);
  if (args->app_version != NULL)
    options->app_version = g_str_equal (args->app_version, "none") ? NULL : args->app_version;
  else if (profile == PR_SIM_PROFILE_UP_TO_DATE)
    options->app_version = options->new_app_version;
  if (profile == PR_SIM_PROFILE_UP_TO_DATE && args->bootrom_version == NULL)
    options->bootrom_version = options->new_bootrom_version;
  options->rate_limit = args->rate;
  options->reboot_delay_ms = args->reboot_delay;
  if (args->max_cycles > 0)
    options->max_boot_cycles = args->max_cycles;
  if (args->timeout > 0)
    options->timeout = args->timeout;
  return TRUE;
}

static int
run_fleet (SimRun *run)
{
  guint sigint, sigterm;

  for (guint i = 0; i < pr_sim_fleet_get_n_phones (run->fleet); i++)
    g_signal_connect (pr_sim_fleet_get_phone (run->fleet, i), "request-done",
                      G_CALLBACK (on_request_done), run);
  g_signal_connect (run->fleet, "phone-finished", G_CALLBACK (on_phone_finished), run);

  sigint = g_unix_signal_add (SIGINT, on_stop_signal, run);
  sigterm = g_unix_signal_add (SIGTERM, on_stop_signal, run);
  pr_sim_fleet_run_async (run->fleet, run->cancellable, on_fleet_finished, run);
  g_main_loop_run (run->loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);

  if (!run->cancelled && !run->json)
    g_print (ngettext ("%u of %u phone booted\n", "%u of %u phones booted\n",
                       pr_sim_fleet_get_n_phones (run->fleet)),
             run->booted, pr_sim_fleet_get_n_phones (run->fleet));

  return run->booted == pr_sim_fleet_get_n_phones (run->fleet) ? EXIT_ALL_BOOTED : EXIT_NOT_BOOTED;
}

int
main (int   argc,
      char *argv[])
{
  g_auto(SimArgs) args = { .count = 1 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PrSimFleet) fleet = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  PrSimPhoneOptions options;
  SimRun run = { 0 };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = option_context_new (&args);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      !options_from_args (&args, &options, &error))
    {
      g_printerr ("%s\n%s\n", error->message, _("Try “phone-rescue-sim --help”."));
      return EXIT_USAGE;
    }

  fleet = pr_sim_fleet_new (&options, args.count, &error);
  if (fleet == NULL)
    {
      g_printerr ("%s\n", error->message);
      return EXIT_USAGE;
    }

  cancellable = g_cancellable_new ();
  loop = g_main_loop_new (NULL, FALSE);
  run = (SimRun) {
    .fleet = fleet,
    .cancellable = cancellable,
    .loop = loop,
    .json = args.json,
    .quiet = args.quiet,
  };
  return run_fleet (&run);
}
