/* pr-phone-card.c — one phone on the grid
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "pr-format.h"
#include "pr-phone-card.h"
#include "pr-widget-util.h"
#include "pr-stepper.h"

#define MIN_UPDATE_INTERVAL_US (G_USEC_PER_SEC / PR_PHONE_CARD_MAX_UPDATES_PER_SECOND)
#define RATE_WINDOW_US (3 * G_USEC_PER_SEC)

struct _PrPhoneCard
{
  GtkWidget       parent_instance;

  GtkImage       *model_icon;
  GtkLabel       *model_label;
  GtkLabel       *identity_label;
  GtkImage       *state_icon;
  PrStepper      *stepper;
  GtkProgressBar *progress_bar;
  GtkInscription *progress_label;
  GtkInscription *file_label;
  GtkLabel       *status_label;
  GtkWidget      *web_button;

  PrPhone        *phone;
  gulong          notify_handler;
  guint           update_source;
  gint64          last_update;
  guint           update_count;
  PrRateMeter     rate;
  char           *rate_file;
};

G_DEFINE_FINAL_TYPE (PrPhoneCard, pr_phone_card, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PHONE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update (PrPhoneCard *self);

static const char *
stage_text (PrPhone *phone)
{
  switch (pr_phone_get_stage (phone))
    {
    case PR_STAGE_BOOTLOADER:  return _("Updating the bootloader. Do not unplug the phone.");
    case PR_STAGE_APPLICATION: return _("Installing the phone software. Do not unplug the phone.");
    case PR_STAGE_DONE:        return _("Rescued: the phone runs its software.");
    case PR_STAGE_FAILED:      return _("Failed.");
    case PR_STAGE_WAITING:
    default:                   return _("Waiting for the phone’s next request.");
    }
}

static const char *
status_text (PrPhone *phone)
{
  PrStage stage = pr_phone_get_stage (phone);
  const char *note = pr_phone_get_note (phone);

  if (stage == PR_STAGE_FAILED && pr_phone_get_reason (phone) != NULL)
    return pr_phone_get_reason (phone);
  if (pr_phone_get_interrupted (phone) && stage != PR_STAGE_DONE)
    return _("Interrupted, waiting for the phone to retry.");
  if (note != NULL && note[0] != '\0')
    return note;
  return stage_text (phone);
}

static void
set_state_class (PrPhoneCard *self,
                 const char  *state)
{
  static const char *const states[] = { "done", "failed", "interrupted", "working" };

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    {
      if (g_strcmp0 (states[i], state) == 0)
        gtk_widget_add_css_class (GTK_WIDGET (self), states[i]);
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self), states[i]);
    }
}

static void
update_state (PrPhoneCard *self)
{
  PrStage stage = pr_phone_get_stage (self->phone);
  gboolean interrupted = pr_phone_get_interrupted (self->phone) && stage != PR_STAGE_DONE;
  const char *icon = NULL;
  const char *state = NULL;
  const char *description = NULL;

  if (stage == PR_STAGE_DONE)
    icon = "emblem-ok-symbolic", state = "done", description = _("Rescued");
  else if (stage == PR_STAGE_FAILED)
    icon = "dialog-error-symbolic", state = "failed", description = _("Failed");
  else if (interrupted)
    icon = "dialog-warning-symbolic", state = "interrupted", description = _("Interrupted");
  else if (stage != PR_STAGE_WAITING)
    state = "working";

  set_state_class (self, state);
  gtk_image_set_from_icon_name (self->state_icon, icon);
  gtk_widget_set_visible (GTK_WIDGET (self->state_icon), icon != NULL);
  if (description != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->state_icon),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
  pr_stepper_set_stage (self->stepper, stage, pr_phone_get_reached_stage (self->phone));
  gtk_widget_set_visible (self->web_button, stage == PR_STAGE_DONE && pr_phone_get_ip (self->phone));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "card.open-web-page", stage == PR_STAGE_DONE);
}

static void
update_identity (PrPhoneCard *self)
{
  const char *name = pr_phone_get_model_name (self->phone);
  const char *mac = pr_phone_get_mac (self->phone);
  const char *ip = pr_phone_get_ip (self->phone);
  g_autofree char *identity = NULL;

  gtk_label_set_label (self->model_label, name ? name : _("Polycom phone"));
  if (mac != NULL)
    /* Translators: a phone's MAC address and IP address */
    identity = g_strdup_printf (_("MAC %s · IP %s"), mac, ip ? ip : "–");
  else
    /* Translators: a phone's IP address before its MAC address is known */
    identity = g_strdup_printf (_("IP %s · MAC not known yet"), ip ? ip : "–");
  gtk_label_set_label (self->identity_label, identity);
}

