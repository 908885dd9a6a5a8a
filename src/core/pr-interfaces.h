/* pr-interfaces.h — the machine's network interfaces and their addresses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  char     *address;    /* "192.168.1.5" or "fe80::1" (no zone) */
  guint     prefix;     /* prefix length, e.g. 24 */
  int       family;     /* AF_INET or AF_INET6 */
} PrInterfaceAddress;

typedef struct {
  char      *name;       /* "enp3s0" */
  gboolean   is_up;
  gboolean   is_loopback;
  GPtrArray *addresses;  /* of PrInterfaceAddress */
} PrInterface;

void       pr_interface_free     (PrInterface *iface);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PrInterface, pr_interface_free)

/* Every interface with at least one IPv4/IPv6 address, sorted by name */
GPtrArray *pr_interfaces_list    (GError    **error);

/* The addresses to serve on when the user named @interface_name, or chose
 * nothing (NULL): the only non-loopback interface that is up. Errors:
 * PR_ERROR_UNKNOWN_INTERFACE, PR_ERROR_NO_INTERFACE, PR_ERROR_AMBIGUOUS_INTERFACE
 * (the message lists the choices). */
GStrv      pr_interfaces_pick    (GPtrArray   *interfaces,
                                  const char  *interface_name,
                                  GError     **error);

/* A suggested static address for a phone in the subnet of @address/@prefix
 * that is not @address itself; NULL for IPv6 or tiny subnets. */
char      *pr_interfaces_suggest_peer_address (const char *address,
                                               guint       prefix);
/* "255.255.255.0" for 24 */
char      *pr_interfaces_netmask_from_prefix  (guint prefix);

G_END_DECLS
