/* pr-sim-phone.c — a simulated Polycom SoundPoint/SoundStation IP phone
 *
 * One boot cycle, as a chain of asynchronous steps:
 *
 *   start_boot_cycle ─► check_bootrom (BootROM profiles: <part>.bootrom.ld, bootrom.ld)
 *                    ─► fetch_master_config (<mac>.cfg, 000000000000.cfg)
 *                    ─► check_application (<part>.<APP_FILE_PATH>)
 *                    ─► upload_boot_log ─► reboot, or start_application
 *   start_application ─► fetch_master_config ─► fetch_next_app_file … ─► upload_app_log ─► booted
 *
 * Every step ends in exactly one of: the next step, reboot(), give_up() or
 * a cancellation error. A reboot starts a new cycle; max_boot_cycles bounds them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pr-sim-phone.h"

#include <string.h>

#include <libsoup/soup.h>

#include "pr-sim-master-config.h"
#include "pr-sim-transfer.h"

typedef enum {
  AFTER_LOG_REBOOT,
  AFTER_LOG_START_APPLICATION,
} AfterBootLog;

struct _PrSimPhone
{
  GObject             parent_instance;

  /* who the phone is */
  GUri               *server_uri;
  char               *local_address;
  char               *mac;
  char               *family;
  char               *model;
  char               *model_key;
  char               *part;
  char               *new_bootrom_version;
  char               *new_app_version;
  char               *min_bootrom;
  PrSimProfile        profile;
  PrSimFault          fault;
  guint               max_boot_cycles;
  guint               reboot_delay_ms;
  guint64             rate_limit;
  gboolean            skip_checksums;
  guint               timeout;

  /* what its flash holds */
  char               *bootrom_version;
  GBytes             *bootrom_header;
  char               *app_version;     /* NULL: no application */
  GBytes             *app_header;

  /* the boot in progress */
  GTask              *task;
  SoupSession        *session;
  guint               boot_cycles;
  guint               cuts;             /* application downloads cut, ever */
  guint               failed_downloads; /* cut or short in a row */
  gboolean            in_application;
  AfterBootLog        after_boot_log;
  PrSimMasterConfig  *config;
  GString            *boot_log;
  char               *last_error;      /* transport error in this cycle */
  char               *last_failure;    /* what the last boot log reported */
  GPtrArray          *app_files;
  guint               next_app_file;

  /* what came of it */
  PrSimOutcome        outcome;
  char               *reason;
  GPtrArray          *requests;
  GHashTable         *downloads;
};

G_DEFINE_FINAL_TYPE (PrSimPhone, pr_sim_phone, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MAC,
  PROP_LOCAL_ADDRESS,
  PROP_BOOTROM_VERSION,
  PROP_APP_VERSION,
  PROP_OUTCOME,
  PROP_REASON,
  PROP_BOOT_CYCLES,
  N_PROPS
};

