/* pr-address-picker.c — choose the interface and address to serve on
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sys/socket.h>

#include "phone-rescue-core.h"

#include "pr-address-picker.h"
#include "pr-widget-util.h"

#define RELIST_SECONDS 5

struct _PrAddressPicker
{
  GtkWidget    parent_instance;

  GtkDropDown *dropdown;

  GListStore  *items;
  GSettings   *settings;
  guint        relist_source;
  gboolean     updating;
};

G_DEFINE_FINAL_TYPE (PrAddressPicker, pr_address_picker, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SELECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Non-loopback IPv4 first, then IPv6, loopback last; stable otherwise. */
static int
item_rank (PrAddressItem *item)
{
  return (pr_address_item_get_loopback (item) ? 2 : 0) + (pr_address_item_get_ipv6 (item) ? 1 : 0);
}

static int
compare_items (gconstpointer a,
               gconstpointer b)
{
  PrAddressItem *x = *(PrAddressItem **) a;
  PrAddressItem *y = *(PrAddressItem **) b;

  return item_rank (x) - item_rank (y);
}

static void
add_interface (GPtrArray   *out,
               PrInterface *iface)
{
  if (!iface->is_up)
    return;

  for (guint i = 0; i < iface->addresses->len; i++)
    {
      PrInterfaceAddress *addr = g_ptr_array_index (iface->addresses, i);

      /* Link-local IPv6 needs a zone to bind; phones do not use it. */
      if (g_str_has_prefix (addr->address, "fe80:"))
        continue;
      g_ptr_array_add (out, pr_address_item_new (iface->name, addr->address, addr->prefix,
                                                 addr->family == AF_INET6, iface->is_loopback));
    }
}

static GPtrArray *
list_addresses (void)
{
  g_autoptr(GPtrArray) interfaces = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func (g_object_unref);

  interfaces = pr_interfaces_list (&error);
  if (interfaces == NULL)
    {
      g_warning ("Cannot list network interfaces: %s", error->message);
      return out;
    }
  for (guint i = 0; i < interfaces->len; i++)
    add_interface (out, g_ptr_array_index (interfaces, i));
  g_ptr_array_sort (out, compare_items);
  return out;
}

static gboolean
same_items (PrAddressPicker *self,
            GPtrArray       *items)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));

  if (n != items->len)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PrAddressItem) old = g_list_model_get_item (G_LIST_MODEL (self->items), i);
      if (!pr_address_item_equal (old, g_ptr_array_index (items, i)))
        return FALSE;
    }
  return TRUE;
}

static guint
find_address (PrAddressPicker *self,
              const char      *interface_name,
              const char      *address)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PrAddressItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);
      if ((address == NULL || g_strcmp0 (pr_address_item_get_address (item), address) == 0) &&
          (interface_name == NULL || g_strcmp0 (pr_address_item_get_interface (item), interface_name) == 0))
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

/* The remembered address; else another address of the remembered interface;
 * else the first row (the best guess, by the sort order). */
static guint
preferred_position (PrAddressPicker *self,
                    const char      *interface_name,
                    const char      *address)
{
  guint pos = GTK_INVALID_LIST_POSITION;

  if (address != NULL && address[0] != '\0')
    pos = find_address (self, NULL, address);
  if (pos == GTK_INVALID_LIST_POSITION && interface_name != NULL && interface_name[0] != '\0')
    pos = find_address (self, interface_name, NULL);
  if (pos == GTK_INVALID_LIST_POSITION && g_list_model_get_n_items (G_LIST_MODEL (self->items)) > 0)
    pos = 0;
  return pos;
}

