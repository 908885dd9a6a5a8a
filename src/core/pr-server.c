/* pr-server.c — the rescue server: files out, phone logs in, events to the registry
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gio/gunixoutputstream.h>
#include <libsoup/soup.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pr-classifier.h"
#include "pr-compat.h"
#include "pr-error.h"
#include "pr-fast-lane.h"
#include "pr-file-sender.h"
#include "pr-server.h"
#include "pr-store-path.h"

#define EXCHANGE_KEY "pr-exchange"
#define HEADER_DEADLINE_KEY "pr-header-deadline"
/* A body that is not kept (refused, over the cap, not a PUT) is read and
 * dropped up to twice the upload cap plus this; beyond, the connection closes */
#define DRAIN_SLACK (64 * 1024)
#define PR_SEND_BUFFER_SIZE (128 * 1024)
/* Bodies from this size on are sent with sendfile after the headers */
#define PR_SENDFILE_MIN_SIZE (256 * 1024)
#define SERVER_HEADER "PhoneRescue/" PACKAGE_VERSION

struct _PrServer
{
  GObject          parent_instance;
  SoupServer      *soup;
  PrFirmwareStore *store;
  PrPhoneRegistry *registry;
  char            *uploads_dir;
  gsize            upload_limit;
  guint            idle_timeout;
  guint            port;
  GPtrArray       *addresses;        /* bound address strings */
  guint            foreign_requests;
  GHashTable      *idle_timers;      /* GSocket → timeout source id, between requests */
  PrCatalog       *catalog;
  PrFastLane      *lane;             /* accepts; answers plain GETs, hands the rest to soup */
  int              placeholder_peer; /* see add_placeholder_listener() */
};

G_DEFINE_FINAL_TYPE (PrServer, pr_server, G_TYPE_OBJECT)

enum {
  REQUEST_FINISHED,
  WARNING,
  N_SIGNALS
};

static guint signals[N_SIGNALS];
static GQuark exchange_quark;
static GQuark header_deadline_quark;
static GQuark socket_quark;

/* What we remember about one request while it is answered */
typedef struct {
  char          *ip;
  char          *method;
  char          *path;        /* raw request path, as logged */
  char          *user_agent;
  PrRequestInfo  info;        /* info.basename points into path */
  guint          status;
  goffset        body_length; /* bytes the response body should have */
  goffset        bytes_sent;
  gboolean       reported;
  /* PUT uploads */
  GOutputStream *upload;
  char          *upload_tmp;
  char          *upload_final;
  goffset        upload_bytes;
  gboolean       upload_too_big;
  gboolean       upload_failed; /* writing failed (disk full …): answered 500 */
  goffset        body_bytes;    /* request body bytes read, kept or not */
  /* A large GET body, sent by a PrFileSender after the headers */
  PrStoreFile   *send_file;
  goffset        send_start;
} Exchange;

static void
exchange_free (gpointer data)
{
  Exchange *ex = data;

  if (ex->upload != NULL)
    {
      g_output_stream_close (ex->upload, NULL, NULL);
      g_object_unref (ex->upload);
    }
  if (ex->upload_tmp != NULL)
    g_unlink (ex->upload_tmp);
  g_free (ex->upload_tmp);
  g_free (ex->upload_final);
  g_free (ex->ip);
  g_free (ex->method);
  g_free (ex->path);
  g_free (ex->user_agent);
  g_clear_pointer (&ex->send_file, pr_store_file_unref);
  g_free (ex);
}

static Exchange *
exchange_new (const char *ip, const char *method, const char *path, const char *user_agent)
{
  Exchange *ex = g_new0 (Exchange, 1);

  ex->ip = g_strdup (ip);
  ex->method = g_strdup (method);
  ex->path = g_strdup (path);
  ex->user_agent = g_strdup (user_agent);
  pr_classify (ex->method, ex->path, ex->user_agent, &ex->info);
  return ex;
}

static Exchange *
exchange_for (SoupServerMessage *msg)
{
  Exchange *ex = g_object_get_qdata (G_OBJECT (msg), exchange_quark);
  GUri *uri;

  if (ex != NULL)
    return ex;
  uri = soup_server_message_get_uri (msg);
  ex = exchange_new (soup_server_message_get_remote_host (msg), soup_server_message_get_method (msg),
                     uri != NULL ? g_uri_get_path (uri) : "",
                     soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "User-Agent"));
  g_object_set_qdata_full (G_OBJECT (msg), exchange_quark, ex, exchange_free);
  return ex;
}

/* Every connection is accepted by the fast lane and handed to libsoup with
 * its socket kept on the remote address object (libsoup shares that one) */
static GSocket *
message_socket (SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  return remote != NULL ? g_object_get_qdata (G_OBJECT (remote), socket_quark) : NULL;
}

/* Reporting */

