/* pr-request-record.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pr-request-record.h"

struct _PrRequestRecord
{
  GObject  parent_instance;
  gint64   time_us;
  char    *ip;
  char    *method;
  char    *path;
  char    *user_agent;
  guint    status;
  goffset  bytes;
  gboolean complete;
};

G_DEFINE_FINAL_TYPE (PrRequestRecord, pr_request_record, G_TYPE_OBJECT)

static void
pr_request_record_finalize (GObject *object)
{
  PrRequestRecord *self = PR_REQUEST_RECORD (object);

  g_free (self->ip);
  g_free (self->method);
  g_free (self->path);
  g_free (self->user_agent);
  G_OBJECT_CLASS (pr_request_record_parent_class)->finalize (object);
}

static void
pr_request_record_class_init (PrRequestRecordClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pr_request_record_finalize;
}

static void
pr_request_record_init (PrRequestRecord *self)
{
}

PrRequestRecord *
pr_request_record_new (gint64      time_us,
                       const char *ip,
                       const char *method,
                       const char *path,
                       guint       status,
                       goffset     bytes,
                       const char *user_agent,
                       gboolean    complete)
{
  PrRequestRecord *self = g_object_new (PR_TYPE_REQUEST_RECORD, NULL);

  self->time_us = time_us;
  self->ip = g_strdup (ip);
  self->method = g_strdup (method);
  self->path = g_strdup (path);
  self->status = status;
  self->bytes = bytes;
  self->user_agent = g_strdup (user_agent);
  self->complete = complete;
  return self;
}

gint64      pr_request_record_get_time       (PrRequestRecord *self) { return self->time_us; }
const char *pr_request_record_get_ip         (PrRequestRecord *self) { return self->ip; }
const char *pr_request_record_get_method     (PrRequestRecord *self) { return self->method; }
const char *pr_request_record_get_path       (PrRequestRecord *self) { return self->path; }
guint       pr_request_record_get_status     (PrRequestRecord *self) { return self->status; }
goffset     pr_request_record_get_bytes      (PrRequestRecord *self) { return self->bytes; }
const char *pr_request_record_get_user_agent (PrRequestRecord *self) { return self->user_agent; }
gboolean    pr_request_record_get_complete   (PrRequestRecord *self) { return self->complete; }
