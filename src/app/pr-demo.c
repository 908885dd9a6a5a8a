/* pr-demo.c — a synthetic firmware store and simulated phones
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#ifdef __linux__
#include <sys/resource.h>
#include <unistd.h>
#endif

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

/* The simulated phones run on a thread of their own, with its own main
 * context: 500 phones' I/O on the window's main context starved its redraws
 * (issue 6). Every PrSimPhone, its SoupSession and the cancellable are made,
 * run and freed on that thread; the UI thread only posts batches and the
 * stop request to it, and hears back "a phone finished". On Linux the thread
 * runs at nice 10, so on a busy machine the window's frames come first. */
typedef struct {
  gatomicrefcount  ref_count;
  GMainContext    *context;       /* the phones' context */
  GMainLoop       *loop;
  GThread         *thread;
  GMainContext    *ui_context;    /* where PrDemo lives */

  /* UI thread only */
  PrDemo          *demo;          /* NULL once stopped */

  /* worker thread only */
  GCancellable    *cancellable;
  GPtrArray       *phones;
  GPtrArray       *pending;       /* start sources not yet fired */
  guint            n_running;     /* phones made and not finished */
  gboolean         stopping;
} DemoWorker;

/* One pr_demo_start() call, as the worker makes it */
typedef struct {
  DemoWorker *worker;
  char       *server_url;
  guint       first_index;
  guint       count;
  guint       n_failing;
  guint64     rate_limit;
  guint       reboot_delay_ms;
  guint       stagger_ms;
} DemoBatch;

/* How long pr_demo_stop() waits for cancelled phones to wind down */
#define DEMO_STOP_TIMEOUT_MS 3000

struct _PrDemo
{
  GObject       parent_instance;

  char         *dir;
  char         *store_root;
  char         *uploads_dir;
  guint64       rate_limit;
  guint         reboot_delay_ms;
  guint         stagger_ms;
  guint         n_started;    /* phones asked for, over every pr_demo_start() */
  guint         n_running;    /* started and not reported finished */
  DemoWorker   *worker;       /* from the first pr_demo_start() to pr_demo_stop() */
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

/* Posting work from one thread's context to the other's */

static void
post (GMainContext   *context,
      GSourceFunc     func,
      gpointer        data,
      GDestroyNotify  notify)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, notify);
  g_source_set_static_name (source, "[phone-rescue] demo");
  g_source_attach (source, context);
}

static DemoWorker *
demo_worker_ref (DemoWorker *worker)
{
  g_atomic_ref_count_inc (&worker->ref_count);
  return worker;
}

static void
demo_worker_unref (DemoWorker *worker)
{
  if (!g_atomic_ref_count_dec (&worker->ref_count))
    return;

  /* The thread has been joined: it freed the phones and its context */
  g_assert (worker->thread == NULL && worker->context == NULL);
  g_main_context_unref (worker->ui_context);
  g_free (worker);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DemoWorker, demo_worker_unref)

static void
demo_batch_free (DemoBatch *batch)
{
  demo_worker_unref (batch->worker);
  g_free (batch->server_url);
  g_free (batch);
}

/* UI thread: a phone finished (or could not be made) */
static gboolean
ui_phone_finished (gpointer data)
{
  DemoWorker *worker = data;
  PrDemo *self = worker->demo;

  /* pr_demo_stop() already counted it */
  if (self == NULL)
    return G_SOURCE_REMOVE;

  g_assert (self->n_running > 0);
  if (--self->n_running == 0)
    g_signal_emit (self, signals[FINISHED], 0);
  return G_SOURCE_REMOVE;
}

/* Worker thread from here to the UI thread's pr_demo_start() */

static void
worker_phone_finished (DemoWorker *worker)
{
  g_assert (worker->n_running > 0);
  worker->n_running--;
  post (worker->ui_context, ui_phone_finished, demo_worker_ref (worker),
        (GDestroyNotify) demo_worker_unref);

  if (worker->stopping && worker->n_running == 0)
    g_main_loop_quit (worker->loop);
}