static void
report_exchange (PrServer *self, Exchange *ex, gboolean aborted)
{
  g_autoptr(PrRequestRecord) record = NULL;
  gboolean complete;

  if (ex->reported)
    return;
  ex->reported = TRUE;
  complete = !aborted && (g_strcmp0 (ex->method, "GET") != 0 || ex->bytes_sent >= ex->body_length);

  pr_phone_registry_request_finished (self->registry, ex->ip, ex->method, ex->path, ex->user_agent,
                                      &ex->info, ex->status, ex->bytes_sent, complete);
  if (!ex->info.is_phone)
    self->foreign_requests++;
  record = pr_request_record_new (g_get_real_time (), ex->ip, ex->method, ex->path, ex->status,
                                  ex->bytes_sent, ex->user_agent, complete);
  g_signal_emit (self, signals[REQUEST_FINISHED], 0, record, ex->info.is_phone);
}

static void
report_finished (PrServer *self, SoupServerMessage *msg, gboolean aborted)
{
  Exchange *ex = g_object_get_qdata (G_OBJECT (msg), exchange_quark);

  if (ex == NULL || ex->reported)
    return;
  if (ex->status == 0)
    ex->status = soup_server_message_get_status (msg);
  if (!aborted && !ex->info.is_phone)
    ex->bytes_sent = ex->body_length;   /* not counted on the way (serve_file) */
  report_exchange (self, ex, aborted);
}

/* Idle connections. libsoup 3.2 has no idle timeout: the socket's own timeout
 * drops a client that is silent or slow within a request, and a timer drops a
 * kept-alive connection that sends no next request. */

typedef struct {
  PrServer *server;
  GSocket  *socket;   /* weak */
} IdleTimer;

static void
forget_socket (gpointer data, GObject *where_the_socket_was)
{
  PrServer *self = data;
  guint id = GPOINTER_TO_UINT (g_hash_table_lookup (self->idle_timers, where_the_socket_was));

  if (id != 0)
    g_source_remove (id);
  g_hash_table_remove (self->idle_timers, where_the_socket_was);
}

static gboolean
idle_timeout_reached (gpointer data)
{
  IdleTimer *timer = data;

  g_hash_table_remove (timer->server->idle_timers, timer->socket);
  g_object_weak_unref (G_OBJECT (timer->socket), forget_socket, timer->server);
  g_socket_shutdown (timer->socket, TRUE, TRUE, NULL);
  return G_SOURCE_REMOVE;
}

static void
cancel_idle_timer (PrServer *self, GSocket *socket)
{
  guint id = GPOINTER_TO_UINT (g_hash_table_lookup (self->idle_timers, socket));

  if (id == 0)
    return;
  g_source_remove (id);
  g_hash_table_remove (self->idle_timers, socket);
  g_object_weak_unref (G_OBJECT (socket), forget_socket, self);
}

static void
start_idle_timer (PrServer *self, GSocket *socket)
{
  IdleTimer *timer;
  guint id;

  if (socket == NULL || self->idle_timeout == 0)
    return;
  cancel_idle_timer (self, socket);
  timer = g_new0 (IdleTimer, 1);
  timer->server = self;
  timer->socket = socket;
  id = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, self->idle_timeout, idle_timeout_reached, timer, g_free);
  g_hash_table_insert (self->idle_timers, socket, GUINT_TO_POINTER (id));
  g_object_weak_ref (G_OBJECT (socket), forget_socket, self);
}

/* Slow headers (slowloris): the socket timeout only catches silence, so a
 * client dribbling a byte now and then would hold its connection for ever.
 * The request line and headers must all be in within the idle timeout. */
static gboolean
header_deadline_reached (gpointer data)
{
  SoupServerMessage *msg = data;
  GSocket *socket = message_socket (msg);

  g_object_steal_qdata (G_OBJECT (msg), header_deadline_quark);
  if (socket != NULL)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
  return G_SOURCE_REMOVE;
}

static void
remove_header_deadline (gpointer id)
{
  g_source_remove (GPOINTER_TO_UINT (id));
}

static void
on_request_started (SoupServer        *soup,
                    SoupServerMessage *msg,
                    PrServer          *self)
{
  GSocket *socket = message_socket (msg);

  if (socket == NULL)
    return;
  cancel_idle_timer (self, socket);
  if (self->idle_timeout > 0)
    {
      guint id = g_timeout_add_seconds (self->idle_timeout, header_deadline_reached, msg);

      g_socket_set_timeout (socket, self->idle_timeout);
      /* cleared in early_handler(), called once the headers are in */
      g_object_set_qdata_full (G_OBJECT (msg), header_deadline_quark, GUINT_TO_POINTER (id), remove_header_deadline);
    }
}

static void
on_request_finished (SoupServer        *soup,
                     SoupServerMessage *msg,
                     PrServer          *self)
{
  report_finished (self, msg, FALSE);
  start_idle_timer (self, message_socket (msg));
}

static void
on_request_aborted (SoupServer        *soup,
                    SoupServerMessage *msg,
                    PrServer          *self)
{
  report_finished (self, msg, TRUE);
}

