/* pr-file-sender.h — a large response body sent straight from its file (sendfile)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _PrFileSender PrFileSender;

/* @sent: body bytes the kernel accepted so far */
typedef void (*PrFileSenderProgress) (goffset sent, gpointer user_data);
/* Called once, unless the sender is cancelled; the connection is closed after it */
typedef void (*PrFileSenderDone)     (goffset sent, gboolean complete, gpointer user_data);

/* Sends @length bytes of @fd from @offset on @socket, a connection taken over
 * from libsoup (@stream keeps it open), then closes it. @fd must stay open
 * until @destroy runs. A client that accepts nothing for @timeout_s seconds
 * (0: never) is dropped. */
PrFileSender *pr_file_sender_start  (GIOStream            *stream,
                                     GSocket              *socket,
                                     int                   fd,
                                     goffset               offset,
                                     goffset               length,
                                     guint                 timeout_s,
                                     PrFileSenderProgress  progress,
                                     PrFileSenderDone      done,
                                     gpointer              user_data,
                                     GDestroyNotify        destroy);

/* Closes the connection without calling @done; runs @destroy */
void          pr_file_sender_cancel (PrFileSender         *sender);

G_END_DECLS