enum {
  REQUEST_DONE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void start_boot_cycle    (PrSimPhone *self);
static void check_bootrom       (PrSimPhone *self,
                                 guint       candidate);
static void fetch_master_config (PrSimPhone *self,
                                 guint       candidate);
static void check_application   (PrSimPhone *self);
static void upload_boot_log     (PrSimPhone *self,
                                 AfterBootLog then);
static void start_application   (PrSimPhone *self);
static void fetch_next_app_file (PrSimPhone *self);
static void reboot              (PrSimPhone *self,
                                 const char *why);

/* Options */

void
pr_sim_phone_options_init (PrSimPhoneOptions *options,
                           PrSimProfile       profile)
{
  g_return_if_fail (options != NULL);

  *options = (PrSimPhoneOptions) {
    .mac = PR_SIM_DEFAULT_MAC,
    .model = "SPIP_321",
    .part = "2345-12360-001",
    .bootrom_version = "3.2.3.0017",
    .app_version = NULL,
    .new_bootrom_version = "4.2.3.0003",
    .new_app_version = "3.2.4.0267",
    .profile = profile,
    .fault = PR_SIM_FAULT_NONE,
    .max_boot_cycles = PR_SIM_DEFAULT_MAX_BOOT_CYCLES,
    .timeout = PR_SIM_DEFAULT_TIMEOUT,
  };

  if (profile == PR_SIM_PROFILE_UPDATER)
    {
      options->model = "SSIP_6000";
      options->part = "3111-15600-001";
      options->bootrom_version = "5.0.3.1167";
      options->new_bootrom_version = "5.0.3.1167";
      options->new_app_version = "4.0.15.1009";
    }
  else if (profile == PR_SIM_PROFILE_UP_TO_DATE)
    {
      options->bootrom_version = options->new_bootrom_version;
      options->app_version = options->new_app_version;
    }
}

static char *
family_for_model (const char *model)
{
  if (g_str_has_prefix (model, "SSIP_"))
    return g_strdup ("SoundStationIP");
  if (g_str_has_prefix (model, "VVX_"))
    return g_strdup ("VVX");
  return g_strdup ("SoundPointIP");
}

static char *
model_key_for_model (const char *model)
{
  g_auto(GStrv) pieces = g_strsplit (model, "_", -1);

  return g_strjoinv ("", pieces);
}

static gboolean
is_mac (const char *mac)
{
  if (mac == NULL || strlen (mac) != 12)
    return FALSE;
  for (guint i = 0; i < 12; i++)
    if (!g_ascii_isxdigit (mac[i]))
      return FALSE;
  return TRUE;
}

static GUri *
parse_server_url (const char  *url,
                  GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  if (url == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "No server URL given");
      return NULL;
    }

  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (scheme == NULL || g_uri_get_host (uri) == NULL ||
      (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not an HTTP URL such as http://127.0.0.1:8080/", url);
      return NULL;
    }

  /* names are resolved against the URL: it must name a directory */
  if (!g_str_has_suffix (g_uri_get_path (uri), "/"))
    {
      g_autofree char *path = g_strconcat (g_uri_get_path (uri), "/", NULL);

      return g_uri_build (G_URI_FLAGS_ENCODED, g_uri_get_scheme (uri), NULL,
                          g_uri_get_host (uri), g_uri_get_port (uri), path, NULL, NULL);
    }

  return g_steal_pointer (&uri);
}

static gboolean
check_options (const PrSimPhoneOptions  *options,
               GError                  **error)
{
  if (options->local_address != NULL)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (options->local_address);

      if (address == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "“%s” is not an IP address", options->local_address);
          return FALSE;
        }
    }

  if (!is_mac (options->mac))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not a MAC address of 12 hex digits",
                   options->mac != NULL ? options->mac : "");
      return FALSE;
    }

  if (options->model == NULL || *options->model == '\0' ||
      options->part == NULL || *options->part == '\0' ||
      options->bootrom_version == NULL ||
      options->new_bootrom_version == NULL || options->new_app_version == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "A phone needs a model, a part number and versions");
      return FALSE;
    }

  return TRUE;
}

/* Flash */

/* A header no server image has: the phone's own, older software */
static GBytes *
old_image_header (const char *slot,
                  const char *version)
{
  char header[PR_SIM_IMAGE_HEADER_SIZE] = { 0 };

  g_snprintf (header, sizeof header, "PRSIM old %s %s", slot, version);
  return g_bytes_new (header, sizeof header);
}

static void
set_bootrom (PrSimPhone *self,
             const char *version,
             GBytes     *header)
{
  g_free (self->bootrom_version);
  self->bootrom_version = g_strdup (version);
  g_clear_pointer (&self->bootrom_header, g_bytes_unref);
  self->bootrom_header = header != NULL ? g_bytes_ref (header) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BOOTROM_VERSION]);
}

/* @version NULL erases the application */
static void
set_application (PrSimPhone *self,
                 const char *version,
                 GBytes     *header)
{
  g_free (self->app_version);
  self->app_version = g_strdup (version);
  g_clear_pointer (&self->app_header, g_bytes_unref);
  self->app_header = header != NULL ? g_bytes_ref (header) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_APP_VERSION]);
}

static gboolean
flash_matches_anything (PrSimPhone *self)
{
  return self->profile == PR_SIM_PROFILE_UP_TO_DATE;
}

static gboolean
bootrom_is_enough (PrSimPhone *self)
{
  return self->min_bootrom == NULL ||
         pr_sim_version_compare (self->bootrom_version, self->min_bootrom) >= 0;
}

/* What the phone says of itself */

static char *
bootrom_user_agent (PrSimPhone *self)
{
  return g_strdup_printf ("FileTransport Polycom%s-%s-UA/%s%s",
                          self->family, self->model, self->bootrom_version,
                          self->profile == PR_SIM_PROFILE_UPDATER ? " Type/Updater" : "");
}

static char *
application_user_agent (PrSimPhone *self)
{
  return g_strdup_printf ("FileTransport Polycom%s-%s-UA/%s%s",
                          self->family, self->model, self->app_version,
                          pr_sim_version_major (self->app_version) >= 4 ? " Type/Application" : "");
}

static const char *
boot_program_name (PrSimPhone *self)
{
  return self->profile == PR_SIM_PROFILE_UPDATER ? "Updater" : "BootROM";
}

static void
log_line (PrSimPhone *self,
          GString    *log,
          const char *format,
          ...) G_GNUC_PRINTF (3, 4);

static void
log_line (PrSimPhone *self,
          GString    *log,
          const char *format,
          ...)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%m%d%H%M%S");
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  g_string_append_printf (log, "%s|%s|1|00|%s\n", stamp,
                          self->in_application ? "app1 " : "boot ", text);
}

#define log_boot(self, ...) log_line ((self), (self)->boot_log, __VA_ARGS__)

