/* test-server.c — the HTTP server on loopback: GET/HEAD/Range/404/PUT, limits, errors
 *
 * The client side runs in a thread with plain sockets, so the bytes on the wire
 * are exactly what the test wrote (no client library normalising paths).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pr-test-util.h"
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "phone-rescue-core.h"

#define IMAGE_SIZE (3 * 1024 * 1024 + 17)
#define UA "FileTransport PolycomSoundPointIP-SPIP_321-UA/4.2.3.0003"

typedef struct {
  char            *dir;
  char            *root;
  char            *uploads;
  PrFirmwareStore *store;
  PrPhoneRegistry *registry;
  PrServer        *server;
  GBytes          *image;
  guint            port;
} Fixture;

typedef struct {
  guint16  port;
  char    *request;
  gsize    request_len;
  gsize    read_limit;    /* hang up after this many bytes (0: read all) */
  guint    status;
  GString *response;
  gboolean done;
} Exchange;

static gpointer
client_thread (gpointer data)
{
  Exchange *ex = data;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  char buffer[65536];
  gssize n;

  ex->response = g_string_new (NULL);
  conn = g_socket_client_connect_to_host (client, "127.0.0.1", ex->port, NULL, NULL);
  if (conn != NULL &&
      g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), ex->request, ex->request_len, NULL, NULL, NULL))
    {
      GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (conn));

      while ((n = g_input_stream_read (in, buffer, sizeof buffer, NULL, NULL)) > 0)
        {
          g_string_append_len (ex->response, buffer, n);
          if (ex->read_limit > 0 && ex->response->len >= ex->read_limit)
            break;
        }
    }
  if (ex->response->len > 12 && g_str_has_prefix (ex->response->str, "HTTP/1."))
    ex->status = atoi (ex->response->str + 9);
  g_atomic_int_set (&ex->done, TRUE);
  g_main_context_wakeup (NULL);
  return NULL;
}

/* Send @request verbatim, serve until the answer is in */
static Exchange *
exchange_raw (Fixture *f, const char *request, gsize len, gsize read_limit)
{
  Exchange *ex = g_new0 (Exchange, 1);
  GThread *thread;

  ex->port = f->port;
  ex->request = g_memdup2 (request, len);
  ex->request_len = len;
  ex->read_limit = read_limit;
  thread = g_thread_new ("client", client_thread, ex);
  while (!g_atomic_int_get (&ex->done))
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);
  /* let the server notice a hang-up and report the exchange */
  for (int i = 0; i < 50 && g_main_context_iteration (NULL, FALSE); i++)
    ;
  return ex;
}

static void
exchange_free (Exchange *ex)
{
  g_free (ex->request);
  g_string_free (ex->response, TRUE);
  g_free (ex);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Exchange, exchange_free)

static Exchange *
http (Fixture *f, const char *method, const char *path, const char *extra_headers)
{
  g_autofree char *request = g_strdup_printf ("%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: " UA "\r\n"
                                              "Connection: close\r\n%s\r\n",
                                              method, path, extra_headers != NULL ? extra_headers : "");
  return exchange_raw (f, request, strlen (request), 0);
}

static guint
http_as (Fixture *f, const char *path, const char *ua)
{
  g_autofree char *request = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: x\r\nUser-Agent: %s\r\nConnection: close\r\n\r\n", path, ua);
  g_autoptr(Exchange) ex = exchange_raw (f, request, strlen (request), 0);

  return ex->status;
}

static const char *
body_of (Exchange *ex, gsize *len)
{
  const char *end = strstr (ex->response->str, "\r\n\r\n");

  g_assert_nonnull (end);
  *len = ex->response->len - (end + 4 - ex->response->str);
  return end + 4;
}

static char *
header_of (Exchange *ex, const char *name)
{
  g_autofree char *needle = g_strdup_printf ("\r\n%s: ", name);
  const char *start = strstr (ex->response->str, needle);
  const char *end;

  if (start == NULL)
    return NULL;
  start += strlen (needle);
  end = strstr (start, "\r\n");
  return g_strndup (start, end - start);
}

