/* pr-session.h — what the window shows: the store, the phones, the server
 *
 * Wires the core's objects together for the application (and its tests):
 * opens the firmware store named in GSettings, starts and stops the server,
 * and re-emits the server's request log so views connect once.
 *
 * Signals:
 *   request-finished (PrRequestRecord *record, gboolean from_phone)
 *   firmware-changed ()  — the store's contents changed (an import, a removal)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "phone-rescue-core.h"

G_BEGIN_DECLS

#define PR_TYPE_SESSION (pr_session_get_type ())
G_DECLARE_FINAL_TYPE (PrSession, pr_session, PR, SESSION, GObject)

/* @store_root overrides the store-location setting and @uploads_dir the
 * default uploads folder (demo, tests); either may be NULL */
PrSession       *pr_session_new                   (GSettings   *settings,
                                                   const char  *store_root,
                                                   const char  *uploads_dir);
GSettings       *pr_session_get_settings          (PrSession   *self);
PrPhoneRegistry *pr_session_get_registry          (PrSession   *self);
PrFirmwareStore *pr_session_get_store             (PrSession   *self);
const char      *pr_session_get_store_root        (PrSession   *self);
const char      *pr_session_get_uploads_dir       (PrSession   *self);
PrServer        *pr_session_get_server            (PrSession   *self);  /* NULL when stopped */
gboolean         pr_session_get_running           (PrSession   *self);
const char      *pr_session_get_address           (PrSession   *self);  /* while running */
guint            pr_session_get_port              (PrSession   *self);  /* while running */
char            *pr_session_dup_phone_address     (PrSession   *self);  /* what to type on the phone */
guint            pr_session_get_foreign_requests  (PrSession   *self);
gboolean         pr_session_get_has_firmware      (PrSession   *self);

gboolean         pr_session_start                 (PrSession   *self,
                                                   const char  *address,
                                                   guint        port,
                                                   GError     **error);
void             pr_session_stop                  (PrSession   *self);
void             pr_session_firmware_changed      (PrSession   *self);

G_END_DECLS
