/* pr-firmware-page.c — the firmware store: bundles, what each model gets, warnings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "pr-bundle-list.h"
#include "pr-catalog.h"
#include "pr-compat.h"

#include "pr-firmware-page.h"
#include "pr-widget-util.h"

struct _PrFirmwarePage
{
  GtkWidget            parent_instance;

  GtkStack            *stack;
  AdwPreferencesGroup *warnings_group;
  AdwPreferencesGroup *bundles_group;
  AdwPreferencesGroup *models_group;
  AdwActionRow        *store_row;

  PrSession           *session;
  GPtrArray           *bundles;
  GPtrArray           *rows;        /* (group, row) pairs added by reload */
};

G_DEFINE_FINAL_TYPE (PrFirmwarePage, pr_firmware_page, GTK_TYPE_WIDGET)

static void
add_row (PrFirmwarePage      *self,
         AdwPreferencesGroup *group,
         GtkWidget           *row)
{
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, group);
  g_ptr_array_add (self->rows, row);
}

static void
clear_rows (PrFirmwarePage *self)
{
  for (guint i = 0; i + 1 < self->rows->len; i += 2)
    adw_preferences_group_remove (g_ptr_array_index (self->rows, i),
                                  g_ptr_array_index (self->rows, i + 1));
  g_ptr_array_set_size (self->rows, 0);
}

static const char *
kind_name (PrBundleKind kind)
{
  switch (kind)
    {
    case PR_BUNDLE_KIND_APPLICATION: return _("Application");
    case PR_BUNDLE_KIND_BOOTROM:     return _("BootROM");
    case PR_BUNDLE_KIND_UPDATER:     return _("UC Updater");
    case PR_BUNDLE_KIND_COMBINED:    return _("Application (combined image)");
    case PR_BUNDLE_KIND_MIXED:       return _("Application and BootROM");
    default:                         return _("Firmware");
    }
}

static char *
model_names (const char *const *models)
{
  PrCatalog *catalog = pr_catalog_get_default ();
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; models != NULL && models[i] != NULL; i++)
    {
      const PrCatalogModel *model = catalog ? pr_catalog_lookup (catalog, models[i]) : NULL;

      if (out->len > 0)
        g_string_append (out, ", ");
      g_string_append (out, model ? model->name : models[i]);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static GtkWidget *
info_row (const char *title,
          const char *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  return row;
}

static GtkWidget *
bundle_actions (PrBundle *bundle)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");

  if (pr_bundle_get_served (bundle))
    {
      GtkWidget *served = gtk_label_new (_("In use"));
      gtk_widget_add_css_class (served, "served-tag");
      gtk_widget_set_valign (served, GTK_ALIGN_CENTER);
      gtk_box_append (GTK_BOX (box), served);
    }
  else
    {
      GtkWidget *serve = gtk_button_new_with_mnemonic (_("_Use"));
      gtk_widget_set_valign (serve, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (serve, _("Give the phones this bundle instead of the one in use"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (serve), "firmware.serve");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (serve), "s", pr_bundle_get_id (bundle));
      gtk_box_append (GTK_BOX (box), serve);
    }

  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, _("Remove This Bundle"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Remove this bundle"), -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "firmware.remove");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (remove), "s", pr_bundle_get_id (bundle));
  gtk_box_append (GTK_BOX (box), remove);
  return box;
}

static GtkWidget *
bundle_row (PrBundle *bundle)
{
  GtkWidget *row = adw_expander_row_new ();
  const char *version = pr_bundle_get_version (bundle);
  g_autofree char *size = g_format_size (pr_bundle_get_total_size (bundle));
  g_autofree char *models = model_names (pr_bundle_get_models (bundle));
  g_autofree char *subtitle = NULL;
  g_autofree char *imported = NULL;
  GDateTime *when = pr_bundle_get_imported (bundle);

  if (pr_bundle_get_kind (bundle) == PR_BUNDLE_KIND_MIXED)
    /* Translators: versions and size of a bundle with both kinds of image */
    subtitle = g_strdup_printf (_("Application %s and BootROM %s · %s"),
                                pr_bundle_get_app_version (bundle) ? pr_bundle_get_app_version (bundle) : _("(version unknown)"),
                                pr_bundle_get_bootrom_version (bundle) ? pr_bundle_get_bootrom_version (bundle) : _("(version unknown)"),
                                size);
  else
    /* Translators: bundle kind, version and size, e.g. "BootROM 4.2.3 · 12.4 MB" */
    subtitle = g_strdup_printf (_("%s %s · %s"), kind_name (pr_bundle_get_kind (bundle)),
                                version ? version : _("(version unknown)"), size);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pr_bundle_get_name (bundle));
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), bundle_actions (bundle));

  adw_expander_row_add_row (ADW_EXPANDER_ROW (row),
                            info_row (_("Phone Models"), models[0] ? models : _("not known")));
  if (when != NULL)
    {
      imported = g_date_time_format (when, "%x %X");
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), info_row (_("Imported"), imported));
    }
  return row;
}

