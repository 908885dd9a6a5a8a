/* pr-cli-serve.c — `phone-rescue-cli serve`: the rescue server, headless
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "pr-cli.h"
#include "phone-rescue-core.h"

#define HUMAN_PROGRESS_INTERVAL_US (2 * G_USEC_PER_SEC)
/* --json: request events and byte progress reach stdout at most this late */
#define JSON_BATCH_MS 10

typedef struct {
  char    *store_dir;
  char    *uploads_dir;
  GStrv    addresses;
  char    *interface;
  int      port;
  gboolean json;
  gboolean verbose;
  gboolean keep_master_config;
  int      upload_limit;
  int      idle_timeout;
} ServeOptions;

typedef struct {
  ServeOptions  options;
  GMainLoop    *loop;
  GHashTable   *last_progress;   /* PrPhone → gint64 last human progress line */
  GHashTable   *last_json;       /* phone id → last "phone" event, without its time */
  guint         flush_source;    /* batched JSON lines waiting in stdout's buffer */
} Serve;

static void
serve_options_clear (ServeOptions *o)
{
  g_free (o->store_dir);
  g_free (o->uploads_dir);
  g_strfreev (o->addresses);
  g_free (o->interface);
}

/* Output */

static void
print_phone_human (Serve *serve, PrPhone *phone, gboolean progress_only)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *clock = g_date_time_format (now, "%H:%M:%S");
  const char *name = pr_phone_get_model_name (phone) != NULL ? pr_phone_get_model_name (phone) : _("Phone");
  const char *mac = pr_phone_get_mac (phone) != NULL ? pr_phone_get_mac (phone) : _("MAC unknown");
  const char *detail = pr_phone_get_reason (phone) != NULL ? pr_phone_get_reason (phone) : pr_phone_get_note (phone);
  goffset total = pr_phone_get_bytes_total (phone);
  gint64 *last = g_hash_table_lookup (serve->last_progress, phone);
  gint64 mono = g_get_monotonic_time ();

  if (progress_only)
    {
      if (last != NULL && mono - *last < HUMAN_PROGRESS_INTERVAL_US)
        return;
      if (last == NULL)
        g_hash_table_insert (serve->last_progress, phone, (last = g_new0 (gint64, 1)));
      *last = mono;
    }

  printf ("[%s] %s %s (%s): %s", clock, name, mac, pr_phone_get_ip (phone),
          pr_stage_to_string (pr_phone_get_stage (phone)));
  if (pr_phone_get_current_file (phone) != NULL && total > 0 && pr_phone_get_stage (phone) != PR_STAGE_DONE)
    printf (" · %s %d%%", pr_phone_get_current_file (phone), (int) (100 * pr_phone_get_bytes_sent (phone) / total));
  if (pr_phone_get_interrupted (phone))
    printf (" · %s", _("interrupted"));
  if (detail != NULL && !progress_only)
    printf (" — %s", detail);
  putchar ('\n');
  fflush (stdout);
}

/* With --json, stdout is fully buffered. Request events and byte progress
 * (the bulk: one per request) are written in batches, flushed JSON_BATCH_MS
 * after the first one; detection, stage changes and everything else go out at
 * once with pr_cli_print_json(), which flushes what is pending first: lines
 * keep their order, the events that matter keep their latency, and a busy
 * server does not make a write() per request. */
static gboolean
flush_json (gpointer data)
{
  Serve *serve = data;

  serve->flush_source = 0;
  fflush (stdout);
  return G_SOURCE_REMOVE;
}

static void
print_json_batched (Serve *serve, char *line)
{
  fputs (line, stdout);
  fputc ('\n', stdout);
  g_free (line);
  if (serve->flush_source == 0)
    serve->flush_source = g_timeout_add (JSON_BATCH_MS, flush_json, serve);
}

/* A phone event that says nothing new (only what is not in the event changed) is not printed */
static void
print_phone_json (Serve *serve, PrPhone *phone, gboolean progress_only)
{
  char *line = pr_json_phone_event (phone);
  const char *facts = strstr (line, ",\"id\":");
  gpointer key = GUINT_TO_POINTER (pr_phone_get_id (phone));

  if (facts != NULL && g_strcmp0 (g_hash_table_lookup (serve->last_json, key), facts) == 0)
    {
      g_free (line);
      return;
    }
  if (facts != NULL)
    g_hash_table_insert (serve->last_json, key, g_strdup (facts));
  if (progress_only)
    print_json_batched (serve, line);
  else
    pr_cli_print_json (line);
}