static void
put_file (Fixture *f, const char *name, GBytes *bytes)
{
  g_autofree char *path = g_build_filename (f->root, name, NULL);

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL));
}

/* (leak-free under ASan: the sanitizer build runs this suite too) */
static void
put_static_text (Fixture *f, const char *name, const char *text)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (text, strlen (text));

  put_file (f, name, bytes);
}

static gboolean
path_exists (char *path)
{
  gboolean exists = g_file_test (path, G_FILE_TEST_EXISTS);

  g_free (path);
  return exists;
}

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  guint8 *random = g_malloc (IMAGE_SIZE);

  for (gsize i = 0; i < IMAGE_SIZE; i++)
    random[i] = g_random_int () & 0xff;
  f->image = g_bytes_new_take (random, IMAGE_SIZE);
  f->dir = g_dir_make_tmp ("pr-server-XXXXXX", &error);
  g_assert_no_error (error);
  f->root = g_build_filename (f->dir, "firmware", NULL);
  f->uploads = g_build_filename (f->dir, "uploads", NULL);
  f->store = pr_firmware_store_new (f->root, &error);
  g_assert_no_error (error);
  put_file (f, "sip.ld", f->image);
  put_static_text (f, "sip.cfg", "<sip/>");
  {
    g_autofree char *secret = g_build_filename (f->dir, "secret.txt", NULL);
    g_assert_true (g_file_set_contents (secret, "secret", -1, NULL));
  }

  f->registry = pr_phone_registry_new ();
  f->server = pr_server_new (f->store, f->registry);
  pr_server_set_uploads_dir (f->server, f->uploads);
  pr_server_set_upload_limit (f->server, 64 * 1024);
  g_assert_true (pr_server_listen (f->server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  f->port = pr_server_get_port (f->server);
  g_assert_cmpuint (f->port, >, 0);
}

static void
teardown (Fixture *f, gconstpointer data)
{

  pr_server_stop (f->server);
  g_assert_finalize_object (f->server);
  g_assert_finalize_object (f->registry);
  g_assert_finalize_object (f->store);
  g_bytes_unref (f->image);
  pr_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->root);
  g_free (f->uploads);
}

static void
test_get_whole (Fixture *f, gconstpointer data)
{
  g_autoptr(Exchange) ex = http (f, "GET", "/2345-12360-001.sip.ld", NULL);
  g_autofree char *length = header_of (ex, "Content-Length");
  gsize len;
  const char *body;
  PrPhone *phone;

  g_assert_cmpuint (ex->status, ==, 200);
  g_assert_cmpstr (length, ==, G_STRINGIFY (3145745));
  body = body_of (ex, &len);
  g_assert_cmpmem (body, len, g_bytes_get_data (f->image, NULL), IMAGE_SIZE);

  phone = pr_phone_registry_lookup_ip (f->registry, "127.0.0.1");
  g_assert_nonnull (phone);
  g_assert_cmpint (pr_phone_get_stage (phone), ==, PR_STAGE_APPLICATION);
  g_assert_cmpint (pr_phone_get_bytes_sent (phone), ==, IMAGE_SIZE);
}

static void
test_head_and_types (Fixture *f, gconstpointer data)
{
  g_autoptr(Exchange) head = http (f, "HEAD", "/sip.ld", NULL);
  g_autoptr(Exchange) cfg = http (f, "GET", "/sip.cfg", NULL);
  g_autofree char *length = header_of (head, "Content-Length");
  g_autofree char *type = header_of (cfg, "Content-Type");
  gsize len;

  g_assert_cmpuint (head->status, ==, 200);
  g_assert_cmpstr (length, ==, "3145745");
  body_of (head, &len);
  g_assert_cmpuint (len, ==, 0);
  g_assert_cmpuint (cfg->status, ==, 200);
  g_assert_true (g_str_has_prefix (type, "text/xml"));
}

