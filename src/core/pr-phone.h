/* pr-phone.h — one phone being rescued: identity, versions, stage, transfer, log
 *
 * A PrPhone is owned by a PrPhoneRegistry, which alone changes it. Everything
 * here is readable by front ends; property notifications are emitted on the
 * main context. Byte progress (bytes-sent) is coalesced by the registry.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pr-types.h"

G_BEGIN_DECLS

#define PR_TYPE_PHONE (pr_phone_get_type ())
G_DECLARE_FINAL_TYPE (PrPhone, pr_phone, PR, PHONE, GObject)

guint       pr_phone_get_id               (PrPhone *self);
const char *pr_phone_get_ip               (PrPhone *self);
const char *pr_phone_get_mac              (PrPhone *self);   /* NULL until known */
const char *pr_phone_get_model_key        (PrPhone *self);   /* "SPIP321" or NULL */
const char *pr_phone_get_model_name       (PrPhone *self);   /* "SoundPoint IP 321" or NULL */
const char *pr_phone_get_part             (PrPhone *self);
const char *pr_phone_get_bootrom_version  (PrPhone *self);   /* BootROM or Updater, as last seen */
const char *pr_phone_get_app_version      (PrPhone *self);
const char *pr_phone_get_initial_bootrom_version (PrPhone *self); /* as first seen */
const char *pr_phone_get_initial_app_version     (PrPhone *self);
PrStage     pr_phone_get_stage            (PrPhone *self);
/* The furthest of waiting → bootloader → application → done this phone got to
 * (a failure does not move it): where a failure sits on a stepper */
PrStage     pr_phone_get_reached_stage    (PrPhone *self);
const char *pr_phone_get_reason           (PrPhone *self);   /* why failed, or NULL */
const char *pr_phone_get_note             (PrPhone *self);   /* status line, e.g. "BootROM updated, rebooting" */
const char *pr_phone_get_current_file     (PrPhone *self);
goffset     pr_phone_get_bytes_sent       (PrPhone *self);
goffset     pr_phone_get_bytes_total      (PrPhone *self);
gboolean    pr_phone_get_interrupted      (PrPhone *self);
gint64      pr_phone_get_first_seen       (PrPhone *self);   /* g_get_real_time() µs */
gint64      pr_phone_get_last_seen        (PrPhone *self);
gint64      pr_phone_get_finished_time    (PrPhone *self);   /* 0 until done or failed */
GListModel *pr_phone_get_log              (PrPhone *self);   /* of PrRequestRecord */
const char *pr_phone_get_upload_path      (PrPhone *self,
                                           const char *name); /* "boot.log", "app.log" or NULL */

G_END_DECLS