static void
update_progress (PrPhoneCard *self)
{
  PrStage stage = pr_phone_get_stage (self->phone);
  goffset sent = pr_phone_get_bytes_sent (self->phone);
  goffset total = pr_phone_get_bytes_total (self->phone);
  const char *file = pr_phone_get_current_file (self->phone);
  gboolean transferring = (stage == PR_STAGE_BOOTLOADER || stage == PR_STAGE_APPLICATION) && total > 0;
  g_autofree char *progress = NULL;
  g_autofree char *file_text = NULL;

  if (g_strcmp0 (file, self->rate_file) != 0)
    {
      pr_rate_meter_reset (&self->rate);
      g_free (self->rate_file);
      self->rate_file = g_strdup (file);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), transferring);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_label), transferring);
  if (transferring)
    {
      pr_rate_meter_add (&self->rate, g_get_monotonic_time (), sent);
      gtk_progress_bar_set_fraction (self->progress_bar, CLAMP ((double) sent / total, 0.0, 1.0));
      progress = pr_format_progress (sent, total, pr_rate_meter_get (&self->rate, RATE_WINDOW_US));
      gtk_inscription_set_text (self->progress_label, progress);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->file_label), file != NULL && stage != PR_STAGE_DONE);
  if (file != NULL)
    {
      /* Translators: the file the phone is downloading or asked for last */
      file_text = g_strdup_printf (_("File: %s"), file);
      gtk_inscription_set_text (self->file_label, file_text);
    }
}

static void
update_accessible (PrPhoneCard *self)
{
  g_autofree char *label = g_strdup_printf ("%s, %s: %s",
                                            gtk_label_get_label (self->model_label),
                                            gtk_label_get_label (self->identity_label),
                                            gtk_label_get_label (self->status_label));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
update (PrPhoneCard *self)
{
  self->last_update = g_get_monotonic_time ();
  self->update_count++;
  if (self->phone == NULL)
    return;

  update_identity (self);
  update_state (self);
  update_progress (self);
  gtk_label_set_label (self->status_label, status_text (self->phone));
  update_accessible (self);
}

static gboolean
update_cb (gpointer data)
{
  PrPhoneCard *self = data;

  self->update_source = 0;
  update (self);
  return G_SOURCE_REMOVE;
}

/* Coalesce: at most one redraw per MIN_UPDATE_INTERVAL_US, the last state wins. */
static void
on_phone_notify (PrPhoneCard *self)
{
  gint64 wait;

  if (self->update_source != 0)
    return;
  wait = self->last_update + MIN_UPDATE_INTERVAL_US - g_get_monotonic_time ();
  self->update_source = g_timeout_add (MAX (wait, 0) / 1000, update_cb, self);
}

static void
open_web_page (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PrPhoneCard *self = PR_PHONE_CARD (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *uri = NULL;

  if (self->phone == NULL || pr_phone_get_ip (self->phone) == NULL)
    return;
  if (strchr (pr_phone_get_ip (self->phone), ':') != NULL)
    uri = g_strdup_printf ("http://[%s]/", pr_phone_get_ip (self->phone));
  else
    uri = g_strdup_printf ("http://%s/", pr_phone_get_ip (self->phone));
  gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME);
}

static void
pr_phone_card_dispose (GObject *object)
{
  PrPhoneCard *self = PR_PHONE_CARD (object);

  pr_phone_card_set_phone (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), PR_TYPE_PHONE_CARD);
  clear_children (GTK_WIDGET (self));
  g_clear_pointer (&self->rate_file, g_free);

  G_OBJECT_CLASS (pr_phone_card_parent_class)->dispose (object);
}

