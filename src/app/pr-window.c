/* pr-window.c — the main window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "pr-phone-card.h"
#include "pr-phone-details.h"
#include "pr-window-private.h"

#define SUMMARY_INTERVAL_MS 250

G_DEFINE_FINAL_TYPE (PrWindow, pr_window, ADW_TYPE_APPLICATION_WINDOW)

/* The address shown to the user: what runs, else what is chosen. The prefix
 * is 0 when unknown. */
static void
current_target (PrWindow    *self,
                const char **address,
                guint       *prefix,
                guint       *port)
{
  PrAddressItem *item = pr_address_picker_get_selected (self->address_picker);

  *address = item ? pr_address_item_get_address (item) : NULL;
  *prefix = item ? pr_address_item_get_prefix (item) : 0;
  *port = (guint) gtk_spin_button_get_value_as_int (self->port_spin);
  if (!pr_session_get_running (self->session))
    return;

  if (g_strcmp0 (*address, pr_session_get_address (self->session)) != 0)
    *prefix = 0;
  *address = pr_session_get_address (self->session);
  *port = pr_session_get_port (self->session);
}

static void
update_troubleshooting (PrWindow *self)
{
  const char *address;
  guint prefix, port;
  g_autofree char *phone_address = NULL;
  g_autofree char *subnet = NULL;
  g_autofree char *typed = NULL;
  g_autofree char *firewalld = NULL;
  g_autofree char *ufw = NULL;

  current_target (self, &address, &prefix, &port);
  phone_address = address ? pr_server_address_for_phone (address, port) : NULL;
  if (prefix > 0)
    subnet = g_strdup_printf (_("This computer is %s/%u: the phone needs an address in that subnet, or a route to it."),
                              address, prefix);
  else
    subnet = g_strdup_printf (_("This computer is %s: the phone needs an address in the same subnet, or a route to it."),
                              address ? address : "–");
  /* Translators: what to enter as Server Address on the phone */
  typed = g_strdup_printf (_("Server Address: %s"), phone_address ? phone_address : "–");
  firewalld = g_strdup_printf ("sudo firewall-cmd --add-port=%u/tcp", port);
  ufw = g_strdup_printf ("sudo ufw allow %u/tcp", port);

  adw_action_row_set_subtitle (self->subnet_row, subnet);
  adw_action_row_set_subtitle (self->address_row, typed);
  adw_action_row_set_subtitle (self->firewalld_row, firewalld);
  adw_action_row_set_subtitle (self->ufw_row, ufw);
  pr_setup_page_set_target (self->setup_page, address, prefix, port);
}

static void
update_foreign (PrWindow *self)
{
  guint foreign = pr_session_get_foreign_requests (self->session);
  g_autofree char *text = NULL;

  if (foreign == 0)
    text = g_strdup (_("Nothing has reached the server yet."));
  else
    text = g_strdup_printf (g_dngettext (NULL,
                                         "%u request came from something that is not a phone: the server can be reached.",
                                         "%u requests came from things that are not phones: the server can be reached.",
                                         foreign), foreign);
  gtk_label_set_label (self->foreign_label, text);
}

static void
update_phones_state (PrWindow *self)
{
  GListModel *phones = G_LIST_MODEL (pr_session_get_registry (self->session));
  const char *state;

  if (g_list_model_get_n_items (phones) > 0)
    state = "phones";
  else if (!pr_session_get_has_firmware (self->session))
    state = "no-firmware";
  else if (!pr_session_get_running (self->session))
    state = "stopped";
  else
    state = "waiting";
  gtk_stack_set_visible_child_name (self->phones_stack, state);
}

static void
update_running_bar (PrWindow *self)
{
  g_autofree char *phone_address = pr_session_dup_phone_address (self->session);
  g_autofree char *escaped = NULL;
  g_autofree char *markup = NULL;

  gtk_info_bar_set_revealed (self->running_bar, phone_address != NULL);
  if (phone_address == NULL)
    return;
  escaped = g_markup_escape_text (phone_address, -1);
  /* Translators: what to enter on each phone; keep the markup */
  markup = g_strdup_printf (_("On each phone: Server type <b>HTTP</b> · Server address <b>%s</b>"), escaped);
  gtk_label_set_markup (self->running_label, markup);
  adw_status_page_set_description (self->waiting_page,
      _("The server is running. Enter its address on each phone and restart the phone: it appears here as soon as it asks for its software."));
}

