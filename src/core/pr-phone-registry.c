/* pr-phone-registry.c — every phone seen, and the rules that move it along
 *
 * Stage machine (GUIDE §6):
 *  - An image download is promoted to its stage (bootloader/application) once it
 *    proves to be a full download: it completes, or it is still running after
 *    PROMOTE_DELAY_MS with more bytes sent than socket buffers absorb. A BootROM
 *    reading only the image header and hanging up ("unchanged") therefore never
 *    moves the card.
 *  - A transfer cut short marks the phone interrupted. If the phone's next
 *    request is for another file, that was an "unchanged" check: the flag is
 *    cleared. The same image cut off PR_MAX_CUTS_IN_A_ROW times fails the phone.
 *  - A request only the application makes means the phone booted: done.
 *  - A 404 for an image fails the phone; serving that kind of image later, or the
 *    phone booting, clears the failure.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pr-phone-private.h"
#include "pr-phone-registry.h"

#define PROMOTE_DELAY_MS      250
/* More than the server's send buffer and a phone's receive window hold */
#define PROMOTE_MIN_BYTES     (512 * 1024)
#define PROGRESS_INTERVAL_US  (G_USEC_PER_SEC / 10)
#define SILENCE_HINT_US       (10 * 60 * G_USEC_PER_SEC)
#define SILENCE_CHECK_S       30

typedef struct {
  PrPhoneRegistry *registry;
  PrPhone    *phone;
  char       *transfer_path;    /* the image transfer in flight, or the last one */
  PrFileKind  transfer_kind;
  gboolean    transfer_active;
  guint       open_transfers;   /* >1: a retry began before the server saw the last attempt end */
  gboolean    transfer_promoted;
  gboolean    transfer_short;   /* the last one ended early: unchanged check or cut */
  guint       promote_source;
  guint       cuts;
  gboolean    downloaded_any;   /* a full image download happened for this phone */
  PrFileKind  failed_kind;      /* serving this kind again clears a failure */
  goffset     pending_bytes;
  gint64      last_progress_emit;
  gboolean    dirty;
  gboolean    progress_dirty;
} Machine;

typedef struct {
  char *needle;
  char *advice;
} LogPattern;