static void
pr_phone_card_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  PrPhoneCard *self = PR_PHONE_CARD (object);

  switch (prop_id)
    {
    case PROP_PHONE:
      g_value_set_object (value, self->phone);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pr_phone_card_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  PrPhoneCard *self = PR_PHONE_CARD (object);

  switch (prop_id)
    {
    case PROP_PHONE:
      pr_phone_card_set_phone (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pr_phone_card_class_init (PrPhoneCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pr_phone_card_dispose;
  object_class->get_property = pr_phone_card_get_property;
  object_class->set_property = pr_phone_card_set_property;

  properties[PROP_PHONE] =
    g_param_spec_object ("phone", NULL, NULL, PR_TYPE_PHONE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);


  g_type_ensure (PR_TYPE_STEPPER);
  gtk_widget_class_set_template_from_resource (widget_class,
      "/io/github/phonerescue/PhoneRescue/pr-phone-card.ui");
  gtk_widget_class_set_css_name (widget_class, "phonecard");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_bind_template_child (widget_class, PrPhoneCard, model_icon);
  gtk_widget_class_bind_template_child (widget_class, PrPhoneCard, model_label);
  gtk_widget_class_bind_template_child (widget_class, PrPhoneCard, identity_label);
  gtk_widget_class_bind_template_child (widget_class, PrPhoneCard, state_icon);
  gtk_widget_class_bind_template_child (widget_class, PrPhoneCard, stepper);
  gtk_widget_class_bind_template_child (widget_class, PrPhoneCard, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, PrPhoneCard, progress_label);
  gtk_widget_class_bind_template_child (widget_class, PrPhoneCard, file_label);
  gtk_widget_class_bind_template_child (widget_class, PrPhoneCard, status_label);
  gtk_widget_class_bind_template_child (widget_class, PrPhoneCard, web_button);
  gtk_widget_class_install_action (widget_class, "card.open-web-page", NULL, open_web_page);
}

static void
pr_phone_card_init (PrPhoneCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
pr_phone_card_new (void)
{
  return g_object_new (PR_TYPE_PHONE_CARD, NULL);
}

PrPhone *
pr_phone_card_get_phone (PrPhoneCard *self)
{
  g_return_val_if_fail (PR_IS_PHONE_CARD (self), NULL);
  return self->phone;
}

void
pr_phone_card_set_phone (PrPhoneCard *self,
                         PrPhone     *phone)
{
  g_return_if_fail (PR_IS_PHONE_CARD (self));
  g_return_if_fail (phone == NULL || PR_IS_PHONE (phone));

  if (self->phone == phone)
    return;

  if (self->phone != NULL)
    g_clear_signal_handler (&self->notify_handler, self->phone);
  g_clear_handle_id (&self->update_source, g_source_remove);
  g_set_object (&self->phone, phone);
  pr_rate_meter_reset (&self->rate);
  g_clear_pointer (&self->rate_file, g_free);

  if (phone != NULL)
    {
      self->notify_handler = g_signal_connect_swapped (phone, "notify",
                                                       G_CALLBACK (on_phone_notify), self);
      update (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PHONE]);
}

const char *
pr_phone_card_get_status_text (PrPhoneCard *self)
{
  g_return_val_if_fail (PR_IS_PHONE_CARD (self), NULL);
  return gtk_label_get_label (self->status_label);
}

guint
pr_phone_card_get_update_count (PrPhoneCard *self)
{
  g_return_val_if_fail (PR_IS_PHONE_CARD (self), 0);
  return self->update_count;
}
