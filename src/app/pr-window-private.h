/* pr-window-private.h — PrWindow's instance, shared by pr-window.c and pr-window-actions.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "pr-address-picker.h"
#include "pr-bundle-importer.h"
#include "pr-firmware-page.h"
#include "pr-request-log-view.h"
#include "pr-setup-page.h"
#include "pr-window.h"

G_BEGIN_DECLS

struct _PrWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template children */
  AdwToastOverlay      *toast_overlay;
  GtkRevealer          *drop_revealer;
  AdwViewSwitcherTitle *switcher_title;
  GtkWidget            *network_box;
  PrAddressPicker      *address_picker;
  GtkSpinButton        *port_spin;
  GtkButton            *start_button;
  GtkInfoBar           *running_bar;
  GtkLabel             *running_label;
  GtkRevealer          *import_revealer;
  GtkLabel             *import_label;
  GtkProgressBar       *import_progress;
  AdwViewStack         *view_stack;
  GtkStack             *phones_stack;
  AdwStatusPage        *waiting_page;
  GtkLabel             *foreign_label;
  AdwActionRow         *subnet_row;
  AdwActionRow         *address_row;
  AdwActionRow         *firewalld_row;
  AdwActionRow         *ufw_row;
  GtkLabel             *summary_label;
  GtkDropDown          *filter_dropdown;
  GtkGridView          *grid_view;
  PrSetupPage          *setup_page;
  PrFirmwarePage       *firmware_page;
  PrRequestLogView     *log_view;

  /* State */
  PrSession            *session;
  GtkCustomFilter      *phone_filter;
  GHashTable           *last_stages;      /* PrPhone → stage + 1 */
  guint                 summary_source;
  GQueue                import_queue;     /* of GFile */
  PrBundleImporter     *importer;
  GCancellable         *import_cancellable;
  GtkFileChooserNative *chooser;
};

void pr_window_class_actions_init (PrWindowClass *klass);
void pr_window_actions_dispose    (PrWindow      *self);
void pr_window_update_actions     (PrWindow      *self);
void pr_window_toast              (PrWindow      *self,
                                   const char    *text);

G_END_DECLS
