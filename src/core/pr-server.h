/* pr-server.h — the rescue HTTP server (libsoup 3)
 *
 * Answers GET/HEAD from the firmware store, takes the phones' log uploads (PUT),
 * and reports every exchange to the phone registry. It knows nothing of widgets.
 *
 * Signals:
 *   request-finished (PrRequestRecord *record, gboolean from_phone)
 *     once per finished or aborted exchange, for access logs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pr-catalog.h"
#include "pr-firmware-store.h"
#include "pr-phone-registry.h"
#include "pr-request-record.h"

G_BEGIN_DECLS

#define PR_DEFAULT_PORT          80
#define PR_FALLBACK_PORT         8080
#define PR_DEFAULT_UPLOAD_LIMIT  (4 * 1024 * 1024)
#define PR_DEFAULT_IDLE_TIMEOUT  30

#define PR_TYPE_SERVER (pr_server_get_type ())
G_DECLARE_FINAL_TYPE (PrServer, pr_server, PR, SERVER, GObject)

PrServer        *pr_server_new                (PrFirmwareStore *store,
                                               PrPhoneRegistry *registry);
PrFirmwareStore *pr_server_get_store          (PrServer        *self);
PrPhoneRegistry *pr_server_get_registry       (PrServer        *self);

char            *pr_server_default_uploads_dir (void);
void             pr_server_set_uploads_dir    (PrServer        *self,
                                               const char      *dir);
const char      *pr_server_get_uploads_dir    (PrServer        *self);
void             pr_server_set_upload_limit   (PrServer        *self,
                                               gsize            bytes);
void             pr_server_set_idle_timeout   (PrServer        *self,
                                               guint            seconds);

/* Use the model catalog: the phones' boot-log failure lines, and whether a
 * phone's BootROM is new enough when the store has none for it. */
void             pr_server_set_catalog        (PrServer        *self,
                                               PrCatalog       *catalog);
/* Compatibility warnings for the store as it is now (strings for a person) */
GStrv            pr_server_get_store_warnings (PrServer        *self);

/* Bind one address (IPv4 or IPv6 literal). May be called several times.
 * Errors are PR_ERROR_PORT_PRIVILEGED, PR_ERROR_PORT_BUSY,
 * PR_ERROR_ADDRESS_UNAVAILABLE or PR_ERROR_INVALID_ADDRESS, with a message
 * that says what to do. */
gboolean         pr_server_listen             (PrServer        *self,
                                               const char      *address,
                                               guint            port,
                                               GError         **error);
/* Port actually bound (useful with port 0), or 0 when not listening */
guint            pr_server_get_port           (PrServer        *self);
/* "http://192.168.1.5/" (no port when 80) for each bound address */
GStrv            pr_server_get_urls           (PrServer        *self);
/* What to enter as the phone's server address: "192.168.1.5" on port 80, else "http://192.168.1.5:8080" */
char            *pr_server_address_for_phone  (const char      *address,
                                               guint            port);
gboolean         pr_server_is_listening       (PrServer        *self);
void             pr_server_stop               (PrServer        *self);

/* Requests seen from anything that is not a phone */
guint            pr_server_get_foreign_requests (PrServer      *self);

G_END_DECLS
