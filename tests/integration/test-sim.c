/* test-sim.c — the phone simulator on its own, against a small in-process server
 *
 * The server here is a stand-in that only answers files (GET from memory,
 * <part>.X falling back to X, PUT stored) and records every exchange, so the
 * simulator's boot sequences, User-Agents and dropped connections can be
 * checked without phone-rescue-cli.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <sys/socket.h>

#include <libsoup/soup.h>

#include "json-line.h"
#include "pr-sim.h"
#include "pr-test-cli.h"
#include "pr-sim-master-config.h"

#define TEST_TIMEOUT    (60 * G_USEC_PER_SEC)
#define MIB             (1024 * 1024)
#define SEND_BUFFER     (64 * 1024)

typedef struct {
  char     *method;
  char     *path;
  char     *user_agent;
  guint     status;
  goffset   sent;
  gboolean  aborted;
} Exchange;

typedef struct {
  SoupServer *server;
  char       *url;
  GHashTable *files;      /* name → GBytes */
  GHashTable *uploads;    /* name → GBytes */
  GPtrArray  *exchanges;  /* Exchange, in order of completion */
} Fixture;

/* Stand-in server */

static void
exchange_free (Exchange *exchange)
{
  g_free (exchange->method);
  g_free (exchange->path);
  g_free (exchange->user_agent);
  g_free (exchange);
}

static void
on_wrote_body_data (SoupServerMessage *message,
                    guint              chunk,
                    gpointer           user_data)
{
  goffset *sent = g_object_get_data (G_OBJECT (message), "sent");

  *sent += chunk;
}

static void
on_request_started (SoupServer        *server,
                    SoupServerMessage *message,
                    gpointer           user_data)
{
  GSocket *socket = soup_server_message_get_socket (message);

  /* Without a bounded send buffer the kernel takes up to 4 MiB of a body at
   * once, and a phone hanging up early goes unnoticed */
  g_socket_set_option (socket, SOL_SOCKET, SO_SNDBUF, SEND_BUFFER, NULL);
  /* libsoup < 3.4 leaks one reference of each accepted socket (see
   * on_request_started() in pr-server.c): give it back once per connection */
  if (soup_get_major_version () == 3 && soup_get_minor_version () < 4 &&
      g_object_get_data (G_OBJECT (socket), "pr-accept-ref-returned") == NULL)
    {
      g_object_set_data (G_OBJECT (socket), "pr-accept-ref-returned", GINT_TO_POINTER (1));
      g_object_unref (socket);
    }
  g_object_set_data_full (G_OBJECT (message), "sent", g_new0 (goffset, 1), g_free);
  g_signal_connect (message, "wrote-body-data", G_CALLBACK (on_wrote_body_data), NULL);
}

static void
record_exchange (Fixture           *f,
                 SoupServerMessage *message,
                 gboolean           aborted)
{
  Exchange *exchange = g_new0 (Exchange, 1);
  goffset *sent = g_object_get_data (G_OBJECT (message), "sent");

  exchange->method = g_strdup (soup_server_message_get_method (message));
  exchange->path = g_strdup (g_uri_get_path (soup_server_message_get_uri (message)));
  exchange->user_agent = g_strdup (soup_message_headers_get_one (soup_server_message_get_request_headers (message),
                                                                 "User-Agent"));
  exchange->status = soup_server_message_get_status (message);
  exchange->sent = sent != NULL ? *sent : 0;
  exchange->aborted = aborted;
  g_ptr_array_add (f->exchanges, exchange);
}

static void
on_request_finished (SoupServer        *server,
                     SoupServerMessage *message,
                     Fixture           *f)
{
  record_exchange (f, message, FALSE);
}

static void
on_request_aborted (SoupServer        *server,
                    SoupServerMessage *message,
                    Fixture           *f)
{
  record_exchange (f, message, TRUE);
}

