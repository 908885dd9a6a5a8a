/* test-server.c — the HTTP server on loopback: GET/HEAD/Range/404/PUT, limits, errors, fast lane
 *
 * The client side runs in a thread with plain sockets, so the bytes on the wire
 * are exactly what the test wrote (no client library normalising paths).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pr-test-util.h"
#include <errno.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
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

/* The fast lane (pr-fast-lane.c) and libsoup behind it
 *
 * Plain GET/HEAD heads are answered by the lane; anything else (a query, a
 * Range, a PUT, a head in pieces) is handed to libsoup with the connection.
 * These tests drive one connection through several steps from a thread with
 * blocking sockets; every read has a receive timeout and every wait on the
 * main loop a deadline, so a hang fails instead of blocking. */

#define WAIT_LIMIT_US   (15 * G_USEC_PER_SEC)
#define READ_TIMEOUT_S  5
/* below PR_SENDFILE_MIN_SIZE (256 KiB): one sendmsg; well above what the
 * server's send buffer (SO_SNDBUF 128 KiB) takes while the client reads nothing */
#define MEDIUM_SIZE     (250 * 1024)

typedef struct {
  int      fd;
  GString *pending;   /* read, not yet taken by a response */
} Conn;

typedef struct {
  guint    status;
  char    *status_line;
  char    *head;      /* status line and headers, CRLF-terminated, no blank line */
  GBytes  *body;
} Response;

static void
response_free (Response *r)
{
  if (r == NULL)
    return;
  g_free (r->status_line);
  g_free (r->head);
  g_clear_pointer (&r->body, g_bytes_unref);
  g_free (r);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Response, response_free)

