/* pr-request-log-view.c — the server's live request log
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "pr-request-log-view.h"
#include "pr-widget-util.h"
#include "pr-request-row.h"

/* Fixed rows of the filter menu; the phones follow */
enum {
  FILTER_ALL,
  FILTER_PHONES,
  FILTER_OTHERS,
  N_FIXED_FILTERS
};

struct _PrRequestLogView
{
  GtkWidget          parent_instance;

  GtkDropDown       *filter_dropdown;
  GtkCheckButton    *errors_check;
  GtkLabel          *count_label;
  GtkStack          *stack;
  GtkScrolledWindow *scroller;
  GtkListView       *list_view;

  PrSession         *session;
  GListStore        *records;
  GtkFilterListModel *filtered;
  GtkCustomFilter   *filter;
  GtkStringList     *filter_labels;
  GPtrArray         *filter_phones;   /* PrPhone for rows N_FIXED_FILTERS.. */
  PrPhone           *shown_phone;
  guint              mode;
  guint              rebuild_source;
  guint              follow_source;
  gboolean           rebuilding;
  gboolean           following;       /* the newest line is in view: keep it there */
  gboolean           scrolling;       /* we move the list, not the reader */
};

G_DEFINE_FINAL_TYPE (PrRequestLogView, pr_request_log_view, GTK_TYPE_WIDGET)

static GQuark from_phone_quark;

static gboolean
record_matches (gpointer item,
                gpointer data)
{
  PrRequestLogView *self = data;
  PrRequestRecord *record = item;
  gboolean from_phone = GPOINTER_TO_INT (g_object_get_qdata (item, from_phone_quark));
  guint status = pr_request_record_get_status (record);

  if (gtk_check_button_get_active (self->errors_check) && status < 400 && status != 0)
    return FALSE;
  switch (self->mode)
    {
    case FILTER_ALL:    return TRUE;
    case FILTER_PHONES: return from_phone;
    case FILTER_OTHERS: return !from_phone;
    default:
      return self->shown_phone != NULL &&
             g_strcmp0 (pr_request_record_get_ip (record), pr_phone_get_ip (self->shown_phone)) == 0;
    }
}

static void
update_count (PrRequestLogView *self)
{
  guint total = g_list_model_get_n_items (G_LIST_MODEL (self->records));
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  g_autofree char *text = NULL;

  if (shown == total)
    text = g_strdup_printf (g_dngettext (NULL, "%u request", "%u requests", total), total);
  else
    /* Translators: "12 of 340 requests" */
    text = g_strdup_printf (g_dngettext (NULL, "%u of %u request", "%u of %u requests", total),
                            shown, total);
  gtk_label_set_label (self->count_label, text);
  gtk_stack_set_visible_child_name (self->stack, shown > 0 ? "log" : "empty");
}

static void
refilter (PrRequestLogView *self)
{
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_count (self);
}

static char *
phone_label (PrPhone *phone)
{
  const char *name = pr_phone_get_model_name (phone);

  return g_strdup_printf ("%s · %s", name ? name : _("Phone"), pr_phone_get_ip (phone));
}

static gboolean
labels_unchanged (PrRequestLogView *self, GStrv labels)
{
  for (guint i = 0; labels[i] != NULL; i++)
    if (g_strcmp0 (gtk_string_list_get_string (self->filter_labels, N_FIXED_FILTERS + i), labels[i]) != 0)
      return FALSE;
  return TRUE;
}

/* Rebuild the phone rows of the filter menu, keeping the selection. */
static void
rebuild_filter_menu (PrRequestLogView *self)
{
  GListModel *phones = G_LIST_MODEL (pr_session_get_registry (self->session));
  guint n = g_list_model_get_n_items (phones);
  guint n_old = self->filter_phones->len;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) labels = NULL;
  guint selected = self->mode;

  g_ptr_array_set_size (self->filter_phones, 0);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PrPhone) phone = g_list_model_get_item (phones, i);
      g_autofree char *label = phone_label (phone);

      g_strv_builder_add (builder, label);
      g_ptr_array_add (self->filter_phones, g_object_ref (phone));
      if (phone == self->shown_phone)
        selected = N_FIXED_FILTERS + i;
    }
  labels = g_strv_builder_end (builder);
  if (n == n_old && labels_unchanged (self, labels))
    return;

  self->rebuilding = TRUE;
  gtk_string_list_splice (self->filter_labels, N_FIXED_FILTERS, n_old, (const char *const *) labels);
  if (self->mode >= N_FIXED_FILTERS && selected < N_FIXED_FILTERS)
    {
      /* The phone is gone: show everything */
      selected = FILTER_ALL;
      g_clear_object (&self->shown_phone);
    }
  self->mode = selected;
  gtk_drop_down_set_selected (self->filter_dropdown, selected);
  self->rebuilding = FALSE;
}