/* One obvious next step: Start is the suggested action only once there is
 * firmware to give; before that, importing it is. */
static void
update_start_button (PrWindow *self)
{
  GtkWidget *button = GTK_WIDGET (self->start_button);
  gboolean running = pr_session_get_running (self->session);
  gboolean suggested = !running && pr_session_get_has_firmware (self->session);

  gtk_button_set_label (self->start_button, running ? _("_Stop Server") : _("_Start Rescue Server"));
  if (running)
    gtk_widget_add_css_class (button, "destructive-action");
  else
    gtk_widget_remove_css_class (button, "destructive-action");
  if (suggested)
    gtk_widget_add_css_class (button, "suggested-action");
  else
    gtk_widget_remove_css_class (button, "suggested-action");
}

static void
update_server_state (PrWindow *self)
{
  gboolean running = pr_session_get_running (self->session);

  if (running)
    {
      pr_address_picker_select (self->address_picker, pr_session_get_address (self->session));
      gtk_spin_button_set_value (self->port_spin, pr_session_get_port (self->session));
    }
  update_start_button (self);
  gtk_widget_set_sensitive (self->network_box, !running);
  update_running_bar (self);
  update_troubleshooting (self);
  update_foreign (self);
  update_phones_state (self);
  pr_window_update_actions (self);
}

static void
update_summary (PrWindow *self)
{
  GListModel *phones = G_LIST_MODEL (pr_session_get_registry (self->session));
  guint n = g_list_model_get_n_items (phones);
  guint counts[PR_STAGE_FAILED + 1] = { 0 };
  g_autofree char *total = NULL;
  g_autofree char *markup = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PrPhone) phone = g_list_model_get_item (phones, i);
      counts[pr_phone_get_stage (phone)]++;
    }
  total = g_strdup_printf (g_dngettext (NULL, "%u phone", "%u phones", n), n);
  /* Translators: summary above the phone cards, e.g. "6 phones · 3 rescued · 2 in progress · 1 failed" */
  markup = g_strdup_printf (_("<b>%s</b> · %u rescued · %u in progress · %u failed"), total,
                            counts[PR_STAGE_DONE],
                            counts[PR_STAGE_WAITING] + counts[PR_STAGE_BOOTLOADER] + counts[PR_STAGE_APPLICATION],
                            counts[PR_STAGE_FAILED]);
  gtk_label_set_markup (self->summary_label, markup);
}

static gboolean
summary_cb (gpointer data)
{
  PrWindow *self = data;

  self->summary_source = 0;
  update_summary (self);
  return G_SOURCE_REMOVE;
}

static void
queue_summary (PrWindow *self)
{
  if (self->summary_source == 0)
    self->summary_source = g_timeout_add (SUMMARY_INTERVAL_MS, summary_cb, self);
}

static void
notify_finished (PrWindow *self,
                 PrPhone  *phone)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  gboolean done = pr_phone_get_stage (phone) == PR_STAGE_DONE;
  const char *name = pr_phone_get_model_name (phone);
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  g_autofree char *id = g_strdup_printf ("phone-%u", pr_phone_get_id (phone));

  if (app == NULL || gtk_window_is_active (GTK_WINDOW (self)))
    return;

  if (name == NULL)
    name = _("Phone");
  title = done ? g_strdup_printf (_("%s Rescued"), name) : g_strdup_printf (_("%s Failed"), name);
  if (done)
    /* Translators: notification text; the phone's IP and MAC address */
    body = g_strdup_printf (_("The phone at %s (MAC %s) runs its software again."),
                            pr_phone_get_ip (phone), pr_phone_get_mac (phone) ? pr_phone_get_mac (phone) : "–");
  else
    body = g_strdup (pr_phone_get_reason (phone) ? pr_phone_get_reason (phone) : _("See the phone’s card."));

  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  g_notification_set_priority (notification, done ? G_NOTIFICATION_PRIORITY_NORMAL
                                                  : G_NOTIFICATION_PRIORITY_HIGH);
  g_application_send_notification (app, id, notification);
}