static void
add_warning (PrFirmwarePage *self,
             const char     *text)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

  gtk_widget_add_css_class (icon, "warning");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
  add_row (self, self->warnings_group, row);
}

static char *
image_text (const char *file,
            const char *version)
{
  if (file == NULL)
    return g_strdup (_("none"));
  return version ? g_strdup_printf ("%s (%s)", file, version) : g_strdup (file);
}

static void
add_model_row (PrFirmwarePage      *self,
               const PrServedImage *served)
{
  g_autofree char *app = image_text (served->app_file, served->app_version);
  g_autofree char *boot = image_text (served->bootrom_file, served->bootrom_version);
  /* Translators: the images a phone model is given */
  g_autofree char *subtitle = g_strdup_printf (_("Application: %s · BootROM: %s"), app, boot);

  add_row (self, self->models_group, info_row (served->model_name, subtitle));
}

static void
fill_models (PrFirmwarePage *self)
{
  g_autoptr(PrCompat) compat = pr_compat_new (NULL, pr_session_get_store_root (self->session));
  GPtrArray *served = pr_compat_get_served (compat);
  GPtrArray *warnings = pr_compat_get_warnings (compat);
  gboolean any_app = FALSE, any_bootrom = FALSE;

  for (guint i = 0; served != NULL && i < served->len; i++)
    {
      const PrServedImage *image = g_ptr_array_index (served, i);

      add_model_row (self, image);
      any_app |= image->app_file != NULL;
      any_bootrom |= image->bootrom_file != NULL;
    }
  for (guint i = 0; warnings != NULL && i < warnings->len; i++)
    add_warning (self, ((PrCompatWarning *) g_ptr_array_index (warnings, i))->message);

  if (any_bootrom && !any_app)
    add_warning (self, _("There is a BootROM but no application in the store: the phones will update their BootROM and then stop at “Application not present”. Import the application bundle."));
  gtk_widget_set_visible (GTK_WIDGET (self->models_group), served != NULL && served->len > 0);
}

static void
fill_bundles (PrFirmwarePage *self)
{
  for (guint i = 0; i < self->bundles->len; i++)
    add_row (self, self->bundles_group, bundle_row (g_ptr_array_index (self->bundles, i)));
  if (self->bundles->len == 0)
    add_row (self, self->bundles_group,
             info_row (_("No imported bundles"), _("The firmware folder holds files placed there by hand; they are given to the phones as they are.")));
}

void
pr_firmware_page_reload (PrFirmwarePage *self)
{
  PrFirmwareStore *store;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (PR_IS_FIRMWARE_PAGE (self));

  clear_rows (self);
  g_clear_pointer (&self->bundles, g_ptr_array_unref);
  store = self->session ? pr_session_get_store (self->session) : NULL;
  if (store == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  adw_action_row_set_subtitle (self->store_row, pr_firmware_store_get_root (store));
  self->bundles = pr_bundle_list_load (pr_firmware_store_get_root (store), &error);
  if (self->bundles == NULL)
    {
      g_warning ("Cannot list the firmware bundles: %s", error->message);
      self->bundles = g_ptr_array_new ();
    }

  fill_bundles (self);
  fill_models (self);
  gtk_widget_set_visible (GTK_WIDGET (self->warnings_group), FALSE);
  for (guint i = 0; i < self->rows->len; i += 2)
    if (g_ptr_array_index (self->rows, i) == self->warnings_group)
      gtk_widget_set_visible (GTK_WIDGET (self->warnings_group), TRUE);

  gtk_stack_set_visible_child_name (self->stack,
      self->bundles->len > 0 || pr_session_get_has_firmware (self->session) ? "list" : "empty");
}

static void
report_error (PrFirmwarePage *self,
              const char     *heading,
              GError         *error)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              heading, error->message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_remove_response (AdwMessageDialog *dialog,
                    const char       *response,
                    PrFirmwarePage   *self)
{
  const char *id = g_object_get_data (G_OBJECT (dialog), "bundle-id");
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (response, "remove") || self->session == NULL)
    return;
  if (!pr_bundle_list_remove (pr_session_get_store_root (self->session), id, &error))
    report_error (self, _("Cannot Remove the Bundle"), error);
  pr_session_firmware_changed (self->session);
}