static void
on_wrote_body_data (SoupServerMessage *msg,
                    guint              chunk_size,
                    PrServer          *self)
{
  Exchange *ex = g_object_get_qdata (G_OBJECT (msg), exchange_quark);

  if (ex == NULL)
    return;
  ex->bytes_sent += chunk_size;
  pr_phone_registry_progress (self->registry, ex->ip, ex->bytes_sent);
}

/* Large bodies: libsoup writes the status line and headers ("Connection:
 * close"), then the connection is taken over and the body sent from the file
 * by the fast lane's PrFileSender, as the lane's own large bodies are. The
 * message and its buffers are freed at once, so a client costs a few hundred
 * bytes while it downloads, and the image's pages never pass through (nor
 * count in) this process. */
static void
on_wrote_headers_take_over (SoupServerMessage *msg,
                            PrServer          *self)
{
  Exchange *ex = g_object_steal_qdata (G_OBJECT (msg), exchange_quark);
  GSocket *socket = message_socket (msg);
  /* the socket outlives the message */
  g_autoptr(GSocket) socket_ref = socket != NULL ? g_object_ref (socket) : NULL;
  g_autoptr(GIOStream) stream = NULL;

  if (ex == NULL)
    return;
  /* msg may be gone after this */
  stream = socket_ref != NULL ? soup_server_message_steal_connection (msg) : NULL;
  if (stream == NULL)
    {
      report_exchange (self, ex, TRUE);
      exchange_free (ex);
      return;
    }
  pr_fast_lane_send_file (self->lane, stream, socket_ref, ex->send_file, ex->send_start, ex->body_length, ex);
}

/* GET and HEAD */

static void
respond_error (SoupServerMessage *msg, Exchange *ex, guint status)
{
  ex->status = status;
  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_set_content_length (soup_server_message_get_response_headers (msg), 0);
}

/* One satisfiable range → 206; several or malformed → the whole file (and the
 * Range header is dropped so libsoup does not flatten the body); past the end → 416 */
static gboolean
pick_range (SoupServerMessage *msg, goffset total, goffset *start, goffset *length, guint *status)
{
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupRange *ranges = NULL;
  int n = 0;
  gboolean ok;

  *start = 0;
  *length = total;
  *status = SOUP_STATUS_OK;
  if (soup_message_headers_get_one (request, "Range") == NULL)
    return TRUE;

  ok = total > 0 && soup_message_headers_get_ranges (request, total, &ranges, &n);
  if (ok && n == 1)
    {
      /* libsoup's parser does not check for overflow: a suffix longer than
       * the file ("bytes=-99999999999999999999") starts below 0 and means the
       * whole file; a first byte past G_MAXINT64 wraps below 0 and is past
       * the end */
      const char *spec = strchr (soup_message_headers_get_one (request, "Range"), '=');
      goffset first = ranges[0].start;

      while (spec != NULL && (*++spec == ' ' || *spec == '\t'))
        ;
      if (first < 0)
        first = spec != NULL && *spec == '-' ? 0 : total;
      if (first >= total)
        *status = SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE;
      else
        {
          *start = first;
          *length = MIN (ranges[0].end, total - 1) - first + 1;
          *status = SOUP_STATUS_PARTIAL_CONTENT;
        }
    }
  if (ranges != NULL)
    soup_message_headers_free_ranges (request, ranges);
  soup_message_headers_remove (request, "Range");
  return *status != SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE;
}

static void
serve_file (PrServer *self, SoupServerMessage *msg, Exchange *ex, PrStoreFile *file)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  goffset total = g_bytes_get_size (file->contents);
  goffset start, length;
  guint status;

  soup_message_headers_replace (headers, "Accept-Ranges", "bytes");
  soup_message_headers_replace (headers, "Content-Type", file->content_type);
  if (!pick_range (msg, total, &start, &length, &status))
    {
      g_autofree char *range = g_strdup_printf ("bytes */%" G_GOFFSET_FORMAT, total);
      respond_error (msg, ex, status);
      soup_message_headers_replace (headers, "Content-Range", range);
      return;
    }
  if (status == SOUP_STATUS_PARTIAL_CONTENT)
    soup_message_headers_set_content_range (headers, start, start + length - 1, total);

  ex->status = status;
  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CONTENT_LENGTH);
  soup_message_headers_set_content_length (headers, length);
  if (g_str_equal (ex->method, "GET") && length > 0)
    {
      g_autoptr(GBytes) slice = NULL;

      ex->body_length = length;
      if (length >= PR_SENDFILE_MIN_SIZE && file->fd >= 0)
        {
          /* The body follows the headers from the file (see above); the
           * connection ends with it */
          soup_message_headers_replace (headers, "Connection", "close");
          ex->send_file = pr_store_file_ref (file);
          ex->send_start = start;
          g_signal_connect (msg, "wrote-headers", G_CALLBACK (on_wrote_headers_take_over), self);
          return;
        }
      slice = g_bytes_new_from_bytes (file->contents, start, length);
      soup_message_body_append_bytes (soup_server_message_get_response_body (msg), slice);
      /* Only a phone's progress is followed; other clients' bytes are
       * counted when the response is done (report_finished) */
      if (ex->info.is_phone)
        g_signal_connect (msg, "wrote-body-data", G_CALLBACK (on_wrote_body_data), self);
    }
}

