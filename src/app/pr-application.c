/* pr-application.c — the Phone Rescue application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <glib/gi18n.h>
#include <glib-unix.h>
#include <signal.h>

#include "pr-application.h"
#include "pr-demo.h"
#include "pr-preferences-window.h"
#include "pr-window.h"

#define SCHEMA_ID "io.github.phonerescue.PhoneRescue"

struct _PrApplication
{
  AdwApplication  parent_instance;

  PrSession      *session;
  PrDemo         *demo;
  guint           demo_phones;
};

G_DEFINE_FINAL_TYPE (PrApplication, pr_application, ADW_TYPE_APPLICATION)

/* --demo takes an optional count, which GVariantDict options cannot express */
static int demo_count = -1;

static gboolean
parse_demo (const char  *option_name,
            const char  *value,
            gpointer     data,
            GError     **error)
{
  guint64 count = PR_DEMO_DEFAULT_PHONES;

  if (value != NULL && !g_ascii_string_to_unsigned (value, 10, 1, 500, &count, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--demo takes a number of phones from 1 to 500, not “%s”"), value);
      return FALSE;
    }
  demo_count = (int) count;
  return TRUE;
}

static const GOptionEntry option_entries[] = {
  { "demo", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, parse_demo,
    N_("Show the whole rescue with simulated phones on this computer (default 6)"), N_("COUNT") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
  { NULL }
};

static int
pr_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  PrApplication *self = PR_APPLICATION (app);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("phone-rescue %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (demo_count > 0)
    {
      self->demo_phones = (guint) demo_count;
      /* A demo never hands over to, or takes over, a running instance. */
      g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);
    }
  return -1;
}

static GSettings *
make_settings (PrApplication *self)
{
  g_autoptr(GSettingsBackend) backend = NULL;

  if (self->demo_phones == 0)
    return g_settings_new (SCHEMA_ID);
  /* The demo's choices (loopback, an ephemeral port) must not stick. */
  backend = g_memory_settings_backend_new ();
  return g_settings_new_with_backend (SCHEMA_ID, backend);
}

static void
start_demo (PrApplication *self)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) urls = NULL;

  if (!pr_session_start (self->session, "127.0.0.1", 0, &error))
    {
      g_warning ("Cannot start the demo server: %s", error->message);
      return;
    }
  g_settings_set_uint (pr_session_get_settings (self->session), "port",
                       pr_session_get_port (self->session));
  urls = pr_server_get_urls (pr_session_get_server (self->session));
  /* A big demo starts its phones faster, within about ten seconds */
  if (self->demo_phones > 10)
    pr_demo_set_pace (self->demo, 384 * 1024, 1500, 10000 / self->demo_phones);
  pr_demo_start (self->demo, urls[0], self->demo_phones, self->demo_phones >= 7 ? 1 : 0);
}

static void
make_session (PrApplication *self)
{
  g_autoptr(GSettings) settings = make_settings (self);
  g_autoptr(GError) error = NULL;

  if (self->demo_phones > 0)
    {
      self->demo = pr_demo_new (0, 0, &error);
      if (self->demo == NULL)
        g_warning ("Cannot prepare the demo: %s", error->message);
    }
  if (self->demo != NULL)
    self->session = pr_session_new (settings, pr_demo_get_store_root (self->demo),
                                    pr_demo_get_uploads_dir (self->demo));
  else
    self->session = pr_session_new (settings, NULL, NULL);
}

static void
show_preferences (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       data)
{
  PrApplication *self = data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  gtk_window_present (GTK_WINDOW (pr_preferences_window_new (window, self->session)));
}