static void
test_ranges (Fixture *f, gconstpointer data)
{
  const guint8 *image = g_bytes_get_data (f->image, NULL);
  g_autoptr(Exchange) one = http (f, "GET", "/sip.ld", "Range: bytes=100-199\r\n");
  g_autoptr(Exchange) suffix = http (f, "GET", "/sip.ld", "Range: bytes=-10\r\n");
  g_autoptr(Exchange) past = http (f, "GET", "/sip.ld", "Range: bytes=99999999-\r\n");
  g_autoptr(Exchange) many = http (f, "GET", "/sip.ld", "Range: bytes=0-1000000,500-2000000,0-\r\n");
  g_autoptr(Exchange) junk = http (f, "GET", "/sip.ld", "Range: lines=1-2\r\n");
  g_autofree char *content_range = header_of (one, "Content-Range");
  g_autofree char *unsatisfied = header_of (past, "Content-Range");
  gsize len;
  const char *body;

  g_assert_cmpuint (one->status, ==, 206);
  g_assert_cmpstr (content_range, ==, "bytes 100-199/3145745");
  body = body_of (one, &len);
  g_assert_cmpmem (body, len, image + 100, 100);

  g_assert_cmpuint (suffix->status, ==, 206);
  body = body_of (suffix, &len);
  g_assert_cmpmem (body, len, image + IMAGE_SIZE - 10, 10);

  g_assert_cmpuint (past->status, ==, 416);
  g_assert_cmpstr (unsatisfied, ==, "bytes */3145745");

  /* overlapping ranges: the whole file once, never a multiplied body */
  g_assert_cmpuint (many->status, ==, 200);
  body_of (many, &len);
  g_assert_cmpuint (len, ==, IMAGE_SIZE);
  g_assert_cmpuint (junk->status, ==, 200);
}

static void
test_not_found_and_forbidden (Fixture *f, gconstpointer data)
{
  static const char *const hostile[] = {
    "/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/..\\secret.txt", "/sip.cfg%00", "/%252e%252e/secret.txt", "/.phone-rescue/x",
    "http://127.0.0.1/../secret.txt", "/%c0%ae%c0%ae/secret.txt",
  };
  g_autoptr(Exchange) missing = http (f, "GET", "/2345-12360-001.bootrom.ld", NULL);
  PrPhone *phone;

  g_assert_cmpuint (missing->status, ==, 404);
  phone = pr_phone_registry_lookup_ip (f->registry, "127.0.0.1");
  g_assert_cmpint (pr_phone_get_stage (phone), ==, PR_STAGE_FAILED);
  g_assert_nonnull (strstr (pr_phone_get_reason (phone), "BootROM"));

  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_autoptr(Exchange) ex = http (f, "GET", hostile[i], NULL);

      g_test_message ("%s → %u", hostile[i], ex->status);
      g_assert_true (ex->status == 403 || ex->status == 404 || ex->status == 400);
      g_assert_null (strstr (ex->response->str, "secret"));
    }
}

static char *
put_request (const char *path, gsize size, gboolean chunked)
{
  g_autoptr(GString) req = g_string_new (NULL);
  g_autofree char *body = g_malloc (size);

  memset (body, 'L', size);
  g_string_append_printf (req, "PUT %s HTTP/1.1\r\nHost: x\r\nUser-Agent: " UA "\r\nConnection: close\r\n", path);
  if (chunked)
    {
      g_string_append (req, "Transfer-Encoding: chunked\r\n\r\n");
      for (gsize off = 0; off < size; off += 4096)
        {
          gsize n = MIN (4096, size - off);
          g_string_append_printf (req, "%zx\r\n", n);
          g_string_append_len (req, body + off, n);
          g_string_append (req, "\r\n");
        }
      g_string_append (req, "0\r\n\r\n");
    }
  else
    {
      g_string_append_printf (req, "Content-Length: %zu\r\n\r\n", size);
      g_string_append_len (req, body, size);
    }
  return g_string_free (g_steal_pointer (&req), FALSE);
}

static guint
put (Fixture *f, const char *path, gsize size, gboolean chunked)
{
  g_autofree char *request = put_request (path, size, chunked);
  gsize header_len = strstr (request, "\r\n\r\n") - request + 4;
  g_autoptr(Exchange) ex = exchange_raw (f, request, header_len + (chunked ? strlen (request + header_len) : size), 0);

  return ex->status;
}

