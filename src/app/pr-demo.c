/* pr-demo.c — a synthetic firmware store and simulated phones
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>

#include <glib/gstdio.h>

#include "pr-sim.h"

#include "pr-demo.h"

#define DEMO_BOOTROM_SIZE (1536 * 1024)
#define DEMO_APP_SIZE     (5 * 1024 * 1024)
#define DEMO_BOOTROM_VERSION "4.2.3.0003"
#define DEMO_APP_VERSION     "3.2.4.0267"

typedef struct {
  const char   *model;
  const char   *part;
  PrSimProfile  profile;
  PrSimFault    fault;
} DemoModel;

/* An assortment: old BootROMs, a UC Updater phone, a cut-off download that
 * recovers, and a phone that is already up to date. */
static const DemoModel demo_models[] = {
  { "SPIP_321",  "2345-12360-001", PR_SIM_PROFILE_BOOTROM,    PR_SIM_FAULT_NONE },
  { "SPIP_550",  "2345-12500-001", PR_SIM_PROFILE_BOOTROM,    PR_SIM_FAULT_CUT_ONCE },
  { "SSIP_6000", "3111-15600-001", PR_SIM_PROFILE_UPDATER,    PR_SIM_FAULT_NONE },
  { "SPIP_335",  "2345-12375-001", PR_SIM_PROFILE_BOOTROM,    PR_SIM_FAULT_NONE },
  { "SPIP_450",  "2345-12450-001", PR_SIM_PROFILE_UP_TO_DATE, PR_SIM_FAULT_NONE },
  { "SPIP_650",  "2345-12600-001", PR_SIM_PROFILE_BOOTROM,    PR_SIM_FAULT_NONE },
};

struct _PrDemo
{
  GObject       parent_instance;

  char         *dir;
  char         *store_root;
  char         *uploads_dir;
  GCancellable *cancellable;
  GPtrArray    *phones;
  guint64       rate_limit;
  guint         reboot_delay_ms;
  guint         stagger_ms;
  guint         n_running;
  GPtrArray    *pending;      /* start sources */
  gboolean      removed;      /* the temporary directory is gone */
};

G_DEFINE_FINAL_TYPE (PrDemo, pr_demo, G_TYPE_OBJECT)

enum {
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
write_random_file (const char  *path,
                   gsize        size,
                   GError     **error)
{
  g_autofree guint32 *data = g_new (guint32, size / 4 + 1);
  g_autoptr(GRand) rand = g_rand_new ();

  for (gsize i = 0; i < size / 4 + 1; i++)
    data[i] = g_rand_int (rand);
  return g_file_set_contents (path, (const char *) data, size, error);
}

gboolean
pr_demo_write_bundle (const char  *dir,
                      gsize        bootrom_size,
                      gsize        app_size,
                      GError     **error)
{
  g_autofree char *bootrom = g_build_filename (dir, "bootrom.ld", NULL);
  g_autofree char *app = g_build_filename (dir, "sip.ld", NULL);
  g_autofree char *sip_cfg = g_build_filename (dir, "sip.cfg", NULL);
  g_autofree char *sip_ver = g_build_filename (dir, "sip.ver", NULL);
  g_autofree char *bootrom_ver = g_build_filename (dir, "bootrom.ver", NULL);
  static const char cfg[] =
    "<?xml version=\"1.0\" standalone=\"yes\"?>\n"
    "<sip><voIpProt><server voIpProt.server.1.address=\"\"/></voIpProt></sip>\n";

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot create %s: %s", dir, g_strerror (saved));
      return FALSE;
    }
  return write_random_file (bootrom, bootrom_size ? bootrom_size : DEMO_BOOTROM_SIZE, error) &&
         write_random_file (app, app_size ? app_size : DEMO_APP_SIZE, error) &&
         g_file_set_contents (sip_cfg, cfg, -1, error) &&
         g_file_set_contents (sip_ver, DEMO_APP_VERSION "\n", -1, error) &&
         g_file_set_contents (bootrom_ver, DEMO_BOOTROM_VERSION "\n", -1, error);
}

static void
delete_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children = NULL;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL)
    {
      GFile *child = NULL;

      if (!g_file_enumerator_iterate (children, NULL, &child, NULL, NULL) || child == NULL)
        break;
      delete_tree (child);
    }
  g_file_delete (file, NULL, NULL);
}

static void
pr_demo_dispose (GObject *object)
{
  PrDemo *self = PR_DEMO (object);

  pr_demo_stop (self);
  g_clear_pointer (&self->phones, g_ptr_array_unref);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (pr_demo_parent_class)->dispose (object);
}

static void
pr_demo_finalize (GObject *object)
{
  PrDemo *self = PR_DEMO (object);

  g_free (self->dir);
  g_free (self->store_root);
  g_free (self->uploads_dir);

  G_OBJECT_CLASS (pr_demo_parent_class)->finalize (object);
}

