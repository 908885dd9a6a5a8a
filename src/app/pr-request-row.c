/* pr-request-row.c — one line of a request log
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "pr-format.h"
#include "pr-request-row.h"
#include "pr-widget-util.h"

struct _PrRequestRow
{
  GtkWidget  parent_instance;

  GtkLabel  *time_label;
  GtkLabel  *client_label;
  GtkLabel  *method_label;
  GtkLabel  *status_label;
  GtkLabel  *path_label;
  GtkLabel  *bytes_label;
};

G_DEFINE_FINAL_TYPE (PrRequestRow, pr_request_row, GTK_TYPE_WIDGET)

static void
pr_request_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), PR_TYPE_REQUEST_ROW);
  clear_children (GTK_WIDGET (object));
  G_OBJECT_CLASS (pr_request_row_parent_class)->dispose (object);
}

static void
pr_request_row_class_init (PrRequestRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pr_request_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
      "/io/github/phonerescue/PhoneRescue/pr-request-row.ui");
  gtk_widget_class_set_css_name (widget_class, "requestrow");
  gtk_widget_class_bind_template_child (widget_class, PrRequestRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, PrRequestRow, client_label);
  gtk_widget_class_bind_template_child (widget_class, PrRequestRow, method_label);
  gtk_widget_class_bind_template_child (widget_class, PrRequestRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, PrRequestRow, path_label);
  gtk_widget_class_bind_template_child (widget_class, PrRequestRow, bytes_label);
}

static void
pr_request_row_init (PrRequestRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
pr_request_row_new (gboolean show_client)
{
  PrRequestRow *self = g_object_new (PR_TYPE_REQUEST_ROW, NULL);

  gtk_widget_set_visible (GTK_WIDGET (self->client_label), show_client);
  return GTK_WIDGET (self);
}

static char *
status_text (PrRequestRecord *record)
{
  guint status = pr_request_record_get_status (record);

  return status ? g_strdup_printf ("%u", status) : g_strdup ("–");
}

void
pr_request_row_set_record (PrRequestRow    *self,
                           PrRequestRecord *record)
{
  g_autofree char *time_text = NULL;
  g_autofree char *status = NULL;
  g_autofree char *bytes = NULL;
  guint code;
  const char *ua;

  g_return_if_fail (PR_IS_REQUEST_ROW (self));

  gtk_widget_remove_css_class (GTK_WIDGET (self), "not-found");
  gtk_widget_remove_css_class (GTK_WIDGET (self), "failed-request");
  gtk_widget_remove_css_class (GTK_WIDGET (self), "incomplete");
  if (record == NULL)
    return;

  code = pr_request_record_get_status (record);
  time_text = pr_format_clock (pr_request_record_get_time (record));
  status = status_text (record);
  bytes = g_format_size (pr_request_record_get_bytes (record));
  gtk_label_set_label (self->time_label, time_text);
  gtk_label_set_label (self->client_label, pr_request_record_get_ip (record));
  gtk_label_set_label (self->method_label, pr_request_record_get_method (record));
  gtk_label_set_label (self->status_label, status);
  gtk_label_set_label (self->path_label, pr_request_record_get_path (record));
  gtk_label_set_label (self->bytes_label, bytes);

  if (code == 404)
    gtk_widget_add_css_class (GTK_WIDGET (self), "not-found");
  else if (code >= 400 || code == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self), "failed-request");
  if (!pr_request_record_get_complete (record))
    gtk_widget_add_css_class (GTK_WIDGET (self), "incomplete");

  ua = pr_request_record_get_user_agent (record);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), ua && ua[0] ? ua : NULL);
}

char *
pr_request_row_format (PrRequestRecord *record)
{
  g_autofree char *time_text = pr_format_clock (pr_request_record_get_time (record));
  g_autofree char *status = status_text (record);
  g_autofree char *bytes = g_format_size (pr_request_record_get_bytes (record));

  return g_strdup_printf ("%s %s %s %s %s %s%s", time_text,
                          pr_request_record_get_ip (record),
                          pr_request_record_get_method (record),
                          pr_request_record_get_path (record),
                          status, bytes,
                          pr_request_record_get_complete (record) ? "" : _(" (cut short)"));
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  show_client)
{
  gtk_list_item_set_child (item, pr_request_row_new (GPOINTER_TO_INT (show_client)));
  gtk_list_item_set_activatable (item, FALSE);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item)
{
  pr_request_row_set_record (PR_REQUEST_ROW (gtk_list_item_get_child (item)),
                             gtk_list_item_get_item (item));
}

GtkListItemFactory *
pr_request_row_factory_new (gboolean show_client)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), GINT_TO_POINTER (show_client));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  return factory;
}