/* A failure the boot log reports; it explains a give-up later */
static void
note_failure (PrSimPhone *self,
              const char *failure)
{
  log_boot (self, "%s", failure);
  g_free (self->last_failure);
  self->last_failure = g_strdup (failure);
}

/* Requests */

static PrSimTransfer *
new_transfer (PrSimPhone *self,
              const char *method,
              const char *name,
              const char *user_agent)
{
  g_autofree char *escaped = g_uri_escape_string (name, "/", FALSE);
  g_autoptr(GUri) uri = g_uri_parse_relative (self->server_uri, escaped, G_URI_FLAGS_ENCODED, NULL);

  g_assert (uri != NULL);
  return pr_sim_transfer_new (self->session, method, uri, user_agent);
}

static PrSimTransfer *
new_boot_transfer (PrSimPhone *self,
                   const char *method,
                   const char *name)
{
  g_autofree char *user_agent = NULL;

  if (self->in_application)
    user_agent = application_user_agent (self);
  else
    user_agent = bootrom_user_agent (self);
  return new_transfer (self, method, name, user_agent);
}

static void
record_request (PrSimPhone    *self,
                PrSimTransfer *transfer)
{
  const char *method = pr_sim_transfer_get_method (transfer);
  const char *path = pr_sim_transfer_get_path (transfer);
  guint status = pr_sim_transfer_get_status (transfer);
  goffset bytes = pr_sim_transfer_get_bytes (transfer);
  gboolean complete = pr_sim_transfer_get_complete (transfer);
  const char *sha256 = pr_sim_transfer_get_sha256 (transfer);

  g_ptr_array_add (self->requests, pr_sim_request_new (method, path, status, bytes, complete));
  if (sha256 != NULL)
    g_hash_table_replace (self->downloads, g_strdup (path), g_strdup (sha256));

  g_signal_emit (self, signals[REQUEST_DONE], 0, method, path, status, (gint64) bytes, complete);
}

static void
finish (PrSimPhone   *self,
        PrSimOutcome  outcome,
        const char   *reason)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  self->outcome = outcome;
  g_free (self->reason);
  self->reason = g_strdup (reason);
  soup_session_abort (self->session);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REASON]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OUTCOME]);
  g_task_return_int (task, outcome);
}

static void
give_up (PrSimPhone *self,
         const char *reason)
{
  finish (self, PR_SIM_OUTCOME_GAVE_UP, reason);
}

static void
return_error (PrSimPhone *self,
              GError     *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  soup_session_abort (self->session);
  g_task_return_error (task, error);
}

/* Finish a transfer and record it. FALSE when it failed: the phone then
 * stopped (cancelled) or reboots, as a phone that lost its boot server. */
static gboolean
transfer_finish (PrSimPhone    *self,
                 PrSimTransfer *transfer,
                 GAsyncResult  *result)
{
  g_autoptr(GError) error = NULL;

  if (pr_sim_transfer_run_finish (transfer, result, &error))
    {
      record_request (self, transfer);
      return TRUE;
    }

  record_request (self, transfer);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      return_error (self, g_steal_pointer (&error));
      return FALSE;
    }

  g_free (self->last_error);
  self->last_error = g_strdup_printf ("%s %s: %s", pr_sim_transfer_get_method (transfer),
                                      pr_sim_transfer_get_path (transfer), error->message);
  reboot (self, "Boot server not reachable");
  return FALSE;
}

/* Image names: a split image gets the part number in front of its file name
 * ("sip.ld" → "2345-12360-001.sip.ld", "fw/sip.ld" → "fw/2345-12360-001.sip.ld") */
static char *
part_image_name (PrSimPhone *self,
                 const char *file_path)
{
  const char *slash = strrchr (file_path, '/');

  if (slash == NULL)
    return g_strconcat (self->part, ".", file_path, NULL);
  return g_strdup_printf ("%.*s%s.%s", (int) (slash + 1 - file_path), file_path,
                          self->part, slash + 1);
}

static gboolean
download_failed_too_often (PrSimPhone *self)
{
  self->failed_downloads++;
  return self->failed_downloads >= PR_SIM_MAX_FAILED_DOWNLOADS;
}

static void
give_up_after_failed_downloads (PrSimPhone *self,
                                const char *path)
{
  g_autofree char *reason = g_strdup_printf ("Download of %s cut off %u times", path,
                                             self->failed_downloads);

  give_up (self, reason);
}

/* Step 1: BootROM update */

static const char *
bootrom_candidate (PrSimPhone *self,
                   guint       candidate,
                   char      **owned)
{
  if (candidate == 0)
    return *owned = g_strconcat (self->part, ".bootrom.ld", NULL);
  return "bootrom.ld";
}