struct _PrPhoneRegistry
{
  GObject     parent_instance;
  GPtrArray  *phones;     /* PrPhone, list order */
  GHashTable *by_ip;      /* ip → PrPhone (borrowed) */
  GHashTable *by_mac;     /* mac → PrPhone (borrowed) */
  GHashTable *machines;   /* PrPhone → Machine */
  GArray     *patterns;   /* LogPattern */
  guint       next_id;
  PrBootromCheck bootrom_check;
  gpointer    bootrom_check_data;
  GDestroyNotify bootrom_check_destroy;
  guint       flush_source;
  guint       silence_source;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PrPhoneRegistry, pr_phone_registry, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PHONE_CHANGED,
  PHONE_ADDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* GListModel */

static GType
pr_phone_registry_get_item_type (GListModel *model)
{
  return PR_TYPE_PHONE;
}

static guint
pr_phone_registry_get_n_items (GListModel *model)
{
  return PR_PHONE_REGISTRY (model)->phones->len;
}

static gpointer
pr_phone_registry_get_item (GListModel *model,
                            guint       position)
{
  PrPhoneRegistry *self = PR_PHONE_REGISTRY (model);

  if (position >= self->phones->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->phones, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = pr_phone_registry_get_item_type;
  iface->get_n_items = pr_phone_registry_get_n_items;
  iface->get_item = pr_phone_registry_get_item;
}

/* Machines */

static void
machine_free (gpointer data)
{
  Machine *m = data;

  g_clear_handle_id (&m->promote_source, g_source_remove);
  g_signal_handlers_disconnect_by_data (m->phone, m);
  g_free (m->transfer_path);
  g_free (m);
}

static void
on_phone_notify (PrPhone    *phone,
                 GParamSpec *pspec,
                 Machine    *m)
{
  if (g_str_equal (pspec->name, "last-seen"))
    return;   /* not news by itself */
  if (g_str_equal (pspec->name, "bytes-sent"))
    m->progress_dirty = TRUE;
  else
    m->dirty = TRUE;
}

static Machine *
machine_for (PrPhoneRegistry *self, PrPhone *phone)
{
  return g_hash_table_lookup (self->machines, phone);
}

static void
emit_if_changed (PrPhoneRegistry *self, Machine *m)
{
  if (m->dirty)
    {
      m->dirty = m->progress_dirty = FALSE;
      m->last_progress_emit = g_get_monotonic_time ();
      g_signal_emit (self, signals[PHONE_CHANGED], 0, m->phone, FALSE);
    }
}

/* Identity (GUIDE §6 "Identity") */

static PrPhone *
add_phone (PrPhoneRegistry *self, const char *ip, const char *mac)
{
  PrPhone *phone = pr_phone_new (++self->next_id, ip);
  Machine *m = g_new0 (Machine, 1);

  m->registry = self;
  m->phone = phone;
  m->failed_kind = PR_FILE_OTHER;
  g_hash_table_insert (self->machines, phone, m);
  g_signal_connect (phone, "notify", G_CALLBACK (on_phone_notify), m);
  if (mac != NULL)
    {
      pr_phone_set_mac (phone, mac);
      g_hash_table_insert (self->by_mac, (gpointer) pr_phone_get_mac (phone), phone);
    }
  g_hash_table_insert (self->by_ip, g_strdup (ip), phone);
  g_ptr_array_add (self->phones, phone);
  m->dirty = TRUE;
  g_list_model_items_changed (G_LIST_MODEL (self), self->phones->len - 1, 0, 1);
  g_signal_emit (self, signals[PHONE_ADDED], 0, phone);
  return phone;
}

static gboolean promote_timeout (gpointer data);

static void
copy_state (PrPhone *to, Machine *mto, PrPhone *from, Machine *mfrom)
{
  pr_phone_set_stage (to, pr_phone_get_reached_stage (from));
  pr_phone_set_stage (to, pr_phone_get_stage (from));
  pr_phone_set_reason (to, pr_phone_get_reason (from));
  pr_phone_set_note (to, pr_phone_get_note (from));
  pr_phone_set_current_file (to, pr_phone_get_current_file (from));
  pr_phone_set_bytes (to, pr_phone_get_bytes_sent (from), pr_phone_get_bytes_total (from));
  pr_phone_set_interrupted (to, pr_phone_get_interrupted (from));
  if (pr_phone_get_bootrom_version (from) != NULL)
    pr_phone_set_bootrom_version (to, pr_phone_get_bootrom_version (from));
  if (pr_phone_get_app_version (from) != NULL)
    pr_phone_set_app_version (to, pr_phone_get_app_version (from));
  if (pr_phone_get_model_key (from) != NULL)
    pr_phone_set_model (to, pr_phone_get_model_key (from), pr_phone_get_model_name (from));
  if (pr_phone_get_part (from) != NULL)
    pr_phone_set_part (to, pr_phone_get_part (from));
  pr_phone_take_log (to, from);

  g_free (mto->transfer_path);
  mto->transfer_path = g_steal_pointer (&mfrom->transfer_path);
  mto->transfer_kind = mfrom->transfer_kind;
  mto->transfer_active = mfrom->transfer_active;
  mto->transfer_promoted = mfrom->transfer_promoted;
  mto->transfer_short = mfrom->transfer_short;
  mto->cuts = mfrom->cuts;
  mto->downloaded_any |= mfrom->downloaded_any;
  mto->failed_kind = mfrom->failed_kind;
  mto->pending_bytes = mfrom->pending_bytes;
  g_clear_handle_id (&mto->promote_source, g_source_remove);
  if (mto->transfer_active && !mto->transfer_promoted)
    mto->promote_source = g_timeout_add (PROMOTE_DELAY_MS, promote_timeout, mto);
}

static void remove_phone (PrPhoneRegistry *self, PrPhone *phone);

/* The record found by IP meets an existing record for its MAC: the MAC record
 * survives, in its list position, and takes over what the IP record learned. */
static PrPhone *
merge_into (PrPhoneRegistry *self, PrPhone *ip_phone, PrPhone *mac_phone, const char *ip)
{
  copy_state (mac_phone, machine_for (self, mac_phone), ip_phone, machine_for (self, ip_phone));
  remove_phone (self, ip_phone);
  pr_phone_set_ip (mac_phone, ip);
  g_hash_table_insert (self->by_ip, g_strdup (ip), mac_phone);
  return mac_phone;
}

static gboolean
maps_to (gpointer key, gpointer value, gpointer phone)
{
  return value == phone;
}

static void
remove_phone (PrPhoneRegistry *self, PrPhone *phone)
{
  guint position;

  if (!g_ptr_array_find (self->phones, phone, &position))
    return;
  g_hash_table_foreach_remove (self->by_ip, maps_to, phone);
  if (pr_phone_get_mac (phone) != NULL && g_hash_table_lookup (self->by_mac, pr_phone_get_mac (phone)) == phone)
    g_hash_table_remove (self->by_mac, pr_phone_get_mac (phone));
  g_hash_table_remove (self->machines, phone);
  g_ptr_array_remove_index (self->phones, position);   /* drops the list's reference */
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
}

static PrPhone *
identify (PrPhoneRegistry *self, const char *ip, const char *mac)
{
  PrPhone *phone = g_hash_table_lookup (self->by_ip, ip);
  PrPhone *mac_phone = mac != NULL ? g_hash_table_lookup (self->by_mac, mac) : NULL;

  if (mac == NULL)
    return phone != NULL ? phone : add_phone (self, ip, NULL);

  if (phone != NULL && g_strcmp0 (pr_phone_get_mac (phone), mac) == 0)
    return phone;

  if (phone != NULL && pr_phone_get_mac (phone) == NULL)
    {
      if (mac_phone != NULL)
        return merge_into (self, phone, mac_phone, ip);
      pr_phone_set_mac (phone, mac);
      g_hash_table_insert (self->by_mac, (gpointer) pr_phone_get_mac (phone), phone);
      return phone;
    }

  /* Unknown IP, or an IP that now shows another MAC: the phone at that MAC */
  if (mac_phone == NULL)
    return add_phone (self, ip, mac);
  g_hash_table_insert (self->by_ip, g_strdup (ip), mac_phone);
  pr_phone_set_ip (mac_phone, ip);
  return mac_phone;
}

/* Facts from the request itself */

static void
learn_facts (PrPhone *phone, Machine *m, const PrRequestInfo *info)
{
  const PrModel *model = info->model;

  if (model != NULL)
    pr_phone_set_model (phone, model->key, model->name);
  if (info->part[0] != '\0')
    pr_phone_set_part (phone, info->part);
  else if (pr_phone_get_part (phone) == NULL && model != NULL && model->parts[1] == NULL)
    pr_phone_set_part (phone, model->parts[0]);

  if (info->version[0] == '\0')
    return;
  if (info->sender == PR_SENDER_BOOTROM || info->sender == PR_SENDER_UPDATER)
    pr_phone_set_bootrom_version (phone, info->version);
  else if (info->sender == PR_SENDER_APPLICATION)
    pr_phone_set_app_version (phone, info->version);
  /* "Before" is what it ran until we sent it anything */
  if (!m->downloaded_any)
    pr_phone_note_initial_versions (phone, pr_phone_get_bootrom_version (phone), pr_phone_get_app_version (phone));
}

/* Stage rules */

static PrStage
stage_for_kind (PrFileKind kind)
{
  return kind == PR_FILE_BOOTROM_IMAGE ? PR_STAGE_BOOTLOADER : PR_STAGE_APPLICATION;
}

static const char *
model_label (PrPhone *phone)
{
  return pr_phone_get_model_name (phone) != NULL ? pr_phone_get_model_name (phone) : _("this phone");
}

static void
set_failed (Machine *m, PrFileKind fix_kind, const char *reason)
{
  PrPhone *phone = m->phone;

  if (pr_phone_get_stage (phone) != PR_STAGE_FAILED)
    m->failed_kind = fix_kind;
  pr_phone_set_stage (phone, PR_STAGE_FAILED);
  pr_phone_set_reason (phone, reason);
  pr_phone_set_finished_time (phone, g_get_real_time ());
}

static void
set_done (Machine *m)
{
  PrPhone *phone = m->phone;
  const char *version = pr_phone_get_app_version (phone);
  g_autofree char *note = NULL;

  if (pr_phone_get_stage (phone) == PR_STAGE_DONE)
    return;
  if (!m->downloaded_any)
    note = g_strdup_printf (_("Already running %s"), version != NULL ? version : _("its application"));
  else
    note = g_strdup_printf (_("Application %s is running"), version != NULL ? version : "");
  pr_phone_set_stage (phone, PR_STAGE_DONE);
  pr_phone_set_reason (phone, NULL);
  pr_phone_set_current_file (phone, NULL);
  pr_phone_set_bytes (phone, 0, 0);
  pr_phone_set_note (phone, g_strstrip (note));
  pr_phone_set_interrupted (phone, FALSE);
  pr_phone_set_finished_time (phone, g_get_real_time ());
}

static void
promote (Machine *m)
{
  PrPhone *phone = m->phone;
  PrStage stage = pr_phone_get_stage (phone);

  m->transfer_promoted = TRUE;
  g_clear_handle_id (&m->promote_source, g_source_remove);
  if (stage == PR_STAGE_FAILED && m->failed_kind != m->transfer_kind && m->failed_kind != PR_FILE_OTHER)
    return;
  pr_phone_set_stage (phone, stage_for_kind (m->transfer_kind));
  pr_phone_set_reason (phone, NULL);
  pr_phone_set_finished_time (phone, 0);
  pr_phone_set_note (phone, m->transfer_kind == PR_FILE_BOOTROM_IMAGE
                            ? _("Downloading the BootROM")
                            : _("Downloading the application"));
}

static gboolean
promote_timeout (gpointer data)
{
  Machine *m = data;

  if (!m->transfer_active || m->transfer_promoted)
    {
      m->promote_source = 0;
      return G_SOURCE_REMOVE;
    }
  /* Still running is not proof enough when the server is slow to notice a
   * hang-up: the bytes must be past what the socket buffers absorb. A failed
   * phone's retry lifts the failure only once it completes. */
  if (m->pending_bytes < PROMOTE_MIN_BYTES || pr_phone_get_stage (m->phone) == PR_STAGE_FAILED)
    return G_SOURCE_CONTINUE;
  m->promote_source = 0;
  promote (m);
  emit_if_changed (m->registry, m);
  return G_SOURCE_REMOVE;
}

/* The previous image transfer ended early and the phone asks for something:
 * the same file is a retry; anything else means that read was an "unchanged" check. */
static void
settle_short_transfer (Machine *m, const char *path)
{
  PrPhone *phone = m->phone;

  if (!m->transfer_short)
    return;
  m->transfer_short = FALSE;
  if (g_strcmp0 (path, m->transfer_path) == 0)
    return;
  m->cuts = 0;
  pr_phone_set_interrupted (phone, FALSE);
  /* nothing was flashed: no partial progress to show */
  pr_phone_set_current_file (phone, NULL);
  pr_phone_set_bytes (phone, 0, 0);
  if (pr_phone_get_stage (phone) != PR_STAGE_FAILED)
    pr_phone_set_note (phone, m->transfer_kind == PR_FILE_BOOTROM_IMAGE
                              ? _("BootROM is up to date")
                              : _("Application image is up to date"));
}

static char *
missing_image_reason (PrPhone *phone, const PrRequestInfo *info)
{
  const char *name = info->basename;
  const char *part = pr_phone_get_part (phone);

  if (info->part[0] != '\0')
    name += 15;   /* "<part>." */
  if (part != NULL)
    return g_strdup_printf (info->kind == PR_FILE_BOOTROM_IMAGE
                            ? _("The store has no BootROM image for %s: import one that contains %s.%s or %s")
                            : _("The store has no application image for %s: import one that contains %s.%s or %s"),
                            model_label (phone), part, name, name);
  return g_strdup_printf (info->kind == PR_FILE_BOOTROM_IMAGE
                          ? _("The store has no BootROM image for %s: import one that contains %s")
                          : _("The store has no application image for %s: import one that contains %s"),
                          model_label (phone), name);
}

/* The store has no BootROM image for this phone: a failure only if its own
 * BootROM is too old for the application (or we cannot tell) */
static void
missing_bootrom (PrPhoneRegistry *self, Machine *m, const PrRequestInfo *info)
{
  PrPhone *phone = m->phone;
  PrBootromVerdict verdict = PR_BOOTROM_UNKNOWN;
  g_autofree char *reason = NULL;

  if (self->bootrom_check != NULL)
    verdict = self->bootrom_check (pr_phone_get_model_key (phone), pr_phone_get_bootrom_version (phone),
                                   &reason, self->bootrom_check_data);
  if (verdict == PR_BOOTROM_GOOD_ENOUGH)
    {
      g_autofree char *note = g_strdup_printf (_("No BootROM image in the store; BootROM %s is new enough"),
                                               pr_phone_get_bootrom_version (phone));
      pr_phone_set_note (phone, note);
      return;
    }
  if (reason == NULL)
    reason = missing_image_reason (phone, info);
  set_failed (m, PR_FILE_BOOTROM_IMAGE, reason);
}

static void
start_image_transfer (Machine *m, const char *path, const PrRequestInfo *info, goffset total)
{
  PrPhone *phone = m->phone;

  if (g_strcmp0 (m->transfer_path, path) != 0)
    m->cuts = 0;
  m->open_transfers = m->transfer_active && g_strcmp0 (m->transfer_path, path) == 0 ? m->open_transfers + 1 : 1;
  g_free (m->transfer_path);
  m->transfer_path = g_strdup (path);
  m->transfer_kind = info->kind;
  m->transfer_active = TRUE;
  m->transfer_promoted = FALSE;
  m->pending_bytes = 0;
  pr_phone_set_interrupted (phone, FALSE);
  pr_phone_set_current_file (phone, info->basename);
  pr_phone_set_bytes (phone, 0, total);
  g_clear_handle_id (&m->promote_source, g_source_remove);
  m->promote_source = g_timeout_add (PROMOTE_DELAY_MS, promote_timeout, m);
}

PrPhone *
pr_phone_registry_request_started (PrPhoneRegistry     *self,
                                   const char          *ip,
                                   const char          *method,
                                   const char          *path,
                                   const char          *user_agent,
                                   const PrRequestInfo *info,
                                   guint                status,
                                   goffset              total,
                                   const char          *served)
{
  PrPhone *phone;
  Machine *m;
  gboolean is_get = g_strcmp0 (method, "GET") == 0;
  gboolean is_image = info->kind == PR_FILE_BOOTROM_IMAGE || info->kind == PR_FILE_APP_IMAGE;

  g_return_val_if_fail (PR_IS_PHONE_REGISTRY (self), NULL);

  if (!info->is_phone || ip == NULL)
    return NULL;

  phone = identify (self, ip, info->mac[0] != '\0' ? info->mac : NULL);
  m = machine_for (self, phone);
  pr_phone_set_last_seen (phone, g_get_real_time ());
  learn_facts (phone, m, info);
  settle_short_transfer (m, path);

  if (info->sender == PR_SENDER_APPLICATION)
    set_done (m);
  else if (info->kind == PR_FILE_BOOTROM_IMAGE && is_get && status == 404)
    missing_bootrom (self, m, info);
  else if (is_image && is_get && status == 404)
    {
      g_autofree char *reason = missing_image_reason (phone, info);
      set_failed (m, info->kind, reason);
    }
  else if (is_image && is_get && status >= 200 && status < 300)
    start_image_transfer (m, path, info, total);

  emit_if_changed (self, m);
  return phone;
}

static gboolean
flush_progress (gpointer data)
{
  PrPhoneRegistry *self = data;
  GHashTableIter iter;
  Machine *m;

  self->flush_source = 0;
  g_hash_table_iter_init (&iter, self->machines);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &m))
    {
      if (m->transfer_active)
        pr_phone_set_bytes (m->phone, m->pending_bytes, pr_phone_get_bytes_total (m->phone));
      if (m->progress_dirty || m->dirty)
        {
          gboolean progress_only = !m->dirty;

          m->dirty = m->progress_dirty = FALSE;
          m->last_progress_emit = g_get_monotonic_time ();
          g_signal_emit (self, signals[PHONE_CHANGED], 0, m->phone, progress_only);
        }
    }
  return G_SOURCE_REMOVE;
}