static void
test_put (Fixture *f, gconstpointer data)
{
  g_autofree char *stored = g_build_filename (f->uploads, "0004f2abcdef", "0004f2abcdef-boot.log", NULL);
  g_autofree char *app_log = g_build_filename (f->uploads, "0004f2abcdef", "0004f2abcdef-app.log", NULL);
  g_autofree char *served = g_build_filename (f->root, "sip.ld", NULL);
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_cmpuint (put (f, "/0004F2ABCDEF-boot.log", 1000, FALSE), ==, 201);
  g_assert_true (g_file_get_contents (stored, &contents, &len, NULL));
  g_assert_cmpuint (len, ==, 1000);
  g_clear_pointer (&contents, g_free);
  g_assert_cmpuint (put (f, "/logs/0004f2abcdef-app.log", 5000, TRUE), ==, 201);
  g_assert_true (g_file_test (app_log, G_FILE_TEST_IS_REGULAR));

  /* never over firmware, never outside, never over the cap */
  g_assert_cmpuint (put (f, "/sip.ld", 10, FALSE), ==, 403);
  g_assert_cmpuint (put (f, "/000000000000.cfg", 10, FALSE), ==, 403);
  /* dot segments are resolved before we see them: whatever the path, the
   * upload can only land in uploads/<mac>/ under its own name */
  g_assert_cmpuint (put (f, "/../0004f2abcdef-boot.log", 10, FALSE), ==, 201);
  g_assert_false (path_exists (g_build_filename (f->dir, "0004f2abcdef-boot.log", NULL)));
  g_assert_cmpuint (put (f, "/%2e%2e/0004f2abcdef-boot.log", 10, FALSE), !=, 500);
  g_assert_false (path_exists (g_build_filename (f->dir, "0004f2abcdef-boot.log", NULL)));
  g_assert_cmpuint (put (f, "/0004f2abcdef-boot.log", 1000, FALSE), ==, 201);
  g_assert_cmpuint (put (f, "/000000000000-boot.log", 10, FALSE), ==, 403);
  g_assert_cmpuint (put (f, "/0004f2abcdef-boot.log", 65 * 1024, FALSE), ==, 413);
  g_assert_cmpuint (put (f, "/0004f2abcdef-phone.cfg", 100 * 1024, TRUE), ==, 413);
  g_assert_false (path_exists (g_build_filename (f->uploads, "0004f2abcdef", "0004f2abcdef-phone.cfg", NULL)));
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (stored, &contents, &len, NULL));
  g_assert_cmpuint (len, ==, 1000);   /* the boot log is still the last one that fit */
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (served, &contents, &len, NULL));
  g_assert_cmpmem (contents, len, g_bytes_get_data (f->image, NULL), IMAGE_SIZE);   /* firmware untouched */

  /* uploads are never served back */
  {
    g_autoptr(Exchange) back = http (f, "GET", "/0004f2abcdef-boot.log", NULL);
    g_assert_cmpuint (back->status, ==, 404);
  }
}

/* A file far larger than what loopback's socket buffers absorb, so a client
 * hanging up really leaves bytes unsent; sparse, so it costs no disk */
static void
make_big_image (Fixture *f, const char *name, goffset size)
{
  g_autofree char *path = g_build_filename (f->root, name, NULL);
  FILE *file = fopen (path, "w");

  g_assert_nonnull (file);
  g_assert_cmpint (ftruncate (fileno (file), size), ==, 0);
  fclose (file);
}

static void
test_vanishing_client (Fixture *f, gconstpointer data)
{
  static const char request[] = "GET /2345-12360-001.big.ld HTTP/1.1\r\nHost: x\r\nUser-Agent: " UA "\r\n\r\n";
  PrPhone *phone;

  make_big_image (f, "big.ld", 256 * 1024 * 1024);

  for (int i = 0; i < 5; i++)
    {
      g_autoptr(Exchange) cut = exchange_raw (f, request, strlen (request), 256 * 1024);
      g_assert_cmpuint (cut->status, ==, 200);
      /* wait until the server has noticed */
      for (int spin = 0; spin < 1000 && pr_phone_registry_lookup_ip (f->registry, "127.0.0.1") != NULL &&
                         !pr_phone_get_interrupted (pr_phone_registry_lookup_ip (f->registry, "127.0.0.1")); spin++)
        g_main_context_iteration (NULL, TRUE);
    }
  phone = pr_phone_registry_lookup_ip (f->registry, "127.0.0.1");
  g_assert_nonnull (phone);
  g_assert_true (pr_phone_get_interrupted (phone));
  g_assert_cmpint (pr_phone_get_stage (phone), ==, PR_STAGE_FAILED);   /* cut off again and again */

  /* and the server still answers */
  {
    g_autoptr(Exchange) after = http (f, "GET", "/sip.cfg", NULL);
    g_assert_cmpuint (after->status, ==, 200);
  }
}

