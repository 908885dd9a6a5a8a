/* pr-sim-transfer.c — one HTTP exchange as a Polycom phone makes it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pr-sim-transfer.h"

#include <sys/socket.h>

#define READ_CHUNK_SIZE   16384
#define TEXT_BODY_LIMIT   (1024 * 1024)
/* A phone has little memory: a small receive window keeps the bytes in
 * flight bounded, so a phone that stops reading is noticed by the server. */
#define RECEIVE_BUFFER    65536

struct _PrSimTransfer
{
  GObject           parent_instance;

  SoupSession      *session;
  SoupMessage      *message;
  char             *path;

  gboolean          image;
  GBytes           *flash_header;
  gboolean          flash_matches_anything;
  gboolean          cut;
  guint64           rate_limit;

  /* while running */
  GInputStream     *stream;
  guint8            buffer[READ_CHUNK_SIZE];
  GByteArray       *collected;   /* text body, or image header */
  GChecksum        *checksum;
  gboolean          skip_checksum;
  gboolean          reading_image;
  gboolean          header_checked;
  gint64            started;

  /* results */
  guint             status;
  goffset           bytes;
  goffset           content_length;
  PrSimTransferEnd  end;
  gboolean          complete;
  GBytes           *body;
  GBytes           *header;
  char             *sha256;
};

G_DEFINE_FINAL_TYPE (PrSimTransfer, pr_sim_transfer, G_TYPE_OBJECT)

static void read_next_chunk (GTask *task);

static void
pr_sim_transfer_dispose (GObject *object)
{
  PrSimTransfer *self = PR_SIM_TRANSFER (object);

  g_clear_object (&self->stream);
  g_clear_object (&self->message);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (pr_sim_transfer_parent_class)->dispose (object);
}

static void
pr_sim_transfer_finalize (GObject *object)
{
  PrSimTransfer *self = PR_SIM_TRANSFER (object);

  g_free (self->path);
  g_clear_pointer (&self->flash_header, g_bytes_unref);
  g_clear_pointer (&self->collected, g_byte_array_unref);
  g_clear_pointer (&self->checksum, g_checksum_free);
  g_clear_pointer (&self->body, g_bytes_unref);
  g_clear_pointer (&self->header, g_bytes_unref);
  g_free (self->sha256);

  G_OBJECT_CLASS (pr_sim_transfer_parent_class)->finalize (object);
}

static void
pr_sim_transfer_class_init (PrSimTransferClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pr_sim_transfer_dispose;
  object_class->finalize = pr_sim_transfer_finalize;
}

static void
pr_sim_transfer_init (PrSimTransfer *self)
{
  self->content_length = -1;
  self->end = PR_SIM_TRANSFER_COMPLETE;
}

void
pr_sim_transfer_set_skip_checksum (PrSimTransfer *self,
                                   gboolean       skip)
{
  self->skip_checksum = skip;
}

PrSimTransfer *
pr_sim_transfer_new (SoupSession *session,
                     const char  *method,
                     GUri        *uri,
                     const char  *user_agent)
{
  PrSimTransfer *self;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (uri != NULL, NULL);

  self = g_object_new (PR_SIM_TYPE_TRANSFER, NULL);
  self->session = g_object_ref (session);
  self->message = soup_message_new_from_uri (method, uri);
  self->path = g_strdup (g_uri_get_path (uri));
  if (user_agent != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (self->message),
                                  "User-Agent", user_agent);
  return self;
}

void
pr_sim_transfer_set_upload (PrSimTransfer *self,
                            GBytes        *body,
                            const char    *content_type)
{
  g_return_if_fail (PR_SIM_IS_TRANSFER (self));

  soup_message_set_request_body_from_bytes (self->message, content_type, body);
}

void
pr_sim_transfer_set_image_check (PrSimTransfer *self,
                                 GBytes        *flash_header,
                                 gboolean       flash_matches_anything)
{
  g_return_if_fail (PR_SIM_IS_TRANSFER (self));

  self->image = TRUE;
  g_clear_pointer (&self->flash_header, g_bytes_unref);
  self->flash_header = flash_header != NULL ? g_bytes_ref (flash_header) : NULL;
  self->flash_matches_anything = flash_matches_anything;
}

void
pr_sim_transfer_set_cut (PrSimTransfer *self,
                         gboolean       cut)
{
  g_return_if_fail (PR_SIM_IS_TRANSFER (self));

  self->cut = cut;
}

void
pr_sim_transfer_set_rate_limit (PrSimTransfer *self,
                                guint64        bytes_per_second)
{
  g_return_if_fail (PR_SIM_IS_TRANSFER (self));

  self->rate_limit = bytes_per_second;
}

