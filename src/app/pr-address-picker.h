/* pr-address-picker.h — choose the interface and address to serve on
 *
 * Lists each address of each interface as its own row, remembers the choice
 * in GSettings (keys "interface" and "address") and follows interface changes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "pr-address-item.h"

G_BEGIN_DECLS

#define PR_TYPE_ADDRESS_PICKER (pr_address_picker_get_type ())
G_DECLARE_FINAL_TYPE (PrAddressPicker, pr_address_picker, PR, ADDRESS_PICKER, GtkWidget)

void           pr_address_picker_set_settings (PrAddressPicker *self,
                                               GSettings       *settings);
PrAddressItem *pr_address_picker_get_selected (PrAddressPicker *self);
/* Select the row with @address, if listed; TRUE if found */
gboolean       pr_address_picker_select       (PrAddressPicker *self,
                                               const char      *address);
void           pr_address_picker_refresh      (PrAddressPicker *self);

G_END_DECLS
