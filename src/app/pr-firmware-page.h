/* pr-firmware-page.h — the firmware store: bundles, what each model gets, warnings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "pr-session.h"

G_BEGIN_DECLS

#define PR_TYPE_FIRMWARE_PAGE (pr_firmware_page_get_type ())
G_DECLARE_FINAL_TYPE (PrFirmwarePage, pr_firmware_page, PR, FIRMWARE_PAGE, GtkWidget)

void  pr_firmware_page_set_session  (PrFirmwarePage *self,
                                     PrSession      *session);
/* Read the store again */
void  pr_firmware_page_reload       (PrFirmwarePage *self);
guint pr_firmware_page_get_n_bundles (PrFirmwarePage *self);

G_END_DECLS
