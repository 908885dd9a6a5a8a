/* pr-preferences-window.c — port, firmware folder, master config, upload limit
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "pr-preferences-window.h"

#define MIB (1024 * 1024)

struct _PrPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GtkSpinButton        *port_spin;
  GtkSpinButton        *upload_spin;
  AdwActionRow         *store_row;
  GtkSwitch            *keep_config_switch;

  PrSession            *session;
  GSettings            *settings;
  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (PrPreferencesWindow, pr_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static gboolean
bytes_to_mib (GValue   *value,
              GVariant *variant,
              gpointer  data)
{
  g_value_set_double (value, (double) g_variant_get_uint32 (variant) / MIB);
  return TRUE;
}

static GVariant *
mib_to_bytes (const GValue       *value,
              const GVariantType *type,
              gpointer            data)
{
  return g_variant_new_uint32 ((guint32) (g_value_get_double (value) * MIB));
}

static void
update_store_row (PrPreferencesWindow *self)
{
  g_autofree char *location = g_settings_get_string (self->settings, "store-location");
  g_autofree char *path = location[0] ? g_strdup (location) : pr_firmware_store_default_root ();
  g_autofree char *pending = NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.reset-store", location[0] != '\0');
  /* A running server keeps its folder until it is stopped. */
  if (pr_session_get_running (self->session) &&
      g_strcmp0 (path, pr_session_get_store_root (self->session)) != 0)
    {
      /* Translators: a folder, and when it will be used */
      pending = g_strdup_printf (_("%s (from the next start of the server)"), path);
      adw_action_row_set_subtitle (self->store_row, pending);
      return;
    }
  adw_action_row_set_subtitle (self->store_row, path);
}

static void
on_chooser_response (PrPreferencesWindow  *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) folder = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (folder != NULL)
    path = g_file_get_path (folder);
  if (path != NULL)
    g_settings_set_string (self->settings, "store-location", path);
  g_clear_object (&self->chooser);
}

static void
choose_store (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  PrPreferencesWindow *self = PR_PREFERENCES_WINDOW (widget);

  self->chooser = gtk_file_chooser_native_new (_("Choose the Firmware Folder"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                               _("_Select"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_chooser_response),
                           self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
reset_store (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  g_settings_reset (PR_PREFERENCES_WINDOW (widget)->settings, "store-location");
}

static void
pr_preferences_window_dispose (GObject *object)
{
  PrPreferencesWindow *self = PR_PREFERENCES_WINDOW (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_object (&self->settings);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), PR_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (pr_preferences_window_parent_class)->dispose (object);
}

static void
pr_preferences_window_class_init (PrPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pr_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
      "/io/github/phonerescue/PhoneRescue/pr-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PrPreferencesWindow, port_spin);
  gtk_widget_class_bind_template_child (widget_class, PrPreferencesWindow, upload_spin);
  gtk_widget_class_bind_template_child (widget_class, PrPreferencesWindow, store_row);
  gtk_widget_class_bind_template_child (widget_class, PrPreferencesWindow, keep_config_switch);
  gtk_widget_class_install_action (widget_class, "prefs.choose-store", NULL, choose_store);
  gtk_widget_class_install_action (widget_class, "prefs.reset-store", NULL, reset_store);
}

static void
pr_preferences_window_init (PrPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

PrPreferencesWindow *
pr_preferences_window_new (GtkWindow *parent,
                           PrSession *session)
{
  PrPreferencesWindow *self;

  g_return_val_if_fail (PR_IS_SESSION (session), NULL);

  self = g_object_new (PR_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);
  self->session = g_object_ref (session);
  self->settings = g_object_ref (pr_session_get_settings (session));

  g_settings_bind (self->settings, "port", self->port_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "keep-master-config", self->keep_config_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "upload-cap", self->upload_spin, "value",
                                G_SETTINGS_BIND_DEFAULT, bytes_to_mib, mib_to_bytes, NULL, NULL);
  g_signal_connect_object (self->settings, "changed::store-location",
                           G_CALLBACK (update_store_row), self, G_CONNECT_SWAPPED);
  update_store_row (self);
  return self;
}