/* The grid's filter (rows of filter_dropdown) */
enum {
  SHOW_ALL,
  SHOW_ATTENTION,
  SHOW_IN_PROGRESS,
  SHOW_RESCUED,
};

static gboolean
phone_shown (gpointer item,
             gpointer data)
{
  PrWindow *self = data;
  PrPhone *phone = item;
  PrStage stage = pr_phone_get_stage (phone);

  switch (gtk_drop_down_get_selected (self->filter_dropdown))
    {
    case SHOW_ATTENTION:
      return stage == PR_STAGE_FAILED || (stage != PR_STAGE_DONE && pr_phone_get_interrupted (phone));
    case SHOW_IN_PROGRESS:
      return stage != PR_STAGE_FAILED && stage != PR_STAGE_DONE;
    case SHOW_RESCUED:
      return stage == PR_STAGE_DONE;
    case SHOW_ALL:
    default:
      return TRUE;
    }
}

static void
refilter (PrWindow *self)
{
  if (gtk_drop_down_get_selected (self->filter_dropdown) != SHOW_ALL)
    gtk_filter_changed (GTK_FILTER (self->phone_filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
on_filter_selected (PrWindow *self)
{
  gtk_filter_changed (GTK_FILTER (self->phone_filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
on_phone_changed (PrWindow *self,
                  PrPhone  *phone,
                  gboolean  progress_only)
{
  PrStage stage, last;

  if (progress_only)
    return;

  refilter (self);
  stage = pr_phone_get_stage (phone);
  last = GPOINTER_TO_INT (g_hash_table_lookup (self->last_stages, phone)) - 1;
  if (stage == last)
    return;
  g_hash_table_insert (self->last_stages, phone, GINT_TO_POINTER (stage + 1));
  update_summary (self);
  if (stage == PR_STAGE_DONE || stage == PR_STAGE_FAILED)
    notify_finished (self, phone);
}

static void
on_phones_changed (PrWindow *self)
{
  update_phones_state (self);
  queue_summary (self);
  pr_window_update_actions (self);
}

static void
on_request_finished (PrWindow        *self,
                     PrRequestRecord *record,
                     gboolean         from_phone)
{
  if (!from_phone)
    update_foreign (self);
}

static void
on_firmware_changed (PrWindow *self)
{
  update_phones_state (self);
  update_start_button (self);
}

static void
on_target_changed (PrWindow *self)
{
  if (!pr_session_get_running (self->session))
    update_troubleshooting (self);
}

/* Cards */

static void
setup_card (GtkSignalListItemFactory *factory,
            GtkListItem              *item)
{
  gtk_list_item_set_child (item, pr_phone_card_new ());
}

static void
bind_card (GtkSignalListItemFactory *factory,
           GtkListItem              *item)
{
  pr_phone_card_set_phone (PR_PHONE_CARD (gtk_list_item_get_child (item)),
                           gtk_list_item_get_item (item));
}

static void
unbind_card (GtkSignalListItemFactory *factory,
             GtkListItem              *item)
{
  pr_phone_card_set_phone (PR_PHONE_CARD (gtk_list_item_get_child (item)), NULL);
}

static void
on_card_activated (PrWindow    *self,
                   guint        position)
{
  GListModel *shown = G_LIST_MODEL (gtk_grid_view_get_model (self->grid_view));
  g_autoptr(PrPhone) phone = g_list_model_get_item (shown, position);

  if (phone != NULL)
    gtk_window_present (GTK_WINDOW (pr_phone_details_new (GTK_WINDOW (self), phone)));
}

static void
setup_grid (PrWindow *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  GListModel *phones = G_LIST_MODEL (pr_session_get_registry (self->session));
  GtkFilterListModel *filtered;

  self->phone_filter = gtk_custom_filter_new (phone_shown, self, NULL);
  filtered = gtk_filter_list_model_new (g_object_ref (phones),
                                        GTK_FILTER (g_object_ref (self->phone_filter)));
  g_signal_connect_object (self->filter_dropdown, "notify::selected",
                           G_CALLBACK (on_filter_selected), self, G_CONNECT_SWAPPED);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_card), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_card), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_card), NULL);
  gtk_grid_view_set_factory (self->grid_view, factory);
  gtk_grid_view_set_model (self->grid_view,
                           GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (filtered))));
  g_signal_connect_object (self->grid_view, "activate", G_CALLBACK (on_card_activated),
                           self, G_CONNECT_SWAPPED);
}