static void
on_network_event (SoupMessage        *message,
                  GSocketClientEvent  event,
                  GIOStream          *connection,
                  gpointer            user_data)
{
  GSocket *socket;

  if (event != G_SOCKET_CLIENT_CONNECTING || !G_IS_SOCKET_CONNECTION (connection))
    return;

  socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (connection));
  g_socket_set_option (socket, SOL_SOCKET, SO_RCVBUF, RECEIVE_BUFFER, NULL);
}

static gboolean
header_matches_flash (PrSimTransfer *self)
{
  g_autoptr(GBytes) header = g_bytes_new (self->collected->data, self->collected->len);

  if (self->flash_matches_anything)
    return TRUE;
  return self->flash_header != NULL && g_bytes_equal (header, self->flash_header);
}

/* Decide on the header; TRUE when the rest of the image is wanted */
static gboolean
check_header (PrSimTransfer *self)
{
  self->header_checked = TRUE;
  self->header = g_bytes_new (self->collected->data, self->collected->len);
  if (header_matches_flash (self))
    {
      self->end = PR_SIM_TRANSFER_UNCHANGED;
      return FALSE;
    }

  if (!self->skip_checksum)
    {
      self->checksum = g_checksum_new (G_CHECKSUM_SHA256);
      g_checksum_update (self->checksum, self->collected->data, self->collected->len);
    }
  return TRUE;
}

static gboolean
cut_point_reached (PrSimTransfer *self)
{
  return self->cut && self->content_length > 0 && self->bytes >= self->content_length / 2;
}

static void
on_stream_closed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  /* A close error only tells that the connection went away: it was meant to */
  g_input_stream_close_finish (G_INPUT_STREAM (source), result, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
close_and_return (GTask *task)
{
  PrSimTransfer *self = g_task_get_source_object (task);

  g_input_stream_close_async (self->stream, G_PRIORITY_DEFAULT, NULL,
                              on_stream_closed, g_object_ref (task));
}

static void
finish_at_end_of_body (GTask *task)
{
  PrSimTransfer *self = g_task_get_source_object (task);

  self->complete = TRUE;
  if (!self->reading_image)
    {
      self->body = g_byte_array_free_to_bytes (g_steal_pointer (&self->collected));
      close_and_return (task);
      return;
    }

  /* An image smaller than a header: read whole, yet maybe "unchanged" */
  if (!self->header_checked && !check_header (self))
    {
      close_and_return (task);
      return;
    }

  if (self->content_length >= 0 && self->bytes != self->content_length)
    {
      self->end = PR_SIM_TRANSFER_SHORT;
    }
  else
    {
      self->end = PR_SIM_TRANSFER_COMPLETE;
      if (self->checksum != NULL)
        self->sha256 = g_strdup (g_checksum_get_string (self->checksum));
    }
  close_and_return (task);
}

/* Stop reading before the end: closing the body stream early makes libsoup
 * drop the connection rather than reuse it. */
static void
stop_reading (GTask            *task,
              PrSimTransferEnd  end)
{
  PrSimTransfer *self = g_task_get_source_object (task);

  self->end = end;
  self->complete = FALSE;
  close_and_return (task);
}

/* TRUE when reading should go on */
static gboolean
consume (PrSimTransfer *self,
         const guint8  *data,
         gsize          length)
{
  self->bytes += length;

  if (!self->reading_image)
    {
      if (self->collected->len + length <= TEXT_BODY_LIMIT)
        g_byte_array_append (self->collected, data, length);
      return TRUE;
    }

  if (!self->header_checked)
    {
      g_byte_array_append (self->collected, data, length);
      if (self->collected->len < PR_SIM_IMAGE_HEADER_SIZE)
        return TRUE;
      return check_header (self);
    }

  if (self->checksum != NULL)
    g_checksum_update (self->checksum, data, length);
  return TRUE;
}

static gboolean
on_rate_delay_over (gpointer user_data)
{
  read_next_chunk (user_data);
  return G_SOURCE_REMOVE;
}

static void
schedule_next_chunk (GTask *task)
{
  PrSimTransfer *self = g_task_get_source_object (task);
  g_autoptr(GSource) source = NULL;
  gint64 due, now;

  if (self->rate_limit == 0)
    {
      read_next_chunk (task);
      return;
    }

  due = self->started + (gint64) (self->bytes * G_USEC_PER_SEC / self->rate_limit);
  now = g_get_monotonic_time ();
  if (due <= now)
    {
      read_next_chunk (task);
      return;
    }

  source = g_timeout_source_new ((due - now) / 1000 + 1);
  g_task_attach_source (task, source, on_rate_delay_over);
}

static void
on_chunk_read (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PrSimTransfer *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  gssize n_read;

  n_read = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (n_read < 0)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (n_read == 0)
    {
      finish_at_end_of_body (task);
      return;
    }

  if (!consume (self, self->buffer, n_read))
    stop_reading (task, PR_SIM_TRANSFER_UNCHANGED);
  else if (self->reading_image && self->header_checked && cut_point_reached (self))
    stop_reading (task, PR_SIM_TRANSFER_CUT);
  else
    schedule_next_chunk (task);
}

static gsize
next_chunk_size (PrSimTransfer *self)
{
  gsize size = READ_CHUNK_SIZE;

  /* about eight reads a second when the rate is limited */
  if (self->rate_limit > 0)
    size = CLAMP (self->rate_limit / 8, 512, READ_CHUNK_SIZE);
  if (self->reading_image && !self->header_checked)
    size = MIN (size, PR_SIM_IMAGE_HEADER_SIZE - self->collected->len);
  if (self->reading_image && self->cut && self->content_length > 0)
    {
      goffset left = self->content_length / 2 - self->bytes;

      if (left > 0)
        size = MIN (size, (gsize) left);
    }
  return size;
}

static void
read_next_chunk (GTask *task)
{
  PrSimTransfer *self = g_task_get_source_object (task);

  g_input_stream_read_async (self->stream, self->buffer, next_chunk_size (self),
                             G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                             on_chunk_read, g_object_ref (task));
}

static void
note_response (PrSimTransfer *self)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (self->message);

  self->status = soup_message_get_status (self->message);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    self->content_length = soup_message_headers_get_content_length (headers);
  /* error pages are read like text, whatever was asked */
  self->reading_image = self->image && self->status == SOUP_STATUS_OK;
  self->collected = g_byte_array_new ();
  self->started = g_get_monotonic_time ();
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PrSimTransfer *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  self->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (self->stream == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  note_response (self);
  read_next_chunk (task);
}

void
pr_sim_transfer_run_async (PrSimTransfer       *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PR_SIM_IS_TRANSFER (self));
  g_return_if_fail (self->stream == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pr_sim_transfer_run_async);

  g_signal_connect (self->message, "network-event", G_CALLBACK (on_network_event), NULL);
  soup_session_send_async (self->session, self->message, G_PRIORITY_DEFAULT, cancellable,
                           on_sent, g_steal_pointer (&task));
}