static GBytes *
lookup_file (Fixture    *f,
             const char *name)
{
  GBytes *bytes = g_hash_table_lookup (f->files, name);
  const char *dot = strchr (name, '.');

  /* <part>.sip.ld → sip.ld, as the real server does */
  if (bytes == NULL && dot != NULL && g_str_has_suffix (name, ".ld"))
    bytes = g_hash_table_lookup (f->files, dot + 1);
  return bytes;
}

static void
serve (SoupServer        *server,
       SoupServerMessage *message,
       const char        *path,
       GHashTable        *query,
       gpointer           user_data)
{
  Fixture *f = user_data;
  const char *method = soup_server_message_get_method (message);
  GBytes *bytes;

  if (g_str_equal (method, "PUT"))
    {
      SoupMessageBody *body = soup_server_message_get_request_body (message);
      g_autoptr(GBytes) contents = soup_message_body_flatten (body);

      g_hash_table_replace (f->uploads, g_strdup (path + 1), g_bytes_ref (contents));
      soup_server_message_set_status (message, SOUP_STATUS_NO_CONTENT, NULL);
      return;
    }

  bytes = lookup_file (f, path + 1);
  if (bytes == NULL)
    {
      soup_server_message_set_status (message, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }

  soup_message_body_append_bytes (soup_server_message_get_response_body (message), bytes);
  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
}

static void
add_file (Fixture    *f,
          const char *name,
          GBytes     *bytes)
{
  g_hash_table_replace (f->files, g_strdup (name), bytes);
}

static GBytes *
random_bytes (gsize size)
{
  guint32 *data = g_new (guint32, size / sizeof (guint32) + 1);

  for (gsize i = 0; i < size / sizeof (guint32) + 1; i++)
    data[i] = g_test_rand_int ();
  return g_bytes_new_take (data, size);
}

static const char master_config[] =
  "<?xml version=\"1.0\" standalone=\"yes\"?>\n"
  "<!-- generated -->\n"
  "<APPLICATION APP_FILE_PATH=\"other.ld\" CONFIG_FILES=\"common.cfg\" MISC_FILES=\"\">\n"
  "  <APPLICATION_SPIP321 APP_FILE_PATH_SPIP321=\"sip.ld\" CONFIG_FILES_SPIP321=\" phone1.cfg , sip.cfg,[PHONE_MAC_ADDRESS]-user.cfg \"/>\n"
  "</APPLICATION>\n";

static void
fill_store (Fixture *f,
            gsize    application_size)
{
  add_file (f, "bootrom.ld", random_bytes (1 * MIB));
  add_file (f, "sip.ld", random_bytes (application_size));
  add_file (f, "000000000000.cfg", g_bytes_new_static (master_config, sizeof master_config - 1));
  add_file (f, "sip.cfg", g_bytes_new_static ("<sip/>", 6));
  add_file (f, "phone1.cfg", g_bytes_new_static ("<phone1/>", 9));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;

  f->files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  f->uploads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  f->exchanges = g_ptr_array_new_with_free_func ((GDestroyNotify) exchange_free);

  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, NULL, serve, f, NULL);
  g_signal_connect (f->server, "request-started", G_CALLBACK (on_request_started), f);
  g_signal_connect (f->server, "request-finished", G_CALLBACK (on_request_finished), f);
  g_signal_connect (f->server, "request-aborted", G_CALLBACK (on_request_aborted), f);
  soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (f->server);
  f->url = g_uri_to_string (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  soup_server_disconnect (f->server);
  g_clear_object (&f->server);
  g_hash_table_unref (f->files);
  g_hash_table_unref (f->uploads);
  g_ptr_array_unref (f->exchanges);
  g_free (f->url);
}

/* Running phones */

typedef struct {
  gboolean      done;
  PrSimOutcome  outcome;
  GError       *error;
} PhoneWait;

static void
on_phone_finished (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  PhoneWait *wait = user_data;

  wait->outcome = pr_sim_phone_run_finish (PR_SIM_PHONE (source), result, &wait->error);
  wait->done = TRUE;
}

static gboolean
phone_finished (gpointer data)
{
  return ((PhoneWait *) data)->done;
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

static PrSimPhone *
run_phone (Fixture           *f,
           PrSimPhoneOptions *options)
{
  g_autoptr(GError) error = NULL;
  PhoneWait wait = { 0 };
  PrSimPhone *phone;

  options->server_url = f->url;
  phone = pr_sim_phone_new (options, &error);
  g_assert_no_error (error);

  pr_sim_phone_run_async (phone, NULL, on_phone_finished, &wait);
  g_assert_true (pr_test_wait_until (phone_finished, &wait, g_get_monotonic_time () + TEST_TIMEOUT));
  g_assert_no_error (wait.error);
  g_assert_cmpint (wait.outcome, ==, pr_sim_phone_get_outcome (phone));
  /* let the server notice the last exchange end */
  pr_test_wait_until (never, NULL, g_get_monotonic_time () + 100 * G_TIME_SPAN_MILLISECOND);
  return phone;
}

static char *
requests_to_string (PrSimPhone *phone)
{
  GPtrArray *requests = pr_sim_phone_get_requests (phone);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < requests->len; i++)
    {
      PrSimRequest *request = g_ptr_array_index (requests, i);

      g_string_append_printf (text, "%s %s %u%s\n", request->method, request->path,
                              request->status, request->complete ? "" : " short");
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static guint
count_exchanges (Fixture    *f,
                 const char *path,
                 gboolean    aborted)
{
  guint count = 0;

  for (guint i = 0; i < f->exchanges->len; i++)
    {
      Exchange *exchange = g_ptr_array_index (f->exchanges, i);

      if (g_str_equal (exchange->path, path) && exchange->aborted == aborted)
        count++;
    }
  return count;
}

static const char *
user_agent_of (Fixture    *f,
               const char *path)
{
  for (guint i = 0; i < f->exchanges->len; i++)
    {
      Exchange *exchange = g_ptr_array_index (f->exchanges, i);

      if (g_str_equal (exchange->path, path))
        return exchange->user_agent;
    }
  return NULL;
}

static void
assert_download_matches (Fixture    *f,
                         PrSimPhone *phone,
                         const char *path,
                         const char *store_name)
{
  GBytes *bytes = g_hash_table_lookup (f->files, store_name);
  g_autofree char *expected = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);

  g_assert_cmpstr (g_hash_table_lookup (pr_sim_phone_get_downloads (phone), path), ==, expected);
}

/* Tests */

static void
test_version_compare (void)
{
  g_assert_cmpint (pr_sim_version_compare ("3.2.3.0017", "4.1.3"), <, 0);
  g_assert_cmpint (pr_sim_version_compare ("4.2.3.0003", "4.1.3"), >, 0);
  g_assert_cmpint (pr_sim_version_compare ("4.1.3", "4.1.3.0"), ==, 0);
  g_assert_cmpint (pr_sim_version_compare ("4.2.0B", "4.2.0"), >, 0);
  g_assert_cmpint (pr_sim_version_compare ("4.2.0B", "4.2.1"), <, 0);
  g_assert_cmpint (pr_sim_version_compare ("10.0", "9.9"), >, 0);
  g_assert_cmpint (pr_sim_version_compare (NULL, "1"), <, 0);
  g_assert_cmpuint (pr_sim_version_major ("4.0.15.1009"), ==, 4);
  g_assert_cmpuint (pr_sim_version_major (NULL), ==, 0);
}

static void
test_master_config (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PrSimMasterConfig) spip321 = NULL;
  g_autoptr(PrSimMasterConfig) ssip6000 = NULL;
  g_autoptr(PrSimMasterConfig) broken = NULL;

  spip321 = pr_sim_master_config_parse (master_config, -1, "SPIP321", "0004f2000001", "2345-12360-001", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (spip321->app_file_path, ==, "sip.ld");
  g_assert_cmpuint (g_strv_length (spip321->config_files), ==, 3);
  g_assert_cmpstr (spip321->config_files[0], ==, "phone1.cfg");
  g_assert_cmpstr (spip321->config_files[1], ==, "sip.cfg");
  g_assert_cmpstr (spip321->config_files[2], ==, "0004f2000001-user.cfg");

  ssip6000 = pr_sim_master_config_parse (master_config, -1, "SSIP6000", "0004f2000001", "3111-15600-001", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ssip6000->app_file_path, ==, "other.ld");
  g_assert_cmpstr (ssip6000->config_files[0], ==, "common.cfg");

  broken = pr_sim_master_config_parse ("<APPLICATION", -1, "SPIP321", "0004f2000001", "x", &error);
  g_assert_null (broken);
  g_assert_nonnull (error);
}

static void
test_fleet_addresses (void)
{
  g_autofree char *first = pr_sim_fleet_nth_address ("127.0.0.10", 0);
  g_autofree char *last_of_first = pr_sim_fleet_nth_address ("127.0.0.10", 244);
  g_autofree char *wrapped = pr_sim_fleet_nth_address ("127.0.0.10", 245);
  g_autofree char *five_hundredth = pr_sim_fleet_nth_address ("127.0.0.10", 499);
  g_autofree char *ipv6 = pr_sim_fleet_nth_address ("::1", 0);
  g_autofree char *mac = pr_sim_fleet_nth_mac ("0004f20000ff", 1);
  g_autofree char *bad_mac = pr_sim_fleet_nth_mac ("ffffffffffff", 1);

  g_assert_cmpstr (first, ==, "127.0.0.10");
  g_assert_cmpstr (last_of_first, ==, "127.0.0.254");
  g_assert_cmpstr (wrapped, ==, "127.0.1.1");
  g_assert_cmpstr (five_hundredth, ==, "127.0.2.1");
  g_assert_null (ipv6);
  g_assert_cmpstr (mac, ==, "0004f2000100");
  g_assert_null (bad_mac);
}

static void
test_bad_options (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PrSimPhone) phone = NULL;
  PrSimPhoneOptions options;

  pr_sim_phone_options_init (&options, PR_SIM_PROFILE_BOOTROM);
  options.server_url = "ftp://127.0.0.1/";
  phone = pr_sim_phone_new (&options, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_null (phone);
  g_clear_error (&error);

  options.server_url = "http://127.0.0.1:8080";
  options.mac = "0004f2";
  phone = pr_sim_phone_new (&options, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_null (phone);
}

static const char * const bootrom_boot[] = {
  /* cycle 1: new BootROM */
  "GET /2345-12360-001.bootrom.ld 200",
  /* cycle 2: BootROM unchanged, new application */
  "GET /2345-12360-001.bootrom.ld 200 short",
  "GET /0004f2000001.cfg 404",
  "GET /000000000000.cfg 200",
  "GET /2345-12360-001.sip.ld 200",
  "PUT /0004f2000001-boot.log 204",
  /* cycle 3: both unchanged, the application starts */
  "GET /2345-12360-001.bootrom.ld 200 short",
  "GET /0004f2000001.cfg 404",
  "GET /000000000000.cfg 200",
  "GET /2345-12360-001.sip.ld 200 short",
  "PUT /0004f2000001-boot.log 204",
  "GET /0004f2000001.cfg 404",
  "GET /000000000000.cfg 200",
  "GET /phone1.cfg 200",
  "GET /sip.cfg 200",
  "GET /0004f2000001-user.cfg 404",
  "GET /0004f2000001-phone.cfg 404",
  "GET /0004f2000001-web.cfg 404",
  "GET /000000000000-license.cfg 404",
  "GET /0004f2000001-license.cfg 404",
  "GET /0004f2000001-directory.xml 404",
  "GET /000000000000-directory.xml 404",
  "PUT /0004f2000001-app.log 204",
  NULL
};

static void
test_bootrom_phone (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(PrSimPhone) phone = NULL;
  g_autofree char *joined = g_strjoinv ("\n", (GStrv) bootrom_boot);
  g_autofree char *expected = g_strconcat (joined, "\n", NULL);
  g_autofree char *requests = NULL;
  PrSimPhoneOptions options;

  fill_store (f, 3 * MIB);
  pr_sim_phone_options_init (&options, PR_SIM_PROFILE_BOOTROM);
  options.local_address = "127.0.0.23";
  options.min_bootrom = "4.1.3";
  phone = run_phone (f, &options);

  requests = requests_to_string (phone);
  g_assert_cmpstr (requests, ==, expected);
  g_assert_cmpint (pr_sim_phone_get_outcome (phone), ==, PR_SIM_OUTCOME_BOOTED);
  g_assert_cmpuint (pr_sim_phone_get_boot_cycles (phone), ==, 3);
  g_assert_cmpstr (pr_sim_phone_get_bootrom_version (phone), ==, "4.2.3.0003");
  g_assert_cmpstr (pr_sim_phone_get_app_version (phone), ==, "3.2.4.0267");

  assert_download_matches (f, phone, "/2345-12360-001.bootrom.ld", "bootrom.ld");
  assert_download_matches (f, phone, "/2345-12360-001.sip.ld", "sip.ld");
  g_assert_cmpstr (user_agent_of (f, "/2345-12360-001.bootrom.ld"), ==,
                   "FileTransport PolycomSoundPointIP-SPIP_321-UA/3.2.3.0017");
  g_assert_cmpstr (user_agent_of (f, "/sip.cfg"), ==,
                   "FileTransport PolycomSoundPointIP-SPIP_321-UA/3.2.4.0267");
  g_assert_true (g_hash_table_contains (f->uploads, "0004f2000001-boot.log"));
  g_assert_true (g_hash_table_contains (f->uploads, "0004f2000001-app.log"));

  /* the header checks hung up: the server saw them aborted */
  g_assert_cmpuint (count_exchanges (f, "/2345-12360-001.bootrom.ld", TRUE), ==, 2);
}

static void
test_updater_phone (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(PrSimPhone) phone = NULL;
  PrSimPhoneOptions options;
  GPtrArray *requests;

  fill_store (f, 3 * MIB);
  g_hash_table_remove (f->files, "000000000000.cfg");   /* no config: sip.ld */
  pr_sim_phone_options_init (&options, PR_SIM_PROFILE_UPDATER);
  options.local_address = "127.0.0.24";
  phone = run_phone (f, &options);

  requests = pr_sim_phone_get_requests (phone);
  g_assert_cmpint (pr_sim_phone_get_outcome (phone), ==, PR_SIM_OUTCOME_BOOTED);
  g_assert_cmpuint (pr_sim_phone_get_boot_cycles (phone), ==, 2);
  g_assert_cmpstr (((PrSimRequest *) g_ptr_array_index (requests, 0))->path, ==, "/0004f2000001.cfg");
  g_assert_cmpuint (count_exchanges (f, "/2345-12360-001.bootrom.ld", FALSE), ==, 0);
  assert_download_matches (f, phone, "/3111-15600-001.sip.ld", "sip.ld");
  g_assert_cmpstr (user_agent_of (f, "/3111-15600-001.sip.ld"), ==,
                   "FileTransport PolycomSoundStationIP-SSIP_6000-UA/5.0.3.1167 Type/Updater");
  g_assert_cmpstr (user_agent_of (f, "/0004f2000001-app.log"), ==,
                   "FileTransport PolycomSoundStationIP-SSIP_6000-UA/4.0.15.1009 Type/Application");
  g_assert_cmpstr (pr_sim_phone_get_app_version (phone), ==, "4.0.15.1009");
}

static void
test_up_to_date_phone (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(PrSimPhone) phone = NULL;
  PrSimPhoneOptions options;

  fill_store (f, 3 * MIB);
  pr_sim_phone_options_init (&options, PR_SIM_PROFILE_UP_TO_DATE);
  options.local_address = "127.0.0.25";
  phone = run_phone (f, &options);

  g_assert_cmpint (pr_sim_phone_get_outcome (phone), ==, PR_SIM_OUTCOME_BOOTED);
  g_assert_cmpuint (pr_sim_phone_get_boot_cycles (phone), ==, 1);
  g_assert_cmpuint (g_hash_table_size (pr_sim_phone_get_downloads (phone)), ==, 0);
  g_assert_cmpuint (count_exchanges (f, "/2345-12360-001.sip.ld", TRUE), ==, 1);
}

static void
test_cut_once (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(PrSimPhone) phone = NULL;
  PrSimPhoneOptions options;
  gboolean cut_seen = FALSE;

  fill_store (f, 16 * MIB);
  pr_sim_phone_options_init (&options, PR_SIM_PROFILE_BOOTROM);
  options.local_address = "127.0.0.26";
  options.fault = PR_SIM_FAULT_CUT_ONCE;
  phone = run_phone (f, &options);

  g_assert_cmpint (pr_sim_phone_get_outcome (phone), ==, PR_SIM_OUTCOME_BOOTED);
  assert_download_matches (f, phone, "/2345-12360-001.sip.ld", "sip.ld");
  for (guint i = 0; i < f->exchanges->len; i++)
    {
      Exchange *exchange = g_ptr_array_index (f->exchanges, i);

      if (g_str_equal (exchange->path, "/2345-12360-001.sip.ld") && exchange->aborted &&
          exchange->sent >= 8 * MIB)
        cut_seen = TRUE;
    }
  g_assert_true (cut_seen);
}

static void
test_cut_always (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(PrSimPhone) phone = NULL;
  PrSimPhoneOptions options;

  fill_store (f, 16 * MIB);
  pr_sim_phone_options_init (&options, PR_SIM_PROFILE_BOOTROM);
  options.local_address = "127.0.0.27";
  options.fault = PR_SIM_FAULT_CUT_ALWAYS;
  phone = run_phone (f, &options);

  g_assert_cmpint (pr_sim_phone_get_outcome (phone), ==, PR_SIM_OUTCOME_GAVE_UP);
  g_assert_nonnull (strstr (pr_sim_phone_get_reason (phone), "cut off 4 times"));
  g_assert_cmpuint (count_exchanges (f, "/2345-12360-001.sip.ld", TRUE), ==, 4);
  g_assert_null (g_hash_table_lookup (pr_sim_phone_get_downloads (phone), "/2345-12360-001.sip.ld"));
}

static void
test_not_compatible (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(PrSimPhone) phone = NULL;
  PrSimPhoneOptions options;
  GBytes *log;

  fill_store (f, 1 * MIB);
  g_hash_table_remove (f->files, "bootrom.ld");
  pr_sim_phone_options_init (&options, PR_SIM_PROFILE_BOOTROM);
  options.local_address = "127.0.0.28";
  options.min_bootrom = "4.1.3";
  options.max_boot_cycles = 2;
  phone = run_phone (f, &options);

  log = g_hash_table_lookup (f->uploads, "0004f2000001-boot.log");
  g_assert_nonnull (log);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (log, NULL), g_bytes_get_size (log),
                                  "Application 2345-12360-001.sip.ld is not compatible with the phone."));
  g_assert_cmpint (pr_sim_phone_get_outcome (phone), ==, PR_SIM_OUTCOME_GAVE_UP);
  g_assert_cmpuint (pr_sim_phone_get_boot_cycles (phone), ==, 2);
  g_assert_null (pr_sim_phone_get_app_version (phone));
}

static void
test_no_server (void)
{
  g_autoptr(PrSimPhone) phone = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autofree char *url = NULL;
  PrSimPhoneOptions options;
  PhoneWait wait = { 0 };

  /* a port nobody listens on: bind one and never listen */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  address = g_inet_socket_address_new (loopback, 0);
  g_assert_true (g_socket_bind (socket, address, FALSE, NULL));
  g_clear_object (&address);
  address = g_socket_get_local_address (socket, NULL);
  url = g_strdup_printf ("http://127.0.0.1:%u/", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)));

  pr_sim_phone_options_init (&options, PR_SIM_PROFILE_BOOTROM);
  options.server_url = url;
  options.max_boot_cycles = 2;
  phone = pr_sim_phone_new (&options, NULL);
  pr_sim_phone_run_async (phone, NULL, on_phone_finished, &wait);
  g_assert_true (pr_test_wait_until (phone_finished, &wait, g_get_monotonic_time () + TEST_TIMEOUT));
  g_assert_cmpint (wait.outcome, ==, PR_SIM_OUTCOME_GAVE_UP);
  g_assert_nonnull (strstr (pr_sim_phone_get_reason (phone), "not reachable"));
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(PrSimPhone) phone = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  PrSimPhoneOptions options;
  PhoneWait wait = { 0 };

  fill_store (f, 3 * MIB);
  pr_sim_phone_options_init (&options, PR_SIM_PROFILE_BOOTROM);
  options.server_url = f->url;
  options.rate_limit = 256 * 1024;   /* slow enough to be caught downloading */
  phone = pr_sim_phone_new (&options, NULL);
  pr_sim_phone_run_async (phone, cancellable, on_phone_finished, &wait);
  pr_test_wait_until (phone_finished, &wait, g_get_monotonic_time () + 200 * G_TIME_SPAN_MILLISECOND);
  g_assert_false (wait.done);
  g_cancellable_cancel (cancellable);
  g_assert_true (pr_test_wait_until (phone_finished, &wait, g_get_monotonic_time () + TEST_TIMEOUT));
  g_assert_error (wait.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&wait.error);
}