static void
on_bootrom_checked (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(PrSimPhone) self = user_data;
  PrSimTransfer *transfer = PR_SIM_TRANSFER (source);
  const char *path = pr_sim_transfer_get_path (transfer);
  guint candidate = GPOINTER_TO_UINT (g_object_get_data (source, "candidate"));

  if (!transfer_finish (self, transfer, result))
    return;

  if (pr_sim_transfer_get_status (transfer) != SOUP_STATUS_OK)
    {
      if (candidate == 0)
        check_bootrom (self, 1);
      else
        fetch_master_config (self, 0);
      return;
    }

  switch (pr_sim_transfer_get_end (transfer))
    {
    case PR_SIM_TRANSFER_UNCHANGED:
      self->failed_downloads = 0;
      log_boot (self, "Image %s has not changed", path + 1);
      fetch_master_config (self, 0);
      break;

    case PR_SIM_TRANSFER_COMPLETE:
      self->failed_downloads = 0;
      /* a new BootROM formats the file system: the application goes too */
      set_bootrom (self, self->new_bootrom_version, pr_sim_transfer_get_header (transfer));
      set_application (self, NULL, NULL);
      reboot (self, "BootROM updated, rebooting");
      break;

    case PR_SIM_TRANSFER_CUT:
    case PR_SIM_TRANSFER_SHORT:
    default:
      if (download_failed_too_often (self))
        give_up_after_failed_downloads (self, path);
      else
        check_bootrom (self, candidate);
      break;
    }
}

static void
check_bootrom (PrSimPhone *self,
               guint       candidate)
{
  g_autofree char *owned = NULL;
  const char *name = bootrom_candidate (self, candidate, &owned);
  g_autoptr(PrSimTransfer) transfer = new_boot_transfer (self, "GET", name);

  pr_sim_transfer_set_image_check (transfer, self->bootrom_header, flash_matches_anything (self));
  pr_sim_transfer_set_rate_limit (transfer, self->rate_limit);
  pr_sim_transfer_set_skip_checksum (transfer, self->skip_checksums);
  g_object_set_data (G_OBJECT (transfer), "candidate", GUINT_TO_POINTER (candidate));
  pr_sim_transfer_run_async (transfer, g_task_get_cancellable (self->task),
                             on_bootrom_checked, g_object_ref (self));
}

/* Step 2: master config (the BootROM's, and again the application's) */

static void
take_master_config (PrSimPhone    *self,
                    PrSimTransfer *transfer)
{
  g_autoptr(GError) error = NULL;
  GBytes *body = pr_sim_transfer_get_body (transfer);
  gsize length = 0;
  const char *text = g_bytes_get_data (body, &length);

  g_clear_pointer (&self->config, pr_sim_master_config_free);
  if (text != NULL)
    self->config = pr_sim_master_config_parse (text, length, self->model_key,
                                               self->mac, self->part, &error);
  if (self->config == NULL)
    {
      log_boot (self, "Master config %s unreadable (%s), using defaults",
                pr_sim_transfer_get_path (transfer) + 1,
                error != NULL ? error->message : "empty");
      self->config = pr_sim_master_config_new_default ();
    }
}

static void build_app_file_list (PrSimPhone *self);

static void
on_master_config_fetched (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(PrSimPhone) self = user_data;
  PrSimTransfer *transfer = PR_SIM_TRANSFER (source);
  guint candidate = GPOINTER_TO_UINT (g_object_get_data (source, "candidate"));

  if (!transfer_finish (self, transfer, result))
    return;

  if (pr_sim_transfer_get_status (transfer) == SOUP_STATUS_OK)
    take_master_config (self, transfer);
  else if (candidate == 0)
    {
      fetch_master_config (self, 1);
      return;
    }
  else
    {
      g_clear_pointer (&self->config, pr_sim_master_config_free);
      self->config = pr_sim_master_config_new_default ();
    }

  if (self->in_application)
    {
      build_app_file_list (self);
      fetch_next_app_file (self);
    }
  else
    check_application (self);
}

static void
fetch_master_config (PrSimPhone *self,
                     guint       candidate)
{
  g_autofree char *name = NULL;
  g_autoptr(PrSimTransfer) transfer = NULL;

  name = candidate == 0 ? g_strconcat (self->mac, ".cfg", NULL) : g_strdup ("000000000000.cfg");
  transfer = new_boot_transfer (self, "GET", name);
  g_object_set_data (G_OBJECT (transfer), "candidate", GUINT_TO_POINTER (candidate));
  pr_sim_transfer_run_async (transfer, g_task_get_cancellable (self->task),
                             on_master_config_fetched, g_object_ref (self));
}

/* Step 3: application image */

static gboolean
should_cut (PrSimPhone *self)
{
  switch (self->fault)
    {
    case PR_SIM_FAULT_CUT_ALWAYS:
      return TRUE;
    case PR_SIM_FAULT_CUT_ONCE:
      return self->cuts == 0;
    case PR_SIM_FAULT_NONE:
    default:
      return FALSE;
    }
}

