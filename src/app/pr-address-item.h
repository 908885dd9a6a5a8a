/* pr-address-item.h — one address of one network interface, for the picker
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define PR_TYPE_ADDRESS_ITEM (pr_address_item_get_type ())
G_DECLARE_FINAL_TYPE (PrAddressItem, pr_address_item, PR, ADDRESS_ITEM, GObject)

PrAddressItem *pr_address_item_new            (const char    *interface_name,
                                               const char    *address,
                                               guint          prefix,
                                               gboolean       ipv6,
                                               gboolean       loopback);
const char    *pr_address_item_get_interface  (PrAddressItem *self);
const char    *pr_address_item_get_address    (PrAddressItem *self);
guint          pr_address_item_get_prefix     (PrAddressItem *self);
gboolean       pr_address_item_get_ipv6       (PrAddressItem *self);
gboolean       pr_address_item_get_loopback   (PrAddressItem *self);
/* "enp3s0 · 192.168.1.5/24" */
char          *pr_address_item_dup_label      (PrAddressItem *self);
gboolean       pr_address_item_equal          (PrAddressItem *a,
                                               PrAddressItem *b);

G_END_DECLS
