/* pr-address-item.c — one address of one network interface
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "pr-address-item.h"

struct _PrAddressItem
{
  GObject   parent_instance;

  char     *interface_name;
  char     *address;
  guint     prefix;
  gboolean  ipv6;
  gboolean  loopback;
};

G_DEFINE_FINAL_TYPE (PrAddressItem, pr_address_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_INTERFACE,
  PROP_ADDRESS,
  PROP_LABEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
pr_address_item_finalize (GObject *object)
{
  PrAddressItem *self = PR_ADDRESS_ITEM (object);

  g_free (self->interface_name);
  g_free (self->address);

  G_OBJECT_CLASS (pr_address_item_parent_class)->finalize (object);
}

static void
pr_address_item_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  PrAddressItem *self = PR_ADDRESS_ITEM (object);

  switch (prop_id)
    {
    case PROP_INTERFACE:
      g_value_set_string (value, self->interface_name);
      break;
    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;
    case PROP_LABEL:
      g_value_take_string (value, pr_address_item_dup_label (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pr_address_item_class_init (PrAddressItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pr_address_item_finalize;
  object_class->get_property = pr_address_item_get_property;

  properties[PROP_INTERFACE] =
    g_param_spec_string ("interface", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ADDRESS] =
    g_param_spec_string ("address", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pr_address_item_init (PrAddressItem *self)
{
}

PrAddressItem *
pr_address_item_new (const char *interface_name,
                     const char *address,
                     guint       prefix,
                     gboolean    ipv6,
                     gboolean    loopback)
{
  PrAddressItem *self = g_object_new (PR_TYPE_ADDRESS_ITEM, NULL);

  self->interface_name = g_strdup (interface_name);
  self->address = g_strdup (address);
  self->prefix = prefix;
  self->ipv6 = ipv6;
  self->loopback = loopback;

  return self;
}

const char *
pr_address_item_get_interface (PrAddressItem *self)
{
  g_return_val_if_fail (PR_IS_ADDRESS_ITEM (self), NULL);
  return self->interface_name;
}

const char *
pr_address_item_get_address (PrAddressItem *self)
{
  g_return_val_if_fail (PR_IS_ADDRESS_ITEM (self), NULL);
  return self->address;
}

guint
pr_address_item_get_prefix (PrAddressItem *self)
{
  g_return_val_if_fail (PR_IS_ADDRESS_ITEM (self), 0);
  return self->prefix;
}

gboolean
pr_address_item_get_ipv6 (PrAddressItem *self)
{
  g_return_val_if_fail (PR_IS_ADDRESS_ITEM (self), FALSE);
  return self->ipv6;
}

gboolean
pr_address_item_get_loopback (PrAddressItem *self)
{
  g_return_val_if_fail (PR_IS_ADDRESS_ITEM (self), FALSE);
  return self->loopback;
}

char *
pr_address_item_dup_label (PrAddressItem *self)
{
  g_return_val_if_fail (PR_IS_ADDRESS_ITEM (self), NULL);
  return g_strdup_printf ("%s · %s/%u", self->interface_name, self->address, self->prefix);
}

gboolean
pr_address_item_equal (PrAddressItem *a,
                       PrAddressItem *b)
{
  return g_strcmp0 (a->interface_name, b->interface_name) == 0 &&
         g_strcmp0 (a->address, b->address) == 0 &&
         a->prefix == b->prefix;
}