static void
application_missing (PrSimPhone *self,
                     const char *path)
{
  if (self->app_version != NULL)
    {
      log_boot (self, "Image %s not on the boot server, keeping application %s",
                path + 1, self->app_version);
      upload_boot_log (self, AFTER_LOG_START_APPLICATION);
      return;
    }

  note_failure (self, "Application image not found in file system");
  upload_boot_log (self, AFTER_LOG_REBOOT);
}

static void
application_downloaded (PrSimPhone    *self,
                        PrSimTransfer *transfer)
{
  const char *path = pr_sim_transfer_get_path (transfer);

  self->failed_downloads = 0;
  if (!bootrom_is_enough (self))
    {
      g_autofree char *failure = g_strdup_printf ("Application %s is not compatible with the phone.",
                                                  path + 1);

      note_failure (self, failure);
      set_application (self, NULL, NULL);
      upload_boot_log (self, AFTER_LOG_REBOOT);
      return;
    }

  log_boot (self, "Downloaded application image %s (%" G_GOFFSET_FORMAT " bytes)",
            path + 1, pr_sim_transfer_get_bytes (transfer));
  set_application (self, self->new_app_version, pr_sim_transfer_get_header (transfer));
  log_boot (self, "Application updated to %s, rebooting", self->app_version);
  upload_boot_log (self, AFTER_LOG_REBOOT);
}

static void
on_application_checked (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(PrSimPhone) self = user_data;
  PrSimTransfer *transfer = PR_SIM_TRANSFER (source);
  const char *path = pr_sim_transfer_get_path (transfer);

  if (!transfer_finish (self, transfer, result))
    return;

  if (pr_sim_transfer_get_status (transfer) != SOUP_STATUS_OK)
    {
      application_missing (self, path);
      return;
    }

  switch (pr_sim_transfer_get_end (transfer))
    {
    case PR_SIM_TRANSFER_UNCHANGED:
      self->failed_downloads = 0;
      log_boot (self, "Image %s has not changed", path + 1);
      log_boot (self, "Starting application %s", self->app_version);
      upload_boot_log (self, AFTER_LOG_START_APPLICATION);
      break;

    case PR_SIM_TRANSFER_COMPLETE:
      application_downloaded (self, transfer);
      break;

    case PR_SIM_TRANSFER_CUT:
    case PR_SIM_TRANSFER_SHORT:
    default:
      if (pr_sim_transfer_get_end (transfer) == PR_SIM_TRANSFER_CUT)
        self->cuts++;
      if (download_failed_too_often (self))
        give_up_after_failed_downloads (self, path);
      else
        check_application (self);
      break;
    }
}

static void
check_application (PrSimPhone *self)
{
  g_autofree char *name = part_image_name (self, self->config->app_file_path);
  g_autoptr(PrSimTransfer) transfer = new_boot_transfer (self, "GET", name);

  pr_sim_transfer_set_image_check (transfer, self->app_header, flash_matches_anything (self));
  pr_sim_transfer_set_cut (transfer, should_cut (self));
  pr_sim_transfer_set_rate_limit (transfer, self->rate_limit);
  pr_sim_transfer_set_skip_checksum (transfer, self->skip_checksums);
  pr_sim_transfer_run_async (transfer, g_task_get_cancellable (self->task),
                             on_application_checked, g_object_ref (self));
}

/* Step 4: boot log */

static void
on_boot_log_uploaded (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(PrSimPhone) self = user_data;

  /* the answer does not matter to a phone, only reaching the server does */
  if (!transfer_finish (self, PR_SIM_TRANSFER (source), result))
    return;

  if (self->after_boot_log == AFTER_LOG_START_APPLICATION)
    start_application (self);
  else
    reboot (self, "Rebooting");
}

static void
upload_boot_log (PrSimPhone   *self,
                 AfterBootLog  then)
{
  g_autofree char *name = g_strconcat (self->mac, "-boot.log", NULL);
  g_autoptr(PrSimTransfer) transfer = new_boot_transfer (self, "PUT", name);
  g_autoptr(GBytes) body = g_bytes_new (self->boot_log->str, self->boot_log->len);

  self->after_boot_log = then;
  pr_sim_transfer_set_upload (transfer, body, "text/plain");
  pr_sim_transfer_run_async (transfer, g_task_get_cancellable (self->task),
                             on_boot_log_uploaded, g_object_ref (self));
}

/* Step 5: the application */

static void
build_app_file_list (PrSimPhone *self)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; self->config->config_files[i] != NULL; i++)
    g_ptr_array_add (files, g_strdup (self->config->config_files[i]));

  g_ptr_array_add (files, g_strconcat (self->mac, "-phone.cfg", NULL));
  g_ptr_array_add (files, g_strconcat (self->mac, "-web.cfg", NULL));
  g_ptr_array_add (files, g_strdup ("000000000000-license.cfg"));
  g_ptr_array_add (files, g_strconcat (self->mac, "-license.cfg", NULL));
  g_ptr_array_add (files, g_strconcat (self->mac, "-directory.xml", NULL));
  g_ptr_array_add (files, g_strdup ("000000000000-directory.xml"));

  g_clear_pointer (&self->app_files, g_ptr_array_unref);
  self->app_files = files;
  self->next_app_file = 0;
}