static void
on_filter_selected (PrRequestLogView *self)
{
  guint selected = gtk_drop_down_get_selected (self->filter_dropdown);

  if (self->rebuilding || selected == GTK_INVALID_LIST_POSITION)
    return;

  self->mode = selected;
  g_clear_object (&self->shown_phone);
  if (selected >= N_FIXED_FILTERS && selected - N_FIXED_FILTERS < self->filter_phones->len)
    self->shown_phone = g_object_ref (g_ptr_array_index (self->filter_phones, selected - N_FIXED_FILTERS));
  refilter (self);
}

static gboolean
rebuild_cb (gpointer data)
{
  PrRequestLogView *self = data;

  self->rebuild_source = 0;
  if (self->session != NULL)
    rebuild_filter_menu (self);
  return G_SOURCE_REMOVE;
}

/* Phones come and change names in bursts: rebuild the menu at most twice a second. */
static void
queue_rebuild (PrRequestLogView *self)
{
  if (self->rebuild_source == 0)
    self->rebuild_source = g_timeout_add (500, rebuild_cb, self);
}

static void
on_phone_changed (PrRequestLogView *self,
                  PrPhone          *phone,
                  gboolean          progress_only)
{
  if (!progress_only)
    queue_rebuild (self);
}

static GtkAdjustment *
vadjustment (PrRequestLogView *self)
{
  return gtk_scrolled_window_get_vadjustment (self->scroller);
}

static gboolean
follow_cb (gpointer data)
{
  PrRequestLogView *self = data;
  GtkAdjustment *adj = vadjustment (self);

  self->follow_source = 0;
  self->scrolling = TRUE;
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
  self->scrolling = FALSE;
  return G_SOURCE_REMOVE;
}

/* Like `tail -f`: a reader at the end keeps seeing the newest lines. */
static void
follow (PrRequestLogView *self)
{
  if (self->following && self->follow_source == 0)
    self->follow_source = g_timeout_add (50, follow_cb, self);
}

static void
on_scrolled (PrRequestLogView *self)
{
  GtkAdjustment *adj = vadjustment (self);

  if (!self->scrolling)
    self->following = gtk_adjustment_get_value (adj) >=
                      gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj) - 1;
}

static void
on_request_finished (PrRequestLogView *self,
                     PrRequestRecord  *record,
                     gboolean          from_phone)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->records));

  g_object_set_qdata (G_OBJECT (record), from_phone_quark, GINT_TO_POINTER (from_phone));
  if (n >= PR_REQUEST_LOG_MAX)
    g_list_store_remove (self->records, 0);
  g_list_store_append (self->records, record);
  update_count (self);
}

static void
clear_log (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  PrRequestLogView *self = PR_REQUEST_LOG_VIEW (widget);

  g_list_store_remove_all (self->records);
  update_count (self);
}

static void
pr_request_log_view_dispose (GObject *object)
{
  PrRequestLogView *self = PR_REQUEST_LOG_VIEW (object);

  pr_request_log_view_set_session (self, NULL);
  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  g_clear_handle_id (&self->follow_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), PR_TYPE_REQUEST_LOG_VIEW);
  clear_children (GTK_WIDGET (self));
  g_clear_object (&self->filtered);
  g_clear_object (&self->records);
  g_clear_object (&self->filter_labels);
  g_clear_pointer (&self->filter_phones, g_ptr_array_unref);
  g_clear_object (&self->shown_phone);

  G_OBJECT_CLASS (pr_request_log_view_parent_class)->dispose (object);
}