void
pr_phone_registry_progress (PrPhoneRegistry *self,
                            const char      *ip,
                            goffset          bytes_sent)
{
  PrPhone *phone = g_hash_table_lookup (self->by_ip, ip);
  Machine *m;

  if (phone == NULL)
    return;
  m = machine_for (self, phone);
  if (!m->transfer_active)
    return;
  m->pending_bytes = bytes_sent;
  if (self->flush_source == 0)
    self->flush_source = g_timeout_add (1000 / 10, flush_progress, self);
}

static void
finish_image_transfer (Machine *m, goffset bytes_sent, gboolean complete)
{
  PrPhone *phone = m->phone;

  /* The end of an earlier attempt, noticed after the phone's retry began:
   * it was cut off, and the retry carries on */
  if (m->open_transfers > 1)
    {
      m->open_transfers--;
      if (!complete)
        m->cuts++;
      return;
    }
  m->open_transfers = 0;
  m->transfer_active = FALSE;
  g_clear_handle_id (&m->promote_source, g_source_remove);
  pr_phone_set_bytes (phone, bytes_sent, pr_phone_get_bytes_total (phone));

  if (complete)
    {
      if (!m->transfer_promoted)
        promote (m);
      m->cuts = 0;
      m->downloaded_any = TRUE;
      if (pr_phone_get_stage (phone) != PR_STAGE_FAILED)
        pr_phone_set_note (phone, m->transfer_kind == PR_FILE_BOOTROM_IMAGE
                                  ? _("BootROM sent: the phone is flashing it and will reboot")
                                  : _("Application sent: the phone is flashing it and will reboot"));
      return;
    }

  m->transfer_short = TRUE;
  m->cuts++;
  pr_phone_set_interrupted (phone, TRUE);
  if (m->cuts >= PR_MAX_CUTS_IN_A_ROW)
    {
      g_autofree char *reason =
        g_strdup_printf (_("The download of %s was cut off %u times in a row. Check the cable and the switch between this computer and the phone, then restart the phone."),
                         pr_phone_get_current_file (phone), m->cuts);
      set_failed (m, m->transfer_kind, reason);
    }
  else if (pr_phone_get_stage (phone) != PR_STAGE_FAILED && m->transfer_promoted)
    pr_phone_set_note (phone, _("Interrupted, waiting for the phone to retry"));
}