/* Drop target */

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         PrWindow      *self)
{
  GSList *files = gdk_file_list_get_files (g_value_get_boxed (value));
  g_autoptr(GPtrArray) array = g_ptr_array_new ();

  for (GSList *l = files; l != NULL; l = l->next)
    g_ptr_array_add (array, l->data);
  pr_window_import_files (self, (GFile **) array->pdata, array->len);
  g_slist_free (files);
  return array->len > 0;
}

static void
on_current_drop (PrWindow      *self,
                 GParamSpec    *pspec,
                 GtkDropTarget *target)
{
  gtk_revealer_set_reveal_child (self->drop_revealer,
                                 gtk_drop_target_get_current_drop (target) != NULL);
}

static void
setup_drop_target (PrWindow *self)
{
  GtkDropTarget *target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

  g_signal_connect_object (target, "drop", G_CALLBACK (on_drop), self, 0);
  g_signal_connect_object (target, "notify::current-drop", G_CALLBACK (on_current_drop),
                           self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
}

/* Window size */

static void
restore_size (PrWindow *self)
{
  GSettings *settings = pr_session_get_settings (self->session);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static gboolean
pr_window_close_request (GtkWindow *window)
{
  PrWindow *self = PR_WINDOW (window);
  GSettings *settings = pr_session_get_settings (self->session);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (settings, "window-width", width);
  g_settings_set_int (settings, "window-height", height);
  g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (window));

  return GTK_WINDOW_CLASS (pr_window_parent_class)->close_request (window);
}

static void
pr_window_dispose (GObject *object)
{
  PrWindow *self = PR_WINDOW (object);

  pr_window_actions_dispose (self);
  g_clear_handle_id (&self->summary_source, g_source_remove);
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      g_signal_handlers_disconnect_by_data (pr_session_get_registry (self->session), self);
    }
  g_clear_pointer (&self->last_stages, g_hash_table_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), PR_TYPE_WINDOW);
  g_clear_object (&self->phone_filter);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (pr_window_parent_class)->dispose (object);
}

