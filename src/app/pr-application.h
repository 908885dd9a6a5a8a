/* pr-application.h — the Phone Rescue application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "pr-session.h"

G_BEGIN_DECLS

#define PR_TYPE_APPLICATION (pr_application_get_type ())
G_DECLARE_FINAL_TYPE (PrApplication, pr_application, PR, APPLICATION, AdwApplication)

PrApplication *pr_application_new          (void);
PrSession     *pr_application_get_session  (PrApplication *self);
/* 0 unless run with --demo */
guint          pr_application_get_demo_phones (PrApplication *self);

G_END_DECLS
