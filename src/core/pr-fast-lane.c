/* pr-fast-lane.c — accept connections, answer plain GETs, hand the rest to libsoup
 *
 * Why: libsoup 3.2 spends ~120 k instructions, a dozen allocations and eight
 * eventfd writes on each request (a GSource made and dropped per socket wait),
 * which caps a 2 KB config at about a third of nginx's rate on a small
 * machine. Phones ask for a dozen small files each; a rescue day with
 * hundreds of phones is mostly that. Here a plain request costs a peek, a
 * read and one sendmsg, with one GSource (an epoll set) for every client.
 *
 * A connection lives here until a request is not plain; then, with that
 * request still unread in the socket, it goes to libsoup for good.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <libsoup/soup.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pr-fast-lane.h"
#include "pr-file-sender.h"
#include "pr-request-head.h"

#define MAX_EVENTS         64
#define ACCEPTS_PER_WAKE   64
#define SWEEP_INTERVAL_MS  250
#define ACCEPT_PAUSE_MS    100   /* out of descriptors: try again after this */

typedef enum {
  WATCH_LISTENER,
  WATCH_CONNECTION,
} WatchKind;

typedef struct {
  WatchKind   kind;
  PrFastLane *lane;
  GSocket    *socket;
  guint       resume_source;   /* accepting paused (EMFILE) */
} Listener;

typedef struct {
  WatchKind       kind;
  PrFastLane     *lane;
  GList           link;          /* in lane->connections */
  int             fd;
  GSocketAddress *remote;
  char           *ip;
  gint64          deadline;      /* monotonic µs */
  gboolean        want_write;    /* polled for EPOLLOUT, an answer is pending */
  gboolean        close_after;
  /* the answer being written */
  gpointer        exchange;
  char           *head;
  gsize           head_length;
  gsize           head_sent;
  PrStoreFile    *file;
  const guint8   *body;
  gsize           body_length;
  gsize           body_sent;
} Connection;

/* A large body going out with sendfile, the connection given to a PrFileSender */
typedef struct {
  PrFastLane   *lane;
  gpointer      exchange;
  PrStoreFile  *file;
  PrFileSender *sender;
} Sending;

struct _PrFastLane
{
  PrFastLaneHandlers handlers;
  gpointer           user_data;
  char              *server_header;
  int                epoll_fd;
  guint              epoll_source;
  guint              sweep_source;
  GPtrArray         *listeners;
  GQueue             connections;
  GHashTable        *sendings;
  int                send_buffer;
  goffset            sendfile_min;
  guint              idle_timeout;
  guint              generation;     /* bumped by stop: events from before are stale */
  gint64             date_second;
  char               date[40];
  char               buffer[PR_REQUEST_HEAD_MAX];
};

/* Time */

static gint64
deadline_from_now (PrFastLane *lane)
{
  if (lane->idle_timeout == 0)
    return G_MAXINT64;
  return g_get_monotonic_time () + (gint64) lane->idle_timeout * G_USEC_PER_SEC;
}

/* An HTTP date, in English whatever the locale; formatted once a second */
static const char *
http_date (PrFastLane *lane)
{
  static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
  static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  gint64 second = g_get_real_time () / G_USEC_PER_SEC;
  struct tm tm;
  time_t t = (time_t) second;

  if (second == lane->date_second)
    return lane->date;
  gmtime_r (&t, &tm);
  g_snprintf (lane->date, sizeof lane->date, "%s, %02d %s %04d %02d:%02d:%02d GMT",
              days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
              tm.tm_hour, tm.tm_min, tm.tm_sec);
  lane->date_second = second;
  return lane->date;
}

/* Connections */

static void
watch (Connection *conn, gboolean for_writing)
{
  struct epoll_event event = { .events = for_writing ? EPOLLOUT : EPOLLIN, .data.ptr = conn };

  if (conn->want_write == for_writing)
    return;
  conn->want_write = for_writing;
  epoll_ctl (conn->lane->epoll_fd, EPOLL_CTL_MOD, conn->fd, &event);
}

static void
clear_answer (Connection *conn)
{
  conn->exchange = NULL;
  g_clear_pointer (&conn->head, g_free);
  g_clear_pointer (&conn->file, pr_store_file_unref);
  conn->body = NULL;
  conn->head_length = conn->head_sent = 0;
  conn->body_length = conn->body_sent = 0;
}

