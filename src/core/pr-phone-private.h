/* pr-phone-private.h — mutators for the registry's stage machine only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "pr-phone.h"
#include "pr-request-record.h"

G_BEGIN_DECLS

PrPhone *pr_phone_new (guint id, const char *ip);

/* Each setter returns TRUE if the value changed and notifies the property. */
gboolean pr_phone_set_ip              (PrPhone *self, const char *ip);
gboolean pr_phone_set_mac             (PrPhone *self, const char *mac);
gboolean pr_phone_set_model           (PrPhone *self, const char *key, const char *name);
gboolean pr_phone_set_part            (PrPhone *self, const char *part);
gboolean pr_phone_set_bootrom_version (PrPhone *self, const char *version);
gboolean pr_phone_set_app_version     (PrPhone *self, const char *version);
gboolean pr_phone_set_stage           (PrPhone *self, PrStage stage);
gboolean pr_phone_set_reason          (PrPhone *self, const char *reason);
gboolean pr_phone_set_note            (PrPhone *self, const char *note);
gboolean pr_phone_set_current_file    (PrPhone *self, const char *file);
gboolean pr_phone_set_bytes           (PrPhone *self, goffset sent, goffset total);
gboolean pr_phone_set_interrupted     (PrPhone *self, gboolean interrupted);
void     pr_phone_note_initial_versions (PrPhone *self, const char *bootrom, const char *app);
void     pr_phone_set_last_seen       (PrPhone *self, gint64 time_us);
void     pr_phone_set_finished_time   (PrPhone *self, gint64 time_us);
void     pr_phone_set_upload_path     (PrPhone *self, const char *name, const char *path);
void     pr_phone_append_log          (PrPhone *self, PrRequestRecord *record);
void     pr_phone_take_log            (PrPhone *self, PrPhone *from);

/* Emit queued property notifications at once (one batch per change). */
void     pr_phone_freeze              (PrPhone *self);
void     pr_phone_thaw                (PrPhone *self);

G_END_DECLS
