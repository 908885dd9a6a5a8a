/* pr-json.h — the small JSON writer behind `phone-rescue-cli --json`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "pr-phone.h"
#include "pr-request-record.h"

G_BEGIN_DECLS

typedef struct _PrJsonObject PrJsonObject;

/* Starts "{"event":@event,"time":"2026-11-25T21:58:28.123Z"" */
PrJsonObject *pr_json_object_new_event  (const char   *event);
void          pr_json_object_add_string (PrJsonObject *obj, const char *key, const char *value); /* NULL → null */
void          pr_json_object_add_int    (PrJsonObject *obj, const char *key, gint64 value);
void          pr_json_object_add_bool   (PrJsonObject *obj, const char *key, gboolean value);
void          pr_json_object_add_null   (PrJsonObject *obj, const char *key);
void          pr_json_object_add_raw    (PrJsonObject *obj, const char *key, const char *json);
char         *pr_json_object_finish     (PrJsonObject *obj);   /* frees obj; no newline */

void          pr_json_append_escaped    (GString *out, const char *text);
char         *pr_json_time_now          (void);

/* The "phone" event (GUIDE §6, issue 2) */
char         *pr_json_phone_event       (PrPhone *phone);
/* The "request" event */
char         *pr_json_request_event     (PrRequestRecord *record);

G_END_DECLS