gboolean
pr_sim_transfer_run_finish (PrSimTransfer  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

const char *
pr_sim_transfer_get_method (PrSimTransfer *self)
{
  g_return_val_if_fail (PR_SIM_IS_TRANSFER (self), NULL);

  return soup_message_get_method (self->message);
}

const char *
pr_sim_transfer_get_path (PrSimTransfer *self)
{
  g_return_val_if_fail (PR_SIM_IS_TRANSFER (self), NULL);

  return self->path;
}

guint
pr_sim_transfer_get_status (PrSimTransfer *self)
{
  g_return_val_if_fail (PR_SIM_IS_TRANSFER (self), 0);

  return self->status;
}

PrSimTransferEnd
pr_sim_transfer_get_end (PrSimTransfer *self)
{
  g_return_val_if_fail (PR_SIM_IS_TRANSFER (self), PR_SIM_TRANSFER_COMPLETE);

  return self->end;
}

gboolean
pr_sim_transfer_get_complete (PrSimTransfer *self)
{
  g_return_val_if_fail (PR_SIM_IS_TRANSFER (self), FALSE);

  return self->complete;
}

goffset
pr_sim_transfer_get_bytes (PrSimTransfer *self)
{
  g_return_val_if_fail (PR_SIM_IS_TRANSFER (self), 0);

  return self->bytes;
}

goffset
pr_sim_transfer_get_content_length (PrSimTransfer *self)
{
  g_return_val_if_fail (PR_SIM_IS_TRANSFER (self), -1);

  return self->content_length;
}

GBytes *
pr_sim_transfer_get_body (PrSimTransfer *self)
{
  g_return_val_if_fail (PR_SIM_IS_TRANSFER (self), NULL);

  return self->body;
}

GBytes *
pr_sim_transfer_get_header (PrSimTransfer *self)
{
  g_return_val_if_fail (PR_SIM_IS_TRANSFER (self), NULL);

  return self->header;
}

const char *
pr_sim_transfer_get_sha256 (PrSimTransfer *self)
{
  g_return_val_if_fail (PR_SIM_IS_TRANSFER (self), NULL);

  return self->sha256;
}