/* The store's file for a GET or HEAD, or NULL with the status to answer */
static PrStoreFile *
lookup_request (PrServer *self, Exchange *ex, guint *status)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *relative = pr_store_path_from_request (ex->path, &error);
  PrStoreFile *file = NULL;

  if (relative != NULL)
    file = pr_firmware_store_lookup (self->store, relative, &error);
  *status = file != NULL ? SOUP_STATUS_OK
          : g_error_matches (error, PR_ERROR, PR_ERROR_FORBIDDEN_PATH) ? SOUP_STATUS_FORBIDDEN
          : SOUP_STATUS_NOT_FOUND;
  return file;
}

static void
request_started (PrServer *self, Exchange *ex, PrStoreFile *file)
{
  pr_phone_registry_request_started (self->registry, ex->ip, ex->method, ex->path, ex->user_agent,
                                     &ex->info, ex->status, ex->body_length,
                                     file != NULL ? file->name : NULL);
}

static void
handle_get (PrServer *self, SoupServerMessage *msg, Exchange *ex)
{
  guint status;
  g_autoptr(PrStoreFile) file = lookup_request (self, ex, &status);

  if (file != NULL)
    serve_file (self, msg, ex, file);
  else
    respond_error (msg, ex, status);
  request_started (self, ex, file);
}

/* The fast lane (pr-fast-lane.c): plain GETs and HEADs, whole files */

static gpointer
fast_answer (const PrFastRequest *request,
             PrFastReply         *reply,
             gpointer             data)
{
  PrServer *self = data;
  Exchange *ex = exchange_new (request->ip, request->method, request->path, request->user_agent);
  PrStoreFile *file = lookup_request (self, ex, &ex->status);

  if (file != NULL && g_str_equal (ex->method, "GET"))
    ex->body_length = g_bytes_get_size (file->contents);
  reply->status = ex->status;
  reply->file = file;
  request_started (self, ex, file);
  return ex;
}

static void
fast_progress (gpointer exchange, goffset sent, gpointer data)
{
  PrServer *self = data;
  Exchange *ex = exchange;

  ex->bytes_sent = sent;
  if (ex->info.is_phone)
    pr_phone_registry_progress (self->registry, ex->ip, sent);
}

static void
fast_finished (gpointer exchange, goffset sent, gboolean complete, gpointer data)
{
  Exchange *ex = exchange;

  ex->bytes_sent = sent;
  report_exchange (data, ex, !complete);
  exchange_free (ex);
}

static void
fast_hand_off (GSocketConnection *connection,
               GSocketAddress    *local,
               GSocketAddress    *remote,
               gpointer           data)
{
  PrServer *self = data;
  GSocket *socket = g_socket_connection_get_socket (connection);

  g_object_set_qdata_full (G_OBJECT (remote), socket_quark, g_object_ref (socket), g_object_unref);
  soup_server_accept_iostream (self->soup, G_IO_STREAM (connection), local, remote, NULL);
}

/* PUT: the phone's own uploads, into uploads/<mac>/ */

static gboolean
is_upload_name (const PrRequestInfo *info)
{
  static const char *const suffixes[] = { "boot.log", "app.log", "phone.cfg", "directory.xml", "calls.xml", NULL };

  if (info->mac[0] == '\0' || strlen (info->basename) < 14 || info->basename[12] != '-')
    return FALSE;
  return g_strv_contains (suffixes, info->basename + 13);
}

static gboolean
open_upload (PrServer *self, Exchange *ex, GError **error)
{
  g_autofree char *dir = g_build_filename (self->uploads_dir, ex->info.mac, NULL);
  g_autofree char *template = NULL;
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Cannot create %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }
  template = g_build_filename (dir, ".upload-XXXXXX", NULL);
  fd = g_mkstemp_full (template, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Cannot write in %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }
  ex->upload = g_unix_output_stream_new (fd, TRUE);
  ex->upload_tmp = g_steal_pointer (&template);
  /* The lowercase MAC spelling, whatever the phone sent */
  ex->upload_final = g_strdup_printf ("%s/%s-%s", dir, ex->info.mac, ex->info.basename + 13);
  return TRUE;
}

