/* pr-sim-fleet.c — many simulated phones booting at once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pr-sim-fleet.h"

#include <string.h>

struct _PrSimFleet
{
  GObject     parent_instance;

  GPtrArray  *phones;

  /* while running */
  GTask      *task;
  guint       pending;
  guint       booted;
  GError     *error;
};

G_DEFINE_FINAL_TYPE (PrSimFleet, pr_sim_fleet, G_TYPE_OBJECT)

enum {
  PHONE_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
parse_ipv4 (const char *text,
            guint32    *value)
{
  g_autoptr(GInetAddress) address = NULL;
  const guint8 *bytes;

  if (text == NULL)
    return FALSE;
  address = g_inet_address_new_from_string (text);
  if (address == NULL || g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV4)
    return FALSE;

  bytes = g_inet_address_to_bytes (address);
  *value = ((guint32) bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3];
  return TRUE;
}

char *
pr_sim_fleet_nth_address (const char *first,
                          guint       index)
{
  guint32 value;
  guint8 top;

  if (!parse_ipv4 (first, &value))
    return NULL;

  top = value >> 24;
  for (guint i = 0; i < index; i++)
    {
      do
        value++;
      while ((value & 0xff) == 0 || (value & 0xff) == 0xff);
      if (value >> 24 != top)
        return NULL;
    }

  return g_strdup_printf ("%u.%u.%u.%u", value >> 24, (value >> 16) & 0xff,
                          (value >> 8) & 0xff, value & 0xff);
}

char *
pr_sim_fleet_nth_mac (const char *first,
                      guint       index)
{
  guint64 value;
  char *end = NULL;

  if (first == NULL || strlen (first) != 12)
    return NULL;
  value = g_ascii_strtoull (first, &end, 16);
  if (end == NULL || *end != '\0' || value + index > G_GUINT64_CONSTANT (0xffffffffffff))
    return NULL;

  return g_strdup_printf ("%012" G_GINT64_MODIFIER "x", value + index);
}

static void
pr_sim_fleet_dispose (GObject *object)
{
  PrSimFleet *self = PR_SIM_FLEET (object);

  g_clear_pointer (&self->phones, g_ptr_array_unref);

  G_OBJECT_CLASS (pr_sim_fleet_parent_class)->dispose (object);
}

static void
pr_sim_fleet_finalize (GObject *object)
{
  PrSimFleet *self = PR_SIM_FLEET (object);

  g_clear_error (&self->error);

  G_OBJECT_CLASS (pr_sim_fleet_parent_class)->finalize (object);
}

static void
pr_sim_fleet_class_init (PrSimFleetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pr_sim_fleet_dispose;
  object_class->finalize = pr_sim_fleet_finalize;

  signals[PHONE_FINISHED] =
    g_signal_new ("phone-finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, PR_SIM_TYPE_PHONE);
}

static void
pr_sim_fleet_init (PrSimFleet *self)
{
  self->phones = g_ptr_array_new_with_free_func (g_object_unref);
}

PrSimFleet *
pr_sim_fleet_new (const PrSimPhoneOptions  *options,
                  guint                     count,
                  GError                  **error)
{
  g_autoptr(PrSimFleet) self = NULL;
  const char *first_address;

  g_return_val_if_fail (options != NULL, NULL);

  if (count == 0 || count > PR_SIM_FLEET_MAX_PHONES)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "A fleet has 1 to %u phones", PR_SIM_FLEET_MAX_PHONES);
      return NULL;
    }

  first_address = options->local_address != NULL ? options->local_address : PR_SIM_FLEET_DEFAULT_ADDRESS;
  self = g_object_new (PR_SIM_TYPE_FLEET, NULL);

  for (guint i = 0; i < count; i++)
    {
      g_autofree char *address = pr_sim_fleet_nth_address (first_address, i);
      g_autofree char *mac = pr_sim_fleet_nth_mac (options->mac, i);
      PrSimPhoneOptions phone_options = *options;
      PrSimPhone *phone;

      if (address == NULL || mac == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "%u phones do not fit after address %s and MAC %s",
                       count, first_address, options->mac != NULL ? options->mac : "");
          return NULL;
        }

      phone_options.local_address = address;
      phone_options.mac = mac;
      phone = pr_sim_phone_new (&phone_options, error);
      if (phone == NULL)
        return NULL;
      g_ptr_array_add (self->phones, phone);
    }

  return g_steal_pointer (&self);
}

guint
pr_sim_fleet_get_n_phones (PrSimFleet *self)
{
  g_return_val_if_fail (PR_SIM_IS_FLEET (self), 0);

  return self->phones->len;
}

PrSimPhone *
pr_sim_fleet_get_phone (PrSimFleet *self,
                        guint       index)
{
  g_return_val_if_fail (PR_SIM_IS_FLEET (self), NULL);
  g_return_val_if_fail (index < self->phones->len, NULL);

  return g_ptr_array_index (self->phones, index);
}

static void
on_phone_finished (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(PrSimFleet) self = user_data;
  PrSimPhone *phone = PR_SIM_PHONE (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;

  if (pr_sim_phone_run_finish (phone, result, &error) == PR_SIM_OUTCOME_BOOTED)
    self->booted++;
  else if (error != NULL && self->error == NULL)
    self->error = g_steal_pointer (&error);

  g_signal_emit (self, signals[PHONE_FINISHED], 0, phone);

  g_assert (self->pending > 0);
  if (--self->pending > 0)
    return;

  task = g_steal_pointer (&self->task);
  if (self->error != NULL)
    g_task_return_error (task, g_steal_pointer (&self->error));
  else
    g_task_return_int (task, self->booted);
}

void
pr_sim_fleet_run_async (PrSimFleet          *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (PR_SIM_IS_FLEET (self));
  g_return_if_fail (self->task == NULL);

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, pr_sim_fleet_run_async);
  self->pending = self->phones->len;
  self->booted = 0;

  for (guint i = 0; i < self->phones->len; i++)
    pr_sim_phone_run_async (g_ptr_array_index (self->phones, i), cancellable,
                            on_phone_finished, g_object_ref (self));
}

guint
pr_sim_fleet_run_finish (PrSimFleet    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  gssize booted;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  booted = g_task_propagate_int (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return 0;
    }
  return booted;
}
