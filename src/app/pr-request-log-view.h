/* pr-request-log-view.h — the server's live request log, filterable by phone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "pr-session.h"

G_BEGIN_DECLS

#define PR_TYPE_REQUEST_LOG_VIEW (pr_request_log_view_get_type ())
G_DECLARE_FINAL_TYPE (PrRequestLogView, pr_request_log_view, PR, REQUEST_LOG_VIEW, GtkWidget)

/* The log keeps the newest entries up to this many */
#define PR_REQUEST_LOG_MAX 5000

void        pr_request_log_view_set_session    (PrRequestLogView *self,
                                                PrSession        *session);
/* Show only requests from @phone (NULL: all) */
void        pr_request_log_view_show_phone     (PrRequestLogView *self,
                                                PrPhone          *phone);
GListModel *pr_request_log_view_get_records    (PrRequestLogView *self);  /* oldest first */
guint       pr_request_log_view_get_n_visible  (PrRequestLogView *self);

G_END_DECLS