static void
on_got_chunk (SoupServerMessage *msg,
              GBytes            *chunk,
              PrServer          *self)
{
  Exchange *ex = g_object_get_qdata (G_OBJECT (msg), exchange_quark);
  gsize size = g_bytes_get_size (chunk);
  g_autoptr(GError) error = NULL;

  if (ex == NULL)
    return;
  ex->body_bytes += size;
  if (ex->upload == NULL || ex->upload_too_big || ex->upload_failed)
    {
      /* nothing keeps this body: drop the connection rather than read on,
       * with a reset so that the client stops sending at once */
      GSocket *socket = message_socket (msg);
      struct linger reset = { 1, 0 };

      if ((gsize) ex->body_bytes > 2 * self->upload_limit + DRAIN_SLACK && socket != NULL)
        {
          if (ex->status == 0)
            ex->status = SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE;
          setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
          g_socket_shutdown (socket, TRUE, TRUE, NULL);
        }
      return;
    }
  ex->upload_bytes += size;
  if ((gsize) ex->upload_bytes > self->upload_limit)
    {
      ex->upload_too_big = TRUE;   /* keep reading, stop writing; answered 413 */
      return;
    }
  if (!g_output_stream_write_all (ex->upload, g_bytes_get_data (chunk, NULL), size, NULL, NULL, &error))
    {
      g_autofree char *message = g_strdup_printf (_("A phone’s upload could not be written: %s"), error->message);

      ex->upload_failed = TRUE;
      g_signal_emit (self, signals[WARNING], 0, message);
    }
}

static void
early_put (PrServer *self, SoupServerMessage *msg, Exchange *ex)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset declared = soup_message_headers_get_content_length (headers);
  g_autoptr(GError) error = NULL;
  g_autofree char *relative = pr_store_path_from_request (ex->path, NULL);

  if (relative == NULL || !is_upload_name (&ex->info))
    {
      respond_error (msg, ex, SOUP_STATUS_FORBIDDEN);
      return;
    }
  if (declared > 0 && (gsize) declared > self->upload_limit)
    {
      respond_error (msg, ex, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE);
      return;
    }
  if (!open_upload (self, ex, &error))
    {
      g_autofree char *message = g_strdup_printf (_("A phone’s upload was refused: %s"), error->message);
      g_signal_emit (self, signals[WARNING], 0, message);
      respond_error (msg, ex, SOUP_STATUS_INTERNAL_SERVER_ERROR);
      return;
    }
}

static void
finish_put (PrServer *self, SoupServerMessage *msg, Exchange *ex)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) contents = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;

  if (ex->upload == NULL)
    {
      respond_error (msg, ex, SOUP_STATUS_FORBIDDEN);
      return;
    }
  if (!g_output_stream_close (ex->upload, NULL, &error) || ex->upload_too_big || ex->upload_failed)
    {
      respond_error (msg, ex, ex->upload_too_big ? SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE
                                                 : SOUP_STATUS_INTERNAL_SERVER_ERROR);
      return;
    }
  g_clear_object (&ex->upload);
  if (g_rename (ex->upload_tmp, ex->upload_final) != 0)
    {
      respond_error (msg, ex, SOUP_STATUS_INTERNAL_SERVER_ERROR);
      return;
    }
  g_clear_pointer (&ex->upload_tmp, g_free);

  ex->status = SOUP_STATUS_CREATED;
  soup_server_message_set_status (msg, SOUP_STATUS_CREATED, NULL);
  soup_message_headers_set_content_length (soup_server_message_get_response_headers (msg), 0);

  pr_phone_registry_request_started (self->registry, ex->ip, ex->method, ex->path, ex->user_agent,
                                     &ex->info, ex->status, 0, NULL);
  if (g_file_get_contents (ex->upload_final, &data, &length, NULL))
    contents = g_bytes_new_take (g_steal_pointer (&data), length);
  pr_phone_registry_upload_stored (self->registry, ex->ip, &ex->info, ex->upload_final, contents);
}

static void
early_handler (SoupServer        *soup,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  Exchange *ex = exchange_for (msg);
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (request);

  /* The headers are in: the slow-header deadline (on_request_started) is met */
  g_object_set_qdata (G_OBJECT (msg), header_deadline_quark, NULL);

  /* No request body is ever kept in memory: a PUT streams to its file, any
   * other body (refused PUT, POST, a GET with a body …) is counted and dropped */
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  if (encoding != SOUP_ENCODING_NONE &&
      !(encoding == SOUP_ENCODING_CONTENT_LENGTH && soup_message_headers_get_content_length (request) == 0))
    g_signal_connect (msg, "got-chunk", G_CALLBACK (on_got_chunk), user_data);
  if (g_str_equal (ex->method, "PUT"))
    early_put (user_data, msg, ex);
}

static void
main_handler (SoupServer        *soup,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  PrServer *self = user_data;
  Exchange *ex = exchange_for (msg);

  if (g_str_equal (ex->method, "GET") || g_str_equal (ex->method, "HEAD"))
    handle_get (self, msg, ex);
  else if (g_str_equal (ex->method, "PUT"))
    finish_put (self, msg, ex);
  else
    {
      respond_error (msg, ex, SOUP_STATUS_METHOD_NOT_ALLOWED);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "GET, HEAD, PUT");
    }
}

/* The catalog */

