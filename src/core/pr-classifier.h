/* pr-classifier.h — who asked for what: a pure function of one HTTP request
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "pr-models.h"
#include "pr-types.h"

G_BEGIN_DECLS

typedef struct {
  gboolean        is_phone;      /* a Polycom provisioning client (FileTransport UA or phone path) */
  PrSender        sender;        /* UNKNOWN when only the phone's history can decide */
  PrFileKind      kind;
  gboolean        app_only;      /* a request only the application makes (GUIDE §1) */
  char            mac[13];       /* 12 lowercase hex digits, or "" */
  char            part[16];      /* e.g. "2345-12360-001", or "" */
  char            ua_token[24];  /* e.g. "SPIP_321", or "" */
  char            version[32];   /* the sending program's version from the UA, or "" */
  const PrModel  *model;         /* NULL when unknown */
  const char     *basename;      /* points into the path given to pr_classify() */
} PrRequestInfo;

void     pr_classify               (const char    *method,
                                    const char    *path,
                                    const char    *user_agent,
                                    PrRequestInfo *out);

gboolean pr_parse_user_agent       (const char    *user_agent,
                                    char           token[24],
                                    char           version[32],
                                    char           mac[13],
                                    PrSender      *sender);

gboolean pr_mac_is_valid           (const char    *text,
                                    gsize          len);

/* Version strings like "4.2.3.0003" or "4.2.0B": < 0, 0, > 0 */
int      pr_version_compare        (const char    *a,
                                    const char    *b);

G_END_DECLS
