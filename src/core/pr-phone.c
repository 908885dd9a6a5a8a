/* pr-phone.c — one phone: what we know of it and where it stands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pr-phone-private.h"

/* A phone's log keeps this many requests; older ones are dropped. */
#define MAX_LOG_ENTRIES 1000

struct _PrPhone
{
  GObject     parent_instance;

  guint       id;
  char       *ip;
  char       *mac;
  char       *model_key;
  char       *model_name;
  char       *part;
  char       *bootrom_version;
  char       *app_version;
  char       *initial_bootrom_version;
  char       *initial_app_version;
  PrStage     stage;
  PrStage     reached_stage;
  char       *reason;
  char       *note;
  char       *current_file;
  goffset     bytes_sent;
  goffset     bytes_total;
  gboolean    interrupted;
  gint64      first_seen;
  gint64      last_seen;
  gint64      finished_time;
  GListStore *log;
  GHashTable *uploads;   /* "boot.log" → stored path */
};

G_DEFINE_FINAL_TYPE (PrPhone, pr_phone, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_IP,
  PROP_MAC,
  PROP_MODEL_KEY,
  PROP_MODEL_NAME,
  PROP_PART,
  PROP_BOOTROM_VERSION,
  PROP_APP_VERSION,
  PROP_STAGE,
  PROP_REACHED_STAGE,
  PROP_REASON,
  PROP_NOTE,
  PROP_CURRENT_FILE,
  PROP_BYTES_SENT,
  PROP_BYTES_TOTAL,
  PROP_INTERRUPTED,
  PROP_LAST_SEEN,
  PROP_FINISHED_TIME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
pr_phone_finalize (GObject *object)
{
  PrPhone *self = PR_PHONE (object);

  g_free (self->ip);
  g_free (self->mac);
  g_free (self->model_key);
  g_free (self->model_name);
  g_free (self->part);
  g_free (self->bootrom_version);
  g_free (self->app_version);
  g_free (self->initial_bootrom_version);
  g_free (self->initial_app_version);
  g_free (self->reason);
  g_free (self->note);
  g_free (self->current_file);
  g_clear_object (&self->log);
  g_clear_pointer (&self->uploads, g_hash_table_unref);
  G_OBJECT_CLASS (pr_phone_parent_class)->finalize (object);
}

static void
pr_phone_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  PrPhone *self = PR_PHONE (object);

  switch (prop_id)
    {
    case PROP_ID:              g_value_set_uint (value, self->id); break;
    case PROP_IP:              g_value_set_string (value, self->ip); break;
    case PROP_MAC:             g_value_set_string (value, self->mac); break;
    case PROP_MODEL_KEY:       g_value_set_string (value, self->model_key); break;
    case PROP_MODEL_NAME:      g_value_set_string (value, self->model_name); break;
    case PROP_PART:            g_value_set_string (value, self->part); break;
    case PROP_BOOTROM_VERSION: g_value_set_string (value, self->bootrom_version); break;
    case PROP_APP_VERSION:     g_value_set_string (value, self->app_version); break;
    case PROP_STAGE:           g_value_set_int (value, self->stage); break;
    case PROP_REACHED_STAGE:   g_value_set_int (value, self->reached_stage); break;
    case PROP_REASON:          g_value_set_string (value, self->reason); break;
    case PROP_NOTE:            g_value_set_string (value, self->note); break;
    case PROP_CURRENT_FILE:    g_value_set_string (value, self->current_file); break;
    case PROP_BYTES_SENT:      g_value_set_int64 (value, self->bytes_sent); break;
    case PROP_BYTES_TOTAL:     g_value_set_int64 (value, self->bytes_total); break;
    case PROP_INTERRUPTED:     g_value_set_boolean (value, self->interrupted); break;
    case PROP_LAST_SEEN:       g_value_set_int64 (value, self->last_seen); break;
    case PROP_FINISHED_TIME:   g_value_set_int64 (value, self->finished_time); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
string_prop (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
int64_prop (const char *name)
{
  return g_param_spec_int64 (name, NULL, NULL, 0, G_MAXINT64, 0,
                             G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static void
pr_phone_class_init (PrPhoneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pr_phone_finalize;
  object_class->get_property = pr_phone_get_property;

  properties[PROP_ID] = g_param_spec_uint ("id", NULL, NULL, 0, G_MAXUINT, 0,
                                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_IP] = string_prop ("ip");
  properties[PROP_MAC] = string_prop ("mac");
  properties[PROP_MODEL_KEY] = string_prop ("model-key");
  properties[PROP_MODEL_NAME] = string_prop ("model-name");
  properties[PROP_PART] = string_prop ("part");
  properties[PROP_BOOTROM_VERSION] = string_prop ("bootrom-version");
  properties[PROP_APP_VERSION] = string_prop ("app-version");
  /* PrStage as int: the core has no registered enum types */
  properties[PROP_STAGE] = g_param_spec_int ("stage", NULL, NULL, PR_STAGE_WAITING, PR_STAGE_FAILED, PR_STAGE_WAITING,
                                             G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REACHED_STAGE] = g_param_spec_int ("reached-stage", NULL, NULL, PR_STAGE_WAITING, PR_STAGE_DONE, PR_STAGE_WAITING,
                                                     G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REASON] = string_prop ("reason");
  properties[PROP_NOTE] = string_prop ("note");
  properties[PROP_CURRENT_FILE] = string_prop ("current-file");
  properties[PROP_BYTES_SENT] = int64_prop ("bytes-sent");
  properties[PROP_BYTES_TOTAL] = int64_prop ("bytes-total");
  properties[PROP_INTERRUPTED] = g_param_spec_boolean ("interrupted", NULL, NULL, FALSE,
                                                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_SEEN] = int64_prop ("last-seen");
  properties[PROP_FINISHED_TIME] = int64_prop ("finished-time");
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pr_phone_init (PrPhone *self)
{
  self->log = g_list_store_new (PR_TYPE_REQUEST_RECORD);
  self->uploads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

PrPhone *
pr_phone_new (guint id, const char *ip)
{
  PrPhone *self = g_object_new (PR_TYPE_PHONE, NULL);

  self->id = id;
  self->ip = g_strdup (ip);
  self->first_seen = self->last_seen = g_get_real_time ();
  return self;
}

static gboolean
set_string (PrPhone *self, char **field, const char *value, guint prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  return TRUE;
}

gboolean
pr_phone_set_ip (PrPhone *self, const char *ip)
{
  return set_string (self, &self->ip, ip, PROP_IP);
}

gboolean
pr_phone_set_mac (PrPhone *self, const char *mac)
{
  return set_string (self, &self->mac, mac, PROP_MAC);
}

gboolean
pr_phone_set_model (PrPhone *self, const char *key, const char *name)
{
  gboolean changed = set_string (self, &self->model_key, key, PROP_MODEL_KEY);

  return set_string (self, &self->model_name, name, PROP_MODEL_NAME) || changed;
}

gboolean
pr_phone_set_part (PrPhone *self, const char *part)
{
  return set_string (self, &self->part, part, PROP_PART);
}

gboolean
pr_phone_set_bootrom_version (PrPhone *self, const char *version)
{
  return set_string (self, &self->bootrom_version, version, PROP_BOOTROM_VERSION);
}

gboolean
pr_phone_set_app_version (PrPhone *self, const char *version)
{
  return set_string (self, &self->app_version, version, PROP_APP_VERSION);
}

gboolean
pr_phone_set_stage (PrPhone *self, PrStage stage)
{
  if (self->stage == stage)
    return FALSE;
  self->stage = stage;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STAGE]);
  if (stage != PR_STAGE_FAILED && stage > self->reached_stage)
    {
      self->reached_stage = stage;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REACHED_STAGE]);
    }
  return TRUE;
}

gboolean
pr_phone_set_reason (PrPhone *self, const char *reason)
{
  return set_string (self, &self->reason, reason, PROP_REASON);
}

gboolean
pr_phone_set_note (PrPhone *self, const char *note)
{
  return set_string (self, &self->note, note, PROP_NOTE);
}

gboolean
pr_phone_set_current_file (PrPhone *self, const char *file)
{
  return set_string (self, &self->current_file, file, PROP_CURRENT_FILE);
}

gboolean
pr_phone_set_bytes (PrPhone *self, goffset sent, goffset total)
{
  gboolean changed = FALSE;

  if (self->bytes_total != total)
    {
      self->bytes_total = total;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_TOTAL]);
      changed = TRUE;
    }
  if (self->bytes_sent != sent)
    {
      self->bytes_sent = sent;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_SENT]);
      changed = TRUE;
    }
  return changed;
}

