/* pr-session.c — the store, the phones and the server, wired for the window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "pr-catalog.h"
#include "pr-session.h"

struct _PrSession
{
  GObject          parent_instance;

  GSettings       *settings;
  PrPhoneRegistry *registry;
  PrFirmwareStore *store;
  PrServer        *server;        /* made at the first start, kept while the store stays */
  gboolean         running;
  char            *store_root_override;
  char            *uploads_dir;
  char            *address;
  guint            port;
};

G_DEFINE_FINAL_TYPE (PrSession, pr_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_SERVER,
  PROP_RUNNING,
  N_PROPS
};

enum {
  REQUEST_FINISHED,
  FIRMWARE_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static char *
store_root_from_settings (PrSession *self)
{
  g_autofree char *location = NULL;

  if (self->store_root_override != NULL)
    return g_strdup (self->store_root_override);
  location = g_settings_get_string (self->settings, "store-location");
  if (location[0] != '\0')
    return g_steal_pointer (&location);
  return pr_firmware_store_default_root ();
}

static void
on_request_finished (PrSession       *self,
                     PrRequestRecord *record,
                     gboolean         from_phone);

/* The server serves one store: a new store needs a new server */
static void
drop_server (PrSession *self)
{
  g_assert (!self->running);

  if (self->server == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->server, self);
  g_clear_object (&self->server);
}

static PrServer *
ensure_server (PrSession *self)
{
  PrCatalog *catalog = pr_catalog_get_default ();

  if (self->server != NULL)
    return self->server;

  self->server = pr_server_new (self->store, self->registry);
  pr_server_set_uploads_dir (self->server, self->uploads_dir);
  /* The phones' boot-log failure lines, and which BootROM each release needs */
  if (catalog != NULL)
    pr_server_set_catalog (self->server, catalog);
  g_signal_connect_object (self->server, "request-finished", G_CALLBACK (on_request_finished),
                           self, G_CONNECT_SWAPPED);
  return self->server;
}

static void
open_store (PrSession *self)
{
  g_autofree char *root = store_root_from_settings (self);
  g_autoptr(GError) error = NULL;
  PrFirmwareStore *store;

  store = pr_firmware_store_new (root, &error);
  if (store == NULL)
    g_warning ("Cannot open the firmware store %s: %s", root, error->message);
  else
    pr_firmware_store_set_keep_master_config (store,
        g_settings_get_boolean (self->settings, "keep-master-config"));

  drop_server (self);
  g_clear_object (&self->store);
  self->store = store;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
  g_signal_emit (self, signals[FIRMWARE_CHANGED], 0);
}

static void
reopen_store_if_moved (PrSession *self)
{
  g_autofree char *root = store_root_from_settings (self);

  if (self->store == NULL || g_strcmp0 (root, pr_firmware_store_get_root (self->store)) != 0)
    open_store (self);
}

static void
on_settings_changed (PrSession  *self,
                     const char *key)
{
  if (g_str_equal (key, "store-location"))
    {
      /* A running server keeps its store; the new one is used at the next start. */
      if (!self->running)
        open_store (self);
    }
  else if (g_str_equal (key, "keep-master-config") && self->store != NULL)
    {
      pr_firmware_store_set_keep_master_config (self->store,
          g_settings_get_boolean (self->settings, key));
      pr_firmware_store_invalidate (self->store);
    }
  else if (g_str_equal (key, "upload-cap") && self->running)
    pr_server_set_upload_limit (self->server, g_settings_get_uint (self->settings, key));
}

static void
on_request_finished (PrSession       *self,
                     PrRequestRecord *record,
                     gboolean         from_phone)
{
  g_signal_emit (self, signals[REQUEST_FINISHED], 0, record, from_phone);
}

static void
pr_session_dispose (GObject *object)
{
  PrSession *self = PR_SESSION (object);

  pr_session_stop (self);
  drop_server (self);
  g_clear_object (&self->store);
  g_clear_object (&self->registry);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (pr_session_parent_class)->dispose (object);
}

static void
pr_session_finalize (GObject *object)
{
  PrSession *self = PR_SESSION (object);

  g_free (self->store_root_override);
  g_free (self->uploads_dir);
  g_free (self->address);

  G_OBJECT_CLASS (pr_session_parent_class)->finalize (object);
}

static void
pr_session_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  PrSession *self = PR_SESSION (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_SERVER:
      g_value_set_object (value, pr_session_get_server (self));
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pr_session_class_init (PrSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pr_session_dispose;
  object_class->finalize = pr_session_finalize;
  object_class->get_property = pr_session_get_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, PR_TYPE_FIRMWARE_STORE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERVER] =
    g_param_spec_object ("server", NULL, NULL, PR_TYPE_SERVER,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[REQUEST_FINISHED] =
    g_signal_new ("request-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  PR_TYPE_REQUEST_RECORD, G_TYPE_BOOLEAN);
  signals[FIRMWARE_CHANGED] =
    g_signal_new ("firmware-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
pr_session_init (PrSession *self)
{
  self->registry = pr_phone_registry_new ();
}

PrSession *
pr_session_new (GSettings  *settings,
                const char *store_root,
                const char *uploads_dir)
{
  PrSession *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (PR_TYPE_SESSION, NULL);
  self->settings = g_object_ref (settings);
  self->store_root_override = g_strdup (store_root);
  self->uploads_dir = uploads_dir ? g_strdup (uploads_dir) : pr_server_default_uploads_dir ();
  g_signal_connect_object (settings, "changed", G_CALLBACK (on_settings_changed),
                           self, G_CONNECT_SWAPPED);
  open_store (self);

  return self;
}

GSettings *
pr_session_get_settings (PrSession *self)
{
  g_return_val_if_fail (PR_IS_SESSION (self), NULL);
  return self->settings;
}

PrPhoneRegistry *
pr_session_get_registry (PrSession *self)
{
  g_return_val_if_fail (PR_IS_SESSION (self), NULL);
  return self->registry;
}

PrFirmwareStore *
pr_session_get_store (PrSession *self)
{
  g_return_val_if_fail (PR_IS_SESSION (self), NULL);
  return self->store;
}

const char *
pr_session_get_store_root (PrSession *self)
{
  g_return_val_if_fail (PR_IS_SESSION (self), NULL);
  return self->store ? pr_firmware_store_get_root (self->store) : NULL;
}

const char *
pr_session_get_uploads_dir (PrSession *self)
{
  g_return_val_if_fail (PR_IS_SESSION (self), NULL);
  return self->uploads_dir;
}

PrServer *
pr_session_get_server (PrSession *self)
{
  g_return_val_if_fail (PR_IS_SESSION (self), NULL);
  return self->running ? self->server : NULL;
}

gboolean
pr_session_get_running (PrSession *self)
{
  g_return_val_if_fail (PR_IS_SESSION (self), FALSE);
  return self->running;
}

const char *
pr_session_get_address (PrSession *self)
{
  g_return_val_if_fail (PR_IS_SESSION (self), NULL);
  return self->running ? self->address : NULL;
}

guint
pr_session_get_port (PrSession *self)
{
  g_return_val_if_fail (PR_IS_SESSION (self), 0);
  return self->running ? self->port : 0;
}

char *
pr_session_dup_phone_address (PrSession *self)
{
  g_return_val_if_fail (PR_IS_SESSION (self), NULL);
  if (!self->running)
    return NULL;
  return pr_server_address_for_phone (self->address, self->port);
}

guint
pr_session_get_foreign_requests (PrSession *self)
{
  g_return_val_if_fail (PR_IS_SESSION (self), 0);
  return self->server ? pr_server_get_foreign_requests (self->server) : 0;
}

/* TRUE when the store holds at least one firmware image */
gboolean
pr_session_get_has_firmware (PrSession *self)
{
  g_return_val_if_fail (PR_IS_SESSION (self), FALSE);
  return self->store != NULL && pr_firmware_store_has_images (self->store);
}

gboolean
pr_session_start (PrSession   *self,
                  const char  *address,
                  guint        port,
                  GError     **error)
{
  PrServer *server;

  g_return_val_if_fail (PR_IS_SESSION (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);

  if (self->running)
    return TRUE;
  if (self->store == NULL)
    open_store (self);
  if (self->store == NULL)
    {
      g_set_error (error, PR_ERROR, PR_ERROR_STORE,
                   _("The firmware folder cannot be opened. Choose another one in Preferences."));
      return FALSE;
    }

  server = ensure_server (self);
  pr_server_set_upload_limit (server, g_settings_get_uint (self->settings, "upload-cap"));
  if (!pr_server_listen (server, address, port, error))
    {
      pr_server_stop (server);
      return FALSE;
    }

  g_free (self->address);
  self->address = g_strdup (address);
  self->port = pr_server_get_port (server);
  self->running = TRUE;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  return TRUE;
}

void
pr_session_stop (PrSession *self)
{
  g_return_if_fail (PR_IS_SESSION (self));

  if (!self->running)
    return;

  pr_server_stop (self->server);
  self->running = FALSE;
  pr_phone_registry_flush (self->registry);
  reopen_store_if_moved (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

void
pr_session_firmware_changed (PrSession *self)
{
  g_return_if_fail (PR_IS_SESSION (self));

  if (self->store != NULL)
    pr_firmware_store_invalidate (self->store);
  g_signal_emit (self, signals[FIRMWARE_CHANGED], 0);
}