static PrBootromVerdict
check_bootrom (const char *model_key,
               const char *bootrom_version,
               char      **reason,
               gpointer    user_data)
{
  PrServer *self = user_data;
  g_autoptr(PrCompat) compat = NULL;
  const PrServedImage *served;

  if (self->catalog == NULL || model_key == NULL || bootrom_version == NULL)
    return PR_BOOTROM_UNKNOWN;
  /* Read the store as it is now: an import may have changed it */
  compat = pr_compat_new (self->catalog, pr_firmware_store_get_root (self->store));
  served = pr_compat_get_served_for (compat, model_key);
  if (served == NULL || served->app_file == NULL || served->min_bootrom == NULL)
    return PR_BOOTROM_UNKNOWN;
  *reason = pr_compat_check_phone (compat, model_key, bootrom_version);
  return *reason != NULL ? PR_BOOTROM_TOO_OLD : PR_BOOTROM_GOOD_ENOUGH;
}

void
pr_server_set_catalog (PrServer  *self,
                       PrCatalog *catalog)
{
  GPtrArray *patterns;

  g_return_if_fail (PR_IS_SERVER (self));
  g_return_if_fail (self->catalog == NULL);

  self->catalog = g_object_ref (catalog);
  patterns = pr_catalog_get_log_patterns (catalog);
  for (guint i = 0; patterns != NULL && i < patterns->len; i++)
    {
      const PrLogPattern *p = g_ptr_array_index (patterns, i);
      pr_phone_registry_add_log_pattern (self->registry, p->match, p->advice);
    }
  pr_phone_registry_set_bootrom_check (self->registry, check_bootrom, self, NULL);
}

GStrv
pr_server_get_store_warnings (PrServer *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(PrCompat) compat = pr_compat_new (self->catalog, pr_firmware_store_get_root (self->store));
  GPtrArray *warnings = pr_compat_get_warnings (compat);

  for (guint i = 0; warnings != NULL && i < warnings->len; i++)
    g_strv_builder_add (builder, ((PrCompatWarning *) g_ptr_array_index (warnings, i))->message);
  return g_strv_builder_end (builder);
}

/* Listening */

char *
pr_server_address_for_phone (const char *address,
                             guint       port)
{
  gboolean v6 = strchr (address, ':') != NULL;

  if (port == 80)
    return g_strdup (address);
  return g_strdup_printf (v6 ? "http://[%s]:%u" : "http://%s:%u", address, port);
}

static void
set_listen_error (GError **error, int err, const char *address, guint port)
{
  g_autofree char *fallback = pr_server_address_for_phone (address, PR_FALLBACK_PORT);

  switch (err)
    {
    case EACCES:
    case EPERM:
      g_set_error (error, PR_ERROR, PR_ERROR_PORT_PRIVILEGED,
                   _("Port %u needs privileges this program does not have. Use port %u and enter %s as the server address on the phone, "
                     "or allow ordinary programs to use port %u with: sudo sysctl net.ipv4.ip_unprivileged_port_start=%u"),
                   port, PR_FALLBACK_PORT, fallback, port, port);
      break;
    case EADDRINUSE:
      g_set_error (error, PR_ERROR, PR_ERROR_PORT_BUSY,
                   _("Port %u on %s is already used by another program (a web server?). Stop that program, "
                     "or use port %u and enter %s as the server address on the phone."),
                   port, address, PR_FALLBACK_PORT, fallback);
      break;
    case EADDRNOTAVAIL:
      g_set_error (error, PR_ERROR, PR_ERROR_ADDRESS_UNAVAILABLE,
                   _("The address %s is not on this computer (any more). Check the network connection and pick the address again."),
                   address);
      break;
    default:
      g_set_error (error, PR_ERROR, PR_ERROR_FAILED, _("Cannot listen on %s port %u: %s"),
                   address, port, g_strerror (err));
    }
}

/* A listening socket on exactly @address, with errno-precise errors */
static GSocket *
bind_socket (const char *address, guint port, GError **error)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  struct sockaddr_storage storage;
  gsize size;
  g_autoptr(GSocketAddress) socket_address = NULL;
  int fd, one = 1;

  if (inet == NULL)
    {
      g_set_error (error, PR_ERROR, PR_ERROR_INVALID_ADDRESS, _("“%s” is not an IP address"), address);
      return NULL;
    }
  socket_address = g_inet_socket_address_new (inet, port);
  size = g_socket_address_get_native_size (socket_address);
  if (!g_socket_address_to_native (socket_address, &storage, sizeof storage, error))
    return NULL;

  fd = socket (storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    {
      set_listen_error (error, errno, address, port);
      return NULL;
    }
  setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (storage.ss_family == AF_INET6)
    setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (bind (fd, (struct sockaddr *) &storage, size) != 0 || listen (fd, 1024) != 0)
    {
      int saved = errno;
      close (fd);
      set_listen_error (error, saved, address, port);
      return NULL;
    }
  return g_socket_new_from_fd (fd, error);
}

/* libsoup 3.2 keeps a connection alive after a response only while the server
 * has a listener (soup-server.c, request_finished). Connections come from the
 * fast lane, so libsoup gets a placeholder: one end of a socket pair, which
 * has no connection to accept, ever. */