static void
on_phone_changed (PrPhoneRegistry *registry,
                  PrPhone         *phone,
                  gboolean         progress_only,
                  Serve           *serve)
{
  if (serve->options.json)
    print_phone_json (serve, phone, progress_only);
  else
    print_phone_human (serve, phone, progress_only);
}

static void
on_request_finished (PrServer        *server,
                     PrRequestRecord *record,
                     gboolean         from_phone,
                     Serve           *serve)
{
  if (serve->options.json)
    print_json_batched (serve, pr_json_request_event (record));
  else if (serve->options.verbose)
    printf ("%s %s %s %u %" G_GOFFSET_FORMAT "%s\n", pr_request_record_get_ip (record),
            pr_request_record_get_method (record), pr_request_record_get_path (record),
            pr_request_record_get_status (record), pr_request_record_get_bytes (record),
            pr_request_record_get_complete (record) ? "" : _(" (cut short)"));
}

static void
on_warning (PrServer *server, const char *message, Serve *serve)
{
  pr_cli_report (serve->options.json, "warning", message);
}

static void
announce_listening (Serve *serve, PrServer *server, const char *address)
{
  guint port = pr_server_get_port (server);
  gboolean v6 = strchr (address, ':') != NULL;
  g_autofree char *url = g_strdup_printf (v6 ? "http://[%s]:%u/" : "http://%s:%u/", address, port);
  g_autofree char *for_phone = pr_server_address_for_phone (address, port);

  if (serve->options.json)
    {
      PrJsonObject *obj = pr_json_object_new_event ("listening");
      pr_json_object_add_string (obj, "address", address);
      pr_json_object_add_int (obj, "port", port);
      pr_json_object_add_string (obj, "url", url);
      pr_cli_print_json (pr_json_object_finish (obj));
      return;
    }
  printf (_("Rescue server listening on %s\n"), url);
  printf (_("On each phone: Setup (password 456) → Server Menu → Server Type: HTTP, Server Address: %s, no user or password.\n"),
          for_phone);
  fflush (stdout);
}

/* Setting up */

static GStrv
choose_addresses (Serve *serve, GError **error)
{
  g_autoptr(GPtrArray) interfaces = NULL;

  if (serve->options.addresses != NULL && serve->options.addresses[0] != NULL)
    return g_strdupv (serve->options.addresses);
  interfaces = pr_interfaces_list (error);
  if (interfaces == NULL)
    return NULL;
  return pr_interfaces_pick (interfaces, serve->options.interface, error);
}

