/* pr-phone-details.h — everything about one phone: versions, requests, uploaded logs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "pr-phone.h"

G_BEGIN_DECLS

#define PR_TYPE_PHONE_DETAILS (pr_phone_details_get_type ())
G_DECLARE_FINAL_TYPE (PrPhoneDetails, pr_phone_details, PR, PHONE_DETAILS, AdwWindow)

PrPhoneDetails *pr_phone_details_new       (GtkWindow      *parent,
                                            PrPhone        *phone);
PrPhone        *pr_phone_details_get_phone (PrPhoneDetails *self);
/* The text "Copy" puts on the clipboard: summary, request log, uploaded logs */
char           *pr_phone_details_dup_text  (PrPhoneDetails *self);

G_END_DECLS
