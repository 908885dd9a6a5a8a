/* pr-phone-details.c — everything about one phone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "pr-format.h"
#include "pr-phone-details.h"
#include "pr-request-record.h"
#include "pr-request-row.h"

#define REFRESH_INTERVAL_MS 500
#define MAX_LOG_SIZE (8 * 1024 * 1024)

struct _PrPhoneDetails
{
  AdwWindow        parent_instance;

  AdwToastOverlay *toast_overlay;
  AdwActionRow    *result_row;
  AdwActionRow    *model_row;
  AdwActionRow    *mac_row;
  AdwActionRow    *ip_row;
  AdwActionRow    *bootrom_row;
  AdwActionRow    *app_row;
  AdwActionRow    *first_seen_row;
  AdwActionRow    *finished_row;
  GtkWidget       *web_button;
  GtkListView     *request_list;
  GtkStack        *boot_log_stack;
  GtkTextView     *boot_log_view;
  GtkStack        *app_log_stack;
  GtkTextView     *app_log_view;

  PrPhone         *phone;
  guint            refresh_source;
};

G_DEFINE_FINAL_TYPE (PrPhoneDetails, pr_phone_details, ADW_TYPE_WINDOW)

static const char *
or_unknown (const char *text)
{
  return text != NULL && text[0] != '\0' ? text : _("unknown");
}

static char *
result_text (PrPhone *phone)
{
  switch (pr_phone_get_stage (phone))
    {
    case PR_STAGE_DONE:
      return g_strdup (_("Rescued"));
    case PR_STAGE_FAILED:
      /* Translators: a failed rescue and its reason */
      return g_strdup_printf (_("Failed: %s"), or_unknown (pr_phone_get_reason (phone)));
    case PR_STAGE_BOOTLOADER:
      return g_strdup (_("Updating the bootloader"));
    case PR_STAGE_APPLICATION:
      return g_strdup (_("Installing the application"));
    case PR_STAGE_WAITING:
    default:
      return g_strdup (_("Waiting for the phone"));
    }
}

/* "4.2.3 → 4.4.0", or just "4.4.0" when it did not change */
static char *
versions_text (const char *before,
               const char *after)
{
  if (before == NULL && after == NULL)
    return g_strdup (_("unknown"));
  if (g_strcmp0 (before, after) == 0 || before == NULL)
    return g_strdup (after);
  if (after == NULL)
    return g_strdup (before);
  /* Translators: a version before and after the rescue */
  return g_strdup_printf (_("%s → %s"), before, after);
}

static void
set_time_row (AdwActionRow *row,
              gint64        time_us,
              const char   *none)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *text = NULL;

  if (time_us <= 0)
    {
      adw_action_row_set_subtitle (row, none);
      return;
    }
  dt = g_date_time_new_from_unix_local (time_us / G_USEC_PER_SEC);
  text = g_date_time_format (dt, "%x %X");
  adw_action_row_set_subtitle (row, text);
}

static void
refresh_overview (PrPhoneDetails *self)
{
  PrPhone *phone = self->phone;
  g_autofree char *result = result_text (phone);
  g_autofree char *bootrom = versions_text (pr_phone_get_initial_bootrom_version (phone),
                                            pr_phone_get_bootrom_version (phone));
  g_autofree char *app = versions_text (pr_phone_get_initial_app_version (phone),
                                        pr_phone_get_app_version (phone));
  g_autofree char *model = NULL;
  const char *part = pr_phone_get_part (phone);

  if (part != NULL)
    model = g_strdup_printf ("%s (%s)", or_unknown (pr_phone_get_model_name (phone)), part);
  else
    model = g_strdup (or_unknown (pr_phone_get_model_name (phone)));

  gtk_window_set_title (GTK_WINDOW (self), or_unknown (pr_phone_get_model_name (phone)));
  adw_action_row_set_subtitle (self->result_row, result);
  if (pr_phone_get_stage (phone) == PR_STAGE_FAILED)
    gtk_widget_add_css_class (GTK_WIDGET (self->result_row), "result-failed");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->result_row), "result-failed");
  if (pr_phone_get_stage (phone) == PR_STAGE_DONE)
    gtk_widget_add_css_class (GTK_WIDGET (self->result_row), "result-done");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->result_row), "result-done");
  adw_action_row_set_subtitle (self->model_row, model);
  adw_action_row_set_subtitle (self->mac_row, pr_phone_get_mac (phone) ? pr_phone_get_mac (phone)
                                                                      : _("not known yet"));
  adw_action_row_set_subtitle (self->ip_row, or_unknown (pr_phone_get_ip (phone)));
  adw_action_row_set_subtitle (self->bootrom_row, bootrom);
  adw_action_row_set_subtitle (self->app_row, app);
  set_time_row (self->first_seen_row, pr_phone_get_first_seen (phone), "");
  set_time_row (self->finished_row, pr_phone_get_finished_time (phone), _("not yet"));
  gtk_widget_set_visible (self->web_button, pr_phone_get_stage (phone) == PR_STAGE_DONE);
}

