/* pr-window-actions.c — what the window's buttons and shortcuts do
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "pr-report.h"
#include "pr-window-private.h"

#define SYSCTL_COMMAND "sudo sysctl net.ipv4.ip_unprivileged_port_start=80"

static void import_next (PrWindow *self);

/* Starting the server */

static guint
fallback_port (guint port)
{
  return port != PR_FALLBACK_PORT ? PR_FALLBACK_PORT : PR_FALLBACK_PORT + 1;
}

static void
copy_sysctl (GtkButton *button)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)), SYSCTL_COMMAND);
  gtk_button_set_icon_name (button, "object-select-symbolic");
}

static GtkWidget *
sysctl_box (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (SYSCTL_COMMAND);
  GtkWidget *copy = gtk_button_new_from_icon_name ("edit-copy-symbolic");

  gtk_widget_add_css_class (box, "command-box");
  gtk_widget_add_css_class (label, "monospace");
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_CHAR);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_tooltip_text (copy, _("Copy the Command"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (copy), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Copy the command"), -1);
  gtk_widget_set_valign (copy, GTK_ALIGN_CENTER);
  g_signal_connect (copy, "clicked", G_CALLBACK (copy_sysctl), NULL);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), copy);
  return box;
}

static void
on_start_error_response (AdwMessageDialog *dialog,
                         const char       *response,
                         PrWindow         *self)
{
  guint port = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dialog), "fallback-port"));

  if (g_str_equal (response, "fallback"))
    {
      gtk_spin_button_set_value (self->port_spin, port);
      pr_window_start_server (self);
    }
  else if (g_str_equal (response, "retry"))
    pr_window_start_server (self);
  else if (g_str_equal (response, "refresh"))
    pr_address_picker_refresh (self->address_picker);
}

static AdwMessageDialog *
port_dialog (PrWindow   *self,
             GError     *error,
             const char *address,
             guint       port)
{
  guint fallback = fallback_port (port);
  g_autofree char *url = pr_server_address_for_phone (address, fallback);
  g_autofree char *use_label = g_strdup_printf (_("_Use Port %u"), fallback);
  AdwMessageDialog *dialog;
  gboolean privileged = g_error_matches (error, PR_ERROR, PR_ERROR_PORT_PRIVILEGED);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), NULL, NULL));
  if (privileged)
    {
      adw_message_dialog_format_heading (dialog, _("Port %u Needs Permission"), port);
      adw_message_dialog_format_body (dialog,
          _("This computer lets only administrators use ports below 1024.\n\n"
            "Use port %u instead: then enter %s as the server address on each phone. "
            "Or allow port 80 once with the command below, as an administrator, and start again "
            "(every phone accepts port 80; old BootROMs may need it)."),
          fallback, url);
      adw_message_dialog_set_extra_child (dialog, sysctl_box ());
      adw_message_dialog_add_response (dialog, "retry", _("_Try Again"));
    }
  else
    {
      adw_message_dialog_format_heading (dialog, _("Port %u Is in Use"), port);
      adw_message_dialog_format_body (dialog,
          _("Another program on this computer (often a web server) already uses port %u. "
            "Stop that program, or use port %u: then enter %s as the server address on each phone."),
          port, fallback, url);
    }
  adw_message_dialog_add_response (dialog, "fallback", use_label);
  adw_message_dialog_set_response_appearance (dialog, "fallback", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "fallback");
  g_object_set_data (G_OBJECT (dialog), "fallback-port", GUINT_TO_POINTER (fallback));
  return dialog;
}

void
pr_window_show_start_error (PrWindow   *self,
                            GError     *error,
                            const char *address,
                            guint       port)
{
  AdwMessageDialog *dialog;

  g_return_if_fail (PR_IS_WINDOW (self));
  g_return_if_fail (error != NULL);

  if (g_error_matches (error, PR_ERROR, PR_ERROR_PORT_PRIVILEGED) ||
      g_error_matches (error, PR_ERROR, PR_ERROR_PORT_BUSY))
    dialog = port_dialog (self, error, address, port);
  else if (g_error_matches (error, PR_ERROR, PR_ERROR_ADDRESS_UNAVAILABLE))
    {
      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                           _("This Address Is Gone"), NULL));
      adw_message_dialog_format_body (dialog,
          _("%s\n\nThe network may have changed. Choose this computer’s current address at the top left and start again."),
          error->message);
      adw_message_dialog_add_response (dialog, "refresh", _("_Refresh the List"));
      adw_message_dialog_set_response_appearance (dialog, "refresh", ADW_RESPONSE_SUGGESTED);
    }
  else
    {
      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                           _("Cannot Start the Server"),
                                                           error->message));
    }
  adw_message_dialog_add_response (dialog, "cancel", _("_Cancel"));
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_start_error_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_no_network (PrWindow *self)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("No Network"),
      _("This computer has no network address the phones could reach. Connect it with a cable to the phones’ switch, wait until the network is up, then start again."));

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