static gboolean
add_placeholder_listener (PrServer *self, GError **error)
{
  g_autoptr(GSocket) socket = NULL;
  int pair[2];

  if (self->placeholder_peer >= 0)
    return TRUE;
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "socketpair: %s", g_strerror (saved));
      return FALSE;
    }
  socket = g_socket_new_from_fd (pair[0], error);
  if (socket == NULL || !soup_server_listen_socket (self->soup, socket, 0, error))
    {
      if (socket == NULL)
        close (pair[0]);
      close (pair[1]);
      return FALSE;
    }
  self->placeholder_peer = pair[1];
  return TRUE;
}

static void
remove_placeholder_listener (PrServer *self)
{
  soup_server_disconnect (self->soup);
  if (self->placeholder_peer >= 0)
    close (self->placeholder_peer);
  self->placeholder_peer = -1;
}

gboolean
pr_server_listen (PrServer   *self,
                  const char *address,
                  guint       port,
                  GError    **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) local = NULL;

  g_return_val_if_fail (PR_IS_SERVER (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);

  /* Several addresses share one port; port 0 picks it on the first */
  if (port == 0 && self->port != 0)
    port = self->port;
  if (!add_placeholder_listener (self, error))
    return FALSE;
  socket = bind_socket (address, port, error);
  if (socket == NULL)
    return FALSE;
  pr_fast_lane_add_listener (self->lane, socket);

  local = g_socket_get_local_address (socket, NULL);
  if (local != NULL)
    self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
  g_ptr_array_add (self->addresses, g_strdup (address));
  return TRUE;
}

void
pr_server_stop (PrServer *self)
{
  pr_fast_lane_stop (self->lane);
  remove_placeholder_listener (self);
  g_ptr_array_set_size (self->addresses, 0);
  self->port = 0;
}

gboolean
pr_server_is_listening (PrServer *self)
{
  return self->addresses->len > 0;
}

guint
pr_server_get_port (PrServer *self)
{
  return self->port;
}

GStrv
pr_server_get_urls (PrServer *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < self->addresses->len; i++)
    {
      const char *address = g_ptr_array_index (self->addresses, i);
      gboolean v6 = strchr (address, ':') != NULL;

      g_autofree char *url = g_strdup_printf (v6 ? "http://[%s]:%u/" : "http://%s:%u/", address, self->port);

      g_strv_builder_add (builder, url);
    }
  return g_strv_builder_end (builder);
}

/* Settings */

char *
pr_server_default_uploads_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "phone-rescue", "uploads", NULL);
}

void
pr_server_set_uploads_dir (PrServer *self, const char *dir)
{
  g_free (self->uploads_dir);
  self->uploads_dir = dir != NULL ? g_canonicalize_filename (dir, NULL) : pr_server_default_uploads_dir ();
}

const char *
pr_server_get_uploads_dir (PrServer *self)
{
  return self->uploads_dir;
}

void
pr_server_set_upload_limit (PrServer *self, gsize bytes)
{
  self->upload_limit = bytes;
}

void
pr_server_set_idle_timeout (PrServer *self, guint seconds)
{
  self->idle_timeout = seconds;
  pr_fast_lane_set_idle_timeout (self->lane, seconds);
}

PrFirmwareStore *
pr_server_get_store (PrServer *self)
{
  return self->store;
}

PrPhoneRegistry *
pr_server_get_registry (PrServer *self)
{
  return self->registry;
}

guint
pr_server_get_foreign_requests (PrServer *self)
{
  return self->foreign_requests;
}

static void
pr_server_dispose (GObject *object)
{
  PrServer *self = PR_SERVER (object);

  if (self->soup != NULL)
    {
      remove_placeholder_listener (self);
      g_signal_handlers_disconnect_by_data (self->soup, self);
    }
  g_clear_object (&self->soup);
  g_clear_pointer (&self->lane, pr_fast_lane_free);
  if (self->idle_timers != NULL)
    {
      GHashTableIter iter;
      gpointer socket, id;

      g_hash_table_iter_init (&iter, self->idle_timers);
      while (g_hash_table_iter_next (&iter, &socket, &id))
        {
          g_source_remove (GPOINTER_TO_UINT (id));
          g_object_weak_unref (G_OBJECT (socket), forget_socket, self);
        }
      g_hash_table_remove_all (self->idle_timers);
    }
  if (self->registry != NULL && self->catalog != NULL)
    pr_phone_registry_set_bootrom_check (self->registry, NULL, NULL, NULL);
  g_clear_object (&self->catalog);
  g_clear_object (&self->store);
  g_clear_object (&self->registry);
  G_OBJECT_CLASS (pr_server_parent_class)->dispose (object);
}

static void
pr_server_finalize (GObject *object)
{
  PrServer *self = PR_SERVER (object);

  g_free (self->uploads_dir);
  g_ptr_array_unref (self->addresses);
  g_hash_table_unref (self->idle_timers);
  G_OBJECT_CLASS (pr_server_parent_class)->finalize (object);
}