static void
phone_done (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  DemoWorker *worker = data;
  g_autoptr(GError) error = NULL;

  pr_sim_phone_run_finish (PR_SIM_PHONE (source), result, &error);
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("Simulated phone %s: %s", pr_sim_phone_get_mac (PR_SIM_PHONE (source)), error->message);

  worker_phone_finished (worker);
}

static gboolean
start_phone_cb (gpointer data)
{
  PrSimPhone *phone = data;
  DemoWorker *worker = g_object_get_data (G_OBJECT (phone), "pr-demo-worker");

  g_ptr_array_remove_fast (worker->pending, g_main_current_source ());
  /* the worker outlives its phones' callbacks: the thread ends after them */
  pr_sim_phone_run_async (phone, worker->cancellable, phone_done, worker);
  return G_SOURCE_REMOVE;
}

static PrSimPhone *
make_phone (const DemoBatch *batch,
            guint            index,
            gboolean         failing)
{
  const DemoModel *model = &demo_models[index % G_N_ELEMENTS (demo_models)];
  g_autofree char *address = pr_sim_fleet_nth_address (PR_SIM_FLEET_DEFAULT_ADDRESS, index);
  g_autofree char *mac = pr_sim_fleet_nth_mac (PR_SIM_DEFAULT_MAC, index);
  g_autoptr(GError) error = NULL;
  PrSimPhoneOptions options;
  PrSimPhone *phone;

  pr_sim_phone_options_init (&options, model->profile);
  options.server_url = batch->server_url;
  options.local_address = address;
  options.mac = mac;
  options.model = model->model;
  options.part = model->part;
  options.fault = failing ? PR_SIM_FAULT_CUT_ALWAYS : model->fault;
  options.rate_limit = batch->rate_limit;
  options.skip_checksums = TRUE;   /* nobody compares them here */
  options.reboot_delay_ms = batch->reboot_delay_ms;

  phone = pr_sim_phone_new (&options, &error);
  if (phone == NULL)
    g_warning ("Cannot make simulated phone %u: %s", index, error->message);
  return phone;
}

static void
schedule_phone (DemoWorker *worker,
                PrSimPhone *phone,
                guint       delay_ms)
{
  g_autoptr(GSource) source = g_timeout_source_new (delay_ms);

  g_object_set_data (G_OBJECT (phone), "pr-demo-worker", worker);
  g_source_set_callback (source, start_phone_cb, phone, NULL);
  g_source_set_static_name (source, "[phone-rescue] demo phone start");
  g_source_attach (source, worker->context);
  g_ptr_array_add (worker->pending, source);
}

static gboolean
worker_start_batch (gpointer data)
{
  DemoBatch *batch = data;
  DemoWorker *worker = batch->worker;

  for (guint i = 0; i < batch->count; i++)
    {
      PrSimPhone *phone;

      worker->n_running++;
      if (worker->stopping)
        {
          worker_phone_finished (worker);
          continue;
        }
      /* the sessions bind to this thread's context, pushed by worker_thread() */
      phone = make_phone (batch, batch->first_index + i, i + batch->n_failing >= batch->count);
      if (phone == NULL)
        {
          worker_phone_finished (worker);
          continue;
        }
      g_ptr_array_add (worker->phones, phone);
      schedule_phone (worker, phone, i * batch->stagger_ms);
    }
  return G_SOURCE_REMOVE;
}