gboolean
pr_window_start_server (PrWindow *self)
{
  PrAddressItem *item;
  g_autoptr(GError) error = NULL;
  guint port;

  g_return_val_if_fail (PR_IS_WINDOW (self), FALSE);

  if (pr_session_get_running (self->session))
    return TRUE;
  pr_address_picker_refresh (self->address_picker);
  item = pr_address_picker_get_selected (self->address_picker);
  if (item == NULL)
    {
      show_no_network (self);
      return FALSE;
    }
  gtk_spin_button_update (self->port_spin);
  port = (guint) gtk_spin_button_get_value_as_int (self->port_spin);
  if (!pr_session_start (self->session, pr_address_item_get_address (item), port, &error))
    {
      pr_window_show_start_error (self, error, pr_address_item_get_address (item), port);
      return FALSE;
    }
  return TRUE;
}

static void
toggle_server (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PrWindow *self = PR_WINDOW (widget);

  if (pr_session_get_running (self->session))
    pr_session_stop (self->session);
  else
    pr_window_start_server (self);
}

/* Importing firmware */

static void
on_import_progress (PrWindow         *self,
                    GParamSpec       *pspec,
                    PrBundleImporter *importer)
{
  gtk_progress_bar_set_fraction (self->import_progress, pr_bundle_importer_get_progress (importer));
}

static char *
imported_text (GPtrArray *bundles)
{
  PrBundle *bundle = bundles->len > 0 ? g_ptr_array_index (bundles, 0) : NULL;

  if (bundle == NULL)
    return g_strdup (_("The file held no firmware"));
  if (pr_bundle_get_already_present (bundle))
    return g_strdup_printf (_("“%s” was already imported"), pr_bundle_get_name (bundle));
  if (bundles->len > 1)
    return g_strdup_printf (g_dngettext (NULL, "Imported %u bundle", "Imported %u bundles", bundles->len),
                            bundles->len);
  return g_strdup_printf (_("Imported “%s”"), pr_bundle_get_name (bundle));
}