/* "request-finished" is emitted for every request: a C marshaller instead of
 * the generic one (libffi) */
static void
marshal_VOID__OBJECT_BOOLEAN (GClosure     *closure,
                              GValue       *return_value,
                              guint         n_param_values,
                              const GValue *param_values,
                              gpointer      invocation_hint,
                              gpointer      marshal_data)
{
  typedef void (*Func) (gpointer instance, gpointer arg1, gboolean arg2, gpointer data);
  GCClosure *cc = (GCClosure *) closure;
  gpointer data1, data2;
  Func callback;

  g_return_if_fail (n_param_values == 3);
  if (G_CCLOSURE_SWAP_DATA (closure))
    {
      data1 = closure->data;
      data2 = g_value_peek_pointer (param_values + 0);
    }
  else
    {
      data1 = g_value_peek_pointer (param_values + 0);
      data2 = closure->data;
    }
  callback = (Func) (marshal_data ? marshal_data : cc->callback);
  callback (data1, g_value_get_object (param_values + 1), g_value_get_boolean (param_values + 2), data2);
}

static void
marshal_VOID__OBJECT_BOOLEANv (GClosure *closure,
                               GValue   *return_value,
                               gpointer  instance,
                               va_list   args,
                               gpointer  marshal_data,
                               int       n_params,
                               GType    *param_types)
{
  typedef void (*Func) (gpointer instance, gpointer arg1, gboolean arg2, gpointer data);
  GCClosure *cc = (GCClosure *) closure;
  gpointer data1, data2, arg1;
  gboolean arg2;
  va_list copy;
  Func callback;

  G_VA_COPY (copy, args);
  arg1 = va_arg (copy, gpointer);
  arg2 = va_arg (copy, gboolean);
  va_end (copy);
  if (arg1 != NULL)
    g_object_ref (arg1);
  if (G_CCLOSURE_SWAP_DATA (closure))
    {
      data1 = closure->data;
      data2 = instance;
    }
  else
    {
      data1 = instance;
      data2 = closure->data;
    }
  callback = (Func) (marshal_data ? marshal_data : cc->callback);
  callback (data1, arg1, arg2, data2);
  if (arg1 != NULL)
    g_object_unref (arg1);
}

static void
pr_server_class_init (PrServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pr_server_dispose;
  object_class->finalize = pr_server_finalize;

  exchange_quark = g_quark_from_static_string (EXCHANGE_KEY);
  header_deadline_quark = g_quark_from_static_string (HEADER_DEADLINE_KEY);
  socket_quark = g_quark_from_static_string ("pr-socket");

  signals[REQUEST_FINISHED] = g_signal_new ("request-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, marshal_VOID__OBJECT_BOOLEAN, G_TYPE_NONE, 2,
                                            PR_TYPE_REQUEST_RECORD, G_TYPE_BOOLEAN);
  g_signal_set_va_marshaller (signals[REQUEST_FINISHED], G_TYPE_FROM_CLASS (klass), marshal_VOID__OBJECT_BOOLEANv);
  signals[WARNING] = g_signal_new ("warning", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
pr_server_init (PrServer *self)
{
  self->addresses = g_ptr_array_new_with_free_func (g_free);
  self->idle_timers = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->upload_limit = PR_DEFAULT_UPLOAD_LIMIT;
  self->idle_timeout = PR_DEFAULT_IDLE_TIMEOUT;
  self->uploads_dir = pr_server_default_uploads_dir ();
  self->placeholder_peer = -1;
}

static const PrFastLaneHandlers fast_lane_handlers = {
  .answer = fast_answer,
  .progress = fast_progress,
  .finished = fast_finished,
  .discard = exchange_free,
  .hand_off = fast_hand_off,
};

PrServer *
pr_server_new (PrFirmwareStore *store,
               PrPhoneRegistry *registry)
{
  PrServer *self = g_object_new (PR_TYPE_SERVER, NULL);

  self->store = g_object_ref (store);
  self->registry = g_object_ref (registry);
  self->soup = soup_server_new ("raw-paths", TRUE, "server-header", SERVER_HEADER, NULL);
  self->lane = pr_fast_lane_new (&fast_lane_handlers, SERVER_HEADER, self);
  pr_fast_lane_set_send_buffer (self->lane, PR_SEND_BUFFER_SIZE);
  pr_fast_lane_set_sendfile_min (self->lane, PR_SENDFILE_MIN_SIZE);
  pr_fast_lane_set_idle_timeout (self->lane, self->idle_timeout);
  soup_server_add_early_handler (self->soup, NULL, early_handler, self, NULL);
  soup_server_add_handler (self->soup, NULL, main_handler, self, NULL);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (on_request_started), self);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (on_request_finished), self);
  g_signal_connect (self->soup, "request-aborted", G_CALLBACK (on_request_aborted), self);
  return self;
}
