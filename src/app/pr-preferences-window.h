/* pr-preferences-window.h — port, firmware folder, master config, upload limit
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "pr-session.h"

G_BEGIN_DECLS

#define PR_TYPE_PREFERENCES_WINDOW (pr_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (PrPreferencesWindow, pr_preferences_window, PR, PREFERENCES_WINDOW, AdwPreferencesWindow)

PrPreferencesWindow *pr_preferences_window_new (GtkWindow *parent,
                                                PrSession *session);

G_END_DECLS