static gboolean
on_stop_signal (gpointer data)
{
  Serve *serve = data;

  g_main_loop_quit (serve->loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
parse_options (ServeOptions *o, int *argc, char ***argv)
{
  const GOptionEntry entries[] = {
    { "store", 's', 0, G_OPTION_ARG_FILENAME, &o->store_dir, N_("Firmware store to serve (default: ~/.local/share/phone-rescue/firmware)"), N_("DIR") },
    { "uploads", 'u', 0, G_OPTION_ARG_FILENAME, &o->uploads_dir, N_("Where phones’ log uploads go (default: ~/.local/share/phone-rescue/uploads)"), N_("DIR") },
    { "address", 'a', 0, G_OPTION_ARG_STRING_ARRAY, &o->addresses, N_("Listen on this IPv4 or IPv6 address (repeatable)"), N_("ADDR") },
    { "interface", 'i', 0, G_OPTION_ARG_STRING, &o->interface, N_("Listen on the addresses of this network interface"), N_("NAME") },
    { "port", 'p', 0, G_OPTION_ARG_INT, &o->port, N_("TCP port (default 80, what every BootROM accepts; 0 picks a free one)"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json, N_("Print one JSON event per line on stdout, nothing else"), NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &o->verbose, N_("Also print every request, like an access log"), NULL },
    { "keep-master-config", 0, 0, G_OPTION_ARG_NONE, &o->keep_master_config, N_("Serve the bundle’s own 000000000000.cfg instead of the generated one"), NULL },
    { "upload-limit", 0, 0, G_OPTION_ARG_INT, &o->upload_limit, N_("Largest upload a phone may send, in bytes (default 4 MiB)"), N_("BYTES") },
    { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &o->idle_timeout, N_("Drop a connection silent for this many seconds (default 30)"), N_("SECONDS") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (context,
                                _("Serve firmware to Polycom phones over HTTP and follow each phone through "
                                  "bootloader update → application update → done.\n\n"
                                  "Without --address or --interface the only connected network interface is used."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return FALSE;
    }
  if (o->port < 0 || o->port > 65535 || o->upload_limit < 0 || o->idle_timeout < 0)
    {
      g_printerr ("%s\n", _("--port must be 0–65535; limits and timeouts cannot be negative"));
      return FALSE;
    }
  return TRUE;
}

/* The catalog knows the phones' failure lines and which BootROM each
 * application needs; without it the server still works, with less advice. */
static void
use_catalog (Serve *serve, PrServer *server)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PrCatalog) catalog = pr_catalog_load_default (&error);
  g_auto(GStrv) warnings = NULL;

  if (catalog == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The model catalog could not be read (%s): phones are served, with less advice."),
                                                  error->message);
      pr_cli_report (serve->options.json, "warning", message);
      return;
    }
  pr_server_set_catalog (server, catalog);
  warnings = pr_server_get_store_warnings (server);
  for (guint i = 0; warnings[i] != NULL; i++)
    pr_cli_report (serve->options.json, "warning", warnings[i]);
}

static int
run_server (Serve *serve, PrServer *server, GStrv addresses)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; addresses[i] != NULL; i++)
    {
      if (!pr_server_listen (server, addresses[i], serve->options.port, &error))
        {
          pr_cli_report (serve->options.json, "error", error->message);
          return g_error_matches (error, PR_ERROR, PR_ERROR_INVALID_ADDRESS) ? PR_CLI_EXIT_USAGE : PR_CLI_EXIT_FAILURE;
        }
      announce_listening (serve, server, addresses[i]);
    }

  g_unix_signal_add (SIGINT, on_stop_signal, serve);
  g_unix_signal_add (SIGTERM, on_stop_signal, serve);
  g_main_loop_run (serve->loop);

  pr_phone_registry_flush (pr_server_get_registry (server));
  pr_server_stop (server);
  return PR_CLI_EXIT_OK;
}

int
pr_cli_serve (int argc, char **argv)
{
  Serve serve = { .options = { .port = PR_DEFAULT_PORT, .upload_limit = PR_DEFAULT_UPLOAD_LIMIT,
                               .idle_timeout = PR_DEFAULT_IDLE_TIMEOUT } };
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) addresses = NULL;
  g_autofree char *store_dir = NULL;
  g_autoptr(PrFirmwareStore) store = NULL;
  g_autoptr(PrPhoneRegistry) registry = NULL;
  g_autoptr(PrServer) server = NULL;
  int status;

  if (!parse_options (&serve.options, &argc, &argv))
    {
      serve_options_clear (&serve.options);
      return PR_CLI_EXIT_USAGE;
    }
  if (serve.options.json)
    setvbuf (stdout, NULL, _IOFBF, 64 * 1024);   /* see print_json_batched() */

  addresses = choose_addresses (&serve, &error);
  if (addresses == NULL)
    {
      pr_cli_report (serve.options.json, "error", error->message);
      serve_options_clear (&serve.options);
      return PR_CLI_EXIT_USAGE;
    }

  store_dir = serve.options.store_dir != NULL ? g_strdup (serve.options.store_dir) : pr_firmware_store_default_root ();
  store = pr_firmware_store_new (store_dir, &error);
  if (store == NULL)
    {
      pr_cli_report (serve.options.json, "error", error->message);
      serve_options_clear (&serve.options);
      return PR_CLI_EXIT_FAILURE;
    }
  pr_firmware_store_set_keep_master_config (store, serve.options.keep_master_config);

  registry = pr_phone_registry_new ();
  server = pr_server_new (store, registry);
  use_catalog (&serve, server);
  pr_server_set_uploads_dir (server, serve.options.uploads_dir);
  pr_server_set_upload_limit (server, serve.options.upload_limit);
  pr_server_set_idle_timeout (server, serve.options.idle_timeout);

  serve.loop = g_main_loop_new (NULL, FALSE);
  serve.last_progress = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  serve.last_json = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  g_signal_connect (registry, "phone-changed", G_CALLBACK (on_phone_changed), &serve);
  g_signal_connect (server, "request-finished", G_CALLBACK (on_request_finished), &serve);
  g_signal_connect (server, "warning", G_CALLBACK (on_warning), &serve);

  status = run_server (&serve, server, addresses);

  g_signal_handlers_disconnect_by_data (registry, &serve);
  g_signal_handlers_disconnect_by_data (server, &serve);
  g_clear_handle_id (&serve.flush_source, g_source_remove);
  fflush (stdout);
  g_hash_table_unref (serve.last_progress);
  g_hash_table_unref (serve.last_json);
  g_main_loop_unref (serve.loop);
  serve_options_clear (&serve.options);
  return status;
}
