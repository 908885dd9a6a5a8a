/* pr-setup-page.c — "How to point a phone here"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "phone-rescue-core.h"
#include "pr-catalog.h"

#include "pr-setup-page.h"
#include "pr-widget-util.h"

typedef struct {
  const char *family;        /* catalog family */
  const char *fallback_name;
  gboolean    always_updater;
} Family;

static const Family families[] = {
  { "soundpoint",   "SoundPoint IP",   FALSE },
  { "soundstation", "SoundStation IP", FALSE },
  { "vvx",          "VVX",             TRUE },
};

struct _PrSetupPage
{
  GtkWidget           parent_instance;

  GtkLabel           *server_label;
  AdwPreferencesGroup *static_group;
  GtkLabel           *computer_label;
  GtkLabel           *netmask_label;
  GtkLabel           *suggested_label;
  AdwComboRow        *family_row;
  GtkWidget          *updater_row;
  GtkSwitch          *updater_switch;
  GtkListBox         *steps_list;

  char               *phone_address;
};

G_DEFINE_FINAL_TYPE (PrSetupPage, pr_setup_page, GTK_TYPE_WIDGET)

/* Used when the catalog is missing or does not know the family */
static GStrv
builtin_steps (gboolean    updater,
               const char *server)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *address_step = g_strdup_printf (_("Set Server Address to %s."), server);

  g_strv_builder_add (builder, _("Power the phone off and on."));
  if (updater)
    g_strv_builder_add (builder, _("When it shows “Loading application”, press Cancel."));
  g_strv_builder_add (builder, _("During the countdown press the Setup soft key."));
  g_strv_builder_add (builder, _("Enter the password 456 (or the phone’s MAC address) and press Enter."));
  g_strv_builder_add (builder, _("Open DHCP Menu → Boot Server and choose Static (or switch DHCP off and give the phone a static address)."));
  g_strv_builder_add (builder, _("Open Server Menu → Server Type and choose HTTP."));
  g_strv_builder_add (builder, address_step);
  g_strv_builder_add (builder, _("Clear Server User and Server Password."));
  g_strv_builder_add (builder, _("Press Exit and choose Save & Reboot."));
  return g_strv_builder_end (builder);
}

static GtkWidget *
step_row (guint       number,
          const char *text)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *number_text = g_strdup_printf ("%u", number);
  GtkWidget *number_label = gtk_label_new (number_text);

  gtk_widget_add_css_class (number_label, "step-number");
  gtk_widget_set_valign (number_label, GTK_ALIGN_CENTER);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), number_label);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
  return row;
}

static void
fill_steps (PrSetupPage *self)
{
  guint selected = adw_combo_row_get_selected (self->family_row);
  const Family *family = &families[MIN (selected, G_N_ELEMENTS (families) - 1)];
  gboolean updater = family->always_updater || gtk_switch_get_active (self->updater_switch);
  PrCatalog *catalog = pr_catalog_get_default ();
  const char *server = self->phone_address ? self->phone_address : _("this computer’s address");
  g_auto(GStrv) steps = NULL;
  GtkWidget *child;

  if (catalog != NULL)
    steps = pr_catalog_get_setup_steps (catalog, family->family, updater, server);
  if (steps == NULL)
    steps = builtin_steps (updater, server);

  gtk_widget_set_visible (self->updater_row, !family->always_updater);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->steps_list))) != NULL)
    gtk_list_box_remove (self->steps_list, child);
  for (guint i = 0; steps[i] != NULL; i++)
    gtk_list_box_append (self->steps_list, step_row (i + 1, steps[i]));
}

static GListModel *
family_labels (void)
{
  PrCatalog *catalog = pr_catalog_get_default ();
  GtkStringList *labels = gtk_string_list_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (families); i++)
    {
      const char *name = catalog ? pr_catalog_get_family_name (catalog, families[i].family) : NULL;
      gtk_string_list_append (labels, name ? name : families[i].fallback_name);
    }
  return G_LIST_MODEL (labels);
}

static void
copy_address (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  PrSetupPage *self = PR_SETUP_PAGE (widget);

  if (self->phone_address != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->phone_address);
}

static void
pr_setup_page_dispose (GObject *object)
{
  PrSetupPage *self = PR_SETUP_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PR_TYPE_SETUP_PAGE);
  clear_children (GTK_WIDGET (self));
  g_clear_pointer (&self->phone_address, g_free);

  G_OBJECT_CLASS (pr_setup_page_parent_class)->dispose (object);
}

static void
pr_setup_page_class_init (PrSetupPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pr_setup_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
      "/io/github/phonerescue/PhoneRescue/pr-setup-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PrSetupPage, server_label);
  gtk_widget_class_bind_template_child (widget_class, PrSetupPage, static_group);
  gtk_widget_class_bind_template_child (widget_class, PrSetupPage, computer_label);
  gtk_widget_class_bind_template_child (widget_class, PrSetupPage, netmask_label);
  gtk_widget_class_bind_template_child (widget_class, PrSetupPage, suggested_label);
  gtk_widget_class_bind_template_child (widget_class, PrSetupPage, family_row);
  gtk_widget_class_bind_template_child (widget_class, PrSetupPage, updater_row);
  gtk_widget_class_bind_template_child (widget_class, PrSetupPage, updater_switch);
  gtk_widget_class_bind_template_child (widget_class, PrSetupPage, steps_list);
  gtk_widget_class_install_action (widget_class, "setup.copy-address", NULL, copy_address);
}

static void
pr_setup_page_init (PrSetupPage *self)
{
  g_autoptr(GListModel) labels = family_labels ();

  gtk_widget_init_template (GTK_WIDGET (self));

  adw_combo_row_set_model (self->family_row, labels);
  g_signal_connect_object (self->family_row, "notify::selected",
                           G_CALLBACK (fill_steps), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->updater_switch, "notify::active",
                           G_CALLBACK (fill_steps), self, G_CONNECT_SWAPPED);
  pr_setup_page_set_target (self, NULL, 0, PR_DEFAULT_PORT);
}

void
pr_setup_page_set_target (PrSetupPage *self,
                          const char  *address,
                          guint        prefix,
                          guint        port)
{
  g_autofree char *netmask = NULL;
  g_autofree char *suggested = NULL;
  gboolean ipv4 = address != NULL && strchr (address, ':') == NULL && prefix > 0;

  g_return_if_fail (PR_IS_SETUP_PAGE (self));

  g_clear_pointer (&self->phone_address, g_free);
  if (address != NULL)
    self->phone_address = pr_server_address_for_phone (address, port);
  gtk_label_set_label (self->server_label,
                       self->phone_address ? self->phone_address : _("Choose a network first"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "setup.copy-address", self->phone_address != NULL);

  if (ipv4)
    {
      netmask = pr_interfaces_netmask_from_prefix (prefix);
      suggested = pr_interfaces_suggest_peer_address (address, prefix);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->static_group), ipv4);
  gtk_label_set_label (self->computer_label, address ? address : "");
  gtk_label_set_label (self->netmask_label, netmask ? netmask : "");
  gtk_label_set_label (self->suggested_label, suggested ? suggested : _("none free"));
  fill_steps (self);
}

const char *
pr_setup_page_get_phone_address (PrSetupPage *self)
{
  g_return_val_if_fail (PR_IS_SETUP_PAGE (self), NULL);
  return self->phone_address;
}
