/* pr-stepper.h — Bootloader → Application → Done, with the current step marked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "pr-types.h"

G_BEGIN_DECLS

#define PR_TYPE_STEPPER (pr_stepper_get_type ())
G_DECLARE_FINAL_TYPE (PrStepper, pr_stepper, PR, STEPPER, GtkWidget)

/* @stage is where the phone is; @reached is the furthest step it got to
 * (used to place a failure). */
void pr_stepper_set_stage (PrStepper *self,
                           PrStage    stage,
                           PrStage    reached);

G_END_DECLS