gboolean
pr_phone_set_interrupted (PrPhone *self, gboolean interrupted)
{
  if (self->interrupted == !!interrupted)
    return FALSE;
  self->interrupted = !!interrupted;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERRUPTED]);
  return TRUE;
}

/* What the phone ran before we changed anything; the first word stays */
void
pr_phone_note_initial_versions (PrPhone *self, const char *bootrom, const char *app)
{
  if (self->initial_bootrom_version == NULL && bootrom != NULL)
    self->initial_bootrom_version = g_strdup (bootrom);
  if (self->initial_app_version == NULL && app != NULL)
    self->initial_app_version = g_strdup (app);
}

void
pr_phone_set_last_seen (PrPhone *self, gint64 time_us)
{
  self->last_seen = time_us;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SEEN]);
}

void
pr_phone_set_finished_time (PrPhone *self, gint64 time_us)
{
  if (self->finished_time == time_us)
    return;
  self->finished_time = time_us;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINISHED_TIME]);
}

void
pr_phone_set_upload_path (PrPhone *self, const char *name, const char *path)
{
  g_hash_table_replace (self->uploads, g_strdup (name), g_strdup (path));
}

void
pr_phone_append_log (PrPhone *self, PrRequestRecord *record)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (self->log)) >= MAX_LOG_ENTRIES)
    g_list_store_remove (self->log, 0);
  g_list_store_append (self->log, record);
}