static void
test_json_line (void)
{
  g_autoptr(GHashTable) event = NULL;
  g_autoptr(GError) error = NULL;

  event = json_line_parse ("{\"event\":\"phone\",\"id\":3,\"mac\":null,\"note\":\"a \\\"b\\\" \\u00e9\\n\","
                           " \"interrupted\":false,\"x\":{\"y\":[1,\"}\"]}}", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_line_get (event, "event"), ==, "phone");
  g_assert_cmpstr (json_line_get (event, "id"), ==, "3");
  g_assert_true (json_line_has (event, "mac"));
  g_assert_null (json_line_get (event, "mac"));
  g_assert_cmpstr (json_line_get (event, "note"), ==, "a \"b\" é\n");
  g_assert_true (json_line_is (event, "interrupted", "false"));
  g_assert_cmpstr (json_line_get (event, "x"), ==, "{\"y\":[1,\"}\"]}");
  g_clear_pointer (&event, g_hash_table_unref);

  event = json_line_parse ("Listening on http://…", &error);
  g_assert_null (event);
  g_assert_nonnull (error);
}

#define ADD_SERVER_TEST(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sim/version-compare", test_version_compare);
  g_test_add_func ("/sim/master-config", test_master_config);
  g_test_add_func ("/sim/fleet-addresses", test_fleet_addresses);
  g_test_add_func ("/sim/bad-options", test_bad_options);
  g_test_add_func ("/sim/json-line", test_json_line);
  g_test_add_func ("/sim/no-server", test_no_server);
  ADD_SERVER_TEST ("/sim/bootrom-phone", test_bootrom_phone);
  ADD_SERVER_TEST ("/sim/updater-phone", test_updater_phone);
  ADD_SERVER_TEST ("/sim/up-to-date-phone", test_up_to_date_phone);
  ADD_SERVER_TEST ("/sim/cut-once", test_cut_once);
  ADD_SERVER_TEST ("/sim/cut-always", test_cut_always);
  ADD_SERVER_TEST ("/sim/not-compatible", test_not_compatible);
  ADD_SERVER_TEST ("/sim/cancel", test_cancel);

  return g_test_run ();
}