static void
select_preferred (PrAddressPicker *self,
                  const char      *interface_name,
                  const char      *address)
{
  self->updating = TRUE;
  gtk_drop_down_set_selected (self->dropdown, preferred_position (self, interface_name, address));
  self->updating = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

void
pr_address_picker_refresh (PrAddressPicker *self)
{
  g_autoptr(GPtrArray) items = list_addresses ();
  g_autofree char *interface_name = NULL;
  g_autofree char *address = NULL;
  PrAddressItem *current;

  g_return_if_fail (PR_IS_ADDRESS_PICKER (self));

  if (same_items (self, items))
    return;

  /* Keep what is selected now if it survives, else what the settings say. */
  current = pr_address_picker_get_selected (self);
  if (current != NULL)
    {
      interface_name = g_strdup (pr_address_item_get_interface (current));
      address = g_strdup (pr_address_item_get_address (current));
    }
  else if (self->settings != NULL)
    {
      interface_name = g_settings_get_string (self->settings, "interface");
      address = g_settings_get_string (self->settings, "address");
    }

  self->updating = TRUE;
  g_list_store_splice (self->items, 0, g_list_model_get_n_items (G_LIST_MODEL (self->items)),
                       items->pdata, items->len);
  self->updating = FALSE;
  select_preferred (self, interface_name, address);
}

static void
on_selected_changed (PrAddressPicker *self)
{
  PrAddressItem *item;

  if (self->updating)
    return;

  item = pr_address_picker_get_selected (self);
  if (item != NULL && self->settings != NULL)
    {
      g_settings_set_string (self->settings, "interface", pr_address_item_get_interface (item));
      g_settings_set_string (self->settings, "address", pr_address_item_get_address (item));
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

static gboolean
relist_cb (gpointer data)
{
  pr_address_picker_refresh (PR_ADDRESS_PICKER (data));
  return G_SOURCE_CONTINUE;
}

static void
pr_address_picker_dispose (GObject *object)
{
  PrAddressPicker *self = PR_ADDRESS_PICKER (object);

  g_clear_handle_id (&self->relist_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), PR_TYPE_ADDRESS_PICKER);
  clear_children (GTK_WIDGET (self));
  g_clear_object (&self->items);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (pr_address_picker_parent_class)->dispose (object);
}

static void
pr_address_picker_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  PrAddressPicker *self = PR_ADDRESS_PICKER (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      g_value_set_object (value, pr_address_picker_get_selected (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pr_address_picker_class_init (PrAddressPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pr_address_picker_dispose;
  object_class->get_property = pr_address_picker_get_property;

  properties[PROP_SELECTED] =
    g_param_spec_object ("selected", NULL, NULL, PR_TYPE_ADDRESS_ITEM,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (PR_TYPE_ADDRESS_ITEM);
  gtk_widget_class_set_template_from_resource (widget_class,
      "/io/github/phonerescue/PhoneRescue/pr-address-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, PrAddressPicker, dropdown);
}

static void
pr_address_picker_init (PrAddressPicker *self)
{
  GNetworkMonitor *monitor = g_network_monitor_get_default ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->items = g_list_store_new (PR_TYPE_ADDRESS_ITEM);
  gtk_drop_down_set_model (self->dropdown, G_LIST_MODEL (self->items));
  g_signal_connect_object (self->dropdown, "notify::selected",
                           G_CALLBACK (on_selected_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (monitor, "network-changed",
                           G_CALLBACK (pr_address_picker_refresh), self, G_CONNECT_SWAPPED);
  /* network-changed follows routes, not every address change: look again now and then. */
  self->relist_source = g_timeout_add_seconds (RELIST_SECONDS, relist_cb, self);
  pr_address_picker_refresh (self);
}

void
pr_address_picker_set_settings (PrAddressPicker *self,
                                GSettings       *settings)
{
  g_autofree char *interface_name = NULL;
  g_autofree char *address = NULL;

  g_return_if_fail (PR_IS_ADDRESS_PICKER (self));

  g_set_object (&self->settings, settings);
  if (settings == NULL)
    return;

  interface_name = g_settings_get_string (settings, "interface");
  address = g_settings_get_string (settings, "address");
  select_preferred (self, interface_name, address);
}

PrAddressItem *
pr_address_picker_get_selected (PrAddressPicker *self)
{
  g_return_val_if_fail (PR_IS_ADDRESS_PICKER (self), NULL);
  return gtk_drop_down_get_selected_item (self->dropdown);
}

gboolean
pr_address_picker_select (PrAddressPicker *self,
                          const char      *address)
{
  guint pos;

  g_return_val_if_fail (PR_IS_ADDRESS_PICKER (self), FALSE);

  pos = find_address (self, NULL, address);
  if (pos == GTK_INVALID_LIST_POSITION)
    return FALSE;
  gtk_drop_down_set_selected (self->dropdown, pos);
  return TRUE;
}