/* Forgets @conn; its descriptor is closed unless @keep_fd */
static void
drop_connection (Connection *conn, gboolean keep_fd)
{
  PrFastLane *lane = conn->lane;

  g_queue_unlink (&lane->connections, &conn->link);
  if (keep_fd)
    epoll_ctl (lane->epoll_fd, EPOLL_CTL_DEL, conn->fd, NULL);
  else
    close (conn->fd);
  clear_answer (conn);
  g_clear_object (&conn->remote);
  g_free (conn->ip);
  g_free (conn);
}

/* Ends @conn's answer in flight, if any, as cut short, and closes it */
static void
abort_connection (Connection *conn)
{
  PrFastLane *lane = conn->lane;

  if (conn->exchange != NULL)
    lane->handlers.finished (conn->exchange, conn->body_sent, FALSE, lane->user_data);
  conn->exchange = NULL;
  drop_connection (conn, FALSE);
}

static void
add_connection (PrFastLane *lane, int fd, struct sockaddr_storage *address, socklen_t length)
{
  Connection *conn = g_new0 (Connection, 1);
  struct epoll_event event = { .events = EPOLLIN, .data.ptr = conn };
  int one = 1;

  conn->kind = WATCH_CONNECTION;
  conn->lane = lane;
  conn->fd = fd;
  conn->link.data = conn;
  conn->remote = g_socket_address_new_from_native (address, length);
  if (conn->remote == NULL || !G_IS_INET_SOCKET_ADDRESS (conn->remote))
    {
      g_clear_object (&conn->remote);
      close (fd);
      g_free (conn);
      return;
    }
  conn->ip = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (conn->remote)));
  conn->deadline = deadline_from_now (lane);
  /* A BootROM reads an image's header and hangs up when nothing changed: a
   * small send buffer keeps "sent" close to "received" (see pr-server.c) */
  if (lane->send_buffer > 0)
    setsockopt (fd, SOL_SOCKET, SO_SNDBUF, &lane->send_buffer, sizeof lane->send_buffer);
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  g_queue_push_tail_link (&lane->connections, &conn->link);
  epoll_ctl (lane->epoll_fd, EPOLL_CTL_ADD, fd, &event);
}

/* libsoup takes @conn: nothing of its next request has been read */
static void
hand_off (Connection *conn)
{
  PrFastLane *lane = conn->lane;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GSocketAddress) remote = g_object_ref (conn->remote);

  socket = g_socket_new_from_fd (conn->fd, NULL);
  if (socket != NULL)
    local = g_socket_get_local_address (socket, NULL);
  if (local == NULL)
    {
      drop_connection (conn, socket != NULL);   /* the GSocket closes it */
      return;
    }
  drop_connection (conn, TRUE);
  connection = g_socket_connection_factory_create_connection (socket);
  lane->handlers.hand_off (connection, local, remote, lane->user_data);
}

/* Answers */

static void
answer_done (Connection *conn)
{
  PrFastLane *lane = conn->lane;
  gpointer exchange = conn->exchange;
  gsize sent = conn->body_sent;

  clear_answer (conn);
  lane->handlers.finished (exchange, sent, TRUE, lane->user_data);
  if (conn->close_after)
    {
      shutdown (conn->fd, SHUT_WR);
      drop_connection (conn, FALSE);
      return;
    }
  conn->deadline = deadline_from_now (lane);
  watch (conn, FALSE);
}

