/* pr-setup-page.h — "How to point a phone here": what to press and type on the phone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PR_TYPE_SETUP_PAGE (pr_setup_page_get_type ())
G_DECLARE_FINAL_TYPE (PrSetupPage, pr_setup_page, PR, SETUP_PAGE, GtkWidget)

/* The computer's @address/@prefix and the @port the server uses (or will use);
 * @address NULL when there is no usable network. */
void        pr_setup_page_set_target          (PrSetupPage *self,
                                               const char  *address,
                                               guint        prefix,
                                               guint        port);
/* What the page tells the user to enter as the server address */
const char *pr_setup_page_get_phone_address   (PrSetupPage *self);

G_END_DECLS
