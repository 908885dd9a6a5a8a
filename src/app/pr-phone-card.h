/* pr-phone-card.h — one phone on the grid: who it is, where it is, how far along
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "pr-phone.h"

G_BEGIN_DECLS

#define PR_TYPE_PHONE_CARD (pr_phone_card_get_type ())
G_DECLARE_FINAL_TYPE (PrPhoneCard, pr_phone_card, PR, PHONE_CARD, GtkWidget)

/* Redraws of one card are coalesced to at most this many per second */
#define PR_PHONE_CARD_MAX_UPDATES_PER_SECOND 10

GtkWidget  *pr_phone_card_new            (void);
PrPhone    *pr_phone_card_get_phone      (PrPhoneCard *self);
void        pr_phone_card_set_phone      (PrPhoneCard *self,
                                          PrPhone     *phone);
/* What the card shows now (tests, accessibility) */
const char *pr_phone_card_get_status_text (PrPhoneCard *self);
guint       pr_phone_card_get_update_count (PrPhoneCard *self);

/* The furthest of bootloader/application a phone reached (remembered on the phone) */

G_END_DECLS