static void
on_app_booted (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(PrSimPhone) self = user_data;

  if (!transfer_finish (self, PR_SIM_TRANSFER (source), result))
    return;

  finish (self, PR_SIM_OUTCOME_BOOTED, NULL);
}

static void
upload_app_log (PrSimPhone *self)
{
  g_autofree char *name = g_strconcat (self->mac, "-app.log", NULL);
  g_autoptr(PrSimTransfer) transfer = new_boot_transfer (self, "PUT", name);
  g_autoptr(GString) log = g_string_new (NULL);
  g_autoptr(GBytes) body = NULL;

  log_line (self, log, "Application %s started (%s, part %s)",
            self->app_version, self->model, self->part);
  log_line (self, log, "Provisioning from %s done, %u files requested",
            g_uri_get_host (self->server_uri), self->app_files->len + 1);
  body = g_bytes_new (log->str, log->len);
  pr_sim_transfer_set_upload (transfer, body, "text/plain");
  pr_sim_transfer_run_async (transfer, g_task_get_cancellable (self->task),
                             on_app_booted, g_object_ref (self));
}

static void
on_app_file_fetched (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(PrSimPhone) self = user_data;

  /* 404 is normal here: most of these files are optional */
  if (!transfer_finish (self, PR_SIM_TRANSFER (source), result))
    return;

  self->next_app_file++;
  fetch_next_app_file (self);
}

static void
fetch_next_app_file (PrSimPhone *self)
{
  g_autoptr(PrSimTransfer) transfer = NULL;
  const char *name;

  if (self->next_app_file >= self->app_files->len)
    {
      upload_app_log (self);
      return;
    }

  name = g_ptr_array_index (self->app_files, self->next_app_file);
  transfer = new_boot_transfer (self, "GET", name);
  pr_sim_transfer_run_async (transfer, g_task_get_cancellable (self->task),
                             on_app_file_fetched, g_object_ref (self));
}

static void
start_application (PrSimPhone *self)
{
  self->in_application = TRUE;
  fetch_master_config (self, 0);
}

/* Boot cycles */

static gboolean
on_rebooted (gpointer user_data)
{
  GTask *task = user_data;

  start_boot_cycle (g_task_get_source_object (task));
  return G_SOURCE_REMOVE;
}

static gboolean
on_reboot_cancelled (GCancellable *cancellable,
                     gpointer      user_data)
{
  /* its parent, the reboot delay, dispatches now and sees the cancellation */
  return G_SOURCE_CONTINUE;
}

static void
reboot (PrSimPhone *self,
        const char *why)
{
  GCancellable *cancellable = g_task_get_cancellable (self->task);
  g_autoptr(GSource) source = NULL;

  /* a rebooting phone drops its connections */
  soup_session_abort (self->session);
  self->in_application = FALSE;

  if (self->reboot_delay_ms > 0)
    source = g_timeout_source_new (self->reboot_delay_ms);
  else
    source = g_idle_source_new ();
  g_source_set_name (source, why);
  /* a stopped phone does not sit out its reboot delay first */
  if (cancellable != NULL)
    {
      g_autoptr(GSource) cancelled = g_cancellable_source_new (cancellable);

      g_source_set_callback (cancelled, G_SOURCE_FUNC (on_reboot_cancelled), NULL, NULL);
      g_source_add_child_source (source, cancelled);
    }
  g_task_attach_source (self->task, source, on_rebooted);
}

static void
give_up_after_cycles (PrSimPhone *self)
{
  g_autofree char *reason = NULL;

  if (self->last_error != NULL)
    reason = g_strdup_printf ("Boot server not reachable (%s)", self->last_error);
  else if (self->last_failure != NULL)
    reason = g_strdup_printf ("No application running after %u boot cycles: %s",
                              self->boot_cycles, self->last_failure);
  else
    reason = g_strdup_printf ("No application running after %u boot cycles", self->boot_cycles);
  give_up (self, reason);
}

static void
start_boot_cycle (PrSimPhone *self)
{
  GCancellable *cancellable = g_task_get_cancellable (self->task);
  g_autoptr(GError) error = NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      return_error (self, g_steal_pointer (&error));
      return;
    }

  if (self->boot_cycles >= self->max_boot_cycles)
    {
      give_up_after_cycles (self);
      return;
    }

  self->boot_cycles++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BOOT_CYCLES]);

  self->in_application = FALSE;
  self->failed_downloads = 0;
  g_clear_pointer (&self->last_error, g_free);
  g_clear_pointer (&self->config, pr_sim_master_config_free);
  g_string_truncate (self->boot_log, 0);
  log_boot (self, "%s %s (%s, part %s, MAC %s)", boot_program_name (self),
            self->bootrom_version, self->model, self->part, self->mac);
  log_boot (self, "Boot server %s", g_uri_get_host (self->server_uri));

  if (self->profile == PR_SIM_PROFILE_UPDATER)
    fetch_master_config (self, 0);
  else
    check_bootrom (self, 0);
}