static void
show_import_error (PrWindow   *self,
                   GFile      *file,
                   GError     *error)
{
  g_autofree char *name = g_file_get_basename (file);
  GtkWidget *dialog;

  if (g_error_matches (error, PR_ERROR, PR_ERROR_CANCELLED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      pr_window_toast (self, _("Import cancelled"));
      return;
    }
  dialog = adw_message_dialog_new (GTK_WINDOW (self), NULL, error->message);
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Cannot Import “%s”"), name);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_import_done (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  g_autoptr(PrWindow) self = data;
  g_autoptr(GFile) file = g_object_steal_data (source, "pr-file");
  g_autoptr(GPtrArray) bundles = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  bundles = pr_bundle_importer_import_finish (PR_BUNDLE_IMPORTER (source), result, &error);
  g_signal_handlers_disconnect_by_data (source, self);
  g_clear_object (&self->importer);
  g_clear_object (&self->import_cancellable);

  if (bundles == NULL)
    show_import_error (self, file, error);
  else
    {
      text = imported_text (bundles);
      pr_window_toast (self, text);
    }
  if (self->session != NULL)
    pr_session_firmware_changed (self->session);
  import_next (self);
}

static void
import_next (PrWindow *self)
{
  g_autoptr(GFile) file = g_queue_pop_head (&self->import_queue);
  g_autofree char *name = NULL;
  g_autofree char *label = NULL;
  PrFirmwareStore *store = self->session ? pr_session_get_store (self->session) : NULL;

  gtk_revealer_set_reveal_child (self->import_revealer, file != NULL);
  pr_window_update_actions (self);
  if (file == NULL || store == NULL)
    return;

  name = g_file_get_basename (file);
  /* Translators: shown while a firmware file is imported */
  label = g_strdup_printf (_("Importing “%s”…"), name);
  gtk_label_set_label (self->import_label, label);
  gtk_progress_bar_set_fraction (self->import_progress, 0);

  self->importer = pr_bundle_importer_new_for_store (store);
  self->import_cancellable = g_cancellable_new ();
  g_signal_connect_object (self->importer, "notify::progress",
                           G_CALLBACK (on_import_progress), self, G_CONNECT_SWAPPED);
  g_object_set_data_full (G_OBJECT (self->importer), "pr-file", g_object_ref (file), g_object_unref);
  pr_bundle_importer_import_async (self->importer, file, self->import_cancellable,
                                   on_import_done, g_object_ref (self));
  pr_window_update_actions (self);
}

void
pr_window_import_files (PrWindow  *self,
                        GFile    **files,
                        guint      n_files)
{
  g_return_if_fail (PR_IS_WINDOW (self));

  for (guint i = 0; i < n_files; i++)
    g_queue_push_tail (&self->import_queue, g_object_ref (files[i]));
  if (self->importer == NULL)
    import_next (self);
}

gboolean
pr_window_get_importing (PrWindow *self)
{
  g_return_val_if_fail (PR_IS_WINDOW (self), FALSE);
  return self->importer != NULL || !g_queue_is_empty (&self->import_queue);
}

static void
cancel_import (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PrWindow *self = PR_WINDOW (widget);

  g_queue_clear_full (&self->import_queue, g_object_unref);
  if (self->import_cancellable != NULL)
    g_cancellable_cancel (self->import_cancellable);
}

static void
on_import_chooser_response (PrWindow             *self,
                            int                   response,
                            GtkFileChooserNative *chooser)
{
  g_autoptr(GListModel) files = NULL;
  g_autoptr(GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);

  if (response == GTK_RESPONSE_ACCEPT)
    files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
  for (guint i = 0; files != NULL && i < g_list_model_get_n_items (files); i++)
    g_ptr_array_add (array, g_list_model_get_item (files, i));
  pr_window_import_files (self, (GFile **) array->pdata, array->len);
  g_clear_object (&self->chooser);
}

static void
import_firmware (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  PrWindow *self = PR_WINDOW (widget);
  g_autoptr(GtkFileFilter) firmware = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  gtk_file_filter_set_name (firmware, _("Firmware (zip, tar, .ld)"));
  gtk_file_filter_add_suffix (firmware, "zip");
  gtk_file_filter_add_suffix (firmware, "tar");
  gtk_file_filter_add_suffix (firmware, "gz");
  gtk_file_filter_add_suffix (firmware, "tgz");
  gtk_file_filter_add_suffix (firmware, "bz2");
  gtk_file_filter_add_suffix (firmware, "xz");
  gtk_file_filter_add_suffix (firmware, "ld");
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");

  self->chooser = gtk_file_chooser_native_new (_("Import Firmware"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Import"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (self->chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), firmware);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_import_chooser_response),
                           self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* The rescue report */

static void
on_report_saved (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(PrWindow) self = data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Cannot Save the Report"),
                                                  error->message);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  pr_window_toast (self, _("Report saved"));
}

static void
on_report_chooser_response (PrWindow             *self,
                            int                   response,
                            GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;
  char *csv;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);
  if (file == NULL)
    return;

  csv = pr_report_csv (G_LIST_MODEL (pr_session_get_registry (self->session)));
  bytes = g_bytes_new_take (csv, strlen (csv));
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       NULL, on_report_saved, g_object_ref (self));
}

static void
export_report (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PrWindow *self = PR_WINDOW (widget);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  /* Translators: file name of the rescue report; %s is the date */
  g_autofree char *name = g_strdup_printf (_("phone-rescue-report-%s.csv"), date);

  self->chooser = gtk_file_chooser_native_new (_("Export Rescue Report"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_report_chooser_response),
                           self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* Small things */

static void
copy_phone_address (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  PrWindow *self = PR_WINDOW (widget);
  g_autofree char *address = pr_session_dup_phone_address (self->session);

  if (address == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), address);
  pr_window_toast (self, _("Server address copied"));
}

static void
copy_firewall_command (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  PrWindow *self = PR_WINDOW (widget);
  const char *which = g_variant_get_string (parameter, NULL);
  AdwActionRow *row = g_str_equal (which, "ufw") ? self->ufw_row : self->firewalld_row;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), adw_action_row_get_subtitle (row));
  pr_window_toast (self, _("Command copied"));
}

static void
show_page (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  pr_window_show_page (PR_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

void
pr_window_update_actions (PrWindow *self)
{
  GListModel *phones = G_LIST_MODEL (pr_session_get_registry (self->session));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-report",
                                 g_list_model_get_n_items (phones) > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-import", self->importer != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.copy-phone-address",
                                 pr_session_get_running (self->session));
}

void
pr_window_actions_dispose (PrWindow *self)
{
  g_queue_clear_full (&self->import_queue, g_object_unref);
  if (self->import_cancellable != NULL)
    g_cancellable_cancel (self->import_cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
}

void
pr_window_class_actions_init (PrWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "win.toggle-server", NULL, toggle_server);
  gtk_widget_class_install_action (widget_class, "win.import-firmware", NULL, import_firmware);
  gtk_widget_class_install_action (widget_class, "win.cancel-import", NULL, cancel_import);
  gtk_widget_class_install_action (widget_class, "win.export-report", NULL, export_report);
  gtk_widget_class_install_action (widget_class, "win.copy-phone-address", NULL, copy_phone_address);
  gtk_widget_class_install_action (widget_class, "win.copy-firewall-command", "s", copy_firewall_command);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page);
}