void
pr_phone_registry_request_finished (PrPhoneRegistry     *self,
                                    const char          *ip,
                                    const char          *method,
                                    const char          *path,
                                    const char          *user_agent,
                                    const PrRequestInfo *info,
                                    guint                status,
                                    goffset              bytes_sent,
                                    gboolean             complete)
{
  PrPhone *phone;
  Machine *m;
  g_autoptr(PrRequestRecord) record = NULL;

  if (!info->is_phone || ip == NULL)
    return;
  phone = g_hash_table_lookup (self->by_ip, ip);
  if (phone == NULL)
    return;
  m = machine_for (self, phone);

  record = pr_request_record_new (g_get_real_time (), ip, method, path, status, bytes_sent, user_agent, complete);
  pr_phone_append_log (phone, record);
  pr_phone_set_last_seen (phone, g_get_real_time ());

  if (m->transfer_active && g_strcmp0 (path, m->transfer_path) == 0)
    finish_image_transfer (m, bytes_sent, complete);

  emit_if_changed (self, m);
}

/* Boot-log failure lines: the phone's own words and what to do */
static const LogPattern *
find_failure_line (PrPhoneRegistry *self, const char *text, gsize len, char **line_out)
{
  for (guint i = 0; i < self->patterns->len; i++)
    {
      const LogPattern *p = &g_array_index (self->patterns, LogPattern, i);
      const char *hit = g_strstr_len (text, len, p->needle);
      const char *start, *end;

      if (hit == NULL)
        continue;
      start = hit;
      while (start > text && start[-1] != '\n')
        start--;
      end = memchr (hit, '\n', len - (hit - text));
      *line_out = g_strstrip (g_strndup (start, end != NULL ? end - start : (gssize) (len - (start - text))));
      return p;
    }
  return NULL;
}

