/* pr-window.h — the main window: server controls, phone cards, setup, firmware, log
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "pr-application.h"
#include "pr-session.h"

G_BEGIN_DECLS

#define PR_TYPE_WINDOW (pr_window_get_type ())
G_DECLARE_FINAL_TYPE (PrWindow, pr_window, PR, WINDOW, AdwApplicationWindow)

PrWindow   *pr_window_new                 (PrApplication *app);
PrSession  *pr_window_get_session         (PrWindow      *self);

/* Start the server on the chosen address and port, as the Start button does;
 * FALSE after showing the user what went wrong */
gboolean    pr_window_start_server        (PrWindow      *self);
/* The dialog that explains a start failure and offers the fix */
void        pr_window_show_start_error    (PrWindow      *self,
                                           GError        *error,
                                           const char    *address,
                                           guint          port);
/* Import firmware as a drop or the Import dialog does (queued, async) */
void        pr_window_import_files        (PrWindow      *self,
                                           GFile        **files,
                                           guint          n_files);
gboolean    pr_window_get_importing       (PrWindow      *self);

/* For tests and screenshots: which empty state or list the Phones page shows
 * ("no-firmware", "stopped", "waiting" or "phones"), and the phone cards */
const char *pr_window_get_phones_state    (PrWindow      *self);
void        pr_window_show_page           (PrWindow      *self,
                                           const char    *name);
GtkWidget  *pr_window_get_grid            (PrWindow      *self);
GtkWidget  *pr_window_get_log_view        (PrWindow      *self);
GtkWidget  *pr_window_get_firmware_page   (PrWindow      *self);

G_END_DECLS