static void
pr_demo_class_init (PrDemoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pr_demo_dispose;
  object_class->finalize = pr_demo_finalize;

  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
pr_demo_init (PrDemo *self)
{
  self->cancellable = g_cancellable_new ();
  self->phones = g_ptr_array_new_with_free_func (g_object_unref);
  self->pending = g_ptr_array_new ();
  self->rate_limit = 384 * 1024;
  self->reboot_delay_ms = 1500;
  self->stagger_ms = 900;
}

PrDemo *
pr_demo_new (gsize    bootrom_size,
             gsize    app_size,
             GError **error)
{
  g_autoptr(PrDemo) self = g_object_new (PR_TYPE_DEMO, NULL);
  g_autofree char *dir = g_dir_make_tmp ("phone-rescue-demo-XXXXXX", error);

  if (dir == NULL)
    return NULL;
  self->dir = g_steal_pointer (&dir);
  self->store_root = g_build_filename (self->dir, "firmware", NULL);
  self->uploads_dir = g_build_filename (self->dir, "uploads", NULL);
  if (!pr_demo_write_bundle (self->store_root, bootrom_size, app_size, error))
    return NULL;
  return g_steal_pointer (&self);
}

const char *
pr_demo_get_dir (PrDemo *self)
{
  g_return_val_if_fail (PR_IS_DEMO (self), NULL);
  return self->dir;
}

const char *
pr_demo_get_store_root (PrDemo *self)
{
  g_return_val_if_fail (PR_IS_DEMO (self), NULL);
  return self->store_root;
}

const char *
pr_demo_get_uploads_dir (PrDemo *self)
{
  g_return_val_if_fail (PR_IS_DEMO (self), NULL);
  return self->uploads_dir;
}

void
pr_demo_set_pace (PrDemo  *self,
                  guint64  rate_limit,
                  guint    reboot_delay_ms,
                  guint    stagger_ms)
{
  g_return_if_fail (PR_IS_DEMO (self));

  self->rate_limit = rate_limit;
  self->reboot_delay_ms = reboot_delay_ms;
  self->stagger_ms = stagger_ms;
}

static void
phone_done (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(PrDemo) self = data;
  g_autoptr(GError) error = NULL;

  pr_sim_phone_run_finish (PR_SIM_PHONE (source), result, &error);
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("Simulated phone %s: %s", pr_sim_phone_get_mac (PR_SIM_PHONE (source)), error->message);

  if (--self->n_running == 0)
    g_signal_emit (self, signals[FINISHED], 0);
}

static gboolean
start_phone_cb (gpointer data)
{
  PrSimPhone *phone = data;
  PrDemo *self = g_object_get_data (G_OBJECT (phone), "pr-demo");

  g_ptr_array_remove (self->pending, phone);
  pr_sim_phone_run_async (phone, self->cancellable, phone_done, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static PrSimPhone *
make_phone (PrDemo     *self,
            const char *server_url,
            guint       index,
            gboolean    failing)
{
  const DemoModel *model = &demo_models[index % G_N_ELEMENTS (demo_models)];
  g_autofree char *address = pr_sim_fleet_nth_address (PR_SIM_FLEET_DEFAULT_ADDRESS, index);
  g_autofree char *mac = pr_sim_fleet_nth_mac (PR_SIM_DEFAULT_MAC, index);
  g_autoptr(GError) error = NULL;
  PrSimPhoneOptions options;
  PrSimPhone *phone;

  pr_sim_phone_options_init (&options, model->profile);
  options.server_url = server_url;
  options.local_address = address;
  options.mac = mac;
  options.model = model->model;
  options.part = model->part;
  options.fault = failing ? PR_SIM_FAULT_CUT_ALWAYS : model->fault;
  options.rate_limit = self->rate_limit;
  options.skip_checksums = TRUE;   /* nobody compares them here, and hashing runs on the UI thread */
  options.reboot_delay_ms = self->reboot_delay_ms;

  phone = pr_sim_phone_new (&options, &error);
  if (phone == NULL)
    g_warning ("Cannot make simulated phone %u: %s", index, error->message);
  return phone;
}

void
pr_demo_start (PrDemo     *self,
               const char *server_url,
               guint       count,
               guint       n_failing)
{
  g_return_if_fail (PR_IS_DEMO (self));
  g_return_if_fail (server_url != NULL);

  for (guint i = 0; i < count; i++)
    {
      guint index = self->phones->len;
      PrSimPhone *phone = make_phone (self, server_url, index, i + n_failing >= count);

      if (phone == NULL)
        continue;
      g_ptr_array_add (self->phones, phone);
      g_object_set_data (G_OBJECT (phone), "pr-demo", self);
      self->n_running++;
      g_ptr_array_add (self->pending, phone);
      g_timeout_add_full (G_PRIORITY_DEFAULT, i * self->stagger_ms, start_phone_cb,
                          phone, NULL);
    }
}

guint
pr_demo_get_n_running (PrDemo *self)
{
  g_return_val_if_fail (PR_IS_DEMO (self), 0);
  return self->n_running;
}

void
pr_demo_stop (PrDemo *self)
{
  g_return_if_fail (PR_IS_DEMO (self));

  for (guint i = 0; i < self->pending->len; i++)
    g_source_remove_by_user_data (g_ptr_array_index (self->pending, i));
  self->n_running -= MIN (self->n_running, self->pending->len);
  g_ptr_array_set_size (self->pending, 0);
  g_cancellable_cancel (self->cancellable);

  /* Stop the server first: the store and uploads go now */
  if (self->dir != NULL && !self->removed)
    {
      g_autoptr(GFile) dir = g_file_new_for_path (self->dir);
      delete_tree (dir);
      self->removed = TRUE;
    }
}