void
pr_phone_registry_upload_stored (PrPhoneRegistry     *self,
                                 const char          *ip,
                                 const PrRequestInfo *info,
                                 const char          *stored_path,
                                 GBytes              *contents)
{
  PrPhone *phone = g_hash_table_lookup (self->by_ip, ip);
  const char *suffix;
  Machine *m;

  if (phone == NULL || info->kind != PR_FILE_LOG)
    return;
  m = machine_for (self, phone);
  suffix = g_str_has_suffix (info->basename, "boot.log") ? "boot.log" : "app.log";
  pr_phone_set_upload_path (phone, suffix, stored_path);
  m->dirty = TRUE;

  if (g_str_equal (suffix, "boot.log") && contents != NULL && pr_phone_get_stage (phone) != PR_STAGE_DONE)
    {
      gsize len;
      const char *text = g_bytes_get_data (contents, &len);
      g_autofree char *line = NULL;
      const LogPattern *p = text != NULL ? find_failure_line (self, text, len, &line) : NULL;

      if (p != NULL)
        {
          g_autofree char *reason = g_strdup_printf (_("The phone reports: “%s” %s"), line, p->advice);
          set_failed (m, PR_FILE_OTHER, reason);
        }
    }
  emit_if_changed (self, m);
}

void
pr_phone_registry_fail (PrPhoneRegistry *self,
                        PrPhone         *phone,
                        PrFileKind       missing,
                        const char      *reason)
{
  Machine *m = machine_for (self, phone);

  g_return_if_fail (m != NULL);
  set_failed (m, missing, reason);
  emit_if_changed (self, m);
}

