/* pr-sim-fleet.h — many simulated phones booting at once
 *
 * A fleet makes @count phones from one set of options: consecutive loopback
 * addresses from the first one (127.0.0.10, .11, … .254, then 127.0.1.1 …),
 * consecutive MACs from the first one (0004f2000001, 0004f2000002, …).
 * Running it runs every phone concurrently and completes when all finished.
 *
 * Signals:
 *   phone-finished (PrSimPhone *phone)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "pr-sim-phone.h"

G_BEGIN_DECLS

#define PR_SIM_FLEET_MAX_PHONES       5000
#define PR_SIM_FLEET_DEFAULT_ADDRESS  "127.0.0.10"

#define PR_SIM_TYPE_FLEET (pr_sim_fleet_get_type ())
G_DECLARE_FINAL_TYPE (PrSimFleet, pr_sim_fleet, PR_SIM, FLEET, GObject)

/* @options->local_address is the first address (NULL: 127.0.0.10) and
 * @options->mac the first MAC. */
PrSimFleet   *pr_sim_fleet_new            (const PrSimPhoneOptions  *options,
                                           guint                     count,
                                           GError                  **error);
guint         pr_sim_fleet_get_n_phones   (PrSimFleet               *self);
PrSimPhone   *pr_sim_fleet_get_phone      (PrSimFleet               *self,
                                           guint                     index);

void          pr_sim_fleet_run_async      (PrSimFleet               *self,
                                           GCancellable             *cancellable,
                                           GAsyncReadyCallback       callback,
                                           gpointer                  user_data);
/* The number of phones that booted; with @error only when cancelled */
guint         pr_sim_fleet_run_finish     (PrSimFleet               *self,
                                           GAsyncResult             *result,
                                           GError                  **error);

/* The @index-th IPv4 address from @first, skipping .0 and .255 in the last
 * byte; NULL when @first is not IPv4 or the range runs past its /8 */
char         *pr_sim_fleet_nth_address    (const char               *first,
                                           guint                     index);
/* The @index-th MAC from @first (12 hex digits), NULL past ffffffffffff */
char         *pr_sim_fleet_nth_mac        (const char               *first,
                                           guint                     index);

G_END_DECLS