/* The surviving record of a merge takes @from's history after its own */
void
pr_phone_take_log (PrPhone *self, PrPhone *from)
{
  GListModel *model = G_LIST_MODEL (from->log);
  guint n = g_list_model_get_n_items (model);
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PrRequestRecord) record = g_list_model_get_item (model, i);
      pr_phone_append_log (self, record);
    }
  g_list_store_remove_all (from->log);

  g_hash_table_iter_init (&iter, from->uploads);
  while (g_hash_table_iter_next (&iter, &key, &value))
    pr_phone_set_upload_path (self, key, value);
  self->first_seen = MIN (self->first_seen, from->first_seen);
  if (self->initial_bootrom_version == NULL)
    self->initial_bootrom_version = g_strdup (from->initial_bootrom_version);
  if (self->initial_app_version == NULL)
    self->initial_app_version = g_strdup (from->initial_app_version);
}

void
pr_phone_freeze (PrPhone *self)
{
  g_object_freeze_notify (G_OBJECT (self));
}

void
pr_phone_thaw (PrPhone *self)
{
  g_object_thaw_notify (G_OBJECT (self));
}

guint       pr_phone_get_id               (PrPhone *self) { return self->id; }
const char *pr_phone_get_ip               (PrPhone *self) { return self->ip; }
const char *pr_phone_get_mac              (PrPhone *self) { return self->mac; }
const char *pr_phone_get_model_key        (PrPhone *self) { return self->model_key; }
const char *pr_phone_get_model_name       (PrPhone *self) { return self->model_name; }
const char *pr_phone_get_part             (PrPhone *self) { return self->part; }
const char *pr_phone_get_bootrom_version  (PrPhone *self) { return self->bootrom_version; }
const char *pr_phone_get_app_version      (PrPhone *self) { return self->app_version; }
const char *pr_phone_get_initial_bootrom_version (PrPhone *self) { return self->initial_bootrom_version; }
const char *pr_phone_get_initial_app_version     (PrPhone *self) { return self->initial_app_version; }
PrStage     pr_phone_get_stage            (PrPhone *self) { return self->stage; }
PrStage     pr_phone_get_reached_stage    (PrPhone *self) { return self->reached_stage; }
const char *pr_phone_get_reason           (PrPhone *self) { return self->reason; }
const char *pr_phone_get_note             (PrPhone *self) { return self->note; }
const char *pr_phone_get_current_file     (PrPhone *self) { return self->current_file; }
goffset     pr_phone_get_bytes_sent       (PrPhone *self) { return self->bytes_sent; }
goffset     pr_phone_get_bytes_total      (PrPhone *self) { return self->bytes_total; }
gboolean    pr_phone_get_interrupted      (PrPhone *self) { return self->interrupted; }
gint64      pr_phone_get_first_seen       (PrPhone *self) { return self->first_seen; }
gint64      pr_phone_get_last_seen        (PrPhone *self) { return self->last_seen; }
gint64      pr_phone_get_finished_time    (PrPhone *self) { return self->finished_time; }
GListModel *pr_phone_get_log              (PrPhone *self) { return G_LIST_MODEL (self->log); }

const char *
pr_phone_get_upload_path (PrPhone *self, const char *name)
{
  return g_hash_table_lookup (self->uploads, name);
}