void
pr_phone_registry_set_bootrom_check (PrPhoneRegistry *self,
                                     PrBootromCheck   check,
                                     gpointer         user_data,
                                     GDestroyNotify   destroy)
{
  if (self->bootrom_check_destroy != NULL)
    self->bootrom_check_destroy (self->bootrom_check_data);
  self->bootrom_check = check;
  self->bootrom_check_data = user_data;
  self->bootrom_check_destroy = destroy;
}

static void pattern_clear (gpointer data);

void
pr_phone_registry_add_log_pattern (PrPhoneRegistry *self,
                                   const char      *needle,
                                   const char      *advice)
{
  LogPattern p = { g_strdup (needle), g_strdup (advice != NULL ? advice : "") };

  g_return_if_fail (needle != NULL && *needle != '\0');
  for (guint i = 0; i < self->patterns->len; i++)
    if (g_str_equal (g_array_index (self->patterns, LogPattern, i).needle, needle))
      {
        pattern_clear (&p);
        return;   /* known already (a server set up again on this registry) */
      }
  g_array_append_val (self->patterns, p);
}

void
pr_phone_registry_flush (PrPhoneRegistry *self)
{
  g_clear_handle_id (&self->flush_source, g_source_remove);
  flush_progress (self);
}

/* A phone that went quiet after a download gets a hint */
static gboolean
check_silence (gpointer data)
{
  PrPhoneRegistry *self = data;
  gint64 now = g_get_real_time ();

  for (guint i = 0; i < self->phones->len; i++)
    {
      PrPhone *phone = g_ptr_array_index (self->phones, i);
      Machine *m = machine_for (self, phone);
      PrStage stage = pr_phone_get_stage (phone);

      if ((stage == PR_STAGE_BOOTLOADER || stage == PR_STAGE_APPLICATION) && !m->transfer_active &&
          now - pr_phone_get_last_seen (phone) > SILENCE_HINT_US)
        {
          pr_phone_set_note (phone, _("No news from the phone — check its screen"));
          emit_if_changed (self, m);
        }
    }
  return G_SOURCE_CONTINUE;
}

