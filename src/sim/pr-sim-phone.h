/* pr-sim-phone.h — a simulated Polycom SoundPoint/SoundStation IP phone
 *
 * A PrSimPhone plays one phone against a provisioning server, as an ordinary
 * HTTP client bound to its own loopback address. It boots like the real
 * thing (GUIDE §1 "Boot sequence"): the BootROM (or UC Updater) checks for
 * images by reading their header, downloads what differs from its flash,
 * uploads its boot log and reboots until both images are current, then the
 * application makes its own requests and the phone counts as booted.
 *
 * Signals:
 *   request-done (const char *method, const char *path, guint status,
 *                 gint64 bytes, gboolean complete)
 *     after every exchange; @status is 0 when no answer came.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pr-sim-types.h"

G_BEGIN_DECLS

#define PR_SIM_DEFAULT_MAC             "0004f2000001"
#define PR_SIM_DEFAULT_MAX_BOOT_CYCLES 6
#define PR_SIM_DEFAULT_TIMEOUT         30
/* How many cut or short downloads of one image in a row make a phone give up */
#define PR_SIM_MAX_FAILED_DOWNLOADS    4

/**
 * PrSimPhoneOptions:
 * Everything that makes one simulated phone. Strings are borrowed: the phone
 * copies them. Fill it with pr_sim_phone_options_init(), then change fields.
 */
typedef struct {
  const char   *server_url;          /* "http://127.0.0.1:8080/" (required) */
  const char   *local_address;       /* "127.0.0.23"; NULL: let the system choose */
  const char   *mac;                 /* 12 hex digits */
  const char   *family;              /* "SoundPointIP"; NULL: from the model token */
  const char   *model;               /* UA token, "SPIP_321" */
  const char   *part;                /* "2345-12360-001" */
  const char   *bootrom_version;     /* BootROM (or Updater) in flash */
  const char   *app_version;         /* application in flash; NULL: none */
  const char   *new_bootrom_version; /* what a BootROM update installs */
  const char   *new_app_version;     /* what an application update installs */
  const char   *min_bootrom;         /* BootROM the new application needs; NULL: any */
  PrSimProfile  profile;
  PrSimFault    fault;
  guint         max_boot_cycles;
  guint         reboot_delay_ms;
  guint64       rate_limit;          /* bytes per second read; 0: unlimited */
  guint         timeout;             /* seconds, for every network operation */
  gboolean      skip_checksums;      /* do not hash downloads (demo mode: nobody compares them) */
} PrSimPhoneOptions;

void          pr_sim_phone_options_init         (PrSimPhoneOptions       *options,
                                                 PrSimProfile             profile);

#define PR_SIM_TYPE_PHONE (pr_sim_phone_get_type ())
G_DECLARE_FINAL_TYPE (PrSimPhone, pr_sim_phone, PR_SIM, PHONE, GObject)

/* Fails with G_IO_ERROR_INVALID_ARGUMENT on a bad URL, address or MAC */
PrSimPhone   *pr_sim_phone_new                  (const PrSimPhoneOptions *options,
                                                 GError                 **error);

/* Boot until the application runs or the phone gives up. Runs once. */
void          pr_sim_phone_run_async            (PrSimPhone              *self,
                                                 GCancellable            *cancellable,
                                                 GAsyncReadyCallback      callback,
                                                 gpointer                 user_data);
/* PR_SIM_OUTCOME_BOOTED or PR_SIM_OUTCOME_GAVE_UP; PR_SIM_OUTCOME_NONE with
 * @error when cancelled */
PrSimOutcome  pr_sim_phone_run_finish           (PrSimPhone              *self,
                                                 GAsyncResult            *result,
                                                 GError                 **error);

const char   *pr_sim_phone_get_mac              (PrSimPhone              *self);
const char   *pr_sim_phone_get_local_address    (PrSimPhone              *self);
const char   *pr_sim_phone_get_model            (PrSimPhone              *self);
const char   *pr_sim_phone_get_part             (PrSimPhone              *self);
PrSimProfile  pr_sim_phone_get_profile          (PrSimPhone              *self);
/* Versions in flash now */
const char   *pr_sim_phone_get_bootrom_version  (PrSimPhone              *self);
const char   *pr_sim_phone_get_app_version      (PrSimPhone              *self);
PrSimOutcome  pr_sim_phone_get_outcome          (PrSimPhone              *self);
/* Why the phone gave up, or NULL */
const char   *pr_sim_phone_get_reason           (PrSimPhone              *self);
guint         pr_sim_phone_get_boot_cycles      (PrSimPhone              *self);
/* Every exchange so far, oldest first: a GPtrArray of PrSimRequest */
GPtrArray    *pr_sim_phone_get_requests         (PrSimPhone              *self);
/* SHA-256 (hex) of every image read completely, by request path
 * ("/2345-12360-001.sip.ld"); the last download wins */
GHashTable   *pr_sim_phone_get_downloads        (PrSimPhone              *self);

G_END_DECLS