static void
remove_bundle (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PrFirmwarePage *self = PR_FIRMWARE_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  PrBundle *bundle = self->bundles ? pr_bundle_list_find (self->bundles, id, NULL) : NULL;
  GtkWidget *dialog;

  if (bundle == NULL)
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (root), _("Remove Firmware?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("“%s” will be deleted from the firmware folder. Phones that still need it will fail until you import it again."),
                                  pr_bundle_get_name (bundle));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), "remove", _("_Remove"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  g_object_set_data_full (G_OBJECT (dialog), "bundle-id", g_strdup (id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_remove_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
serve_bundle (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  PrFirmwarePage *self = PR_FIRMWARE_PAGE (widget);
  g_autoptr(GError) error = NULL;

  if (self->session == NULL)
    return;
  if (!pr_bundle_list_serve (pr_session_get_store_root (self->session),
                             g_variant_get_string (parameter, NULL), &error))
    report_error (self, _("Cannot Use This Bundle"), error);
  pr_session_firmware_changed (self->session);
}

static void
open_folder (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PrFirmwarePage *self = PR_FIRMWARE_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *uri = NULL;

  if (self->session == NULL || pr_session_get_store_root (self->session) == NULL)
    return;
  uri = g_filename_to_uri (pr_session_get_store_root (self->session), NULL, NULL);
  if (uri != NULL)
    gtk_show_uri (GTK_WINDOW (root), uri, GDK_CURRENT_TIME);
}

static void
pr_firmware_page_dispose (GObject *object)
{
  PrFirmwarePage *self = PR_FIRMWARE_PAGE (object);

  pr_firmware_page_set_session (self, NULL);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->bundles, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), PR_TYPE_FIRMWARE_PAGE);
  clear_children (GTK_WIDGET (self));

  G_OBJECT_CLASS (pr_firmware_page_parent_class)->dispose (object);
}

static void
pr_firmware_page_class_init (PrFirmwarePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pr_firmware_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
      "/io/github/phonerescue/PhoneRescue/pr-firmware-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PrFirmwarePage, stack);
  gtk_widget_class_bind_template_child (widget_class, PrFirmwarePage, warnings_group);
  gtk_widget_class_bind_template_child (widget_class, PrFirmwarePage, bundles_group);
  gtk_widget_class_bind_template_child (widget_class, PrFirmwarePage, models_group);
  gtk_widget_class_bind_template_child (widget_class, PrFirmwarePage, store_row);
  gtk_widget_class_install_action (widget_class, "firmware.remove", "s", remove_bundle);
  gtk_widget_class_install_action (widget_class, "firmware.serve", "s", serve_bundle);
  gtk_widget_class_install_action (widget_class, "firmware.open-folder", NULL, open_folder);
}

static void
pr_firmware_page_init (PrFirmwarePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new ();
  self->bundles = g_ptr_array_new ();
}

void
pr_firmware_page_set_session (PrFirmwarePage *self,
                              PrSession      *session)
{
  g_return_if_fail (PR_IS_FIRMWARE_PAGE (self));

  if (self->session == session)
    return;
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    g_signal_connect_object (session, "firmware-changed",
                             G_CALLBACK (pr_firmware_page_reload), self, G_CONNECT_SWAPPED);
  pr_firmware_page_reload (self);
}

guint
pr_firmware_page_get_n_bundles (PrFirmwarePage *self)
{
  g_return_val_if_fail (PR_IS_FIRMWARE_PAGE (self), 0);
  return self->bundles ? self->bundles->len : 0;
}