PrPhone *
pr_phone_registry_lookup_ip (PrPhoneRegistry *self, const char *ip)
{
  return g_hash_table_lookup (self->by_ip, ip);
}

PrPhone *
pr_phone_registry_lookup_mac (PrPhoneRegistry *self, const char *mac)
{
  return mac != NULL ? g_hash_table_lookup (self->by_mac, mac) : NULL;
}

PrPhone *
pr_phone_registry_lookup_id (PrPhoneRegistry *self, guint id)
{
  for (guint i = 0; i < self->phones->len; i++)
    if (pr_phone_get_id (g_ptr_array_index (self->phones, i)) == id)
      return g_ptr_array_index (self->phones, i);
  return NULL;
}

void
pr_phone_registry_clear (PrPhoneRegistry *self)
{
  guint n = self->phones->len;

  g_hash_table_remove_all (self->by_ip);
  g_hash_table_remove_all (self->by_mac);
  g_hash_table_remove_all (self->machines);
  g_ptr_array_set_size (self->phones, 0);
  if (n > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, n, 0);
}

static void
pattern_clear (gpointer data)
{
  LogPattern *p = data;

  g_free (p->needle);
  g_free (p->advice);
}

static void
pr_phone_registry_dispose (GObject *object)
{
  PrPhoneRegistry *self = PR_PHONE_REGISTRY (object);

  g_clear_handle_id (&self->flush_source, g_source_remove);
  g_clear_handle_id (&self->silence_source, g_source_remove);
  if (self->machines != NULL)
    g_hash_table_remove_all (self->machines);
  pr_phone_registry_set_bootrom_check (self, NULL, NULL, NULL);
  G_OBJECT_CLASS (pr_phone_registry_parent_class)->dispose (object);
}