/* A kept-alive connection that sends nothing more is closed after the idle
 * timeout, and so is one that never finishes its headers */
static void
test_idle_connections (Fixture *f, gconstpointer data)
{
  static const char keep_alive[] = "GET /sip.cfg HTTP/1.1\r\nHost: x\r\n\r\n";
  static const char slow[] = "GET /sip.cfg HTTP/1.1\r\nHost: x\r\nUser-Ag";
  g_autoptr(Exchange) first = NULL;
  g_autoptr(Exchange) second = NULL;

  pr_server_set_idle_timeout (f->server, 1);
  first = exchange_raw (f, keep_alive, strlen (keep_alive), 0);   /* returns at EOF only */
  g_assert_cmpuint (first->status, ==, 200);
  g_assert_true (g_str_has_suffix (first->response->str, "<sip/>"));
  second = exchange_raw (f, slow, strlen (slow), 0);
  g_assert_cmpuint (second->response->len, ==, 0);
}

static void
test_listen_errors (Fixture *f, gconstpointer data)
{
  g_autoptr(PrServer) other = pr_server_new (f->store, f->registry);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;

  g_assert_false (pr_server_listen (other, "127.0.0.1", f->port, &error));
  g_assert_error (error, PR_ERROR, PR_ERROR_PORT_BUSY);
  g_assert_nonnull (strstr (error->message, "8080"));
  g_clear_error (&error);

  g_assert_false (pr_server_listen (other, "not-an-address", 8080, &error));
  g_assert_error (error, PR_ERROR, PR_ERROR_INVALID_ADDRESS);
  g_clear_error (&error);

  g_assert_false (pr_server_listen (other, "192.0.2.1", 0, &error));   /* TEST-NET: not ours */
  g_assert_error (error, PR_ERROR, PR_ERROR_ADDRESS_UNAVAILABLE);
  g_clear_error (&error);

  /* only the chosen address is bound */
  conn = g_socket_client_connect_to_host (client, "127.0.0.2", f->port, NULL, &error);
  g_assert_null (conn);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static void
test_privileged_port (Fixture *f, gconstpointer data)
{
  g_autoptr(PrServer) other = pr_server_new (f->store, f->registry);
  g_autoptr(GError) error = NULL;
  g_autofree char *start = NULL;

  g_file_get_contents ("/proc/sys/net/ipv4/ip_unprivileged_port_start", &start, NULL, NULL);
  if (geteuid () == 0 || start == NULL || atoi (start) <= 80)
    {
      g_test_skip ("port 80 is allowed for this user");
      return;
    }
  g_assert_false (pr_server_listen (other, "127.0.0.1", 80, &error));
  g_assert_error (error, PR_ERROR, PR_ERROR_PORT_PRIVILEGED);
  g_assert_nonnull (strstr (error->message, "http://127.0.0.1:8080"));
  g_assert_nonnull (strstr (error->message, "sysctl net.ipv4.ip_unprivileged_port_start=80"));
}

static guint
put_text (Fixture *f, const char *path, const char *ua, const char *text)
{
  g_autofree char *request = g_strdup_printf ("PUT %s HTTP/1.1\r\nHost: x\r\nUser-Agent: %s\r\nConnection: close\r\n"
                                              "Content-Length: %zu\r\n\r\n%s", path, ua, strlen (text), text);
  g_autoptr(Exchange) ex = exchange_raw (f, request, strlen (request), 0);

  return ex->status;
}

/* With the real catalog: an application 3.2.4 and no BootROM in the store */
static void
test_catalog_advice (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PrCatalog) catalog = pr_catalog_load_default (&error);
  g_auto(GStrv) warnings = NULL;
  PrPhone *old_phone, *new_phone, *reporting;

  g_assert_no_error (error);
  put_static_text (f, "sip.ver", "3.2.4.0267\n");
  put_file (f, "2345-12360-001.sip.ld", f->image);   /* a split image names its model */
  pr_server_set_catalog (f->server, catalog);

  /* the store is missing what IP 321s with old BootROMs need */
  warnings = pr_server_get_store_warnings (f->server);
  g_assert_nonnull (warnings[0]);
  {
    g_autofree char *joined = g_strjoinv ("\n", warnings);
    g_assert_nonnull (strstr (joined, "SoundPoint IP 321"));
  }

  /* an IP 321 with BootROM 3.2.3 cannot take it: failed, with what to import */
  g_assert_cmpuint (http_as (f, "/2345-12360-001.bootrom.ld", "FileTransport PolycomSoundPointIP-SPIP_321-UA/3.2.3.0017"), ==, 404);
  old_phone = pr_phone_registry_lookup_ip (f->registry, "127.0.0.1");
  g_assert_cmpint (pr_phone_get_stage (old_phone), ==, PR_STAGE_FAILED);
  g_assert_nonnull (strstr (pr_phone_get_reason (old_phone), "4.1.3"));
  g_assert_nonnull (strstr (pr_phone_get_reason (old_phone), "BootROM"));
  pr_phone_registry_clear (f->registry);

  /* one with BootROM 4.2.3 can: no failure */
  g_assert_cmpuint (http_as (f, "/2345-12360-001.bootrom.ld", "FileTransport PolycomSoundPointIP-SPIP_321-UA/4.2.3.0003"), ==, 404);
  new_phone = pr_phone_registry_lookup_ip (f->registry, "127.0.0.1");
  g_assert_cmpint (pr_phone_get_stage (new_phone), ==, PR_STAGE_WAITING);
  pr_phone_registry_clear (f->registry);

  /* the phone's own boot log, read against the catalog's patterns */
  g_assert_cmpuint (put_text (f, "/0004f2000321-boot.log", "FileTransport PolycomSoundPointIP-SPIP_321-UA/3.2.3.0017",
                              "0101 boot: Application 2345-12360-001.sip.ld is not compatible with the phone.\n"), ==, 201);
  reporting = pr_phone_registry_lookup_mac (f->registry, "0004f2000321");
  g_assert_nonnull (reporting);
  g_assert_cmpint (pr_phone_get_stage (reporting), ==, PR_STAGE_FAILED);
  g_assert_nonnull (strstr (pr_phone_get_reason (reporting), "is not compatible with the phone."));
  g_assert_nonnull (strstr (pr_phone_get_reason (reporting), "Import a BootROM bundle"));
}

static void
test_address_for_phone (void)
{
  g_autofree char *port80 = pr_server_address_for_phone ("192.168.1.5", 80);
  g_autofree char *port8080 = pr_server_address_for_phone ("192.168.1.5", 8080);
  g_autofree char *v6 = pr_server_address_for_phone ("fd00::5", 8080);

  g_assert_cmpstr (port80, ==, "192.168.1.5");
  g_assert_cmpstr (port8080, ==, "http://192.168.1.5:8080");
  g_assert_cmpstr (v6, ==, "http://[fd00::5]:8080");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add ("/server/" path, Fixture, NULL, setup, func, teardown)
  ADD ("get-whole", test_get_whole);
  ADD ("head-and-types", test_head_and_types);
  ADD ("ranges", test_ranges);
  ADD ("not-found-and-forbidden", test_not_found_and_forbidden);
  ADD ("put", test_put);
  ADD ("vanishing-client", test_vanishing_client);
  ADD ("idle-connections", test_idle_connections);
  ADD ("listen-errors", test_listen_errors);
  ADD ("privileged-port", test_privileged_port);
  ADD ("catalog-advice", test_catalog_advice);
#undef ADD
  g_test_add_func ("/server/address-for-phone", test_address_for_phone);
  return g_test_run ();
}
