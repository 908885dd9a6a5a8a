/* test-translated-ui.c — the application window speaks German with LANGUAGE=de
 *
 * Runs the application in-process under Xvfb (tests/data/meson.build) with
 * LANGUAGE=de and the translations compiled into the build tree, and checks
 * that labels of the main window carry the German text from po/de.po, not the
 * English source strings.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pr-test-util.h"
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "pr-application.h"
#include "pr-window.h"

#define TIMEOUT_S 30

static PrApplication *app;
static PrWindow *window;

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
window_mapped (void)
{
  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window));
}

static gboolean
wait_for_window (void)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_S * G_USEC_PER_SEC;
  guint wake = g_timeout_add (50, wake_cb, NULL);

  while (!window_mapped () && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
  return window_mapped ();
}

/* A mapped label whose label text (mnemonic underscore included) is @text */
static GtkWidget *
find_label (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_translation_loaded (void)
{
  /* The catalogue from the build tree is found and has German in it */
  g_assert_cmpstr (_("Phone Rescue"), ==, "Phone Rescue");
  g_assert_cmpstr (_("_Start Rescue Server"), ==, "Rettungsserver _starten");
  g_assert_cmpstr (_("Drop a Firmware Zip Here"), ==, "Firmware-ZIP-Datei hier ablegen");
}

static void
test_window_labels (void)
{
  g_autoptr(GError) error = NULL;

  app = pr_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));
  window = PR_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);
  g_assert_true (wait_for_window ());

  /* An empty store: the status page asks for firmware, in German */
  g_assert_cmpstr (pr_window_get_phones_state (window), ==, "no-firmware");
  g_assert_nonnull (find_label (GTK_WIDGET (window), "Firmware-ZIP-Datei hier ablegen"));
  g_assert_null (find_label (GTK_WIDGET (window), "Drop a Firmware Zip Here"));

  /* The header bar's main button */
  g_assert_nonnull (find_label (GTK_WIDGET (window), "Rettungsserver _starten"));
  g_assert_null (find_label (GTK_WIDGET (window), "_Start Rescue Server"));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *data_home = NULL;
  int status;

  /* gettext ignores LANGUAGE in the "C" locale, not in C.UTF-8 */
  g_setenv ("LANGUAGE", "de", TRUE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, TEST_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("GSETTINGS_SCHEMA_DIR", TEST_SCHEMA_DIR, TRUE);
  g_setenv ("PHONE_RESCUE_TEST", "1", TRUE);
  g_setenv ("GTK_A11Y", "none", TRUE);
  /* Xvfb's display, never a session's Wayland display */
  g_setenv ("GDK_BACKEND", "x11", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  tmp = g_dir_make_tmp ("phone-rescue-i18n-XXXXXX", &error);
  g_assert_no_error (error);
  /* An empty store of our own, never the user's */
  data_home = g_build_filename (tmp, "data", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/i18n/catalogue", test_translation_loaded);
  g_test_add_func ("/i18n/window", test_window_labels);
  status = g_test_run ();

  /* The window is left to the process exit: this test is about the labels'
   * language; tearing the window down is the UI suite's business. */
  g_clear_object (&app);
  pr_test_remove_tree (tmp);
  return status;
}
