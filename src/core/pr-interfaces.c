/* pr-interfaces.c — network interfaces, from getifaddrs(3)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>

#include "pr-error.h"
#include "pr-interfaces.h"

static void
interface_address_free (gpointer data)
{
  PrInterfaceAddress *a = data;

  g_free (a->address);
  g_free (a);
}

void
pr_interface_free (PrInterface *iface)
{
  if (iface == NULL)
    return;
  g_free (iface->name);
  g_ptr_array_unref (iface->addresses);
  g_free (iface);
}

static guint
prefix_from_netmask (const struct sockaddr *mask)
{
  const guint8 *bytes;
  gsize len;
  guint prefix = 0;

  if (mask == NULL)
    return 0;
  if (mask->sa_family == AF_INET)
    bytes = (const guint8 *) &((const struct sockaddr_in *) mask)->sin_addr, len = 4;
  else if (mask->sa_family == AF_INET6)
    bytes = (const guint8 *) &((const struct sockaddr_in6 *) mask)->sin6_addr, len = 16;
  else
    return 0;
  for (gsize i = 0; i < len; i++)
    for (int bit = 7; bit >= 0 && (bytes[i] >> bit) & 1; bit--)
      prefix++;
  return prefix;
}

static PrInterface *
find_or_add (GPtrArray *list, const struct ifaddrs *ifa)
{
  PrInterface *iface;

  for (guint i = 0; i < list->len; i++)
    if (g_str_equal (((PrInterface *) g_ptr_array_index (list, i))->name, ifa->ifa_name))
      return g_ptr_array_index (list, i);
  iface = g_new0 (PrInterface, 1);
  iface->name = g_strdup (ifa->ifa_name);
  iface->is_up = (ifa->ifa_flags & IFF_UP) && (ifa->ifa_flags & IFF_RUNNING);
  iface->is_loopback = (ifa->ifa_flags & IFF_LOOPBACK) != 0;
  iface->addresses = g_ptr_array_new_with_free_func (interface_address_free);
  g_ptr_array_add (list, iface);
  return iface;
}

static int
compare_interfaces (gconstpointer a, gconstpointer b)
{
  const PrInterface *ia = *(PrInterface **) a, *ib = *(PrInterface **) b;

  if (ia->is_loopback != ib->is_loopback)
    return ia->is_loopback ? 1 : -1;
  return g_strcmp0 (ia->name, ib->name);
}

GPtrArray *
pr_interfaces_list (GError **error)
{
  struct ifaddrs *all = NULL;
  GPtrArray *list;

  if (getifaddrs (&all) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot list network interfaces: %s"), g_strerror (saved));
      return NULL;
    }
  list = g_ptr_array_new_with_free_func ((GDestroyNotify) pr_interface_free);
  for (struct ifaddrs *ifa = all; ifa != NULL; ifa = ifa->ifa_next)
    {
      g_autoptr(GInetAddress) inet = NULL;
      PrInterfaceAddress *address;
      int family = ifa->ifa_addr != NULL ? ifa->ifa_addr->sa_family : AF_UNSPEC;

      if (family != AF_INET && family != AF_INET6)
        continue;
      inet = family == AF_INET
             ? g_inet_address_new_from_bytes ((guint8 *) &((struct sockaddr_in *) ifa->ifa_addr)->sin_addr, G_SOCKET_FAMILY_IPV4)
             : g_inet_address_new_from_bytes ((guint8 *) &((struct sockaddr_in6 *) ifa->ifa_addr)->sin6_addr, G_SOCKET_FAMILY_IPV6);
      address = g_new0 (PrInterfaceAddress, 1);
      address->address = g_inet_address_to_string (inet);
      address->prefix = prefix_from_netmask (ifa->ifa_netmask);
      address->family = family;
      g_ptr_array_add (find_or_add (list, ifa)->addresses, address);
    }
  freeifaddrs (all);
  g_ptr_array_sort (list, compare_interfaces);
  return list;
}

static char *
describe_choices (GPtrArray *interfaces)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < interfaces->len; i++)
    {
      PrInterface *iface = g_ptr_array_index (interfaces, i);

      g_string_append_printf (text, "\n  %s%s:", iface->name, iface->is_up ? "" : _(" (down)"));
      for (guint j = 0; j < iface->addresses->len; j++)
        g_string_append_printf (text, " %s", ((PrInterfaceAddress *) g_ptr_array_index (iface->addresses, j))->address);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static GStrv
addresses_of (PrInterface *iface)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint j = 0; j < iface->addresses->len; j++)
    {
      PrInterfaceAddress *a = g_ptr_array_index (iface->addresses, j);

      /* Link-local IPv6 needs a zone to bind; phones use IPv4 anyway */
      if (a->family == AF_INET6 && g_str_has_prefix (a->address, "fe80:"))
        continue;
      g_strv_builder_add (builder, a->address);
    }
  return g_strv_builder_end (builder);
}

GStrv
pr_interfaces_pick (GPtrArray   *interfaces,
                    const char  *interface_name,
                    GError     **error)
{
  PrInterface *chosen = NULL;
  guint candidates = 0;
  g_autofree char *choices = describe_choices (interfaces);

  for (guint i = 0; i < interfaces->len; i++)
    {
      PrInterface *iface = g_ptr_array_index (interfaces, i);

      if (interface_name != NULL && g_str_equal (iface->name, interface_name))
        return addresses_of (iface);
      if (interface_name == NULL && iface->is_up && !iface->is_loopback)
        {
          chosen = iface;
          candidates++;
        }
    }

  if (interface_name != NULL)
    g_set_error (error, PR_ERROR, PR_ERROR_UNKNOWN_INTERFACE,
                 _("There is no network interface “%s”. The interfaces are:%s"), interface_name, choices);
  else if (candidates == 0)
    g_set_error (error, PR_ERROR, PR_ERROR_NO_INTERFACE,
                 _("No network interface is connected. Connect this computer to the phones’ network, or choose an address with --address. The interfaces are:%s"),
                 choices);
  else if (candidates > 1)
    g_set_error (error, PR_ERROR, PR_ERROR_AMBIGUOUS_INTERFACE,
                 _("Several network interfaces are connected: choose the one on the phones’ network with --interface NAME or --address ADDRESS. The interfaces are:%s"),
                 choices);
  else
    return addresses_of (chosen);
  return NULL;
}

char *
pr_interfaces_netmask_from_prefix (guint prefix)
{
  guint32 mask = prefix == 0 ? 0 : prefix >= 32 ? 0xffffffffu : ~((1u << (32 - prefix)) - 1);

  return g_strdup_printf ("%u.%u.%u.%u", mask >> 24, (mask >> 16) & 0xff, (mask >> 8) & 0xff, mask & 0xff);
}

char *
pr_interfaces_suggest_peer_address (const char *address,
                                    guint       prefix)
{
  struct in_addr in;
  guint32 host, mask, network, broadcast, candidate;

  if (address == NULL || prefix < 8 || prefix > 30 || inet_pton (AF_INET, address, &in) != 1)
    return NULL;
  host = ntohl (in.s_addr);
  mask = ~((1u << (32 - prefix)) - 1);
  network = host & mask;
  broadcast = network | ~mask;

  /* Well above the usual DHCP and router addresses, but inside the subnet */
  candidate = network + MIN ((guint32) 200, (broadcast - network) / 2 + 1);
  if (candidate == host)
    candidate++;
  if (candidate <= network || candidate >= broadcast)
    return NULL;
  in.s_addr = htonl (candidate);
  return g_strdup (inet_ntoa (in));
}