static Conn *
conn_open (guint16 port, int receive_buffer)
{
  Conn *c = g_new0 (Conn, 1);
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = g_htons (port) };
  struct timeval timeout = { READ_TIMEOUT_S, 0 };

  address.sin_addr.s_addr = g_htonl (INADDR_LOOPBACK);
  c->fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (c->fd, >=, 0);
  setsockopt (c->fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt (c->fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  if (receive_buffer > 0)
    setsockopt (c->fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  g_assert_cmpint (connect (c->fd, (struct sockaddr *) &address, sizeof address), ==, 0);
  c->pending = g_string_new (NULL);
  return c;
}

static void
conn_close (Conn *c)
{
  if (c == NULL)
    return;
  close (c->fd);
  g_string_free (c->pending, TRUE);
  g_free (c);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Conn, conn_close)

static gboolean
conn_send (Conn *c, const char *data, gsize length)
{
  while (length > 0)
    {
      ssize_t n = send (c->fd, data, length, MSG_NOSIGNAL);

      if (n <= 0)
        return FALSE;
      data += n;
      length -= n;
    }
  return TRUE;
}

static gboolean
conn_send_str (Conn *c, const char *text)
{
  return conn_send (c, text, strlen (text));
}

/* More bytes into c->pending; FALSE at EOF, on an error or after the timeout */
static gboolean
conn_fill (Conn *c)
{
  char buffer[16384];
  ssize_t n = recv (c->fd, buffer, sizeof buffer, 0);

  if (n <= 0)
    return FALSE;
  g_string_append_len (c->pending, buffer, n);
  return TRUE;
}

static char *
head_value (const char *head, const char *name)
{
  g_auto(GStrv) lines = g_strsplit (head, "\r\n", -1);
  gsize name_length = strlen (name);

  for (guint i = 1; lines[i] != NULL; i++)
    if (g_ascii_strncasecmp (lines[i], name, name_length) == 0 && lines[i][name_length] == ':')
      return g_strstrip (g_strdup (lines[i] + name_length + 1));
  return NULL;
}

/* The next response on @c (a body of Content-Length bytes unless @to_head),
 * or NULL when the connection ends or stalls first */
static Response *
conn_read_response (Conn *c, gboolean to_head)
{
  g_autoptr(Response) r = g_new0 (Response, 1);
  g_autofree char *length_text = NULL;
  const char *end;
  gsize head_length, body_length = 0;

  while ((end = strstr (c->pending->str, "\r\n\r\n")) == NULL)
    if (c->pending->len > 65536 || !conn_fill (c))
      return NULL;
  head_length = end - c->pending->str;
  r->head = g_strndup (c->pending->str, head_length + 2);
  r->status_line = g_strndup (r->head, strcspn (r->head, "\r"));
  if (g_str_has_prefix (r->status_line, "HTTP/1.") && strlen (r->status_line) >= 12)
    r->status = atoi (r->status_line + 9);
  length_text = head_value (r->head, "Content-Length");
  if (!to_head && length_text != NULL)
    body_length = g_ascii_strtoull (length_text, NULL, 10);
  g_string_erase (c->pending, 0, head_length + 4);
  while (c->pending->len < body_length)
    if (!conn_fill (c))
      return NULL;
  r->body = g_bytes_new (c->pending->str, body_length);
  g_string_erase (c->pending, 0, body_length);
  return g_steal_pointer (&r);
}

/* TRUE when the server closes @c (EOF or reset) before the read timeout */
static gboolean
conn_wait_closed (Conn *c)
{
  char byte;
  ssize_t n = recv (c->fd, &byte, 1, 0);

  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

typedef void (*ClientScript) (Fixture *f, gpointer data);

typedef struct {
  Fixture      *fixture;
  ClientScript  script;
  gpointer      data;
  gint          done;
} ClientRun;

static gpointer
script_thread (gpointer data)
{
  ClientRun *run = data;

  run->script (run->fixture, run->data);
  g_atomic_int_set (&run->done, TRUE);
  g_main_context_wakeup (NULL);
  return NULL;
}

static gboolean
tick (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs @script in a thread while the server runs here; at most WAIT_LIMIT_US.
 * The script's assertions abort the test from the thread. */
static void
run_client (Fixture *f, ClientScript script, gpointer data)
{
  ClientRun run = { f, script, data, FALSE };
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_US;
  guint ticker = g_timeout_add (20, tick, NULL);
  GThread *thread = g_thread_new ("client", script_thread, &run);

  while (!g_atomic_int_get (&run.done) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (ticker);
  g_assert_true (g_atomic_int_get (&run.done));   /* else the client hangs: fail, do not wait */
  g_thread_join (thread);
  /* let the server notice hang-ups and report */
  for (int i = 0; i < 50 && g_main_context_iteration (NULL, FALSE); i++)
    ;
}

/* Serves until @done or for at most @limit_us */
static void
serve_until (gboolean (*done) (gpointer), gpointer data, gint64 limit_us)
{
  gint64 deadline = g_get_monotonic_time () + limit_us;
  guint ticker = g_timeout_add (20, tick, NULL);

  while (!done (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (ticker);
}

/* One request on a connection of its own; the response (or NULL) */
typedef struct {
  const char *request;
  gboolean    to_head;
  Response   *response;
  gboolean    closed_after;   /* the server closed the connection after it */
} OneShot;

static void
one_shot_script (Fixture *f, gpointer data)
{
  OneShot *o = data;
  g_autoptr(Conn) c = conn_open (f->port, 0);

  if (conn_send_str (c, o->request))
    o->response = conn_read_response (c, o->to_head);
  if (o->response != NULL && strstr (o->response->head, "Connection: close") != NULL)
    o->closed_after = conn_wait_closed (c);
}

static Response *
one_shot (Fixture *f, const char *request, gboolean to_head)
{
  OneShot o = { request, to_head, NULL, FALSE };

  run_client (f, one_shot_script, &o);
  g_assert_nonnull (o.response);
  return o.response;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Header names, lower case, sorted, without Date */
static char *
header_names (const char *head)
{
  g_auto(GStrv) lines = g_strsplit (head, "\r\n", -1);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 1; lines[i] != NULL; i++)
    {
      const char *colon = strchr (lines[i], ':');

      if (colon != NULL && g_ascii_strncasecmp (lines[i], "Date:", 5) != 0)
        g_ptr_array_add (names, g_ascii_strdown (lines[i], colon - lines[i]));
    }
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (",", (char **) names->pdata);
}

static void
assert_same_response (Response *lane, Response *soup)
{
  static const char *const compared[] = {
    "Content-Type", "Content-Length", "Accept-Ranges", "Server", "Connection", "Content-Range",
  };
  g_autofree char *lane_names = header_names (lane->head);
  g_autofree char *soup_names = header_names (soup->head);

  g_test_message ("lane: %s\nsoup: %s", lane->head, soup->head);
  g_assert_cmpstr (lane->status_line, ==, soup->status_line);
  for (guint i = 0; i < G_N_ELEMENTS (compared); i++)
    {
      g_autofree char *a = head_value (lane->head, compared[i]);
      g_autofree char *b = head_value (soup->head, compared[i]);

      g_assert_cmpstr (a, ==, b);
    }
  g_assert_cmpstr (lane_names, ==, soup_names);
  g_assert_true (g_bytes_equal (lane->body, soup->body));
}

static void
put_medium (Fixture *f, const char *name)
{
  guint8 *bytes = g_malloc (MEDIUM_SIZE);
  g_autoptr(GBytes) contents = NULL;

  for (gsize i = 0; i < MEDIUM_SIZE; i++)
    bytes[i] = (i * 131 + 7) & 0xff;
  contents = g_bytes_new_take (bytes, MEDIUM_SIZE);
  put_file (f, name, contents);
}

/* The same request answered by the lane (plain) and by libsoup (a query or
 * an unusable Range makes it libsoup's; the path it reports is the same):
 * same status line, same headers but Date, same body.
 *
 * Under UBSan (the hardening build) the bodiless rows (HEAD, 403, 404) also
 * guard b2793be: flush_answer() once built its iovec from NULL + 0. */
static void
test_lane_parity (Fixture *f, gconstpointer data)
{
  static const struct { const char *method; const char *path; guint status; } cases[] = {
    { "GET", "/sip.cfg", 200 },
    { "GET", "/2345-12360-001.sip.ld", 200 },     /* split name, served from sip.ld by sendfile */
    { "GET", "/medium.ld", 200 },                  /* one sendmsg, more than a socket buffer */
    { "HEAD", "/sip.cfg", 200 },
    { "HEAD", "/sip.ld", 200 },
    { "GET", "/2345-12360-001.bootrom.ld", 404 },
    { "HEAD", "/missing.cfg", 404 },
    { "GET", "/.phone-rescue/x", 403 },            /* plain for the lane, refused by the store */
    { "GET", "/a:b.cfg", 403 },
    { "HEAD", "/.phone-rescue/x", 403 },
  };

  put_medium (f, "medium.ld");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gboolean to_head = g_str_equal (cases[i].method, "HEAD");
      g_autofree char *plain = g_strdup_printf ("%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: " UA "\r\n\r\n",
                                                cases[i].method, cases[i].path);
      g_autofree char *query = g_strdup_printf ("%s %s?x HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: " UA "\r\n\r\n",
                                                cases[i].method, cases[i].path);
      g_autofree char *range = g_strdup_printf ("%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: " UA "\r\n"
                                                "Range: lines=1-2\r\n\r\n", cases[i].method, cases[i].path);
      g_autoptr(Response) lane = one_shot (f, plain, to_head);
      g_autoptr(Response) soup = one_shot (f, query, to_head);
      g_autoptr(Response) soup_range = one_shot (f, range, to_head);

      g_test_message ("%s %s", cases[i].method, cases[i].path);
      g_assert_cmpuint (lane->status, ==, cases[i].status);
      assert_same_response (lane, soup);
      assert_same_response (lane, soup_range);
    }
}

/* One kept-alive connection: plain GETs (the lane), a Range (libsoup takes
 * the connection), a plain GET and a PUT (libsoup's now): all answered, in
 * order, on the same connection. libsoup 3.2 closed a connection after one
 * response when it had no listener of its own. */
static void
keep_alive_script (Fixture *f, gpointer data)
{
  static const char put_log[] = "PUT /0004f2abcdef-boot.log HTTP/1.1\r\nHost: x\r\nUser-Agent: " UA "\r\n"
                                "Content-Length: 10\r\n\r\nboot log\r\n";
  g_autoptr(Conn) c = conn_open (f->port, 0);
  g_autoptr(Response) first = NULL;
  g_autoptr(Response) second = NULL;
  g_autoptr(Response) ranged = NULL;
  g_autoptr(Response) after = NULL;
  g_autoptr(Response) put_answer = NULL;
  g_autoptr(Response) last = NULL;

  g_assert_true (conn_send_str (c, "GET /sip.cfg HTTP/1.1\r\nHost: x\r\nUser-Agent: " UA "\r\n\r\n"));
  first = conn_read_response (c, FALSE);
  g_assert_true (conn_send_str (c, "GET /phone1.cfg HTTP/1.1\r\nHost: x\r\nUser-Agent: " UA "\r\n\r\n"));
  second = conn_read_response (c, FALSE);
  g_assert_true (conn_send_str (c, "GET /sip.cfg HTTP/1.1\r\nHost: x\r\nUser-Agent: " UA "\r\nRange: bytes=1-3\r\n\r\n"));
  ranged = conn_read_response (c, FALSE);
  g_assert_true (conn_send_str (c, "GET /phone1.cfg HTTP/1.1\r\nHost: x\r\nUser-Agent: " UA "\r\n\r\n"));
  after = conn_read_response (c, FALSE);
  g_assert_true (conn_send_str (c, put_log));
  put_answer = conn_read_response (c, FALSE);
  g_assert_true (conn_send_str (c, "HEAD /sip.cfg HTTP/1.1\r\nHost: x\r\nUser-Agent: " UA "\r\n\r\n"));
  last = conn_read_response (c, TRUE);

  g_assert_nonnull (first);
  g_assert_cmpuint (first->status, ==, 200);
  g_assert_cmpmem (g_bytes_get_data (first->body, NULL), g_bytes_get_size (first->body), "<sip/>", 6);
  g_assert_nonnull (second);
  g_assert_cmpuint (second->status, ==, 200);
  g_assert_cmpmem (g_bytes_get_data (second->body, NULL), g_bytes_get_size (second->body), "<phone1/>", 9);
  g_assert_nonnull (ranged);
  g_assert_cmpuint (ranged->status, ==, 206);
  g_assert_cmpmem (g_bytes_get_data (ranged->body, NULL), g_bytes_get_size (ranged->body), "sip", 3);
  g_assert_nonnull (after);
  g_assert_cmpuint (after->status, ==, 200);
  g_assert_cmpmem (g_bytes_get_data (after->body, NULL), g_bytes_get_size (after->body), "<phone1/>", 9);
  g_assert_nonnull (put_answer);
  g_assert_cmpuint (put_answer->status, ==, 201);
  g_assert_nonnull (last);
  g_assert_cmpuint (last->status, ==, 200);
  g_assert_cmpuint (g_bytes_get_size (last->body), ==, 0);
  g_assert_cmpuint (c->pending->len, ==, 0);   /* nothing more than asked for */
}

static void
test_lane_keep_alive_hand_off (Fixture *f, gconstpointer data)
{
  g_autofree char *stored = g_build_filename (f->uploads, "0004f2abcdef", "0004f2abcdef-boot.log", NULL);
  g_autofree char *contents = NULL;

  put_static_text (f, "phone1.cfg", "<phone1/>");
  run_client (f, keep_alive_script, NULL);
  g_assert_true (g_file_get_contents (stored, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "boot log\r\n");
}

/* Several requests in one write: all answered, in order; the lane's and then,
 * after the Range hands the connection over, libsoup's */
static void
pipelined_script (Fixture *f, gpointer data)
{
  static const char burst[] =
    "GET /sip.cfg HTTP/1.1\r\nHost: x\r\nUser-Agent: " UA "\r\n\r\n"
    "GET /phone1.cfg HTTP/1.1\r\nHost: x\r\n\r\n"
    "HEAD /sip.ld HTTP/1.1\r\nHost: x\r\n\r\n"
    "GET /missing.cfg HTTP/1.1\r\nHost: x\r\n\r\n"
    "GET /sip.cfg HTTP/1.1\r\nHost: x\r\n\r\n"
    "GET /phone1.cfg HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1\r\n\r\n"
    "GET /sip.cfg HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  static const struct { guint status; gboolean to_head; const char *body; } expected[] = {
    { 200, FALSE, "<sip/>" }, { 200, FALSE, "<phone1/>" }, { 200, TRUE, "" }, { 404, FALSE, "" },
    { 200, FALSE, "<sip/>" }, { 206, FALSE, "<p" }, { 200, FALSE, "<sip/>" },
  };
  g_autoptr(Conn) c = conn_open (f->port, 0);

  g_assert_true (conn_send (c, burst, sizeof burst - 1));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(Response) r = conn_read_response (c, expected[i].to_head);

      g_test_message ("response %u", i);
      g_assert_nonnull (r);
      g_assert_cmpuint (r->status, ==, expected[i].status);
      g_assert_cmpmem (g_bytes_get_data (r->body, NULL), g_bytes_get_size (r->body),
                       expected[i].body, strlen (expected[i].body));
      if (expected[i].to_head)
        {
          g_autofree char *length = head_value (r->head, "Content-Length");
          g_assert_cmpstr (length, ==, "3145745");
        }
    }
  g_assert_true (conn_wait_closed (c));
  g_assert_cmpuint (c->pending->len, ==, 0);
}

static void
test_lane_pipelined (Fixture *f, gconstpointer data)
{
  put_static_text (f, "phone1.cfg", "<phone1/>");
  run_client (f, pipelined_script, NULL);
}

/* A head in pieces, 100 ms apart (split inside a header and inside the final
 * CRLF CRLF): still answered, and the connection still serves after it */
static void
pieces_script (Fixture *f, gpointer data)
{
  static const char *const pieces[] = {
    "GET /sip.cfg HTTP/1.1\r\nHo",
    "st: x\r\nUser-Agent: " UA "\r\n\r",
    "\n",
  };
  g_autoptr(Conn) c = conn_open (f->port, 0);
  g_autoptr(Response) r = NULL;
  g_autoptr(Response) next = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (pieces); i++)
    {
      if (i > 0)
        g_usleep (100 * 1000);
      g_assert_true (conn_send_str (c, pieces[i]));
    }
  r = conn_read_response (c, FALSE);
  g_assert_nonnull (r);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpmem (g_bytes_get_data (r->body, NULL), g_bytes_get_size (r->body), "<sip/>", 6);

  g_assert_true (conn_send_str (c, "GET /sip.cfg HTTP/1.1\r\nHost: x\r\n\r\n"));
  next = conn_read_response (c, FALSE);
  g_assert_nonnull (next);
  g_assert_cmpuint (next->status, ==, 200);
}

static void
test_lane_head_in_pieces (Fixture *f, gconstpointer data)
{
  run_client (f, pieces_script, NULL);
}

/* HTTP/1.0: answered as 1.0 with "Connection: close", and the server closes */
static void
test_lane_http_1_0 (Fixture *f, gconstpointer data)
{
  static const char request[] = "GET /sip.cfg HTTP/1.0\r\nUser-Agent: " UA "\r\n\r\n";
  OneShot o = { request, FALSE, NULL, FALSE };
  g_autoptr(Response) r = NULL;
  g_autofree char *connection = NULL;

  run_client (f, one_shot_script, &o);
  r = o.response;
  g_assert_nonnull (r);
  g_assert_cmpstr (r->status_line, ==, "HTTP/1.0 200 OK");
  connection = head_value (r->head, "Connection");
  g_assert_cmpstr (connection, ==, "close");
  g_assert_cmpmem (g_bytes_get_data (r->body, NULL), g_bytes_get_size (r->body), "<sip/>", 6);
  g_assert_true (o.closed_after);
}

/* An idle connection is closed after the idle timeout: not before, and
 * within a bounded wait after; one that never sent a byte too */
typedef struct {
  gint64 answered_at, closed_at;
  gint64 silent_opened_at, silent_closed_at;
  gboolean closed, silent_closed;
} IdleRun;

static gboolean
conn_is_open (Conn *c)
{
  char byte;
  ssize_t n = recv (c->fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);

  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

static void
idle_script (Fixture *f, gpointer data)
{
  IdleRun *run = data;
  g_autoptr(Conn) c = conn_open (f->port, 0);
  g_autoptr(Conn) silent = conn_open (f->port, 0);
  g_autoptr(Response) r = NULL;

  run->silent_opened_at = g_get_monotonic_time ();
  /* the timeout runs from the answer, not from the connection */
  g_usleep (600 * 1000);
  g_assert_true (conn_is_open (silent));
  g_assert_true (conn_send_str (c, "GET /sip.cfg HTTP/1.1\r\nHost: x\r\nUser-Agent: " UA "\r\n\r\n"));
  r = conn_read_response (c, FALSE);
  g_assert_nonnull (r);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_null (strstr (r->head, "Connection: close"));
  run->answered_at = g_get_monotonic_time ();
  run->silent_closed = conn_wait_closed (silent);   /* at most READ_TIMEOUT_S */
  run->silent_closed_at = g_get_monotonic_time ();
  run->closed = conn_wait_closed (c);
  run->closed_at = g_get_monotonic_time ();
}

static void
test_lane_idle_timeout (Fixture *f, gconstpointer data)
{
  IdleRun run = { 0 };

  pr_server_set_idle_timeout (f->server, 1);
  run_client (f, idle_script, &run);
  g_assert_true (run.closed);
  g_test_message ("kept-alive closed after %" G_GINT64_FORMAT " ms, silent after %" G_GINT64_FORMAT " ms",
                  (run.closed_at - run.answered_at) / 1000, (run.silent_closed_at - run.silent_opened_at) / 1000);
  g_assert_cmpint (run.closed_at - run.answered_at, >=, 900 * 1000);
  g_assert_cmpint (run.closed_at - run.answered_at, <, 3 * G_USEC_PER_SEC);
  g_assert_true (run.silent_closed);
  g_assert_cmpint (run.silent_closed_at - run.silent_opened_at, >=, 900 * 1000);
  g_assert_cmpint (run.silent_closed_at - run.silent_opened_at, <, 3 * G_USEC_PER_SEC);
}

/* request-finished and the registry see the same for a request the lane
 * answered and the same request answered by libsoup */
static void
on_request_finished_collect (PrServer *server, PrRequestRecord *record, gboolean from_phone, GPtrArray *records)
{
  g_ptr_array_add (records, g_object_ref (record));
}

static void
assert_same_record (PrRequestRecord *a, PrRequestRecord *b)
{
  g_assert_cmpstr (pr_request_record_get_ip (a), ==, pr_request_record_get_ip (b));
  g_assert_cmpstr (pr_request_record_get_method (a), ==, pr_request_record_get_method (b));
  g_assert_cmpstr (pr_request_record_get_path (a), ==, pr_request_record_get_path (b));
  g_assert_cmpuint (pr_request_record_get_status (a), ==, pr_request_record_get_status (b));
  g_assert_cmpint (pr_request_record_get_bytes (a), ==, pr_request_record_get_bytes (b));
  g_assert_cmpstr (pr_request_record_get_user_agent (a), ==, pr_request_record_get_user_agent (b));
  g_assert_cmpint (pr_request_record_get_complete (a), ==, pr_request_record_get_complete (b));
}

static gboolean
has_records (gpointer data)
{
  GPtrArray *records = data;

  return records->len > 0;
}

static void
test_lane_same_records (Fixture *f, gconstpointer data)
{
  static const struct { const char *method; const char *path; const char *ua; guint status; goffset bytes; } cases[] = {
    { "GET", "/sip.cfg", UA, 200, 6 },
    { "GET", "/sip.cfg", "curl/7.88.1", 200, 6 },
    { "GET", "/medium.ld", UA, 200, MEDIUM_SIZE },
    { "GET", "/2345-12360-001.sip.ld", "FileTransport PolycomVVX-VVX_410-UA/5.9.0.9373", 200, IMAGE_SIZE },
    { "HEAD", "/sip.cfg", UA, 200, 0 },
    { "GET", "/2345-12360-001.bootrom.ld", "FileTransport PolycomSoundPointIP-SPIP_321-UA/3.2.3.0017", 404, 0 },
    { "GET", "/.phone-rescue/x", UA, 403, 0 },
  };
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  gulong handler = g_signal_connect (f->server, "request-finished", G_CALLBACK (on_request_finished_collect), records);

  put_medium (f, "medium.ld");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gboolean to_head = g_str_equal (cases[i].method, "HEAD");
      g_autofree char *plain = g_strdup_printf ("%s %s HTTP/1.1\r\nHost: x\r\nUser-Agent: %s\r\n\r\n",
                                                cases[i].method, cases[i].path, cases[i].ua);
      g_autofree char *query = g_strdup_printf ("%s %s?x HTTP/1.1\r\nHost: x\r\nUser-Agent: %s\r\n\r\n",
                                                cases[i].method, cases[i].path, cases[i].ua);
      const char *const requests[2] = { plain, query };
      PrRequestRecord *seen[2] = { NULL, NULL };
      gboolean is_phone[2];
      PrStage stage[2] = { 0, 0 };
      goffset phone_bytes[2] = { 0, 0 }, phone_total[2] = { 0, 0 };
      guint log_length[2] = { 0, 0 };

      g_test_message ("%s %s (%s)", cases[i].method, cases[i].path, cases[i].ua);
      for (guint k = 0; k < 2; k++)
        {
          g_autoptr(Response) r = NULL;
          PrPhone *phone;

          pr_phone_registry_clear (f->registry);
          g_ptr_array_set_size (records, 0);
          r = one_shot (f, requests[k], to_head);
          g_assert_cmpuint (r->status, ==, cases[i].status);
          serve_until (has_records, records, 5 * G_USEC_PER_SEC);
          g_assert_cmpuint (records->len, ==, 1);
          seen[k] = g_object_ref (g_ptr_array_index (records, 0));
          phone = pr_phone_registry_lookup_ip (f->registry, "127.0.0.1");
          is_phone[k] = phone != NULL;
          if (phone == NULL)
            continue;
          stage[k] = pr_phone_get_stage (phone);
          phone_bytes[k] = pr_phone_get_bytes_sent (phone);
          phone_total[k] = pr_phone_get_bytes_total (phone);
          log_length[k] = g_list_model_get_n_items (pr_phone_get_log (phone));
        }
      g_assert_cmpstr (pr_request_record_get_method (seen[0]), ==, cases[i].method);
      g_assert_cmpstr (pr_request_record_get_path (seen[0]), ==, cases[i].path);
      g_assert_cmpstr (pr_request_record_get_user_agent (seen[0]), ==, cases[i].ua);
      g_assert_cmpuint (pr_request_record_get_status (seen[0]), ==, cases[i].status);
      g_assert_cmpint (pr_request_record_get_bytes (seen[0]), ==, cases[i].bytes);
      g_assert_true (pr_request_record_get_complete (seen[0]));
      assert_same_record (seen[0], seen[1]);
      g_assert_cmpint (is_phone[0], ==, !g_str_equal (cases[i].ua, "curl/7.88.1"));
      g_assert_cmpint (is_phone[0], ==, is_phone[1]);
      g_assert_cmpint (stage[0], ==, stage[1]);
      g_assert_cmpint (phone_bytes[0], ==, phone_bytes[1]);
      g_assert_cmpint (phone_total[0], ==, phone_total[1]);
      g_assert_cmpuint (log_length[0], ==, log_length[1]);
      g_object_unref (seen[0]);
      g_object_unref (seen[1]);
    }
  g_signal_handler_disconnect (f->server, handler);
}

/* A client that hangs up in the middle of a medium body (sent with one
 * sendmsg, not sendfile): the request is reported cut short, and the server
 * goes on serving */
typedef struct {
  guint  status;
  gsize  received;
} CutRun;

static void
cut_script (Fixture *f, gpointer data)
{
  CutRun *run = data;
  struct linger reset = { 1, 0 };
  g_autoptr(Conn) c = conn_open (f->port, 4096);   /* a small window: the body cannot all be in flight */

  g_assert_true (conn_send_str (c, "GET /medium.ld HTTP/1.1\r\nHost: x\r\nUser-Agent: " UA "\r\n\r\n"));
  while (c->pending->len < 8192 && conn_fill (c))
    ;
  if (c->pending->len > 12)
    run->status = atoi (c->pending->str + 9);
  run->received = c->pending->len;
  /* hang up at once, unread bytes and all */
  setsockopt (c->fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
}

static void
test_lane_client_hangs_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  gulong handler = g_signal_connect (f->server, "request-finished", G_CALLBACK (on_request_finished_collect), records);
  CutRun run = { 0 };
  PrRequestRecord *record;

  put_medium (f, "medium.ld");
  run_client (f, cut_script, &run);
  g_assert_cmpuint (run.status, ==, 200);
  g_assert_cmpuint (run.received, <, MEDIUM_SIZE);
  serve_until (has_records, records, 5 * G_USEC_PER_SEC);
  g_assert_cmpuint (records->len, ==, 1);
  record = g_ptr_array_index (records, 0);
  g_test_message ("reported %" G_GOFFSET_FORMAT " bytes of %d, complete %d",
                  pr_request_record_get_bytes (record), MEDIUM_SIZE, pr_request_record_get_complete (record));
  g_assert_cmpstr (pr_request_record_get_path (record), ==, "/medium.ld");
  g_assert_false (pr_request_record_get_complete (record));
  g_assert_cmpint (pr_request_record_get_bytes (record), <, MEDIUM_SIZE);
  g_assert_true (pr_phone_get_interrupted (pr_phone_registry_lookup_ip (f->registry, "127.0.0.1")));
  g_signal_handler_disconnect (f->server, handler);

  /* and the server still answers, on the lane and through libsoup */
  {
    g_autoptr(Response) plain = one_shot (f, "GET /sip.cfg HTTP/1.1\r\nHost: x\r\n\r\n", FALSE);
    g_autoptr(Response) query = one_shot (f, "GET /sip.cfg?x HTTP/1.1\r\nHost: x\r\n\r\n", FALSE);

    g_assert_cmpuint (plain->status, ==, 200);
    g_assert_cmpuint (query->status, ==, 200);
  }
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
  ADD ("lane/parity", test_lane_parity);
  ADD ("lane/keep-alive-hand-off", test_lane_keep_alive_hand_off);
  ADD ("lane/pipelined", test_lane_pipelined);
  ADD ("lane/head-in-pieces", test_lane_head_in_pieces);
  ADD ("lane/http-1.0", test_lane_http_1_0);
  ADD ("lane/idle-timeout", test_lane_idle_timeout);
  ADD ("lane/same-records", test_lane_same_records);
  ADD ("lane/client-hangs-up", test_lane_client_hangs_up);
#undef ADD
  g_test_add_func ("/server/address-for-phone", test_address_for_phone);
  return g_test_run ();
}