/* The uploaded log @name as text, or NULL when there is none. */
static char *
read_upload (PrPhone    *phone,
             const char *name)
{
  const char *path = pr_phone_get_upload_path (phone, name);
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (path == NULL || !g_file_get_contents (path, &contents, &len, NULL))
    return NULL;
  if (len > MAX_LOG_SIZE)
    len = MAX_LOG_SIZE;
  return g_utf8_make_valid (contents, len);
}

static void
refresh_log (GtkStack    *stack,
             GtkTextView *view,
             const char  *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  g_autofree char *old = NULL;
  GtkTextIter start, end;

  gtk_stack_set_visible_child_name (stack, text ? "log" : "empty");
  if (text == NULL)
    return;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  old = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  if (g_strcmp0 (old, text) != 0)
    gtk_text_buffer_set_text (buffer, text, -1);
}

static void
refresh (PrPhoneDetails *self)
{
  g_autofree char *boot_log = NULL;
  g_autofree char *app_log = NULL;

  if (self->phone == NULL)
    return;

  refresh_overview (self);
  boot_log = read_upload (self->phone, "boot.log");
  app_log = read_upload (self->phone, "app.log");
  refresh_log (self->boot_log_stack, self->boot_log_view, boot_log);
  refresh_log (self->app_log_stack, self->app_log_view, app_log);
}

static gboolean
refresh_cb (gpointer data)
{
  PrPhoneDetails *self = data;

  self->refresh_source = 0;
  refresh (self);
  return G_SOURCE_REMOVE;
}

static void
on_phone_notify (PrPhoneDetails *self)
{
  if (self->refresh_source == 0)
    self->refresh_source = g_timeout_add (REFRESH_INTERVAL_MS, refresh_cb, self);
}

static void
append_section (GString    *out,
                const char *title,
                const char *text)
{
  g_string_append_printf (out, "\n== %s ==\n", title);
  g_string_append (out, text ? text : _("(none)"));
  if (text != NULL && !g_str_has_suffix (text, "\n"))
    g_string_append_c (out, '\n');
}

char *
pr_phone_details_dup_text (PrPhoneDetails *self)
{
  GString *out = g_string_new (NULL);
  GListModel *log;
  g_autofree char *boot_log = NULL;
  g_autofree char *app_log = NULL;
  g_autofree char *result = NULL;

  g_return_val_if_fail (PR_IS_PHONE_DETAILS (self), NULL);

  refresh_overview (self);
  result = result_text (self->phone);
  g_string_append_printf (out, "%s: %s\n", _("Model"), adw_action_row_get_subtitle (self->model_row));
  g_string_append_printf (out, "%s: %s\n", _("MAC Address"), adw_action_row_get_subtitle (self->mac_row));
  g_string_append_printf (out, "%s: %s\n", _("IP Address"), adw_action_row_get_subtitle (self->ip_row));
  g_string_append_printf (out, "%s: %s\n", _("Result"), result);
  g_string_append_printf (out, "%s: %s\n", _("Bootloader"), adw_action_row_get_subtitle (self->bootrom_row));
  g_string_append_printf (out, "%s: %s\n", _("Application"), adw_action_row_get_subtitle (self->app_row));

  g_string_append_printf (out, "\n== %s ==\n", _("Requests"));
  log = pr_phone_get_log (self->phone);
  for (guint i = 0; log != NULL && i < g_list_model_get_n_items (log); i++)
    {
      g_autoptr(PrRequestRecord) record = g_list_model_get_item (log, i);
      g_autofree char *line = pr_request_row_format (record);
      g_string_append_printf (out, "%s\n", line);
    }

  boot_log = read_upload (self->phone, "boot.log");
  app_log = read_upload (self->phone, "app.log");
  append_section (out, _("Boot Log"), boot_log);
  append_section (out, _("Application Log"), app_log);
  return g_string_free (out, FALSE);
}