static SoupSession *
create_session (PrSimPhone *self)
{
  g_autoptr(GInetSocketAddress) local = NULL;
  SoupSession *session;

  if (self->local_address != NULL)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (self->local_address);

      local = G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (address, 0));
    }

  session = g_object_new (SOUP_TYPE_SESSION,
                          "local-address", local,
                          "timeout", self->timeout,
                          "idle-timeout", self->timeout,
                          "max-conns-per-host", 1,
                          NULL);
  /* a phone talks to its boot server directly, and never asks for gzip */
  soup_session_set_proxy_resolver (session, NULL);
  soup_session_remove_feature_by_type (session, SOUP_TYPE_CONTENT_DECODER);
  return session;
}

void
pr_sim_phone_run_async (PrSimPhone          *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PR_SIM_IS_PHONE (self));
  g_return_if_fail (self->task == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pr_sim_phone_run_async);

  if (self->boot_cycles > 0 || self->outcome != PR_SIM_OUTCOME_NONE)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "A simulated phone runs only once");
      return;
    }

  self->task = g_steal_pointer (&task);
  start_boot_cycle (self);
}

PrSimOutcome
pr_sim_phone_run_finish (PrSimPhone    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  gssize outcome;

  g_return_val_if_fail (g_task_is_valid (result, self), PR_SIM_OUTCOME_NONE);

  outcome = g_task_propagate_int (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return PR_SIM_OUTCOME_NONE;
    }
  return outcome;
}

/* GObject */

PrSimPhone *
pr_sim_phone_new (const PrSimPhoneOptions  *options,
                  GError                  **error)
{
  g_autoptr(GUri) server_uri = NULL;
  PrSimPhone *self;

  g_return_val_if_fail (options != NULL, NULL);

  server_uri = parse_server_url (options->server_url, error);
  if (server_uri == NULL || !check_options (options, error))
    return NULL;

  self = g_object_new (PR_SIM_TYPE_PHONE, NULL);
  self->server_uri = g_steal_pointer (&server_uri);
  self->local_address = g_strdup (options->local_address);
  self->mac = g_ascii_strdown (options->mac, -1);
  self->model = g_strdup (options->model);
  self->family = options->family != NULL ? g_strdup (options->family) : family_for_model (self->model);
  self->model_key = model_key_for_model (self->model);
  self->part = g_strdup (options->part);
  self->new_bootrom_version = g_strdup (options->new_bootrom_version);
  self->new_app_version = g_strdup (options->new_app_version);
  self->min_bootrom = g_strdup (options->min_bootrom);
  self->profile = options->profile;
  self->fault = options->fault;
  self->max_boot_cycles = options->max_boot_cycles > 0 ? options->max_boot_cycles : PR_SIM_DEFAULT_MAX_BOOT_CYCLES;
  self->reboot_delay_ms = options->reboot_delay_ms;
  self->rate_limit = options->rate_limit;
  self->skip_checksums = options->skip_checksums;
  self->timeout = options->timeout > 0 ? options->timeout : PR_SIM_DEFAULT_TIMEOUT;

  self->bootrom_version = g_strdup (options->bootrom_version);
  self->bootrom_header = old_image_header ("bootrom", options->bootrom_version);
  if (options->app_version != NULL)
    {
      self->app_version = g_strdup (options->app_version);
      self->app_header = old_image_header ("application", options->app_version);
    }

  self->session = create_session (self);
  return self;
}

static void
pr_sim_phone_dispose (GObject *object)
{
  PrSimPhone *self = PR_SIM_PHONE (object);

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (pr_sim_phone_parent_class)->dispose (object);
}

static void
pr_sim_phone_finalize (GObject *object)
{
  PrSimPhone *self = PR_SIM_PHONE (object);

  g_clear_pointer (&self->server_uri, g_uri_unref);
  g_free (self->local_address);
  g_free (self->mac);
  g_free (self->family);
  g_free (self->model);
  g_free (self->model_key);
  g_free (self->part);
  g_free (self->new_bootrom_version);
  g_free (self->new_app_version);
  g_free (self->min_bootrom);
  g_free (self->bootrom_version);
  g_clear_pointer (&self->bootrom_header, g_bytes_unref);
  g_free (self->app_version);
  g_clear_pointer (&self->app_header, g_bytes_unref);
  g_clear_pointer (&self->config, pr_sim_master_config_free);
  g_string_free (self->boot_log, TRUE);
  g_free (self->last_error);
  g_free (self->last_failure);
  g_clear_pointer (&self->app_files, g_ptr_array_unref);
  g_free (self->reason);
  g_ptr_array_unref (self->requests);
  g_hash_table_unref (self->downloads);

  G_OBJECT_CLASS (pr_sim_phone_parent_class)->finalize (object);
}