static gboolean
worker_stop_timed_out (gpointer data)
{
  DemoWorker *worker = data;

  g_warning ("%u simulated phones did not stop within %u ms", worker->n_running, DEMO_STOP_TIMEOUT_MS);
  g_main_loop_quit (worker->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
worker_stop (gpointer data)
{
  DemoWorker *worker = data;
  g_autoptr(GSource) timeout = NULL;

  worker->stopping = TRUE;

  /* phones not started yet: nothing to wind down */
  while (worker->pending->len > 0)
    {
      GSource *source = g_ptr_array_steal_index_fast (worker->pending, worker->pending->len - 1);

      g_source_destroy (source);
      worker->n_running--;
    }

  /* here, so that the cancellation handlers run on this thread */
  g_cancellable_cancel (worker->cancellable);
  if (worker->n_running == 0)
    {
      g_main_loop_quit (worker->loop);
      return G_SOURCE_REMOVE;
    }

  timeout = g_timeout_source_new (DEMO_STOP_TIMEOUT_MS);
  g_source_set_callback (timeout, worker_stop_timed_out, worker, NULL);
  g_source_attach (timeout, worker->context);
  return G_SOURCE_REMOVE;
}

/* The phones are a simulation: when the CPU is short, the window goes first */
static void
lower_thread_priority (void)
{
#ifdef __linux__
  /* on Linux the nice value is per thread */
  if (setpriority (PRIO_PROCESS, gettid (), 10) != 0)
    g_debug ("Cannot lower the demo phones' priority: %s", g_strerror (errno));
#endif
}

static gpointer
worker_thread (gpointer data)
{
  DemoWorker *worker = data;

  lower_thread_priority ();
  g_main_context_push_thread_default (worker->context);
  worker->cancellable = g_cancellable_new ();
  worker->phones = g_ptr_array_new_with_free_func (g_object_unref);
  worker->pending = g_ptr_array_new ();

  g_main_loop_run (worker->loop);

  /* Everything the phones made belongs to this thread: free it here. The
   * phones dropped their connections when they finished or were cancelled. */
  g_clear_pointer (&worker->pending, g_ptr_array_unref);
  g_clear_pointer (&worker->phones, g_ptr_array_unref);
  g_clear_object (&worker->cancellable);
  for (guint i = 0; i < 1000 && g_main_context_iteration (worker->context, FALSE); i++)
    ;
  /* Nobody posts here any more. Whatever is left in the context (only when
   * phones did not stop in time) is destroyed with it, on this thread too. */
  g_clear_pointer (&worker->loop, g_main_loop_unref);
  g_main_context_pop_thread_default (worker->context);
  g_clear_pointer (&worker->context, g_main_context_unref);
  return NULL;
}

/* UI thread */

static DemoWorker *
demo_worker_new (PrDemo *self)
{
  DemoWorker *worker = g_new0 (DemoWorker, 1);

  g_atomic_ref_count_init (&worker->ref_count);
  worker->context = g_main_context_new ();
  worker->loop = g_main_loop_new (worker->context, FALSE);
  worker->ui_context = g_main_context_ref_thread_default ();
  worker->demo = self;
  /* the thread borrows the UI thread's reference: demo_worker_stop() joins it first */
  worker->thread = g_thread_new ("pr-demo-phones", worker_thread, worker);
  return worker;
}

static void
demo_worker_stop (DemoWorker *worker)
{
  g_autoptr(DemoWorker) owned = worker;

  worker->demo = NULL;
  post (worker->context, worker_stop, worker, NULL);
  g_thread_join (g_steal_pointer (&worker->thread));
}

void
pr_demo_start (PrDemo     *self,
               const char *server_url,
               guint       count,
               guint       n_failing)
{
  DemoBatch *batch;

  g_return_if_fail (PR_IS_DEMO (self));
  g_return_if_fail (server_url != NULL);
  g_return_if_fail (!self->removed);

  if (count == 0)
    return;
  if (self->worker == NULL)
    self->worker = demo_worker_new (self);

  batch = g_new0 (DemoBatch, 1);
  batch->worker = demo_worker_ref (self->worker);
  batch->server_url = g_strdup (server_url);
  batch->first_index = self->n_started;
  batch->count = count;
  batch->n_failing = n_failing;
  batch->rate_limit = self->rate_limit;
  batch->reboot_delay_ms = self->reboot_delay_ms;
  batch->stagger_ms = self->stagger_ms;
  post (self->worker->context, worker_start_batch, batch, (GDestroyNotify) demo_batch_free);

  self->n_started += count;
  self->n_running += count;
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

  /* Cancel the phones and wait for their thread: nothing of theirs is left after this */
  if (self->worker != NULL)
    demo_worker_stop (g_steal_pointer (&self->worker));
  self->n_running = 0;

  /* Stop the server first: the store and uploads go now */
  if (self->dir != NULL && !self->removed)
    {
      g_autoptr(GFile) dir = g_file_new_for_path (self->dir);
      delete_tree (dir);
      self->removed = TRUE;
    }
}