static void
copy_all (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  PrPhoneDetails *self = PR_PHONE_DETAILS (widget);
  g_autofree char *text = pr_phone_details_dup_text (self);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Copied to the clipboard")));
}

static void
open_web_page (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PrPhoneDetails *self = PR_PHONE_DETAILS (widget);
  const char *ip = pr_phone_get_ip (self->phone);
  g_autofree char *uri = NULL;

  if (ip == NULL)
    return;
  uri = strchr (ip, ':') ? g_strdup_printf ("http://[%s]/", ip) : g_strdup_printf ("http://%s/", ip);
  gtk_show_uri (GTK_WINDOW (self), uri, GDK_CURRENT_TIME);
}

static void
pr_phone_details_dispose (GObject *object)
{
  PrPhoneDetails *self = PR_PHONE_DETAILS (object);

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  if (self->phone != NULL)
    g_signal_handlers_disconnect_by_data (self->phone, self);
  g_clear_object (&self->phone);
  gtk_widget_dispose_template (GTK_WIDGET (self), PR_TYPE_PHONE_DETAILS);

  G_OBJECT_CLASS (pr_phone_details_parent_class)->dispose (object);
}

static void
pr_phone_details_class_init (PrPhoneDetailsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pr_phone_details_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
      "/io/github/phonerescue/PhoneRescue/pr-phone-details.ui");
  gtk_widget_class_bind_template_child (widget_class, PrPhoneDetails, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PrPhoneDetails, result_row);
  gtk_widget_class_bind_template_child (widget_class, PrPhoneDetails, model_row);
  gtk_widget_class_bind_template_child (widget_class, PrPhoneDetails, mac_row);
  gtk_widget_class_bind_template_child (widget_class, PrPhoneDetails, ip_row);
  gtk_widget_class_bind_template_child (widget_class, PrPhoneDetails, bootrom_row);
  gtk_widget_class_bind_template_child (widget_class, PrPhoneDetails, app_row);
  gtk_widget_class_bind_template_child (widget_class, PrPhoneDetails, first_seen_row);
  gtk_widget_class_bind_template_child (widget_class, PrPhoneDetails, finished_row);
  gtk_widget_class_bind_template_child (widget_class, PrPhoneDetails, web_button);
  gtk_widget_class_bind_template_child (widget_class, PrPhoneDetails, request_list);
  gtk_widget_class_bind_template_child (widget_class, PrPhoneDetails, boot_log_stack);
  gtk_widget_class_bind_template_child (widget_class, PrPhoneDetails, boot_log_view);
  gtk_widget_class_bind_template_child (widget_class, PrPhoneDetails, app_log_stack);
  gtk_widget_class_bind_template_child (widget_class, PrPhoneDetails, app_log_view);

  gtk_widget_class_install_action (widget_class, "details.copy", NULL, copy_all);
  gtk_widget_class_install_action (widget_class, "details.open-web-page", NULL, open_web_page);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "details.copy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
pr_phone_details_init (PrPhoneDetails *self)
{
  g_autoptr(GtkListItemFactory) factory = pr_request_row_factory_new (FALSE);

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_list_view_set_factory (self->request_list, factory);
}

PrPhoneDetails *
pr_phone_details_new (GtkWindow *parent,
                      PrPhone   *phone)
{
  PrPhoneDetails *self;
  GListModel *log;

  g_return_val_if_fail (PR_IS_PHONE (phone), NULL);

  self = g_object_new (PR_TYPE_PHONE_DETAILS, "transient-for", parent, NULL);
  self->phone = g_object_ref (phone);
  log = pr_phone_get_log (phone);
  if (log != NULL)
    gtk_list_view_set_model (self->request_list,
                             GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (log))));
  g_signal_connect_swapped (phone, "notify", G_CALLBACK (on_phone_notify), self);
  refresh (self);
  return self;
}

PrPhone *
pr_phone_details_get_phone (PrPhoneDetails *self)
{
  g_return_val_if_fail (PR_IS_PHONE_DETAILS (self), NULL);
  return self->phone;
}
