/* pr-fast-lane.h — accept connections, answer plain GETs, hand the rest to libsoup
 *
 * The server's front door. It accepts every connection itself and answers the
 * requests a phone makes most (see pr-request-head.h) without libsoup: one
 * epoll set for all clients, the head peeked and parsed in place, status line,
 * headers and body written with one sendmsg(2), large bodies with sendfile(2).
 * A connection whose next request is anything else — or arrives in pieces —
 * is handed to libsoup before a byte of that request is read, and stays there.
 *
 * What to answer is not decided here: the server's @answer callback does it
 * (and the lane never sees the registry, the store's rules or the classifier).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pr-firmware-store.h"

G_BEGIN_DECLS

typedef struct _PrFastLane PrFastLane;

typedef struct {
  const char *ip;
  const char *method;      /* "GET" or "HEAD" */
  const char *path;        /* as received */
  const char *user_agent;  /* or NULL */
} PrFastRequest;

typedef struct {
  guint        status;
  PrStoreFile *file;       /* the body (a reference, given to the lane), or NULL for none */
} PrFastReply;

typedef struct {
  /* Decides the reply; returns the caller's record of the exchange, handed
   * back to @progress and @finished */
  gpointer (*answer)   (const PrFastRequest *request,
                        PrFastReply         *reply,
                        gpointer             user_data);
  /* Body bytes sent so far, as they go */
  void     (*progress) (gpointer             exchange,
                        goffset              sent,
                        gpointer             user_data);
  /* Once per answer: all sent (@complete) or cut short */
  void     (*finished) (gpointer             exchange,
                        goffset              sent,
                        gboolean             complete,
                        gpointer             user_data);
  /* Frees an exchange that will not be finished (the lane is freed) */
  void     (*discard)  (gpointer             exchange);
  /* A connection for libsoup, with nothing of its next request read yet */
  void     (*hand_off) (GSocketConnection   *connection,
                        GSocketAddress      *local,
                        GSocketAddress      *remote,
                        gpointer             user_data);
} PrFastLaneHandlers;

PrFastLane *pr_fast_lane_new              (const PrFastLaneHandlers *handlers,
                                           const char               *server_header,
                                           gpointer                  user_data);
/* Closes everything; nothing is reported, answers in flight are discarded */
void        pr_fast_lane_free             (PrFastLane               *lane);

/* Accept on @socket (bound and listening) from now on */
void        pr_fast_lane_add_listener     (PrFastLane               *lane,
                                           GSocket                  *socket);
/* Send buffer of every accepted connection */
void        pr_fast_lane_set_send_buffer  (PrFastLane               *lane,
                                           int                       bytes);
/* Bodies from this size on go out with sendfile, and end the connection */
void        pr_fast_lane_set_sendfile_min (PrFastLane               *lane,
                                           goffset                   bytes);
/* Drop a connection idle (or not taking its answer) this long; 0: never */
void        pr_fast_lane_set_idle_timeout (PrFastLane               *lane,
                                           guint                     seconds);

/* Stops listening and closes the lane's connections; answers in flight are
 * reported to @finished as cut short */
void        pr_fast_lane_stop             (PrFastLane               *lane);

/* Sends @length bytes of @file from @offset on @stream, whose head is already
 * written, then closes it: for libsoup's large bodies, which the lane sends
 * like its own. @exchange goes to the handlers' @progress and @finished. */
void        pr_fast_lane_send_file        (PrFastLane               *lane,
                                           GIOStream                *stream,
                                           GSocket                  *socket,
                                           PrStoreFile              *file,
                                           goffset                   offset,
                                           goffset                   length,
                                           gpointer                  exchange);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PrFastLane, pr_fast_lane_free)

G_END_DECLS