static void
pr_window_class_init (PrWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = pr_window_dispose;
  window_class->close_request = pr_window_close_request;

  g_type_ensure (PR_TYPE_ADDRESS_PICKER);
  g_type_ensure (PR_TYPE_SETUP_PAGE);
  g_type_ensure (PR_TYPE_FIRMWARE_PAGE);
  g_type_ensure (PR_TYPE_REQUEST_LOG_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
      "/io/github/phonerescue/PhoneRescue/pr-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PrWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PrWindow, drop_revealer);
  gtk_widget_class_bind_template_child (widget_class, PrWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, PrWindow, network_box);
  gtk_widget_class_bind_template_child (widget_class, PrWindow, address_picker);
  gtk_widget_class_bind_template_child (widget_class, PrWindow, port_spin);
  gtk_widget_class_bind_template_child (widget_class, PrWindow, start_button);
  gtk_widget_class_bind_template_child (widget_class, PrWindow, running_bar);
  gtk_widget_class_bind_template_child (widget_class, PrWindow, running_label);
  gtk_widget_class_bind_template_child (widget_class, PrWindow, import_revealer);
  gtk_widget_class_bind_template_child (widget_class, PrWindow, import_label);
  gtk_widget_class_bind_template_child (widget_class, PrWindow, import_progress);
  gtk_widget_class_bind_template_child (widget_class, PrWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, PrWindow, phones_stack);
  gtk_widget_class_bind_template_child (widget_class, PrWindow, waiting_page);
  gtk_widget_class_bind_template_child (widget_class, PrWindow, foreign_label);
  gtk_widget_class_bind_template_child (widget_class, PrWindow, subnet_row);
  gtk_widget_class_bind_template_child (widget_class, PrWindow, address_row);
  gtk_widget_class_bind_template_child (widget_class, PrWindow, firewalld_row);
  gtk_widget_class_bind_template_child (widget_class, PrWindow, ufw_row);
  gtk_widget_class_bind_template_child (widget_class, PrWindow, summary_label);
  gtk_widget_class_bind_template_child (widget_class, PrWindow, filter_dropdown);
  gtk_widget_class_bind_template_child (widget_class, PrWindow, grid_view);
  gtk_widget_class_bind_template_child (widget_class, PrWindow, setup_page);
  gtk_widget_class_bind_template_child (widget_class, PrWindow, firmware_page);
  gtk_widget_class_bind_template_child (widget_class, PrWindow, log_view);

  pr_window_class_actions_init (klass);
}

static void
pr_window_init (PrWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->last_stages = g_hash_table_new (NULL, NULL);
  g_queue_init (&self->import_queue);
}

static void
connect_session (PrWindow *self)
{
  PrPhoneRegistry *registry = pr_session_get_registry (self->session);
  GSettings *settings = pr_session_get_settings (self->session);

  g_settings_bind (settings, "port", self->port_spin, "value", G_SETTINGS_BIND_DEFAULT);
  pr_address_picker_set_settings (self->address_picker, settings);
  g_signal_connect_object (self->address_picker, "notify::selected",
                           G_CALLBACK (on_target_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->port_spin, "value-changed",
                           G_CALLBACK (on_target_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::running",
                           G_CALLBACK (update_server_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "request-finished",
                           G_CALLBACK (on_request_finished), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "firmware-changed",
                           G_CALLBACK (on_firmware_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (registry, "items-changed",
                           G_CALLBACK (on_phones_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (registry, "phone-changed",
                           G_CALLBACK (on_phone_changed), self, G_CONNECT_SWAPPED);

  pr_request_log_view_set_session (self->log_view, self->session);
  pr_firmware_page_set_session (self->firmware_page, self->session);
  setup_grid (self);
  setup_drop_target (self);
  restore_size (self);
  update_server_state (self);
  update_summary (self);
}

PrWindow *
pr_window_new (PrApplication *app)
{
  PrWindow *self;

  g_return_val_if_fail (PR_IS_APPLICATION (app), NULL);

  self = g_object_new (PR_TYPE_WINDOW, "application", app, NULL);
  self->session = g_object_ref (pr_application_get_session (app));
  connect_session (self);
  return self;
}

PrSession *
pr_window_get_session (PrWindow *self)
{
  g_return_val_if_fail (PR_IS_WINDOW (self), NULL);
  return self->session;
}

const char *
pr_window_get_phones_state (PrWindow *self)
{
  g_return_val_if_fail (PR_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->phones_stack);
}

void
pr_window_show_page (PrWindow   *self,
                     const char *name)
{
  g_return_if_fail (PR_IS_WINDOW (self));
  adw_view_stack_set_visible_child_name (self->view_stack, name);
}

GtkWidget *
pr_window_get_grid (PrWindow *self)
{
  g_return_val_if_fail (PR_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->grid_view);
}

GtkWidget *
pr_window_get_log_view (PrWindow *self)
{
  g_return_val_if_fail (PR_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->log_view);
}

GtkWidget *
pr_window_get_firmware_page (PrWindow *self)
{
  g_return_val_if_fail (PR_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->firmware_page);
}

void
pr_window_toast (PrWindow   *self,
                 const char *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}