static void
pr_phone_registry_finalize (GObject *object)
{
  PrPhoneRegistry *self = PR_PHONE_REGISTRY (object);

  g_hash_table_unref (self->by_ip);
  g_hash_table_unref (self->by_mac);
  g_hash_table_unref (self->machines);
  g_ptr_array_unref (self->phones);
  g_array_unref (self->patterns);
  G_OBJECT_CLASS (pr_phone_registry_parent_class)->finalize (object);
}

static void
pr_phone_registry_class_init (PrPhoneRegistryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pr_phone_registry_dispose;
  object_class->finalize = pr_phone_registry_finalize;

  signals[PHONE_CHANGED] = g_signal_new ("phone-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 2, PR_TYPE_PHONE, G_TYPE_BOOLEAN);
  signals[PHONE_ADDED] = g_signal_new ("phone-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, PR_TYPE_PHONE);
}

static void
pr_phone_registry_init (PrPhoneRegistry *self)
{
  self->phones = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_ip = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->by_mac = g_hash_table_new (g_str_hash, g_str_equal);
  self->machines = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, machine_free);
  self->patterns = g_array_new (FALSE, TRUE, sizeof (LogPattern));
  g_array_set_clear_func (self->patterns, pattern_clear);
  self->silence_source = g_timeout_add_seconds (SILENCE_CHECK_S, check_silence, self);
}

PrPhoneRegistry *
pr_phone_registry_new (void)
{
  return g_object_new (PR_TYPE_PHONE_REGISTRY, NULL);
}