/* Writes what is left of the answer; FALSE when @conn is gone */
static gboolean
flush_answer (Connection *conn)
{
  PrFastLane *lane = conn->lane;
  gsize body_before = conn->body_sent;

  while (conn->head_sent < conn->head_length || conn->body_sent < conn->body_length)
    {
      struct iovec iov[2] = {
        { conn->head + conn->head_sent, conn->head_length - conn->head_sent },
        { conn->body != NULL ? (void *) (conn->body + conn->body_sent) : NULL, conn->body_length - conn->body_sent },
      };
      struct msghdr message = { .msg_iov = iov, .msg_iovlen = 2 };
      ssize_t n = sendmsg (conn->fd, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
      gsize head_part;

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        {
          if (conn->body_sent != body_before && lane->handlers.progress != NULL)
            lane->handlers.progress (conn->exchange, conn->body_sent, lane->user_data);
          conn->deadline = deadline_from_now (lane);
          watch (conn, TRUE);
          return TRUE;
        }
      if (n <= 0)
        {
          abort_connection (conn);   /* the client is gone */
          return FALSE;
        }
      head_part = MIN ((gsize) n, conn->head_length - conn->head_sent);
      conn->head_sent += head_part;
      conn->body_sent += n - head_part;
    }
  answer_done (conn);
  return TRUE;
}

static void
sending_progress (goffset sent, gpointer data)
{
  Sending *s = data;

  if (s->lane->handlers.progress != NULL)
    s->lane->handlers.progress (s->exchange, sent, s->lane->user_data);
}

static void
sending_done (goffset sent, gboolean complete, gpointer data)
{
  Sending *s = data;

  g_hash_table_remove (s->lane->sendings, s);
  s->lane->handlers.finished (s->exchange, sent, complete, s->lane->user_data);
  s->exchange = NULL;
}

static void
sending_free (gpointer data)
{
  Sending *s = data;

  g_clear_pointer (&s->file, pr_store_file_unref);
  g_free (s);
}

/* The head is out; the body follows from the file, by a PrFileSender */
static void
send_from_file (Connection *conn, goffset length)
{
  PrFastLane *lane = conn->lane;
  gpointer exchange = g_steal_pointer (&conn->exchange);
  g_autoptr(PrStoreFile) file = g_steal_pointer (&conn->file);
  g_autoptr(GSocket) socket = g_socket_new_from_fd (conn->fd, NULL);
  g_autoptr(GSocketConnection) connection = NULL;

  drop_connection (conn, socket != NULL);
  if (socket == NULL)
    {
      lane->handlers.finished (exchange, 0, FALSE, lane->user_data);
      return;
    }
  connection = g_socket_connection_factory_create_connection (socket);
  pr_fast_lane_send_file (lane, G_IO_STREAM (connection), socket, file, 0, length, exchange);
}

static gsize
format_head (PrFastLane *lane, char *out, gsize size, const PrRequestHead *request,
             guint status, PrStoreFile *file, goffset length, gboolean close)
{
  int n = g_snprintf (out, size, "HTTP/1.%c %u %s\r\nServer: %s\r\nDate: %s\r\n%s%s%s"
                      "Content-Length: %" G_GOFFSET_FORMAT "\r\n%s\r\n",
                      request->http_1_0 ? '0' : '1', status, soup_status_get_phrase (status),
                      lane->server_header, http_date (lane),
                      file != NULL ? "Accept-Ranges: bytes\r\nContent-Type: " : "",
                      file != NULL ? file->content_type : "",
                      file != NULL ? "\r\n" : "",
                      length, close ? "Connection: close\r\n" : "");

  return n > 0 && (gsize) n < size ? (gsize) n : 0;
}

static void
answer (Connection *conn, const PrRequestHead *request)
{
  PrFastLane *lane = conn->lane;
  g_autofree char *path = g_strndup (request->path, request->path_length);
  g_autofree char *user_agent = request->user_agent != NULL
                                ? g_strndup (request->user_agent, request->user_agent_length) : NULL;
  PrFastRequest fast_request = { conn->ip, request->is_head ? "HEAD" : "GET", path, user_agent };
  PrFastReply reply = { 0, NULL };
  char head[1024];
  goffset total = 0;
  gboolean by_sendfile;

  conn->exchange = lane->handlers.answer (&fast_request, &reply, lane->user_data);
  conn->file = reply.file;
  if (conn->file != NULL)
    total = g_bytes_get_size (conn->file->contents);
  by_sendfile = !request->is_head && conn->file != NULL && conn->file->fd >= 0 && total >= lane->sendfile_min;
  conn->close_after = request->close || by_sendfile;
  conn->head_length = format_head (lane, head, sizeof head, request, reply.status, conn->file, total,
                                   conn->close_after);
  if (conn->head_length == 0)
    {
      abort_connection (conn);
      return;
    }

  if (by_sendfile)
    {
      if (send (conn->fd, head, conn->head_length, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t) conn->head_length)
        abort_connection (conn);
      else
        send_from_file (conn, total);
      return;
    }
  if (!request->is_head && conn->file != NULL)
    {
      conn->body = g_bytes_get_data (conn->file->contents, NULL);
      conn->body_length = total;
    }
  conn->head = g_memdup2 (head, conn->head_length);
  flush_answer (conn);
}

/* The next request: peeked, and taken only when it is plain and whole */
static void
read_request (Connection *conn)
{
  PrFastLane *lane = conn->lane;
  PrRequestHead request;
  ssize_t n;

  do
    n = recv (conn->fd, lane->buffer, sizeof lane->buffer, MSG_PEEK | MSG_DONTWAIT);
  while (n < 0 && errno == EINTR);
  if (n < 0 && errno == EAGAIN)
    return;
  if (n <= 0)
    {
      drop_connection (conn, FALSE);   /* closed between requests */
      return;
    }
  if (pr_request_head_parse (lane->buffer, n, &request) != PR_REQUEST_HEAD_PLAIN)
    {
      hand_off (conn);
      return;
    }
  if (recv (conn->fd, lane->buffer, request.length, MSG_DONTWAIT) != (ssize_t) request.length)
    {
      drop_connection (conn, FALSE);
      return;
    }
  answer (conn, &request);
}

/* Listening */

static void watch_listener (Listener *listener);

static gboolean
resume_accepting (gpointer data)
{
  Listener *listener = data;

  listener->resume_source = 0;
  watch_listener (listener);
  return G_SOURCE_REMOVE;
}

static void
accept_clients (Listener *listener)
{
  PrFastLane *lane = listener->lane;
  int fd = g_socket_get_fd (listener->socket);
  guint i;

  for (i = 0; i < ACCEPTS_PER_WAKE; i++)
    {
      struct sockaddr_storage address;
      socklen_t length = sizeof address;
      int client = accept4 (fd, (struct sockaddr *) &address, &length, SOCK_NONBLOCK | SOCK_CLOEXEC);

      if (client >= 0)
        {
          add_connection (lane, client, &address, length);
          continue;
        }
      if (errno == EINTR || errno == ECONNABORTED)
        continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
        {
          /* the backlog stays readable: pause rather than spin */
          epoll_ctl (lane->epoll_fd, EPOLL_CTL_DEL, fd, NULL);
          listener->resume_source = g_timeout_add (ACCEPT_PAUSE_MS, resume_accepting, listener);
        }
      break;
    }
}

static void
watch_listener (Listener *listener)
{
  struct epoll_event event = { .events = EPOLLIN, .data.ptr = listener };

  epoll_ctl (listener->lane->epoll_fd, EPOLL_CTL_ADD, g_socket_get_fd (listener->socket), &event);
}

static void
listener_free (gpointer data)
{
  Listener *listener = data;

  if (listener->resume_source != 0)
    g_source_remove (listener->resume_source);
  epoll_ctl (listener->lane->epoll_fd, EPOLL_CTL_DEL, g_socket_get_fd (listener->socket), NULL);
  g_socket_close (listener->socket, NULL);
  g_object_unref (listener->socket);
  g_free (listener);
}

/* The main loop's side */

static gboolean
on_events (int fd, GIOCondition condition, gpointer data)
{
  PrFastLane *lane = data;
  struct epoll_event events[MAX_EVENTS];
  guint generation = lane->generation;
  int n, i;

  n = epoll_wait (lane->epoll_fd, events, MAX_EVENTS, 0);
  for (i = 0; i < n && lane->generation == generation; i++)
    {
      WatchKind *kind = events[i].data.ptr;

      if (*kind == WATCH_LISTENER)
        accept_clients (events[i].data.ptr);
      else if (((Connection *) events[i].data.ptr)->want_write)
        flush_answer (events[i].data.ptr);
      else
        read_request (events[i].data.ptr);
    }
  return G_SOURCE_CONTINUE;
}

/* Drops connections past their deadline: silent between requests, or not
 * taking their answer */
static gboolean
sweep (gpointer data)
{
  PrFastLane *lane = data;
  gint64 now = g_get_monotonic_time ();
  GList *link = lane->connections.head;

  while (link != NULL)
    {
      Connection *conn = link->data;

      link = link->next;
      if (now >= conn->deadline)
        abort_connection (conn);
    }
  return G_SOURCE_CONTINUE;
}

static void
close_all (PrFastLane *lane, gboolean report)
{
  g_autoptr(GHashTable) sendings = g_steal_pointer (&lane->sendings);
  GHashTableIter iter;
  gpointer s;

  lane->generation++;
  lane->sendings = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_ptr_array_set_size (lane->listeners, 0);
  while (lane->connections.head != NULL)
    {
      Connection *conn = lane->connections.head->data;

      if (!report && conn->exchange != NULL)
        lane->handlers.discard (g_steal_pointer (&conn->exchange));
      abort_connection (conn);
    }
  g_hash_table_iter_init (&iter, sendings);
  while (g_hash_table_iter_next (&iter, &s, NULL))
    {
      Sending *sending = s;

      if (report)
        lane->handlers.finished (sending->exchange, 0, FALSE, lane->user_data);
      else
        lane->handlers.discard (sending->exchange);
      pr_file_sender_cancel (sending->sender);
    }
}

/* Public */

PrFastLane *
pr_fast_lane_new (const PrFastLaneHandlers *handlers,
                  const char               *server_header,
                  gpointer                  user_data)
{
  PrFastLane *lane = g_new0 (PrFastLane, 1);

  lane->handlers = *handlers;
  lane->user_data = user_data;
  lane->server_header = g_strdup (server_header);
  lane->epoll_fd = epoll_create1 (EPOLL_CLOEXEC);
  if (lane->epoll_fd < 0)
    g_error ("epoll_create1: %s", g_strerror (errno));
  lane->epoll_source = g_unix_fd_add (lane->epoll_fd, G_IO_IN, on_events, lane);
  lane->listeners = g_ptr_array_new_with_free_func (listener_free);
  g_queue_init (&lane->connections);
  lane->sendings = g_hash_table_new (g_direct_hash, g_direct_equal);
  lane->sendfile_min = G_MAXINT64;
  return lane;
}

void
pr_fast_lane_free (PrFastLane *lane)
{
  close_all (lane, FALSE);
  if (lane->sweep_source != 0)
    g_source_remove (lane->sweep_source);
  g_source_remove (lane->epoll_source);
  close (lane->epoll_fd);
  g_ptr_array_unref (lane->listeners);
  g_hash_table_unref (lane->sendings);
  g_free (lane->server_header);
  g_free (lane);
}

void
pr_fast_lane_add_listener (PrFastLane *lane,
                           GSocket    *socket)
{
  Listener *listener = g_new0 (Listener, 1);

  listener->kind = WATCH_LISTENER;
  listener->lane = lane;
  listener->socket = g_object_ref (socket);
  g_ptr_array_add (lane->listeners, listener);
  watch_listener (listener);
}

void
pr_fast_lane_set_send_buffer (PrFastLane *lane,
                              int         bytes)
{
  lane->send_buffer = bytes;
}

void
pr_fast_lane_set_sendfile_min (PrFastLane *lane,
                               goffset     bytes)
{
  lane->sendfile_min = bytes;
}

void
pr_fast_lane_set_idle_timeout (PrFastLane *lane,
                               guint       seconds)
{
  lane->idle_timeout = seconds;
  if (seconds > 0 && lane->sweep_source == 0)
    lane->sweep_source = g_timeout_add (SWEEP_INTERVAL_MS, sweep, lane);
  else if (seconds == 0 && lane->sweep_source != 0)
    g_clear_handle_id (&lane->sweep_source, g_source_remove);
}

void
pr_fast_lane_stop (PrFastLane *lane)
{
  close_all (lane, TRUE);
}

void
pr_fast_lane_send_file (PrFastLane  *lane,
                        GIOStream   *stream,
                        GSocket     *socket,
                        PrStoreFile *file,
                        goffset      offset,
                        goffset      length,
                        gpointer     exchange)
{
  Sending *s = g_new0 (Sending, 1);

  s->lane = lane;
  s->exchange = exchange;
  s->file = pr_store_file_ref (file);
  g_hash_table_add (lane->sendings, s);
  s->sender = pr_file_sender_start (stream, socket, file->fd, offset, length, lane->idle_timeout,
                                    sending_progress, sending_done, s, sending_free);
}