static void
show_about (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       data)
{
  PrApplication *self = data;
  static const char *developers[] = { "Phone Rescue developers", NULL };
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  adw_show_about_window (window,
                         "application-name", _("Phone Rescue"),
                         "application-icon", APP_ID,
                         "developer-name", "Phone Rescue developers",
                         "developers", developers,
                         "version", PACKAGE_VERSION,
                         "website", "https://github.com/phonerescue/PhoneRescue",
                         "issue-url", "https://github.com/phonerescue/PhoneRescue/issues",
                         "comments", _("Bring bricked Polycom SoundPoint IP phones back to life over the network."),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "copyright", "© Phone Rescue developers",
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
quit (GSimpleAction *action,
      GVariant      *parameter,
      gpointer       data)
{
  GtkApplication *app = data;
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (app));

  /* Close the windows (they save their size), then quit */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_application_quit (G_APPLICATION (app));
}

static const GActionEntry app_actions[] = {
  { "preferences", show_preferences },
  { "about", show_about },
  { "quit", quit },
};

static void
set_accels (GtkApplication *app)
{
  static const struct { const char *action; const char *accels[3]; } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "window.close", { "<Control>w", NULL } },
    { "win.toggle-server", { "<Control>r", NULL } },
    { "win.import-firmware", { "<Control>o", NULL } },
    { "win.export-report", { "<Control>e", NULL } },
    { "win.copy-phone-address", { "<Control><Shift>c", NULL } },
    { "win.show-page::phones", { "<Alt>1", NULL } },
    { "win.show-page::setup", { "<Alt>2", "F1", NULL } },
    { "win.show-page::firmware", { "<Alt>3", NULL } },
    { "win.show-page::log", { "<Alt>4", NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (app, accels[i].action, accels[i].accels);
}

/* Ctrl+C in a terminal (or kill) quits cleanly: the server stops, a demo's
 * temporary files go */
static gboolean
quit_on_signal (gpointer data)
{
  g_application_quit (G_APPLICATION (data));
  return G_SOURCE_CONTINUE;
}

static void
pr_application_startup (GApplication *app)
{
  PrApplication *self = PR_APPLICATION (app);

  G_APPLICATION_CLASS (pr_application_parent_class)->startup (app);

  g_unix_signal_add (SIGINT, quit_on_signal, app);
  g_unix_signal_add (SIGTERM, quit_on_signal, app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  set_accels (GTK_APPLICATION (app));
  make_session (self);
}

static void
pr_application_activate (GApplication *app)
{
  PrApplication *self = PR_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  gboolean first = window == NULL;

  if (first)
    window = GTK_WINDOW (pr_window_new (self));
  gtk_window_present (window);
  if (first && self->demo != NULL)
    start_demo (self);
}

static void
pr_application_shutdown (GApplication *app)
{
  PrApplication *self = PR_APPLICATION (app);

  if (self->session != NULL)
    pr_session_stop (self->session);
  if (self->demo != NULL)
    pr_demo_stop (self->demo);

  G_APPLICATION_CLASS (pr_application_parent_class)->shutdown (app);

  g_clear_object (&self->session);
  g_clear_object (&self->demo);
}

static void
pr_application_class_init (PrApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->handle_local_options = pr_application_handle_local_options;
  app_class->startup = pr_application_startup;
  app_class->activate = pr_application_activate;
  app_class->shutdown = pr_application_shutdown;
}

static void
pr_application_init (PrApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
}

PrApplication *
pr_application_new (void)
{
  GApplicationFlags flags = G_APPLICATION_DEFAULT_FLAGS;

  if (g_getenv ("PHONE_RESCUE_TEST") != NULL)
    flags |= G_APPLICATION_NON_UNIQUE;
  return g_object_new (PR_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", flags,
                       "resource-base-path", "/io/github/phonerescue/PhoneRescue",
                       NULL);
}

PrSession *
pr_application_get_session (PrApplication *self)
{
  g_return_val_if_fail (PR_IS_APPLICATION (self), NULL);
  return self->session;
}

guint
pr_application_get_demo_phones (PrApplication *self)
{
  g_return_val_if_fail (PR_IS_APPLICATION (self), 0);
  return self->demo_phones;
}