static void
pr_sim_phone_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  PrSimPhone *self = PR_SIM_PHONE (object);

  switch (prop_id)
    {
    case PROP_MAC:
      g_value_set_string (value, self->mac);
      break;
    case PROP_LOCAL_ADDRESS:
      g_value_set_string (value, self->local_address);
      break;
    case PROP_BOOTROM_VERSION:
      g_value_set_string (value, self->bootrom_version);
      break;
    case PROP_APP_VERSION:
      g_value_set_string (value, self->app_version);
      break;
    case PROP_OUTCOME:
      g_value_set_enum (value, self->outcome);
      break;
    case PROP_REASON:
      g_value_set_string (value, self->reason);
      break;
    case PROP_BOOT_CYCLES:
      g_value_set_uint (value, self->boot_cycles);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pr_sim_phone_class_init (PrSimPhoneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = pr_sim_phone_dispose;
  object_class->finalize = pr_sim_phone_finalize;
  object_class->get_property = pr_sim_phone_get_property;

  properties[PROP_MAC] = g_param_spec_string ("mac", NULL, NULL, NULL, flags);
  properties[PROP_LOCAL_ADDRESS] = g_param_spec_string ("local-address", NULL, NULL, NULL, flags);
  properties[PROP_BOOTROM_VERSION] = g_param_spec_string ("bootrom-version", NULL, NULL, NULL, flags);
  properties[PROP_APP_VERSION] = g_param_spec_string ("app-version", NULL, NULL, NULL, flags);
  properties[PROP_OUTCOME] = g_param_spec_enum ("outcome", NULL, NULL, PR_SIM_TYPE_OUTCOME,
                                                PR_SIM_OUTCOME_NONE, flags);
  properties[PROP_REASON] = g_param_spec_string ("reason", NULL, NULL, NULL, flags);
  properties[PROP_BOOT_CYCLES] = g_param_spec_uint ("boot-cycles", NULL, NULL, 0, G_MAXUINT, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[REQUEST_DONE] =
    g_signal_new ("request-done",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 5,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_UINT,
                  G_TYPE_INT64,
                  G_TYPE_BOOLEAN);
}

static void
pr_sim_phone_init (PrSimPhone *self)
{
  self->boot_log = g_string_new (NULL);
  self->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) pr_sim_request_free);
  self->downloads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* Getters */

const char *
pr_sim_phone_get_mac (PrSimPhone *self)
{
  g_return_val_if_fail (PR_SIM_IS_PHONE (self), NULL);

  return self->mac;
}

const char *
pr_sim_phone_get_local_address (PrSimPhone *self)
{
  g_return_val_if_fail (PR_SIM_IS_PHONE (self), NULL);

  return self->local_address;
}

const char *
pr_sim_phone_get_model (PrSimPhone *self)
{
  g_return_val_if_fail (PR_SIM_IS_PHONE (self), NULL);

  return self->model;
}

const char *
pr_sim_phone_get_part (PrSimPhone *self)
{
  g_return_val_if_fail (PR_SIM_IS_PHONE (self), NULL);

  return self->part;
}

PrSimProfile
pr_sim_phone_get_profile (PrSimPhone *self)
{
  g_return_val_if_fail (PR_SIM_IS_PHONE (self), PR_SIM_PROFILE_BOOTROM);

  return self->profile;
}

const char *
pr_sim_phone_get_bootrom_version (PrSimPhone *self)
{
  g_return_val_if_fail (PR_SIM_IS_PHONE (self), NULL);

  return self->bootrom_version;
}

const char *
pr_sim_phone_get_app_version (PrSimPhone *self)
{
  g_return_val_if_fail (PR_SIM_IS_PHONE (self), NULL);

  return self->app_version;
}

PrSimOutcome
pr_sim_phone_get_outcome (PrSimPhone *self)
{
  g_return_val_if_fail (PR_SIM_IS_PHONE (self), PR_SIM_OUTCOME_NONE);

  return self->outcome;
}

const char *
pr_sim_phone_get_reason (PrSimPhone *self)
{
  g_return_val_if_fail (PR_SIM_IS_PHONE (self), NULL);

  return self->reason;
}

guint
pr_sim_phone_get_boot_cycles (PrSimPhone *self)
{
  g_return_val_if_fail (PR_SIM_IS_PHONE (self), 0);

  return self->boot_cycles;
}

GPtrArray *
pr_sim_phone_get_requests (PrSimPhone *self)
{
  g_return_val_if_fail (PR_SIM_IS_PHONE (self), NULL);

  return self->requests;
}

GHashTable *
pr_sim_phone_get_downloads (PrSimPhone *self)
{
  g_return_val_if_fail (PR_SIM_IS_PHONE (self), NULL);

  return self->downloads;
}
