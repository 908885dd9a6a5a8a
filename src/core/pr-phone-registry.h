/* pr-phone-registry.h — every phone seen, as a GListModel of PrPhone, and the stage machine
 *
 * The server reports what happened (a request answered, bytes written, a transfer
 * finished, an upload stored); the registry decides who the phone is and where it
 * stands. Phones are found by IP address until a MAC is seen (GUIDE §6 "Identity").
 *
 * Signals:
 *   phone-changed (PrPhone *phone, gboolean progress_only)
 *     after any change of a phone; byte progress alone is coalesced to at most
 *     ten emissions a second per phone, everything else is emitted at once.
 *   phone-added (PrPhone *phone)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pr-classifier.h"
#include "pr-phone.h"

G_BEGIN_DECLS

#define PR_TYPE_PHONE_REGISTRY (pr_phone_registry_get_type ())
G_DECLARE_FINAL_TYPE (PrPhoneRegistry, pr_phone_registry, PR, PHONE_REGISTRY, GObject)

/* How many cut-off downloads of the same image in a row make a phone fail */
#define PR_MAX_CUTS_IN_A_ROW 3

PrPhoneRegistry *pr_phone_registry_new          (void);

PrPhone  *pr_phone_registry_lookup_ip           (PrPhoneRegistry     *self,
                                                 const char          *ip);
PrPhone  *pr_phone_registry_lookup_mac          (PrPhoneRegistry     *self,
                                                 const char          *mac);
PrPhone  *pr_phone_registry_lookup_id           (PrPhoneRegistry     *self,
                                                 guint                id);
void      pr_phone_registry_clear               (PrPhoneRegistry     *self);

/* The server calls these; @ip is the peer's address as text. */

/* The server decided how to answer: @status and @total (the body size; 0 for HEAD
 * or errors). @served is the store file answering, or NULL. Returns the phone,
 * or NULL when the request does not come from a phone. */
PrPhone  *pr_phone_registry_request_started     (PrPhoneRegistry     *self,
                                                 const char          *ip,
                                                 const char          *method,
                                                 const char          *path,
                                                 const char          *user_agent,
                                                 const PrRequestInfo *info,
                                                 guint                status,
                                                 goffset              total,
                                                 const char          *served);
void      pr_phone_registry_progress            (PrPhoneRegistry     *self,
                                                 const char          *ip,
                                                 goffset              bytes_sent);
/* The exchange ended: @complete is FALSE when the peer vanished mid-body. */
void      pr_phone_registry_request_finished    (PrPhoneRegistry     *self,
                                                 const char          *ip,
                                                 const char          *method,
                                                 const char          *path,
                                                 const char          *user_agent,
                                                 const PrRequestInfo *info,
                                                 guint                status,
                                                 goffset              bytes_sent,
                                                 gboolean             complete);
/* A log upload was stored at @stored_path; @contents are its bytes. */
void      pr_phone_registry_upload_stored       (PrPhoneRegistry     *self,
                                                 const char          *ip,
                                                 const PrRequestInfo *info,
                                                 const char          *stored_path,
                                                 GBytes              *contents);
/* Mark a phone failed from outside the stage machine (e.g. compatibility checks). */
void      pr_phone_registry_fail                (PrPhoneRegistry     *self,
                                                 PrPhone             *phone,
                                                 PrFileKind           missing,
                                                 const char          *reason);

/* Is the BootROM of a phone whose BootROM image is missing from the store good
 * enough for the served application? TOO_OLD fills @reason (what to import). */
typedef enum {
  PR_BOOTROM_UNKNOWN,
  PR_BOOTROM_GOOD_ENOUGH,
  PR_BOOTROM_TOO_OLD,
} PrBootromVerdict;

typedef PrBootromVerdict (*PrBootromCheck) (const char *model_key,
                                            const char *bootrom_version,
                                            char      **reason,
                                            gpointer    user_data);

void      pr_phone_registry_set_bootrom_check   (PrPhoneRegistry     *self,
                                                 PrBootromCheck       check,
                                                 gpointer             user_data,
                                                 GDestroyNotify       destroy);

/* Boot-log failure patterns: substring → advice. Without any, none are read. */
void      pr_phone_registry_add_log_pattern     (PrPhoneRegistry     *self,
                                                 const char          *needle,
                                                 const char          *advice);

/* Flush coalesced progress now (tests, shutdown). */
void      pr_phone_registry_flush               (PrPhoneRegistry     *self);

G_END_DECLS