static void
pr_request_log_view_class_init (PrRequestLogViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pr_request_log_view_dispose;

  from_phone_quark = g_quark_from_static_string ("pr-request-from-phone");

  gtk_widget_class_set_template_from_resource (widget_class,
      "/io/github/phonerescue/PhoneRescue/pr-request-log-view.ui");
  gtk_widget_class_bind_template_child (widget_class, PrRequestLogView, filter_dropdown);
  gtk_widget_class_bind_template_child (widget_class, PrRequestLogView, errors_check);
  gtk_widget_class_bind_template_child (widget_class, PrRequestLogView, count_label);
  gtk_widget_class_bind_template_child (widget_class, PrRequestLogView, stack);
  gtk_widget_class_bind_template_child (widget_class, PrRequestLogView, scroller);
  gtk_widget_class_bind_template_child (widget_class, PrRequestLogView, list_view);
  gtk_widget_class_install_action (widget_class, "log.clear", NULL, clear_log);
}

static void
pr_request_log_view_init (PrRequestLogView *self)
{
  const char *fixed[] = { _("All requests"), _("Phones only"), _("Everything but phones"), NULL };
  g_autoptr(GtkListItemFactory) factory = pr_request_row_factory_new (TRUE);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->records = g_list_store_new (PR_TYPE_REQUEST_RECORD);
  self->filter = gtk_custom_filter_new (record_matches, self, NULL);
  self->filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->records)),
                                              GTK_FILTER (self->filter));
  self->filter_labels = gtk_string_list_new (fixed);
  self->filter_phones = g_ptr_array_new_with_free_func (g_object_unref);

  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view,
      GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->filtered)))));

  gtk_drop_down_set_model (self->filter_dropdown, G_LIST_MODEL (self->filter_labels));
  g_signal_connect_object (self->filter_dropdown, "notify::selected",
                           G_CALLBACK (on_filter_selected), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->errors_check, "toggled",
                           G_CALLBACK (refilter), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (vadjustment (self), "value-changed",
                           G_CALLBACK (on_scrolled), self, G_CONNECT_SWAPPED);
  /* The list grew or was shown (hidden, it cannot scroll): catch up */
  g_signal_connect_object (vadjustment (self), "changed",
                           G_CALLBACK (follow), self, G_CONNECT_SWAPPED);
  self->following = TRUE;
  update_count (self);
}

void
pr_request_log_view_set_session (PrRequestLogView *self,
                                 PrSession        *session)
{
  g_return_if_fail (PR_IS_REQUEST_LOG_VIEW (self));

  if (self->session == session)
    return;
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      g_signal_handlers_disconnect_by_data (pr_session_get_registry (self->session), self);
    }
  g_set_object (&self->session, session);
  if (session == NULL)
    return;

  g_signal_connect_object (session, "request-finished",
                           G_CALLBACK (on_request_finished), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (pr_session_get_registry (session), "items-changed",
                           G_CALLBACK (queue_rebuild), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (pr_session_get_registry (session), "phone-changed",
                           G_CALLBACK (on_phone_changed), self, G_CONNECT_SWAPPED);
  rebuild_filter_menu (self);
}

void
pr_request_log_view_show_phone (PrRequestLogView *self,
                                PrPhone          *phone)
{
  g_return_if_fail (PR_IS_REQUEST_LOG_VIEW (self));

  if (phone == NULL)
    {
      gtk_drop_down_set_selected (self->filter_dropdown, FILTER_ALL);
      return;
    }
  for (guint i = 0; i < self->filter_phones->len; i++)
    if (g_ptr_array_index (self->filter_phones, i) == phone)
      gtk_drop_down_set_selected (self->filter_dropdown, N_FIXED_FILTERS + i);
}

GListModel *
pr_request_log_view_get_records (PrRequestLogView *self)
{
  g_return_val_if_fail (PR_IS_REQUEST_LOG_VIEW (self), NULL);
  return G_LIST_MODEL (self->records);
}

guint
pr_request_log_view_get_n_visible (PrRequestLogView *self)
{
  g_return_val_if_fail (PR_IS_REQUEST_LOG_VIEW (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
}
