/* pr-error.h — Phone Rescue's error domain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PR_ERROR (pr_error_quark ())

typedef enum {
  PR_ERROR_FAILED,
  PR_ERROR_PORT_PRIVILEGED,     /* binding a port < 1024 was refused */
  PR_ERROR_PORT_BUSY,           /* the port is in use */
  PR_ERROR_ADDRESS_UNAVAILABLE, /* the address is not on this machine (any more) */
  PR_ERROR_INVALID_ADDRESS,     /* not an IP address */
  PR_ERROR_NO_INTERFACE,        /* no usable network interface */
  PR_ERROR_AMBIGUOUS_INTERFACE, /* several interfaces, none chosen */
  PR_ERROR_UNKNOWN_INTERFACE,   /* an interface name that does not exist */
  PR_ERROR_STORE,               /* the firmware store is unusable */
  PR_ERROR_NOT_FOUND,           /* a requested file does not exist in the store */
  PR_ERROR_FORBIDDEN_PATH,      /* a request path that may not be served */
  PR_ERROR_BAD_BUNDLE,          /* the importer refused an archive */
  PR_ERROR_UNSAFE_ENTRY,        /* an archive entry that would escape or is not a file */
  PR_ERROR_LIMIT,               /* a size or count cap was exceeded */
  PR_ERROR_CANCELLED,
} PrError;

GQuark pr_error_quark (void);

G_END_DECLS
