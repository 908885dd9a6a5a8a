/* pr-request-row.h — one line of a request log: time, client, method, path, status, size
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "pr-request-record.h"

G_BEGIN_DECLS

#define PR_TYPE_REQUEST_ROW (pr_request_row_get_type ())
G_DECLARE_FINAL_TYPE (PrRequestRow, pr_request_row, PR, REQUEST_ROW, GtkWidget)

GtkWidget *pr_request_row_new        (gboolean         show_client);
/* A list item factory making PrRequestRows for a model of PrRequestRecord */
GtkListItemFactory *pr_request_row_factory_new (gboolean show_client);
void       pr_request_row_set_record (PrRequestRow    *self,
                                      PrRequestRecord *record);
/* One line of text for the clipboard: "14:03:27 192.168.1.20 GET /sip.ld 200 1.2 MB" */
char      *pr_request_row_format     (PrRequestRecord *record);

G_END_DECLS
