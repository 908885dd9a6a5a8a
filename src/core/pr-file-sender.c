/* pr-file-sender.c — a large response body sent straight from its file (sendfile)
 *
 * libsoup 3.2 writes a body from memory: every page of a mapped image passes
 * through our address space (and counts in our RSS), the message keeps its
 * buffers (a 16 KiB header buffer among them) until the last byte is out, and
 * a writable socket is filled in one go however many clients wait. For large
 * bodies the server lets libsoup write the status line and headers, takes the
 * connection over and sends the body from here: sendfile(2) from the store's
 * open file (no copy, nothing mapped), at most SEND_BUDGET bytes per client per
 * turn of the main loop, a few dozen bytes of state per client.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <sys/sendfile.h>

#include "pr-file-sender.h"

#define SEND_BUDGET (1024 * 1024)

struct _PrFileSender
{
  GIOStream            *stream;
  GSocket              *socket;
  int                   fd;
  goffset               offset;      /* next byte of the file to send */
  goffset               end;
  goffset               sent;
  goffset               sent_at_check;
  GSource              *writable;
  GSource              *watchdog;
  PrFileSenderProgress  progress;
  PrFileSenderDone      done;
  gpointer              user_data;
  GDestroyNotify        destroy;
};

static void
close_and_free (PrFileSender *s)
{
  if (s->writable != NULL)
    {
      g_source_destroy (s->writable);
      g_source_unref (s->writable);
    }
  if (s->watchdog != NULL)
    {
      g_source_destroy (s->watchdog);
      g_source_unref (s->watchdog);
    }
  g_io_stream_close (s->stream, NULL, NULL);
  g_object_unref (s->stream);
  g_object_unref (s->socket);
  if (s->destroy != NULL)
    s->destroy (s->user_data);
  g_free (s);
}

static void
finish (PrFileSender *s, gboolean complete)
{
  if (s->done != NULL)
    s->done (s->sent, complete, s->user_data);
  close_and_free (s);
}

static gboolean
on_writable (int fd, GIOCondition condition, gpointer data)
{
  PrFileSender *s = data;
  int socket_fd = g_socket_get_fd (s->socket);
  goffset before = s->sent;

  while (s->offset < s->end && s->sent - before < SEND_BUDGET)
    {
      off_t offset = s->offset;
      ssize_t n = sendfile (socket_fd, s->fd, &offset, MIN (s->end - s->offset, SEND_BUDGET));

      if (n > 0)
        {
          s->offset += n;
          s->sent += n;
        }
      else if (n < 0 && errno == EINTR)
        continue;
      else if (n < 0 && errno == EAGAIN)
        break;
      else
        {
          /* the client is gone (EPIPE, ECONNRESET), or the file shrank (0) */
          finish (s, FALSE);
          return G_SOURCE_REMOVE;
        }
    }
  if (s->sent != before && s->progress != NULL)
    s->progress (s->sent, s->user_data);
  if (s->offset >= s->end)
    {
      finish (s, TRUE);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_watchdog (gpointer data)
{
  PrFileSender *s = data;

  if (s->sent == s->sent_at_check)
    {
      finish (s, FALSE);
      return G_SOURCE_REMOVE;
    }
  s->sent_at_check = s->sent;
  return G_SOURCE_CONTINUE;
}

PrFileSender *
pr_file_sender_start (GIOStream            *stream,
                      GSocket              *socket,
                      int                   fd,
                      goffset               offset,
                      goffset               length,
                      guint                 timeout_s,
                      PrFileSenderProgress  progress,
                      PrFileSenderDone      done,
                      gpointer              user_data,
                      GDestroyNotify        destroy)
{
  PrFileSender *s = g_new0 (PrFileSender, 1);
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();

  s->stream = g_object_ref (stream);
  s->socket = g_object_ref (socket);
  s->fd = fd;
  s->offset = offset;
  s->end = offset + length;
  s->progress = progress;
  s->done = done;
  s->user_data = user_data;
  s->destroy = destroy;

  s->writable = g_unix_fd_source_new (g_socket_get_fd (socket), G_IO_OUT | G_IO_ERR | G_IO_HUP);
  g_source_set_callback (s->writable, G_SOURCE_FUNC (on_writable), s, NULL);
  g_source_attach (s->writable, context);
  if (timeout_s > 0)
    {
      s->watchdog = g_timeout_source_new_seconds (timeout_s);
      g_source_set_callback (s->watchdog, on_watchdog, s, NULL);
      g_source_attach (s->watchdog, context);
    }
  return s;
}

void
pr_file_sender_cancel (PrFileSender *sender)
{
  close_and_free (sender);
}
