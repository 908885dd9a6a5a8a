/* pr-request-record.h — one line of a phone's (or the server's) request log
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define PR_TYPE_REQUEST_RECORD (pr_request_record_get_type ())
G_DECLARE_FINAL_TYPE (PrRequestRecord, pr_request_record, PR, REQUEST_RECORD, GObject)

PrRequestRecord *pr_request_record_new (gint64      time_us,
                                        const char *ip,
                                        const char *method,
                                        const char *path,
                                        guint       status,
                                        goffset     bytes,
                                        const char *user_agent,
                                        gboolean    complete);

gint64      pr_request_record_get_time       (PrRequestRecord *self);
const char *pr_request_record_get_ip         (PrRequestRecord *self);
const char *pr_request_record_get_method     (PrRequestRecord *self);
const char *pr_request_record_get_path       (PrRequestRecord *self);
guint       pr_request_record_get_status     (PrRequestRecord *self);
goffset     pr_request_record_get_bytes      (PrRequestRecord *self);
const char *pr_request_record_get_user_agent (PrRequestRecord *self);
gboolean    pr_request_record_get_complete   (PrRequestRecord *self);

G_END_DECLS
