/* pr-request-head.h — recognise the plain requests the fast lane answers itself
 *
 * A phone's requests are nearly all alike: "GET /file HTTP/1.1", a Host, a
 * User-Agent, a few harmless headers, no body. Such a head is answered by the
 * server's fast lane without libsoup. Anything else (another method, a body,
 * a Range, a query, percent-escapes, dot segments, an odd header …) is
 * "other" and goes to libsoup, which decides exactly as it always did: the
 * lane only takes requests on which it and libsoup cannot disagree.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Longest head the lane looks at; a longer one is libsoup's */
#define PR_REQUEST_HEAD_MAX 8192

typedef enum {
  PR_REQUEST_HEAD_INCOMPLETE,  /* no end of head yet */
  PR_REQUEST_HEAD_PLAIN,       /* a GET or HEAD the fast lane answers */
  PR_REQUEST_HEAD_OTHER,       /* libsoup's */
} PrRequestHeadKind;

typedef struct {
  gboolean    is_head;          /* HEAD, else GET */
  const char *path;             /* into the parsed data, not terminated */
  gsize       path_length;
  const char *user_agent;       /* NULL without one */
  gsize       user_agent_length;
  gboolean    http_1_0;
  gboolean    close;            /* the connection ends after the answer */
  gsize       length;           /* bytes of the head, the blank line included */
} PrRequestHead;

PrRequestHeadKind pr_request_head_parse (const char    *data,
                                         gsize          size,
                                         PrRequestHead *head);

G_END_DECLS
